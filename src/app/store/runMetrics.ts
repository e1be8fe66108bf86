import { SeriesBuffer } from '../charts/seriesBuffer';
import type { MetricBatch } from '../../core/run/events';
import type { MetricsSnapshot } from '../../core/experiments/types';

interface RunSeries {
  series: Map<string, SeriesBuffer>;
  /** (update, wall ms) at each report: maps an update to training time for the wall-time axis. */
  clockUpdates: number[];
  clockWall: number[];
  /** Environment steps at each report (online runs; 0 for offline ones): the env-step x-axis. */
  clockEnvSteps: number[];
}

export type XAxis = 'updates' | 'wall' | 'envSteps';

/**
 * Metric series of every run, keyed by run id, kept outside React state (charts read downsampled views on the chart
 * clock). One instance belongs to the lab store; nothing here is a module-level singleton.
 */
export class RunMetrics {
  private readonly runs = new Map<string, RunSeries>();
  private dirty = false;

  private entry(runId: string): RunSeries {
    let r = this.runs.get(runId);
    if (!r) this.runs.set(runId, (r = { series: new Map(), clockUpdates: [], clockWall: [], clockEnvSteps: [] }));
    return r;
  }

  append(runId: string, batch: MetricBatch, wallMs: number, envSteps = 0): void {
    const r = this.entry(runId);
    const cols = batch.names.length;
    batch.names.forEach((name, c) => {
      let s = r.series.get(name);
      if (!s) r.series.set(name, (s = new SeriesBuffer()));
      for (let row = 0; row < batch.rows; row++) s.push(batch.firstUpdate + row + 1, batch.values[row * cols + c]);
    });
    this.tick(runId, batch.firstUpdate + batch.rows, wallMs, envSteps);
    this.dirty = true;
  }

  /** Single points of a series that does not come once per update (training episode returns, at the update they ended). */
  appendPoints(runId: string, name: string, points: readonly { update: number; value: number }[]): void {
    if (points.length === 0) return;
    const r = this.entry(runId);
    let s = r.series.get(name);
    if (!s) r.series.set(name, (s = new SeriesBuffer()));
    for (const p of points) s.push(p.update, p.value);
    this.dirty = true;
  }

  /** Records where the run's clock stands (also for reports without metrics, e.g. evaluations). */
  tick(runId: string, update: number, wallMs: number, envSteps = 0): void {
    const r = this.entry(runId);
    const n = r.clockUpdates.length;
    if (n > 0 && r.clockUpdates[n - 1] >= update) {
      // Online runs step environments before their first update: keep the latest step count at that update.
      if (r.clockUpdates[n - 1] === update && envSteps > r.clockEnvSteps[n - 1]) r.clockEnvSteps[n - 1] = envSteps;
      return;
    }
    // Thin the clock like a series: keep every other point once it grows long (wall time is smooth in updates).
    if (n >= 4000) {
      r.clockUpdates = r.clockUpdates.filter((_, i) => i % 2 === 0);
      r.clockWall = r.clockWall.filter((_, i) => i % 2 === 0);
      r.clockEnvSteps = r.clockEnvSteps.filter((_, i) => i % 2 === 0);
    }
    r.clockUpdates.push(update);
    r.clockWall.push(wallMs);
    r.clockEnvSteps.push(envSteps);
  }

  /** Training time (ms) at `update`, interpolated along the run's clock. */
  wallAt(runId: string, update: number): number {
    const r = this.runs.get(runId);
    return r ? interpolate(r.clockUpdates, r.clockWall, update) : 0;
  }

  /** Environment steps taken by `update`, interpolated along the run's clock (0 for offline runs). */
  envStepsAt(runId: string, update: number): number {
    const r = this.runs.get(runId);
    return r ? interpolate(r.clockUpdates, r.clockEnvSteps, update) : 0;
  }

  /** Where `update` lies on a chart's x-axis: the update itself, seconds of training, or environment steps. */
  xAt(runId: string, update: number, xAxis: XAxis): number {
    if (xAxis === 'wall') return this.wallAt(runId, update) / 1000;
    if (xAxis === 'envSteps') return this.envStepsAt(runId, update);
    return update;
  }

  /** At most `maxPoints` points of one metric of one run, x in updates, seconds of training or environment steps. */
  view(runId: string, name: string, maxPoints: number, xAxis: XAxis = 'updates'): { x: number; y: number }[] {
    const points = this.runs.get(runId)?.series.get(name)?.view(maxPoints) ?? [];
    if (xAxis === 'updates') return points;
    return points.map((p) => ({ x: this.xAt(runId, p.x, xAxis), y: p.y }));
  }

  names(runId: string): string[] {
    return [...(this.runs.get(runId)?.series.keys() ?? [])];
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  snapshot(runId: string): MetricsSnapshot | null {
    const r = this.runs.get(runId);
    if (!r) return null;
    return {
      series: [...r.series].map(([name, s]) => {
        const snap = s.snapshot();
        return { name, xs: snap.xs, ys: snap.ys };
      }),
      clock: { updates: Float64Array.from(r.clockUpdates), wallMs: Float64Array.from(r.clockWall), envSteps: Float64Array.from(r.clockEnvSteps) },
    };
  }

  restore(runId: string, snapshot: MetricsSnapshot): void {
    this.runs.set(runId, {
      series: new Map(snapshot.series.map((s) => [s.name, SeriesBuffer.restore({ xs: s.xs, ys: s.ys })])),
      clockUpdates: Array.from(snapshot.clock.updates),
      clockWall: Array.from(snapshot.clock.wallMs),
      clockEnvSteps: snapshot.clock.envSteps && snapshot.clock.envSteps.length === snapshot.clock.updates.length ? Array.from(snapshot.clock.envSteps) : Array.from(snapshot.clock.updates, () => 0),
    });
    this.dirty = true;
  }

  /** Drops what came after `update` (a run resumed from an earlier checkpoint trains that stretch again). */
  truncate(runId: string, update: number): void {
    const snap = this.snapshot(runId);
    if (!snap) return;
    const cut = (xs: Float64Array) => {
      const i = xs.findIndex((x) => x > update);
      return i < 0 ? xs.length : i;
    };
    const n = cut(snap.clock.updates);
    this.restore(runId, {
      series: snap.series.map((s) => ({ name: s.name, xs: s.xs.slice(0, cut(s.xs)), ys: s.ys.slice(0, cut(s.xs)) })),
      clock: { updates: snap.clock.updates.slice(0, n), wallMs: snap.clock.wallMs.slice(0, n), envSteps: snap.clock.envSteps?.slice(0, n) },
    });
  }

  delete(runId: string): void {
    this.runs.delete(runId);
    this.dirty = true;
  }

  /** Something drawn besides the series changed (an evaluation, a marker, a run hidden): redraw on the next clock. */
  touch(): void {
    this.dirty = true;
  }

  /** True once per change: the chart clock asks this before redrawing. */
  takeDirty(): boolean {
    const was = this.dirty;
    this.dirty = false;
    return was;
  }
}

/** ys at x along a piecewise-linear clock (xs ascending); before the first point, a line from the origin. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (xs.length === 0) return 0;
  if (x <= xs[0]) return xs[0] > 0 ? (ys[0] * x) / xs[0] : ys[0];
  let lo = 0;
  let hi = xs.length - 1;
  if (x >= xs[hi]) return ys[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  const f = (x - xs[lo]) / (xs[hi] - xs[lo]);
  return ys[lo] + f * (ys[hi] - ys[lo]);
}
