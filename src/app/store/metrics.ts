import { SeriesBuffer } from '../charts/seriesBuffer';
import type { MetricBatch } from '../../core/run/events';

/** Metric series of the current run, kept outside React state; charts read downsampled views of them. */
const series = new Map<string, SeriesBuffer>();
let dirty = false;

export function appendMetrics(batch: MetricBatch): void {
  const cols = batch.names.length;
  batch.names.forEach((name, c) => {
    let s = series.get(name);
    if (!s) series.set(name, (s = new SeriesBuffer()));
    for (let r = 0; r < batch.rows; r++) s.push(batch.firstUpdate + r + 1, batch.values[r * cols + c]);
  });
  dirty = true;
}

export function metricView(name: string, maxPoints = 300): { x: number; y: number }[] {
  return series.get(name)?.view(maxPoints) ?? [];
}

export function metricNames(): string[] {
  return [...series.keys()];
}

export function clearMetrics(): void {
  series.clear();
  dirty = true;
}

/** True once per change: the 10 Hz chart clock asks this before redrawing. */
export function takeDirty(): boolean {
  const was = dirty;
  dirty = false;
  return was;
}
