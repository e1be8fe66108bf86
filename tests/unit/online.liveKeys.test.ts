import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm, listAlgorithms } from '../../src/core/algos/registry';
import { generateDataset } from '../../src/core/data/generate';
import { runSchema } from '../../src/core/run/runSettings';
import { Trainer } from '../../src/core/run/trainer';
import { train } from './helpers/algoRuns';
import { quietKeys } from './helpers/liveKeys';
import { useBackend } from './helpers/tfNode';

// The online twin of liveKeys.test.ts: every setting an online algorithm marks live (epsilon and its schedule, learning
// rates, entropy coefficient, clip range, target update, GAE lambda, the update-to-data ratio), and the offline share
// of fine-tuning, changed mid-run changes the next updates. Acting settings reach the updates through the rows they
// collect, so the runs are tiny and act between every few updates.
beforeAll(() => useBackend('wasm'));

/** Datasets that keep their environment: the runs act in it. */
const cartpole = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 300, seed: 2 });
const pendulum = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'medium', weight: 1 }, { policy: 'random', weight: 1 }], transitions: 600, seed: 2 });

/** Small nets, small batches, and acting between every few updates, so that a change shows within a few updates. */
const SMALL: Record<string, Record<string, unknown>> = {
  'dqn-online': { learningStarts: 16, trainFrequency: 4, gradientSteps: 2, bufferSize: 1000 },
  ppo: { numEnvs: 2, numSteps: 16, epochs: 2 },
  'sac-online': { learningStarts: 16, trainFrequency: 1, gradientSteps: 1, bufferSize: 1000 },
};
const COMMON = { hidden: '32,32', batchSize: 16, updatesPerEval: 1_000_000, totalEnvSteps: 100_000 };

/**
 * Keys whose effect is a bound that early updates never reach: tried where it binds. PPO's value clip acts only where V
 * moved more than the clip range from its rollout value, which the default 0.2 does not bind in the first updates.
 */
const WHERE_IT_BINDS: Record<string, Record<string, unknown>> = { clipValue: { clipRange: 0.01 } };

/** totalEnvSteps only says when the run stops (checked below); DQN's epsilon schedule also reads it. */
const ENDS_THE_RUN = 'totalEnvSteps';

const online = listAlgorithms().filter((a) => (a.experience ?? 'offline') !== 'offline');

describe('every live setting of every online algorithm changes the next updates', () => {
  it('covers every online algorithm', () => {
    expect(online.map((a) => a.id).sort()).toEqual(Object.keys(SMALL).sort());
  });

  for (const algo of online) {
    const liveKeys = algo.hyperparameters.filter((p) => p.live && p.key !== ENDS_THE_RUN);
    it(`${algo.name}: ${liveKeys.map((p) => p.key).join(', ')}`, async () => {
      const data = algo.actions.includes('continuous') ? pendulum : cartpole;
      const quiet = await quietKeys(algo.id, data, liveKeys, (p) => ({ ...COMMON, ...SMALL[algo.id], ...WHERE_IT_BINDS[p.key] }), 8);
      expect(quiet, `${algo.id}: live keys that did not change the update`).toEqual([]);
    }, 60_000);

    it(`${algo.name}: lowering the total environment steps mid-run ends it there`, async () => {
      const data = algo.actions.includes('continuous') ? pendulum : cartpole;
      const t = new Trainer({ dataset: data, algorithmId: algo.id, hyperparameters: { ...COMMON, ...SMALL[algo.id], seed: 1 } });
      try {
        await train(t, 4);
        expect(t.finished).toBe(false);
        t.setHyperparameters({ totalEnvSteps: t.envSteps });
        await t.run(1e9, 1000); // at most what is left of the current round
        expect(t.finished).toBe(true);
        const update = t.update;
        await t.run(1e9, 10);
        expect(t.update).toBe(update);
      } finally {
        t.dispose();
      }
    }, 30_000);
  }
});

describe('offline-to-online fine-tuning: the offline share and its decay change the next updates', () => {
  it('IQL on Pendulum, online from the start', async () => {
    const keys = runSchema.filter((p) => p.live && p.activeWhen?.interaction === 'online');
    expect(keys.map((p) => p.key).sort()).toEqual(['offlineShare', 'offlineShareDecaySteps']);
    expect(getAlgorithm('iql').experience ?? 'offline').toBe('offline');
    const quiet = await quietKeys('iql', pendulum, keys, () => ({ hidden: '32,32', batchSize: 16, updatesPerEval: 1_000_000 }));
    expect(quiet, 'fine-tuning keys that did not change the update').toEqual([]);
  }, 60_000);
});
