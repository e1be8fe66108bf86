// Final scores of groups of runs (seeds of one configuration), summarised as rliable recommends for few seeds
// (Agarwal et al. 2021): the interquartile mean with a 95% stratified-bootstrap confidence interval, the mean with
// its interval, and performance profiles (run-score distributions) with bootstrap bands. One environment is one
// task, so the stratified bootstrap is a plain bootstrap over the runs of a group.
// Pure functions of run records, so the score summary panel and the unit tests share them.
import { iqm, mean, performanceProfile, stratifiedBootstrapCI, type Interval } from '../../core/experiments/statistics';
import type { RunRecord } from '../../core/experiments/types';

/** Bootstrap replicates of every interval here (rliable uses 50,000 for papers; 2,000 keeps a redraw cheap). */
export const FINAL_SCORE_REPS = 2000;
/** Fixed resampling seed: the intervals of a table redrawn as evaluations arrive do not flicker. */
export const FINAL_SCORE_SEED = 0;
/** Below this many runs the IQM cuts nothing (floor(0.25 n) = 0) and equals the mean. */
export const IQM_CUTS_FROM = 4;

/** What a final score is: the D4RL-normalized score when every compared evaluation has one, else the mean return. */
export type ScoreMetric = 'normalized' | 'return';

/** What the summary needs of a group (RunGroup from the charts fits). */
export interface ScoreGroupInput {
  id: string;
  label: string;
  color: string;
  runs: readonly RunRecord[];
}

export interface RunFinalScore {
  runId: string;
  /** The run's name, for tooltips. */
  name: string;
  /** The last evaluation's normalized score or mean return (see ScoreMetric). */
  score: number;
  /** The update of that evaluation. */
  update: number;
}

export interface GroupScores {
  id: string;
  label: string;
  color: string;
  /** Every run of the group. */
  total: number;
  /** Runs with at least one evaluation, whose last evaluation is their final score (the seeds summarised). */
  scores: RunFinalScore[];
  /** Runs with no evaluation yet: left out of the statistics, counted here. */
  unscored: number;
  /** Runs still queued, starting, running or paused: their score may still change. */
  active: number;
  /** IQM over the scored runs with its 95% bootstrap CI; null before any run has a score. */
  iqm: Interval | null;
  /** Mean over the scored runs with its 95% bootstrap CI; null before any. */
  mean: Interval | null;
}

export interface FinalScoreSummary {
  metric: ScoreMetric;
  /** One per input group, in input order (groups without a score have null statistics). */
  groups: GroupScores[];
  /** The group with the highest IQM, null when none has a score or the top is tied. */
  bestId: string | null;
  /** Other groups whose IQM interval overlaps the best's: the ranking between them may be chance. */
  overlapsBest: string[];
  /** A shared axis for every row's interval plot: spans every run's score and every interval, padded; null before any. */
  domain: [number, number] | null;
}

export interface BootstrapChoice {
  reps?: number;
  seed?: number;
}

const ACTIVE = new Set<RunRecord['status']>(['queued', 'starting', 'running', 'paused']);

/** 'normalized' when every evaluation of every compared run has a normalized score, else 'return'. */
export function scoreMetric(runs: readonly RunRecord[]): ScoreMetric {
  const any = runs.some((r) => r.evaluations.length > 0);
  return any && runs.every((r) => r.evaluations.every((e) => e.normalizedScore !== null)) ? 'normalized' : 'return';
}

/** A run's final score: its last evaluation's normalized score or mean return; null before its first evaluation. */
export function runFinalScore(run: RunRecord, metric: ScoreMetric): RunFinalScore | null {
  const last = run.evaluations[run.evaluations.length - 1];
  if (!last) return null;
  const score = metric === 'normalized' && last.normalizedScore !== null ? last.normalizedScore : last.meanReturn;
  return { runId: run.id, name: run.name, score, update: last.update };
}

const intervalOf = (xs: number[], statistic: (flat: number[]) => number, b: Required<BootstrapChoice>): Interval =>
  stratifiedBootstrapCI([xs], statistic, { reps: b.reps, seed: b.seed, confidence: 0.95 });

const resolve = (b: BootstrapChoice | undefined): Required<BootstrapChoice> => ({ reps: b?.reps ?? FINAL_SCORE_REPS, seed: b?.seed ?? FINAL_SCORE_SEED });

/** One group's final scores and their IQM and mean with 95% bootstrap intervals over its runs. */
export function groupScores(group: ScoreGroupInput, metric: ScoreMetric, bootstrap?: BootstrapChoice): GroupScores {
  const b = resolve(bootstrap);
  const scores = group.runs.flatMap((r) => runFinalScore(r, metric) ?? []);
  const xs = scores.map((s) => s.score);
  return {
    id: group.id,
    label: group.label,
    color: group.color,
    total: group.runs.length,
    scores,
    unscored: group.runs.length - scores.length,
    active: group.runs.filter((r) => ACTIVE.has(r.status)).length,
    iqm: xs.length ? intervalOf(xs, (flat) => iqm(flat), b) : null,
    mean: xs.length ? intervalOf(xs, (flat) => mean(flat), b) : null,
  };
}

const overlaps = (a: Interval, b: Interval): boolean => a.lo <= b.hi && b.lo <= a.hi;

/** Pads [lo, hi] by a share of its span (or of its magnitude, or 1, when the span is zero). */
function padded(lo: number, hi: number, share: number): [number, number] {
  const span = hi - lo;
  const pad = span > 0 ? span * share : Math.max(Math.abs(lo) * share, 1);
  return [lo - pad, hi + pad];
}

/**
 * The summary of every group: the metric (normalized score if every evaluation of the compared runs has one),
 * each group's final scores and intervals, the best group by IQM with the groups whose intervals overlap it, and
 * a shared axis. Non-finite scores (a diverged run) propagate into NaN statistics and are left off the axis.
 */
export function finalScoreSummary(groups: readonly ScoreGroupInput[], bootstrap?: BootstrapChoice): FinalScoreSummary {
  const metric = scoreMetric(groups.flatMap((g) => g.runs));
  const rows = groups.map((g) => groupScores(g, metric, bootstrap));
  let best: GroupScores | null = null;
  let tied = false;
  for (const row of rows) {
    if (!row.iqm || !Number.isFinite(row.iqm.point)) continue;
    if (!best || row.iqm.point > best.iqm!.point) {
      best = row;
      tied = false;
    } else if (row.iqm.point === best.iqm!.point) tied = true;
  }
  const bestId = best && !tied ? best.id : null;
  const overlapsBest = best && bestId ? rows.filter((r) => r.id !== bestId && r.iqm && overlaps(r.iqm, best.iqm!)).map((r) => r.id) : [];
  const finite: number[] = [];
  for (const row of rows) {
    for (const s of row.scores) finite.push(s.score);
    for (const i of [row.iqm, row.mean]) if (i) finite.push(i.lo, i.hi);
  }
  const values = finite.filter(Number.isFinite);
  const domain = values.length ? padded(Math.min(...values), Math.max(...values), 0.04) : null;
  return { metric, groups: rows, bestId, overlapsBest, domain };
}

/**
 * Thresholds for a performance profile: `count` evenly spaced values spanning the observed scores with a little
 * room on both sides, so every curve starts at 1 (all runs above) and ends at 0 (none above).
 */
export function profileTaus(scores: readonly number[], count = 61): number[] {
  const values = scores.filter(Number.isFinite);
  if (values.length === 0) return [];
  if (!Number.isInteger(count) || count < 2) throw new Error(`a performance profile needs at least 2 thresholds, got ${count}`);
  const [lo, hi] = padded(Math.min(...values), Math.max(...values), 0.05);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? hi : lo + ((hi - lo) * i) / (count - 1)));
}

export interface GroupProfile {
  id: string;
  label: string;
  color: string;
  /** n runs the profile is over. */
  runs: number;
  /** For each tau: the fraction of runs scoring above it, and its 95% bootstrap band. */
  points: { tau: number; fraction: number; lo: number; hi: number }[];
}

/**
 * Performance profiles (rliable's run-score distributions) of every group with a score, on one tau grid spanning
 * all observed final scores: the fraction of a group's runs whose score is above tau, with a 95% bootstrap band
 * over its runs. A curve above another at every tau dominates it.
 */
export function performanceProfiles(summary: FinalScoreSummary, options?: BootstrapChoice & { count?: number }): { taus: number[]; groups: GroupProfile[] } {
  const b = resolve(options);
  const taus = profileTaus(
    summary.groups.flatMap((g) => g.scores.map((s) => s.score)),
    options?.count,
  );
  if (taus.length === 0) return { taus, groups: [] };
  const groups = summary.groups
    .filter((g) => g.scores.length > 0)
    .map((g) => ({
      id: g.id,
      label: g.label,
      color: g.color,
      runs: g.scores.length,
      points: performanceProfile([g.scores.map((s) => s.score)], taus, { reps: b.reps, seed: b.seed, confidence: 0.95 }),
    }));
  return { taus, groups };
}

/** About `target` round tick values (1, 2 or 5 times a power of ten) inside [lo, hi], for an axis. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/**
 * Decimals for every number of one table: about three significant digits of the largest magnitude on its axis
 * (0 from 100 on, 1 from 10, 2 from 1, 3 below), so "100 [100, 100]" and "0.712 [0.650, 0.801]" both read well.
 */
export function decimalsFor(domain: readonly [number, number] | null): number {
  const magnitude = domain ? Math.max(Math.abs(domain[0]), Math.abs(domain[1])) : NaN;
  if (!(magnitude > 0) || !Number.isFinite(magnitude)) return 2;
  return Math.min(3, Math.max(0, 2 - Math.floor(Math.log10(magnitude))));
}
