// Turns runs into what a chart draws: one line per run, or per group of seeds one centre line with a band
// (statistics from core/experiments), smoothed, with the raw or per-seed curves faint beneath.
import { aggregateCurves, type Point } from '../../core/experiments/curves';
import type { ChartChoices } from '../../core/experiments/labLink';
import { smoothDebiasedEma } from '../../core/experiments/smoothing';
import type { RunRecord } from '../../core/experiments/types';
import type { BandSeries, ChartMarker, Series } from './MetricChart';
import { eventLabel } from './MetricChart';

export interface RunGroup {
  id: string;
  label: string;
  color: string;
  runs: RunRecord[];
}

/** Visible runs grouped by configuration (seeds of one configuration together), in run-list order. */
export function groupRuns(runs: readonly RunRecord[], labels: Record<string, string>): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const r of runs) {
    if (r.hidden) continue;
    const id = r.membership.groupId;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { id, label: labels[id] ?? r.name, color: r.color, runs: [] }));
    g.runs.push(r);
  }
  return [...groups.values()];
}

const smooth = (points: Point[], weight: number): Point[] => {
  if (weight <= 0 || points.length < 2) return points;
  const ys = smoothDebiasedEma(
    points.map((p) => p.y),
    weight,
  );
  return points.map((p, i) => ({ x: p.x, y: ys[i] }));
};

/**
 * The lines and bands of one chart. `pointsOf` gives a run's raw curve on the chosen x-axis. A group of one run, or
 * center 'runs', draws each run; otherwise a group draws its mean or IQM over seeds with the chosen band. Runs
 * outside `highlight` (when set) are drawn faint.
 */
export function chartSeries(groups: readonly RunGroup[], pointsOf: (r: RunRecord) => Point[], chart: ChartChoices, highlight: readonly string[] | null, smoothing = chart.smoothing): { series: Series[]; bands: BandSeries[] } {
  const series: Series[] = [];
  const bands: BandSeries[] = [];
  const dim = (ids: string[]) => (highlight && !ids.some((id) => highlight.includes(id)) ? 0.15 : 1);
  for (const g of groups) {
    const raw = g.runs.map(pointsOf);
    const smoothed = raw.map((p) => smooth(p, smoothing));
    const ids = g.runs.map((r) => r.id);
    const perRun = chart.center === 'runs' || g.runs.length === 1;
    if (perRun) {
      g.runs.forEach((r, i) => {
        const o = dim([r.id]);
        if (smoothing > 0 && raw[i].length > 1) series.push({ name: `${r.name} (raw)`, points: raw[i], color: r.color, opacity: 0.25 * o, width: 1 });
        series.push({ name: g.runs.length === 1 ? g.label : r.name, points: smoothed[i], color: r.color, opacity: o, width: highlight?.includes(r.id) ? 2.5 : 1.75 });
      });
      continue;
    }
    const o = dim(ids);
    if (chart.seedsFaint) smoothed.forEach((p, i) => series.push({ name: `${g.runs[i].name}`, points: p, color: g.color, opacity: 0.22 * o, width: 1 }));
    const started = smoothed.filter((p) => p.length > 0);
    if (started.length === 0) continue;
    const agg = aggregateCurves(started, { center: chart.center === 'iqm' ? 'iqm' : 'mean', band: chart.band, points: 150, minRuns: started.length });
    series.push({ name: `${g.label} (${chart.center === 'iqm' ? 'IQM' : 'mean'} of ${started.length})`, points: agg.map((a) => ({ x: a.x, y: a.center })), color: g.color, opacity: o, width: 2.25 });
    if (chart.band !== 'none') bands.push({ name: g.label, color: g.color, points: agg.map((a) => ({ x: a.x, lo: a.lo, hi: a.hi })) });
  }
  return { series, bands };
}

/** Hyperparameter changes and fork points of the runs, as markers in their run's colour, on the chosen axis. */
export function runMarkers(runs: readonly RunRecord[], xOf: (r: RunRecord, update: number) => number): ChartMarker[] {
  const out: ChartMarker[] = [];
  for (const r of runs) {
    if (r.hidden) continue;
    for (const e of r.events) out.push({ x: xOf(r, e.update), label: e.source ? `${eventLabel(e)} (${e.source})` : eventLabel(e), color: runs.length > 1 ? r.color : undefined });
    if (r.config.fork) out.push({ x: xOf(r, r.config.fork.update), label: `fork @${r.config.fork.update}`, color: r.color });
  }
  return out;
}

/** The x-axis's name for tooltips. */
export const xAxisLabel = (chart: ChartChoices) => (chart.xAxis === 'wall' ? 'second' : chart.xAxis === 'envSteps' ? 'env step' : 'update');
