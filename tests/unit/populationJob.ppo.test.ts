// PPO populations as jobs of a trainer worker: every member reports as a lone PPO run (env steps, episodes, updates
// not capped by maxUpdates), and a stopped member leaves the computed population while the others go on, each with its
// rollout and minibatch queue, as lone runs with their seeds would.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import type { TrainingReport } from '../../src/core/run/events';
import { TrainingSession } from '../../src/core/run/session';
import { Trainer } from '../../src/core/run/trainer';
import { maxRelDiff } from './helpers/maxRelDiff';
import { runLone } from './helpers/onlineTraces';
import { beginJob, until } from './helpers/populationJobs';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

/** Only supplies the environment (CartPole-v1) and the observation statistics. */
const dataset = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 500, seed: 3 });
const algorithmId = 'ppo';
// 32 env steps and 4 updates per rollout; 12 rollouts. maxUpdates 10 does not end an online run (its env steps do).
const TOTAL = 384;
const shared = { hidden: '32,32', numEnvs: 2, numSteps: 16, epochs: 2, batchSize: 16, totalEnvSteps: TOTAL, updatesPerEval: 1e6, evalEpisodes: 2, maxUpdates: 10 };
const members = [
  { ...shared, seed: 5, lr: 3e-3 },
  { ...shared, seed: 9, lr: 1e-3, entCoef: 0.01 },
  { ...shared, seed: 11, lr: 2e-3, gaeLambda: 0.95 },
];
const ids = ['a', 'b', 'c'];
const start = { dataset, algorithmId, members: members.map((hyperparameters, k) => ({ runId: ids[k], hyperparameters })) };

describe('a PPO population as a job of a trainer worker', () => {
  it('reports env steps and episodes per run; a stopped member leaves and the others go on as lone runs with their seeds', async () => {
    const base = tf.memory().numTensors;
    const reports: TrainingReport[] = [];
    const sizes: number[] = [];
    const job = beginJob(start, reports, sizes);
    await until(() => reports.some((r) => r.runId === 'b' && r.update >= 6), 'six updates of b');
    job.stopMember('b');
    await until(() => job.done, 'a and c to finish');
    await job.stop();
    expect(sizes).toEqual([3, 2]);
    expect(reports.filter((r) => r.runId === 'b').at(-1)!.status).toBe('stopped');
    expect(tf.memory().numTensors).toBe(base); // both populations' tensors, rollouts included, are gone
    for (const [k, id] of [[0, 'a'], [2, 'c']] as const) {
      const mine = reports.filter((r) => r.runId === id);
      const trainer = new Trainer({ dataset, algorithmId, hyperparameters: members[k] });
      try {
        const want = await runLone(trainer);
        expect(mine.at(-1)).toMatchObject({ status: 'finished', update: trainer.update, envSteps: TOTAL });
        expect(trainer.update).toBe(4 * (TOTAL / 32)); // past maxUpdates
        const episodes = mine.flatMap((r) => (r.episodes ?? []).map((e) => [e.envSteps, e.return]));
        expect(episodes).toEqual(want.episodes.map((e) => [e.envSteps, e.return]));
        expect(episodes.length).toBeGreaterThan(5);
        const values = mine.flatMap((r) => (r.metrics ? [...r.metrics.values] : []));
        expect(maxRelDiff(values, want.values), `${id}'s metrics`).toBeLessThan(2e-3);
      } finally {
        trainer.dispose();
      }
    }
  }, 60_000);

  it('a trainer worker starts PPO seeds as one population job, each member reporting its env steps', async () => {
    const session = new TrainingSession({ tickMs: 10 });
    const reports: TrainingReport[] = [];
    try {
      await session.startPopulation({ ...start, members: start.members.slice(0, 2), backend: 'wasm' }, (r) => reports.push(r));
      await until(() => ['a', 'b'].every((id) => reports.some((r) => r.runId === id && (r.envSteps ?? 0) >= 128)), '128 env steps of a and b');
    } finally {
      await session.stop();
    }
    expect(reports.filter((r) => r.runId === 'a').at(-1)!.status).toBe('stopped');
  }, 60_000);
});
