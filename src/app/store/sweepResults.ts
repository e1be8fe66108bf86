// A sweep's results as rows: one per configuration (sweep point), its swept values, the final and best score over
// its seeds with a 95% bootstrap CI, the IQM from 4 seeds on, and the training speed. Pure functions of plain data
// (the sweep's points and run ids, the run records), so the table, the views and the unit tests share them.
import { iqm, mean, stratifiedBootstrapCI, type BootstrapOptions, type Interval } from '../../core/experiments/statistics';
import type { SweepPoint } from '../../core/experiments/sweep';
import type { EvaluationPoint, RunRecord } from '../../core/experiments/types';
import type { HyperValue, HyperValues } from '../../core/run/hyperparameters';

/** What results need of a sweep: its configurations and the runs it started. */
export interface SweepLike {
  points: readonly SweepPoint[];
  runIds: readonly string[];
}

/** The IQM is shown from this many seeds on; below, it cuts nothing and equals the mean. */
export const IQM_MIN_SEEDS = 4;

export interface SweepRow {
  /** The sweep point's index. */
  point: number;
  /** The swept keys only. */
  values: HyperValues;
  /** Every run of this configuration still on the page (one per seed), in start order. */
  runIds: string[];
  /** How many of them have ended (finished, stopped or failed). */
  ended: number;
  /** How many have at least one evaluation (the seeds the scores are over). */
  scoredSeeds: number;
  /** Mean over seeds of each run's last evaluation, with a 95% bootstrap CI over seeds; null before any. */
  final: Interval | null;
  /** Mean over seeds of each run's best evaluation, with its CI. */
  best: Interval | null;
  /** IQM over seeds of the final and best scores, from IQM_MIN_SEEDS seeds on, else null. */
  finalIqm: number | null;
  bestIqm: number | null;
  /** Mean over runs of updates per second of training time (update / training seconds); null before any update. */
  updatesPerSecond: number | null;
}

export interface SweepResults {
  rows: SweepRow[];
  /** True when every evaluation has a D4RL-normalized score (then scores are normalized, else returns). */
  scored: boolean;
}

const ENDED = new Set<RunRecord['status']>(['finished', 'stopped', 'failed']);
export const hasEnded = (r: RunRecord): boolean => ENDED.has(r.status);

/** Whether every evaluation of these runs has a normalized score (an environment with reference scores). */
export function allScored(runs: readonly RunRecord[]): boolean {
  return runs.every((r) => r.evaluations.every((e) => e.normalizedScore !== null));
}

const scoreOf = (e: EvaluationPoint, scored: boolean): number => (scored && e.normalizedScore !== null ? e.normalizedScore : e.meanReturn);

/** A run's last and best evaluation (normalized score when `scored`, else return); null before its first. */
export function runScores(run: RunRecord, scored: boolean): { final: number; best: number } | null {
  if (run.evaluations.length === 0) return null;
  let best = -Infinity;
  for (const e of run.evaluations) best = Math.max(best, scoreOf(e, scored));
  return { final: scoreOf(run.evaluations[run.evaluations.length - 1], scored), best };
}

/** Average training speed: updates over training time (queued and paused time not counted). */
export function runSpeed(run: RunRecord): number | null {
  return run.update > 0 && run.wallMs > 0 ? run.update / (run.wallMs / 1000) : null;
}

/** The runs of a sweep still on the page (deleted ones drop out). */
export function sweepRuns(sweep: SweepLike, runs: Readonly<Record<string, RunRecord>>): RunRecord[] {
  return sweep.runIds.flatMap((id) => (runs[id] ? [runs[id]] : []));
}

const withCI = (xs: number[], options: BootstrapOptions): Interval => stratifiedBootstrapCI([xs], (flat) => mean(flat), options);

/**
 * One row per sweep point. Scores are per run (its last and its best evaluation), then summarised over the seeds
 * that have one: the mean with a percentile bootstrap CI over seeds (a single seed gives the point as its interval),
 * and the IQM from 4 seeds on. The bootstrap is seeded, so a table redrawn as results arrive does not flicker.
 */
export function sweepResults(sweep: SweepLike, runs: Readonly<Record<string, RunRecord>>, options: BootstrapOptions = {}): SweepResults {
  const mine = sweepRuns(sweep, runs);
  const scored = mine.some((r) => r.evaluations.length > 0) && allScored(mine);
  const byPoint = new Map<number, RunRecord[]>();
  for (const r of mine) {
    const p = r.membership.sweepPoint;
    if (p === undefined) continue;
    const list = byPoint.get(p);
    if (list) list.push(r);
    else byPoint.set(p, [r]);
  }
  const rows = sweep.points.map((point): SweepRow => {
    const group = byPoint.get(point.index) ?? [];
    const finals: number[] = [];
    const bests: number[] = [];
    const speeds: number[] = [];
    for (const r of group) {
      const s = runScores(r, scored);
      if (s) {
        finals.push(s.final);
        bests.push(s.best);
      }
      const v = runSpeed(r);
      if (v !== null) speeds.push(v);
    }
    const enough = finals.length >= IQM_MIN_SEEDS;
    return {
      point: point.index,
      values: point.values,
      runIds: group.map((r) => r.id),
      ended: group.filter(hasEnded).length,
      scoredSeeds: finals.length,
      final: finals.length ? withCI(finals, options) : null,
      best: bests.length ? withCI(bests, options) : null,
      finalIqm: enough ? iqm(finals) : null,
      bestIqm: enough ? iqm(bests) : null,
      updatesPerSecond: speeds.length ? mean(speeds) : null,
    };
  });
  return { rows, scored };
}

/** A column of the results table: the point index, a swept key, or a result. */
export type SweepColumn = { kind: 'point' } | { kind: 'param'; key: string } | { kind: 'final' } | { kind: 'best' } | { kind: 'finalIqm' } | { kind: 'speed' };
export type SortDirection = 'ascending' | 'descending';

/** A column as one string (for React keys and state), and back. */
export const columnId = (c: SweepColumn): string => (c.kind === 'param' ? `param:${c.key}` : c.kind);

type Sortable = number | string | boolean | null;

function cell(row: SweepRow, column: SweepColumn): Sortable {
  switch (column.kind) {
    case 'point':
      return row.point;
    case 'param': {
      const v: HyperValue | undefined = row.values[column.key];
      return v === undefined ? null : v;
    }
    case 'final':
      return row.final?.point ?? null;
    case 'best':
      return row.best?.point ?? null;
    case 'finalIqm':
      return row.finalIqm;
    case 'speed':
      return row.updatesPerSecond;
  }
}

/** Numbers by value, booleans false before true, strings naturally ("64,64" before "256,256"). */
function compare(a: Exclude<Sortable, null>, b: Exclude<Sortable, null>): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/**
 * The rows sorted by a column (a new array). Rows without a value (no score yet) and NaN scores go last in either
 * direction; ties keep the point order.
 */
export function sortRows(rows: readonly SweepRow[], column: SweepColumn, direction: SortDirection): SweepRow[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const missing = (v: Sortable): boolean => v === null || (typeof v === 'number' && Number.isNaN(v));
  return rows
    .map((row) => ({ row, v: cell(row, column) }))
    .sort((a, b) => {
      const ma = missing(a.v);
      const mb = missing(b.v);
      if (ma || mb) return ma === mb ? a.row.point - b.row.point : ma ? 1 : -1;
      return sign * compare(a.v!, b.v!) || a.row.point - b.row.point;
    })
    .map((x) => x.row);
}
