import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import { OnlinePopulationTrainer } from '../../src/core/population/onlinePopulationTrainer';
import { PopulationTrainer } from '../../src/core/population/populationTrainer';
import { Trainer } from '../../src/core/run/trainer';
import { maxRelDiff } from './helpers/maxRelDiff';
import { expectFlatTensorCount, runLone, runPopulation, type Trace } from './helpers/onlineTraces';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

/** Only supplies the environment (CartPole-v1) and the observation statistics. */
const cartpole = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 500, seed: 3 });
const pendulum = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 200, seed: 3 });

const TOTAL = 1200;
const shared = { hidden: '32,32', batchSize: 32, numEnvs: 2, learningStarts: 200, trainFrequency: 32, gradientSteps: 8, totalEnvSteps: TOTAL, targetInterval: 64, updatesPerEval: 1e6, evalEpisodes: 2 };
const members = [
  { ...shared, seed: 5, lr: 2.3e-3, epsilonEnd: 0.04 },
  { ...shared, seed: 9, lr: 1e-3, epsilonEnd: 0.2 },
];

describe('online DQN population', () => {
  it.each([
    ['Huber loss', TOTAL, {}],
    ['dueling head, double DQN, squared loss', 640, { dueling: true, double: true, loss: 'mse' }],
  ] as const)('member k acts, collects and updates as a lone run with its seed and settings (CartPole, 2 members, %s)', async (_, total, variant) => {
    const settings = members.map((m) => ({ ...m, ...variant, totalEnvSteps: total }));
    const population = new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'dqn-online', members: settings });
    let traces: Trace[];
    try {
      traces = await runPopulation(population);
      expect(population.envSteps).toBe(64 * Math.ceil(total / 64)); // whole rounds of 32 vector steps x 2 copies
    } finally {
      population.dispose();
    }
    // Rounds of 64 steps; updates from the round that reaches 200 steps on, 8 per round.
    const rounds = Math.ceil(total / 64);
    const learningRounds = rounds - Math.ceil(200 / 64) + 1;
    for (let k = 0; k < members.length; k++) {
      const lone = new Trainer({ dataset: cartpole, algorithmId: 'dqn-online', hyperparameters: settings[k] });
      try {
        const want = await runLone(lone);
        expect(lone.envSteps).toBe(population.envSteps);
        expect(traces[k].updates).toBe(want.updates);
        expect(want.updates).toBe(8 * learningRounds);
        expect(traces[k].episodes.map((e) => [e.envSteps, e.return])).toEqual(want.episodes.map((e) => [e.envSteps, e.return]));
        expect(traces[k].episodes.length).toBeGreaterThan(total / 60);
        // Greedy evaluations at the start and at the end, on member k's own reset seeds.
        expect(traces[k].evaluations).toEqual(want.evaluations);
        expect(want.evaluations.map((e) => e[0])).toEqual([0, want.updates]);
        expect(maxRelDiff(traces[k].values, want.values), `member ${k} metrics`).toBeLessThan(2e-3);
      } finally {
        lone.dispose();
      }
    }
    // The members differ (seeds, rates, exploration): not one run copied twice.
    expect(traces[0].episodes.map((e) => e.return)).not.toEqual(traces[1].episodes.map((e) => e.return));
  }, 60_000);

  it('a live change of one member (learning rate, epsilon end) touches only that member', async () => {
    const metricsAfterChange = async (patch: Record<string, unknown> | null) => {
      const p = new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'dqn-online', members });
      try {
        await p.run(1e9, 8);
        if (patch) {
          const events = p.setMemberHyperparameters(1, patch);
          expect(events.map((e) => e.key).sort()).toEqual(Object.keys(patch).sort());
        }
        const tick = await p.run(1e9, 16);
        return tick.members.map((m) => ({ values: Array.from(m.metrics!.values), events: m.events.map((e) => e.key) }));
      } finally {
        p.dispose();
      }
    };
    const base = await metricsAfterChange(null);
    const changed = await metricsAfterChange({ lr: 0.01, epsilonEnd: 0.9 });
    expect(changed[0].values).toEqual(base[0].values);
    expect(changed[0].events).toEqual([]);
    expect(changed[1].events.sort()).toEqual(['epsilonEnd', 'lr']);
    expect(maxRelDiff(changed[1].values, base[1].values)).toBeGreaterThan(1e-2);
    // The epsilon metric (index 6): member 1's schedule now falls towards 0.9, so it is above the unchanged schedule's.
    const eps = (v: number[]) => v[v.length - 8 + 6];
    expect(eps(changed[1].values)).toBeGreaterThan(eps(base[1].values));
  }, 30_000);

  it('keeps the tensor count flat over a few hundred updates', async () => {
    await expectFlatTensorCount(new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'dqn-online', members: members.map((m) => ({ ...m, totalEnvSteps: 1e6, trainFrequency: 4, gradientSteps: 4 })) }), 300);
  }, 30_000);

  it('refuses bad input naming the problem', () => {
    expect(() => new OnlinePopulationTrainer({ dataset: pendulum, algorithmId: 'dqn-online', members })).toThrow(/DQN \(online\) does not handle continuous actions/);
    expect(() => new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'dqn-online', members: [members[0], { ...members[1], batchSize: 64 }] })).toThrow(/must share batch size \(batchSize\): member 0 has 32, member 1 has 64/);
    expect(() => new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'iql', members })).toThrow(/\(IQL\) has no online population version \(online populations: dqn-online, sac-online, ppo\)/);
    expect(() => new PopulationTrainer({ dataset: cartpole, algorithmId: 'dqn-online', members })).toThrow(/DQN \(online\) learns by interacting: its population trains with OnlinePopulationTrainer/);
    expect(() => new OnlinePopulationTrainer({ dataset: { ...cartpole, envId: null }, algorithmId: 'dqn-online', members })).toThrow(/has no environment to interact with/);
    const p = new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'dqn-online', members });
    try {
      expect(() => p.setMemberHyperparameters(0, { targetInterval: 5 })).toThrow(/target update \(env steps\) \(targetInterval\) is shared by every member/);
      expect(() => p.setMemberHyperparameters(2, { lr: 1e-3 })).toThrow(/member 2 is outside the population of 2/);
      expect(() => p.setSharedHyperparameters({ lr: 1e-3 })).toThrow(/learning rate \(lr\) differs per member/);
      // A shared change is one event in every member.
      expect(p.setSharedHyperparameters({ gradientSteps: 4 }).map((events) => events.map((e) => [e.key, e.from, e.to]))).toEqual([[['gradientSteps', 8, 4]], [['gradientSteps', 8, 4]]]);
    } finally {
      p.dispose();
    }
  });
});
