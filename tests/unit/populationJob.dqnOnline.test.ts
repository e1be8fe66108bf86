// Online DQN populations as jobs of a trainer worker: every member reports as a lone online run (env steps, episodes,
// updates not capped by maxUpdates), a stopped member leaves the computed population while the others go on as lone
// runs with their seeds would, and a member that leaves (pause) resumes alone from its checkpoint, replay rows included.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import { OnlinePopulationTrainer } from '../../src/core/population/onlinePopulationTrainer';
import { PopulationJob } from '../../src/core/population/populationJob';
import type { TrainingReport } from '../../src/core/run/events';
import { TrainingSession } from '../../src/core/run/session';
import { Trainer } from '../../src/core/run/trainer';
import { maxRelDiff } from './helpers/maxRelDiff';
import { beginJob, until } from './helpers/populationJobs';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

/** Only supplies the environment (CartPole-v1) and the observation statistics. */
const dataset = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 500, seed: 3 });
const algorithmId = 'dqn-online';
const TOTAL = 1200;
// maxUpdates 10 does not end an online run (its env steps do): the reports' update must go past it.
const shared = { hidden: '32,32', batchSize: 32, numEnvs: 2, learningStarts: 200, trainFrequency: 32, gradientSteps: 8, totalEnvSteps: TOTAL, targetInterval: 64, updatesPerEval: 1e6, evalEpisodes: 2, maxUpdates: 10 };
const members = [
  { ...shared, seed: 5, lr: 2.3e-3, epsilonEnd: 0.04 },
  { ...shared, seed: 9, lr: 1e-3, epsilonEnd: 0.2 },
  { ...shared, seed: 11, lr: 1.5e-3, epsilonEnd: 0.1 },
];
const ids = ['a', 'b', 'c'];
const start = { dataset, algorithmId, members: members.map((hyperparameters, k) => ({ runId: ids[k], hyperparameters })) };

/** A lone run of member k's settings trained to its end (or to `updates`). */
async function lone(k: number, updates = Number.POSITIVE_INFINITY) {
  const t = new Trainer({ dataset, algorithmId, hyperparameters: members[k] });
  const values: number[] = [];
  const episodes: number[][] = [];
  while (!t.finished && t.update < updates) {
    const tick = await t.run(1e9, updates - t.update);
    if (tick.metrics) values.push(...tick.metrics.values);
    episodes.push(...(tick.episodes ?? []).map((e) => [e.envSteps, e.return]));
  }
  return { trainer: t, values, episodes };
}

describe('an online DQN population as a job of a trainer worker', () => {
  it('reports env steps and episodes per run; a stopped member leaves and the others go on as lone runs with their seeds', async () => {
    const base = tf.memory().numTensors;
    const reports: TrainingReport[] = [];
    const sizes: number[] = [];
    const job = beginJob(start, reports, sizes);
    await until(() => reports.some((r) => r.runId === 'b' && r.update >= 16), 'sixteen updates of b');
    job.stopMember('b');
    await until(() => job.done, 'a and c to finish');
    await job.stop();
    expect(sizes).toEqual([3, 2]);
    expect(reports.filter((r) => r.runId === 'b').at(-1)!.status).toBe('stopped');
    expect(tf.memory().numTensors).toBe(base); // both populations' tensors are gone
    for (const [k, id] of [[0, 'a'], [2, 'c']] as const) {
      const mine = reports.filter((r) => r.runId === id);
      const want = await lone(k);
      try {
        expect(mine.at(-1)).toMatchObject({ status: 'finished', update: want.trainer.update, envSteps: want.trainer.envSteps });
        expect(want.trainer.update).toBeGreaterThan(10); // past maxUpdates
        expect(mine.every((r) => typeof r.envSteps === 'number')).toBe(true);
        const episodes = mine.flatMap((r) => (r.episodes ?? []).map((e) => [e.envSteps, e.return]));
        expect(episodes).toEqual(want.episodes);
        expect(episodes.length).toBeGreaterThan(TOTAL / 60);
        const values = mine.flatMap((r) => (r.metrics ? [...r.metrics.values] : []));
        expect(maxRelDiff(values, want.values), `${id}'s metrics`).toBeLessThan(2e-3);
      } finally {
        want.trainer.dispose();
      }
    }
  }, 60_000);

  it('PBT copies one member into another (weights and optimizer moments), with the explored setting as an event naming its source', async () => {
    const p = new OnlinePopulationTrainer({ dataset, algorithmId, members });
    try {
      await p.run(1e9, 16);
      const [from] = await p.checkpoints();
      p.loadMember(1, from);
      const events = p.setMemberHyperparameters(1, { lr: 5e-4 }, 'pbt: copied a');
      expect(events.map((e) => [e.key, e.to, e.source])).toEqual([['lr', 5e-4, 'pbt: copied a']]);
      const copied = (await p.checkpoints())[1];
      expect(copied.agent.weights).toEqual(from.agent.weights);
      expect(copied.optimizers).toEqual(from.optimizers);
      expect(copied.hyperparameters).toMatchObject({ seed: 9, lr: 5e-4 });
      // Member 1 keeps its own environments and replay rows.
      expect(copied.replay).not.toEqual(from.replay);
      expect(() => p.loadMember(1, { ...from, agent: { ...from.agent, algorithm: 'dqn' } })).toThrow(/checkpoint is of dqn, not dqn-online/);
      expect(() => p.loadMember(3, from)).toThrow(/member 3 is outside the population of 3/);
    } finally {
      p.dispose();
    }
  }, 60_000);

  it('a trainer worker starts it as a population job: each member reports its env steps; saving replay asks to pause first', async () => {
    const session = new TrainingSession({ tickMs: 10 });
    const reports: TrainingReport[] = [];
    try {
      await session.startPopulation({ ...start, members: start.members.slice(0, 2), backend: 'wasm' }, (r) => reports.push(r));
      await until(() => ['a', 'b'].every((id) => reports.some((r) => r.runId === id && (r.envSteps ?? 0) >= 256)), '256 env steps of a and b');
      expect(() => session.replayDataset('replay')).toThrow(/trains in a population: pause it \(it then trains alone\) to save its replay/);
    } finally {
      await session.stop();
    }
    expect(reports.filter((r) => r.runId === 'a').at(-1)!.status).toBe('stopped');
  }, 60_000);

  it('refuses to start an online population part-way (startUpdate): a paused run resumes alone', () => {
    expect(() => new PopulationJob({ ...start, startUpdate: 40 }, () => {}, 10, () => {})).toThrow(/an online population starts from scratch \(startUpdate 40\)/);
  });

  it('a member that leaves gets a lone online run checkpoint that Trainer.restore resumes alone, replay rows and env steps kept', async () => {
    const reports: TrainingReport[] = [];
    const job = beginJob(start, reports);
    await until(() => reports.some((r) => r.runId === 'c' && r.update >= 24), 'twenty-four updates of c');
    const left = await job.leave('c');
    job.stopMember('a');
    job.stopMember('b');
    await job.stop();
    expect(reports.filter((r) => r.runId === 'c').at(-1)).toMatchObject({ status: 'paused', update: left.update, envSteps: left.envSteps });
    expect(left.hyperparameters.seed).toBe(11);
    // What the lone run of c's seed holds at the same update: its env steps and every row of its buffer.
    const want = await lone(2, left.update);
    const wantCheckpoint = await want.trainer.checkpoint();
    want.trainer.dispose();
    expect(left.envSteps).toBe(wantCheckpoint.envSteps);
    expect(left.replay!.rows).toBe(left.envSteps);
    expect(left.replay).toEqual(wantCheckpoint.replay);
    expect(maxRelDiff(left.agent.weights['dqn-online/q/w0'].values, wantCheckpoint.agent.weights['dqn-online/q/w0'].values)).toBeLessThan(2e-3);
    const resumed = Trainer.restore({ dataset, algorithmId }, left);
    try {
      expect(resumed.envSteps).toBe(left.envSteps);
      expect((await resumed.checkpoint()).replay).toEqual(left.replay);
      const tick = await resumed.run(1e9, 8);
      expect(resumed.update).toBe(left.update + 8);
      expect(tick.envSteps).toBeGreaterThanOrEqual(left.envSteps!);
    } finally {
      resumed.dispose();
    }
  }, 60_000);
});
