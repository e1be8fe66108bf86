import { describe, expect, it } from 'vitest';
import type { EvaluationPoint, RunPhase, RunRecord } from '../../src/core/experiments/types';
import { iqm, mean, stratifiedBootstrapCI } from '../../src/core/experiments/statistics';
import {
  FINAL_SCORE_REPS,
  decimalsFor,
  finalScoreSummary,
  groupScores,
  niceTicks,
  performanceProfiles,
  profileTaus,
  runFinalScore,
  scoreMetric,
  type ScoreGroupInput,
} from '../../src/app/store/finalScores';

/** Evaluations at updates 100, 200, ...: `scores` are normalized scores (returns are 5 times them) unless `returnsOnly`. */
function evals(scores: number[], returnsOnly = false): EvaluationPoint[] {
  return scores.map((s, i) => ({ update: (i + 1) * 100, wallMs: (i + 1) * 1000, meanReturn: returnsOnly ? s : s * 5, stdReturn: 0, normalizedScore: returnsOnly ? null : s }));
}

let n = 0;
function run(group: string, scores: number[], extra: Partial<RunRecord> = {}, returnsOnly = false): RunRecord {
  const id = `r${n++}`;
  return {
    id,
    name: id,
    color: '#123456',
    createdAt: 0,
    config: { algorithmId: 'bc', envId: 'CartPole-v1', datasetId: 'd', datasetName: 'd', hyperparameters: { seed: n }, backend: 'cpu' },
    membership: { groupId: group },
    status: 'finished' as RunPhase,
    error: null,
    notice: null,
    update: scores.length * 100,
    updatesPerSecond: 0,
    wallMs: 1000,
    hidden: false,
    events: [],
    evaluations: evals(scores, returnsOnly),
    ...extra,
  };
}

const group = (id: string, runs: RunRecord[]): ScoreGroupInput => ({ id, label: id.toUpperCase(), color: runs[0]?.color ?? '#000', runs });

describe('final scores of runs', () => {
  it("takes each run's last evaluation: normalized score when every evaluation has one, else the mean return", () => {
    const a = run('a', [5, 50, 10]);
    const b = run('b', [7, 8]);
    expect(scoreMetric([a, b])).toBe('normalized');
    expect(runFinalScore(a, 'normalized')).toEqual({ runId: a.id, name: a.name, score: 10, update: 300 });
    expect(runFinalScore(a, 'return')).toEqual({ runId: a.id, name: a.name, score: 50, update: 300 });
    // One run without a normalized score anywhere switches every run to returns.
    const c = run('c', [300], {}, true);
    expect(scoreMetric([a, b, c])).toBe('return');
    const summary = finalScoreSummary([group('a', [a]), group('c', [c])]);
    expect(summary.metric).toBe('return');
    expect(summary.groups.map((g) => g.scores.map((s) => s.score))).toEqual([[50], [300]]);
    // No evaluation yet: no score.
    expect(runFinalScore(run('d', []), 'normalized')).toBeNull();
  });

  it('summarises a group over its scored runs: IQM and mean with seeded 95% bootstrap intervals, counts', () => {
    const runs = [
      run('g', [1, 10]),
      run('g', [2, 20]),
      run('g', [30]),
      run('g', [], { status: 'running', update: 40 }), // no evaluation yet: left out, counted
      run('g', [], { status: 'queued', update: 0 }),
    ];
    const g = groupScores(group('g', runs), 'normalized');
    expect(g.total).toBe(5);
    expect(g.scores.map((s) => s.score)).toEqual([10, 20, 30]);
    expect(g.unscored).toBe(2);
    expect(g.active).toBe(2);
    // Three seeds: the IQM cuts floor(0.75) = 0 runs and equals the mean, 20.
    expect(g.iqm!.point).toBe(20);
    expect(g.mean!.point).toBe(20);
    // A bootstrap over three runs draws all three the same with probability 1/27 each (3.7% > 2.5%), so the 95%
    // percentile interval is the whole range of the seeds, 10 .. 30: three seeds pin down little.
    expect(g.iqm).toEqual({ point: 20, lo: 10, hi: 30 });
    expect(g.mean).toEqual({ point: 20, lo: 10, hi: 30 });
    // Seeded: the same numbers on every redraw.
    expect(groupScores(group('g', runs), 'normalized')).toEqual(g);
  });

  it('the IQM is robust to an outlier seed where the mean is not', () => {
    const runs = [run('o', [2]), run('o', [3]), run('o', [4]), run('o', [100]), run('o', [-50])];
    const g = groupScores(group('o', runs), 'normalized');
    expect(g.iqm!.point).toBe(3); // five seeds: one cut from each end, mean of 2, 3, 4
    expect(g.mean!.point).toBeCloseTo(11.8, 12);
    expect(g.iqm).toEqual(stratifiedBootstrapCI([[2, 3, 4, 100, -50]], (f) => iqm(f), { reps: FINAL_SCORE_REPS, seed: 0 }));
    expect(g.mean).toEqual(stratifiedBootstrapCI([[2, 3, 4, 100, -50]], (f) => mean(f), { reps: FINAL_SCORE_REPS, seed: 0 }));
    for (const ci of [g.iqm!, g.mean!]) {
      expect(ci.lo).toBeLessThan(ci.point);
      expect(ci.hi).toBeGreaterThan(ci.point);
      expect(ci.lo).toBeGreaterThanOrEqual(-50);
      expect(ci.hi).toBeLessThanOrEqual(100);
    }
    // Seeded: the same numbers on every redraw; another seed draws other replicates.
    expect(groupScores(group('o', runs), 'normalized')).toEqual(g);
    expect(groupScores(group('o', runs), 'normalized', { seed: 7 }).mean).not.toEqual(g.mean);
  });

  it('a single scored seed has its score as the interval; a group with none has no statistics', () => {
    const one = groupScores(group('s', [run('s', [42]), run('s', [], { status: 'running' })]), 'normalized');
    expect(one.iqm).toEqual({ point: 42, lo: 42, hi: 42 });
    expect(one.mean).toEqual({ point: 42, lo: 42, hi: 42 });
    const none = groupScores(group('z', [run('z', [], { status: 'queued' })]), 'normalized');
    expect(none.scores).toEqual([]);
    expect(none.unscored).toBe(1);
    expect(none.iqm).toBeNull();
    expect(none.mean).toBeNull();
  });

  it('names the best group by IQM, the groups whose intervals overlap it, and one axis for all rows', () => {
    const low = group('low', [run('low', [10]), run('low', [12]), run('low', [14])]);
    const mid = group('mid', [run('mid', [13]), run('mid', [20]), run('mid', [27])]);
    const high = group('high', [run('high', [60]), run('high', [62]), run('high', [64])]);
    const waiting = group('waiting', [run('waiting', [], { status: 'queued' })]);
    const s = finalScoreSummary([low, mid, high, waiting]);
    expect(s.metric).toBe('normalized');
    expect(s.groups.map((g) => g.id)).toEqual(['low', 'mid', 'high', 'waiting']);
    expect(s.groups.map((g) => g.iqm?.point ?? null)).toEqual([12, 20, 62, null]);
    expect(s.bestId).toBe('high');
    expect(s.overlapsBest).toEqual([]);
    // The axis spans every score (10 .. 64), padded by 4% of the span on each side.
    expect(s.domain![0]).toBeCloseTo(10 - 0.04 * 54, 9);
    expect(s.domain![1]).toBeCloseTo(64 + 0.04 * 54, 9);

    // Without 'high', 'mid' is best and its interval overlaps 'low' (13 .. 27 against 10 .. 14).
    const t = finalScoreSummary([low, mid]);
    expect(t.bestId).toBe('mid');
    expect(t.overlapsBest).toEqual(['low']);

    // A tie at the top names no best.
    const twin = group('twin', [run('twin', [60]), run('twin', [62]), run('twin', [64])]);
    expect(finalScoreSummary([high, twin]).bestId).toBeNull();
    // Nothing scored: no best, no axis.
    const empty = finalScoreSummary([waiting]);
    expect(empty.bestId).toBeNull();
    expect(empty.domain).toBeNull();
  });

  it('performance profiles: the fraction of runs above each threshold, with bootstrap bands', () => {
    expect(profileTaus([10, 20, 30], 5)).toEqual([9, 14.5, 20, 25.5, 31]);
    expect(profileTaus([], 5)).toEqual([]);
    expect(profileTaus([7, 7], 3)).toEqual([6, 7, 8]); // no span: one unit of room on each side
    expect(() => profileTaus([1], 1)).toThrow(/at least 2 thresholds/);

    const a = group('a', [run('a', [10]), run('a', [20]), run('a', [30])]);
    const b = group('b', [run('b', [25]), run('b', [30])]);
    const none = group('none', [run('none', [], { status: 'queued' })]);
    const { taus, groups } = performanceProfiles(finalScoreSummary([a, b, none]), { count: 5 });
    expect(taus).toEqual([9, 14.5, 20, 25.5, 31]);
    expect(groups.map((g) => g.id)).toEqual(['a', 'b']);
    // a: scores 10, 20, 30. Strictly above: 3 of 3, 2 (20, 30), 1 (20 is not above 20), 1, none.
    expect(groups[0].points.map((p) => p.fraction)).toEqual([1, 2 / 3, 1 / 3, 1 / 3, 0]);
    // b: scores 25, 30.
    expect(groups[1].points.map((p) => p.fraction)).toEqual([1, 1, 1, 0.5, 0]);
    expect(groups[0].runs).toBe(3);
    for (const g of groups) {
      // Below every score each replicate has every run above; above every score none.
      expect(g.points[0]).toMatchObject({ lo: 1, hi: 1 });
      expect(g.points[4]).toMatchObject({ lo: 0, hi: 0 });
      for (const p of g.points) {
        expect(p.lo).toBeLessThanOrEqual(p.fraction);
        expect(p.hi).toBeGreaterThanOrEqual(p.fraction);
      }
    }
    // In between the band is a real interval over the three seeds.
    expect(groups[0].points[2].lo).toBe(0);
    expect(groups[0].points[2].hi).toBeGreaterThan(1 / 3);
    expect(performanceProfiles(finalScoreSummary([none]))).toEqual({ taus: [], groups: [] });
  });

  it('axis helpers: round ticks and decimals for the span', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-3, 47, 5)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(0.12, 0.5, 4)).toEqual([0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(niceTicks(5, 1)).toEqual([]);
    expect(decimalsFor([0, 500])).toBe(0);
    expect(decimalsFor([96, 104])).toBe(0);
    expect(decimalsFor([-4, 99])).toBe(1);
    expect(decimalsFor([-60, 5])).toBe(1);
    expect(decimalsFor([0, 1])).toBe(2);
    expect(decimalsFor([0.1, 0.8])).toBe(3);
    expect(decimalsFor([0, 0])).toBe(2);
    expect(decimalsFor(null)).toBe(2);
  });
});
