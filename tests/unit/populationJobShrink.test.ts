// A population job drops members that no longer train at the next tick boundary: stopped and finished members stop
// costing compute, and the members that go on report exactly what they would have reported in the whole population.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingReport } from '../../src/core/run/events';
import { PopulationJob } from '../../src/core/population/populationJob';
import { populationNotice } from '../../src/core/population/populationNotice';
import { PopulationTrainer } from '../../src/core/population/populationTrainer';
import { offlineData } from './helpers/algoRuns';
import { trainPopulation } from './helpers/populationRuns';
import { beginJob, until } from './helpers/populationJobs';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const dataset = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 500);
const algorithmId = 'td3bc';
const settings = (seed: number, maxUpdates: number) => ({ hidden: '32,32', batchSize: 16, seed, maxUpdates });

/** Runs a job of `members` (run ids a, b, c, ...); `during` acts on it while it trains. Returns every run's metric rows (flat), its final checkpoint, and the population sizes seen. */
async function runJob(members: Record<string, unknown>[], during: (job: PopulationJob, reports: TrainingReport[]) => Promise<void>) {
  const ids = members.map((_, k) => 'abc'[k]);
  const reports: TrainingReport[] = [];
  const sizes: number[] = [];
  const job = beginJob({ dataset, algorithmId, members: members.map((hyperparameters, k) => ({ runId: ids[k], hyperparameters })) }, reports, sizes);
  await during(job, reports);
  await until(() => job.done, 'every member to end');
  await job.stop();
  const rows = Object.fromEntries(ids.map((id) => [id, reports.filter((r) => r.runId === id && r.metrics).flatMap((r) => [...r.metrics!.values])]));
  return { rows, reports, sizes, job };
}

/** The same members trained `updates` updates as one population that never drops any. */
async function wholePopulation(members: Record<string, unknown>[], updates: number) {
  const p = new PopulationTrainer({ dataset, algorithmId, members });
  try {
    return { rows: await trainPopulation(p, updates), checkpoints: await p.checkpoints() };
  } finally {
    p.dispose();
  }
}

describe('a population job drops members that no longer train', () => {
  it('a stopped member leaves the computed population; the others report what the whole population would have', async () => {
    const base = tf.memory().numTensors;
    const members = [settings(1, 40), settings(2, 1e6), settings(3, 40)];
    const { rows, reports, sizes, job } = await runJob(members, async (job, reports) => {
      await until(() => reports.some((r) => r.runId === 'b' && r.update >= 5), 'five updates of b');
      job.stopMember('b');
      await until(() => job.trainer.members === 2, 'the population to shrink to two');
      expect(job.runIds).toEqual(['a', 'c']);
      expect(job.hosts('b')).toBe(false);
    });
    expect(sizes).toEqual([3, 2]);
    for (const id of ['a', 'c']) expect(reports.filter((r) => r.runId === id && r.notice).map((r) => r.notice)).toEqual([populationNotice(1)]);
    expect(populationNotice(1)).toMatch(/^trains with 1 other run as one batched model/);
    expect(reports.filter((r) => r.runId === 'b').at(-1)!.status).toBe('stopped');
    for (const id of ['a', 'c']) expect(reports.filter((r) => r.runId === id).at(-1)).toMatchObject({ status: 'finished', update: 40 });
    const want = await wholePopulation(members, 40);
    expect(rows.a).toEqual(want.rows[0]);
    expect(rows.c).toEqual(want.rows[2]);
    expect((await job.checkpoint('a')).agent.weights).toEqual(want.checkpoints[0].agent.weights);
    expect((await job.checkpoint('c')).agent.weights).toEqual(want.checkpoints[2].agent.weights);
    expect((await job.checkpoint('c')).optimizers).toEqual(want.checkpoints[2].optimizers);
    expect(tf.memory().numTensors).toBe(base); // the first population and the second are both gone
  });

  it('members finishing at their own totals shrink it, down to one member', async () => {
    const members = [settings(4, 8), settings(5, 16), settings(6, 30)];
    const { rows, sizes, reports } = await runJob(members, async () => {});
    expect(sizes).toEqual([3, 2, 1]);
    expect(reports.filter((r) => r.runId === 'c' && r.notice).map((r) => r.notice)).toEqual([populationNotice(1), populationNotice(0)]);
    const want = await wholePopulation(members, 30);
    const M = want.rows[2].length / 30; // a member's rows end at its own total
    expect(rows.a).toEqual(want.rows[0]);
    expect(rows.a.length).toBe(8 * M);
    expect(rows.b).toEqual(want.rows[1]);
    expect(rows.b.length).toBe(16 * M);
    expect(rows.c).toEqual(want.rows[2]);
  });
});
