import { describe, expect, it } from 'vitest';
import type { EvaluationPoint, RunPhase, RunRecord } from '../../src/core/experiments/types';
import type { HyperValues } from '../../src/core/run/hyperparameters';
import { columnId, runScores, sortRows, sweepResults, type SweepLike, type SweepRow } from '../../src/app/store/sweepResults';

function evals(scores: number[], normalized = false): EvaluationPoint[] {
  return scores.map((s, i) => ({ update: (i + 1) * 100, wallMs: (i + 1) * 1000, meanReturn: normalized ? s * 5 : s, stdReturn: 0, normalizedScore: normalized ? s : null }));
}

let n = 0;
function run(point: number, seed: number, values: HyperValues, scores: number[], extra: Partial<RunRecord> = {}, normalized = false): RunRecord {
  const id = `r${n++}`;
  return {
    id,
    name: id,
    color: '#000',
    createdAt: 0,
    config: { algorithmId: 'bc', envId: 'CartPole-v1', datasetId: 'd', datasetName: 'd', hyperparameters: { ...values, seed }, backend: 'cpu' },
    membership: { groupId: `s:${point}`, sweepId: 's', sweepPoint: point },
    status: 'finished' as RunPhase,
    error: null,
    notice: null,
    update: 1000,
    updatesPerSecond: 0,
    wallMs: 2000,
    hidden: false,
    events: [],
    evaluations: evals(scores, normalized),
    ...extra,
  };
}

/** A 2 x 2 grid over lr and batchSize with 2 seeds (and a 4-seed point added below for the IQM). */
function handMade() {
  const points = [
    { index: 0, values: { lr: 0.001, batchSize: 64 } },
    { index: 1, values: { lr: 0.001, batchSize: 256 } },
    { index: 2, values: { lr: 0.0001, batchSize: 64 } },
    { index: 3, values: { lr: 0.0001, batchSize: 256 } },
  ];
  const records = [
    // point 0: finals 10 and 30 (bests 50 and 30): mean 20, best mean 40
    run(0, 0, points[0].values, [5, 50, 10]),
    run(0, 1, points[0].values, [30, 20, 30], { update: 3000, wallMs: 2000 }),
    // point 1: both seeds end at 100
    run(1, 0, points[1].values, [100]),
    run(1, 1, points[1].values, [40, 100]),
    // point 2: one seed evaluated, one still queued
    run(2, 0, points[2].values, [7], { status: 'running' }),
    run(2, 1, points[2].values, [], { status: 'queued', update: 0, wallMs: 0 }),
    // point 3: no evaluation yet
    run(3, 0, points[3].values, [], { status: 'running', update: 50, wallMs: 500 }),
  ];
  const runs = Object.fromEntries(records.map((r) => [r.id, r]));
  const sweep: SweepLike = { points, runIds: records.map((r) => r.id) };
  return { sweep, runs, records };
}

describe('sweepResults', () => {
  it('summarises each configuration over its seeds: final, best, CI, speed, progress', () => {
    const { sweep, runs, records } = handMade();
    const { rows, scored } = sweepResults(sweep, runs);
    expect(scored).toBe(false);
    expect(rows.map((r) => r.point)).toEqual([0, 1, 2, 3]);

    const [p0, p1, p2, p3] = rows;
    expect(p0.values).toEqual({ lr: 0.001, batchSize: 64 });
    expect(p0.runIds).toEqual([records[0].id, records[1].id]);
    expect(p0.final!.point).toBe(20);
    expect(p0.best!.point).toBe(40);
    // Two seeds: a bootstrap replicate is either seed twice (p = 1/4 each) or both, so the 95% interval is min..max.
    expect(p0.final!.lo).toBe(10);
    expect(p0.final!.hi).toBe(30);
    expect(p0.best!.lo).toBe(30);
    expect(p0.best!.hi).toBe(50);
    // 1000 updates in 2 s and 3000 in 2 s: 500 and 1500 updates/s.
    expect(p0.updatesPerSecond).toBe(1000);
    expect(p0.ended).toBe(2);
    expect(p0.scoredSeeds).toBe(2);
    expect(p0.finalIqm).toBeNull();

    // Equal seeds: the interval is the point.
    expect(p1.final).toEqual({ point: 100, lo: 100, hi: 100 });
    expect(p1.best).toEqual({ point: 100, lo: 100, hi: 100 });

    // One seed evaluated of two: summarised over that one; speed over the run that trained.
    expect(p2.scoredSeeds).toBe(1);
    expect(p2.final).toEqual({ point: 7, lo: 7, hi: 7 });
    expect(p2.ended).toBe(0);
    expect(p2.runIds).toHaveLength(2);
    expect(p2.updatesPerSecond).toBe(500);

    expect(p3.final).toBeNull();
    expect(p3.best).toBeNull();
    expect(p3.updatesPerSecond).toBe(100);
  });

  it('uses the normalized score when every evaluation has one, and the IQM from 4 seeds on', () => {
    const points = [{ index: 0, values: { lr: 0.01 } }];
    const records = [1, 2, 3, 10].map((s, i) => run(0, i, points[0].values, [0, s], {}, true));
    const runs = Object.fromEntries(records.map((r) => [r.id, r]));
    const { rows, scored } = sweepResults({ points, runIds: records.map((r) => r.id) }, runs);
    expect(scored).toBe(true);
    const [row] = rows;
    // Normalized scores 1, 2, 3, 10 (returns are 5x): mean 4; IQM cuts one from each end: (2 + 3) / 2.
    expect(row.final!.point).toBe(4);
    expect(row.finalIqm).toBe(2.5);
    expect(row.bestIqm).toBe(2.5);
    expect(row.final!.lo).toBeGreaterThanOrEqual(1);
    expect(row.final!.hi).toBeLessThanOrEqual(10);
    expect(row.final!.lo).toBeLessThan(4);
    expect(row.final!.hi).toBeGreaterThan(4);
    // Seeded: the same data, the same interval.
    expect(sweepResults({ points, runIds: records.map((r) => r.id) }, runs).rows[0].final).toEqual(row.final);
  });

  it('falls back to the return when an evaluation lacks a normalized score, and skips deleted runs', () => {
    const points = [{ index: 0, values: { lr: 0.01 } }];
    const a = run(0, 0, points[0].values, [3, 4], {}, true);
    const b = run(0, 1, points[0].values, [8]);
    const { rows, scored } = sweepResults({ points, runIds: [a.id, b.id, 'deleted'] }, { [a.id]: a, [b.id]: b });
    expect(scored).toBe(false);
    // a's returns are 15 and 20 (5x its normalized scores); b's is 8.
    expect(runScores(a, false)).toEqual({ final: 20, best: 20 });
    expect(rows[0].final!.point).toBe(14);
    expect(rows[0].runIds).toEqual([a.id, b.id]);
  });

  it('sorts by any column, rows without a value last in both directions', () => {
    const { sweep, runs } = handMade();
    const { rows } = sweepResults(sweep, runs);
    const order = (rs: SweepRow[]) => rs.map((r) => r.point);
    expect(order(sortRows(rows, { kind: 'final' }, 'descending'))).toEqual([1, 0, 2, 3]);
    expect(order(sortRows(rows, { kind: 'final' }, 'ascending'))).toEqual([2, 0, 1, 3]);
    expect(order(sortRows(rows, { kind: 'best' }, 'descending'))).toEqual([1, 0, 2, 3]);
    // lr: ties keep the point order.
    expect(order(sortRows(rows, { kind: 'param', key: 'lr' }, 'ascending'))).toEqual([2, 3, 0, 1]);
    expect(order(sortRows(rows, { kind: 'param', key: 'lr' }, 'descending'))).toEqual([0, 1, 2, 3]);
    expect(order(sortRows(rows, { kind: 'param', key: 'batchSize' }, 'descending'))).toEqual([1, 3, 0, 2]);
    // Speeds: p0 1000, p1 500, p2 500, p3 100.
    expect(order(sortRows(rows, { kind: 'speed' }, 'ascending'))).toEqual([3, 1, 2, 0]);
    expect(order(sortRows(rows, { kind: 'finalIqm' }, 'descending'))).toEqual([0, 1, 2, 3]);
    expect(order(sortRows(rows, { kind: 'point' }, 'descending'))).toEqual([3, 2, 1, 0]);
    // The input is left as it was.
    expect(order(rows)).toEqual([0, 1, 2, 3]);
  });

  it('sorts choice names naturally and booleans false first', () => {
    const mk = (point: number, values: HyperValues): SweepRow => ({ point, values, runIds: [], ended: 0, scoredSeeds: 0, final: null, best: null, finalIqm: null, bestIqm: null, updatesPerSecond: null });
    const rows = [mk(0, { hidden: '256,256', norm: true }), mk(1, { hidden: '64,64', norm: false }), mk(2, { hidden: '256,256,256', norm: true })];
    expect(sortRows(rows, { kind: 'param', key: 'hidden' }, 'ascending').map((r) => r.point)).toEqual([1, 0, 2]);
    expect(sortRows(rows, { kind: 'param', key: 'norm' }, 'ascending').map((r) => r.point)).toEqual([1, 0, 2]);
    expect(columnId({ kind: 'param', key: 'lr' })).toBe('param:lr');
  });
});
