import { SeriesBuffer } from '../charts/seriesBuffer';
import type { MetricBatch } from '../../core/run/events';
import type { MetricsSnapshot } from '../../core/experiments/types';

interface RunSeries {
  series: Map<string, SeriesBuffer>;
  /** (update, wall ms) at each report: maps an update to training time for the wall-time axis. */
  clockUpdates: number[];
  clockWall: number[];
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
    if (!r) this.runs.set(runId, (r = { series: new Map(), clockUpdates: [], clockWall: [] }));
    return r;
  }

  append(runId: string, batch: MetricBatch, wallMs: number): void {
    const r = this.entry(runId);
    const cols = batch.names.length;
    batch.names.forEach((name, c) => {
      let s = r.series.get(name);
      if (!s) r.series.set(name, (s = new SeriesBuffer()));
      for (let row = 0; row < batch.rows; row++) s.push(batch.firstUpdate + row + 1, batch.values[row * cols + c]);
    });
    this.tick(runId, batch.firstUpdate + batch.rows, wallMs);
    this.dirty = true;
  }

  /** Records where the run's clock stands (also for reports without metrics, e.g. evaluations). */
  tick(runId: string, update: number, wallMs: number): void {
    const r = this.entry(runId);
    const n = r.clockUpdates.length;
    if (n > 0 && r.clockUpdates[n - 1] >= update) return;
    // Thin the clock like a series: keep every other point once it grows long (wall time is smooth in updates).
    if (n >= 4000) {
      r.clockUpdates = r.clockUpdates.filter((_, i) => i % 2 === 0);
      r.clockWall = r.clockWall.filter((_, i) => i % 2 === 0);
    }
    r.clockUpdates.push(update);
    r.clockWall.push(wallMs);
  }

  /** Training time (ms) at `update`, interpolated along the run's clock. */
  wallAt(runId: string, update: number): number {
    const r = this.runs.get(runId);
    if (!r || r.clockUpdates.length === 0) return 0;
    const us = r.clockUpdates;
    const ws = r.clockWall;
    if (update <= us[0]) return us[0] > 0 ? (ws[0] * update) / us[0] : ws[0];
    let lo = 0;
    let hi = us.length - 1;
    if (update >= us[hi]) return ws[hi];
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (us[mid] <= update) lo = mid;
      else hi = mid;
    }
    const f = (update - us[lo]) / (us[hi] - us[lo]);
    return ws[lo] + f * (ws[hi] - ws[lo]);
  }

  /** At most `maxPoints` points of one metric of one run, x in updates or in seconds of training. */
  view(runId: string, name: string, maxPoints: number, xAxis: XAxis = 'updates'): { x: number; y: number }[] {
    const points = this.runs.get(runId)?.series.get(name)?.view(maxPoints) ?? [];
    if (xAxis !== 'wall') return points;
    return points.map((p) => ({ x: this.wallAt(runId, p.x) / 1000, y: p.y }));
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
      clock: { updates: Float64Array.from(r.clockUpdates), wallMs: Float64Array.from(r.clockWall) },
    };
  }

  restore(runId: string, snapshot: MetricsSnapshot): void {
    this.runs.set(runId, {
      series: new Map(snapshot.series.map((s) => [s.name, SeriesBuffer.restore({ xs: s.xs, ys: s.ys })])),
      clockUpdates: Array.from(snapshot.clock.updates),
      clockWall: Array.from(snapshot.clock.wallMs),
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
      clock: { updates: snap.clock.updates.slice(0, n), wallMs: snap.clock.wallMs.slice(0, n) },
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
