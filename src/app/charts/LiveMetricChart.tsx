import { memo, useMemo, useRef } from 'react';
import type { RunRecord } from '../../core/experiments/types';
import { useLab } from '../store/labStore';
import { MetricChart } from './MetricChart';
import { chartSeries, runMarkers, xAxisLabel, type RunGroup } from './runSeries';
import { useFrameDeferred } from './frameQueue';
import { useInView } from './useInView';

interface Props {
  title: string;
  help?: string;
  /** Metric names drawn in this chart, joined by commas (a string keeps memo comparisons cheap). */
  metrics: string;
  groups: RunGroup[];
  testId: string;
}

/** One group, several metrics in one chart (e.g. Q on data against the Monte-Carlo return): a colour per metric. */
const METRIC_COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

/** Points per run and metric handed to a chart (the chart draws at most four per pixel column of them). */
const POINTS = 600;

/**
 * A chart of live metrics of every visible run (or group of seeds), redrawn on the chart clock and only while it is
 * on screen. Several metrics of one run (or group) in one chart get a colour each; of several runs, the runs' colours.
 */
export const LiveMetricChart = memo(function LiveMetricChart({ title, help, metrics, groups, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const visible = useInView(box);
  // The clock's version, drawn on this chart's turn in the frame queue (see frameQueue.ts).
  const version = useFrameDeferred(useLab((s) => (visible ? s.chartVersion : -1)));
  const chart = useLab((s) => s.chart);
  const highlight = useLab((s) => s.highlight);
  const drawn = useMemo(() => {
    const { metrics: store, runs } = useLab.getState();
    const names = metrics.split(',');
    const live = groups.map((g) => ({ ...g, runs: g.runs.map((r) => runs[r.id] ?? r) }));
    const out = { series: [] as ReturnType<typeof chartSeries>['series'], bands: [] as ReturnType<typeof chartSeries>['bands'] };
    for (const [k, name] of names.entries()) {
      const part = chartSeries(live, (r: RunRecord) => store.view(r.id, name, POINTS, chart.xAxis), chart, highlight);
      // With several metrics in one chart and one group, each metric gets a palette colour of its own.
      const single = live.length === 1 && names.length > 1;
      out.series.push(...part.series.map((s) => ({ ...s, name: names.length > 1 ? `${name}: ${s.name}` : s.name, color: single ? METRIC_COLORS[k % METRIC_COLORS.length] : s.color })));
      out.bands.push(...part.bands.map((b) => ({ ...b, name: `${name}: ${b.name}` })));
    }
    const allRuns = live.flatMap((g) => g.runs);
    const markers = runMarkers(allRuns, (r, u) => store.xAt(r.id, u, chart.xAxis));
    return { ...out, markers };
  }, [metrics, groups, version, chart, highlight]);
  return (
    <div ref={box}>
      <MetricChart title={title} help={help} series={drawn.series} bands={drawn.bands} markers={drawn.markers} testId={testId} logScale={chart.log} xLabel={xAxisLabel(chart)} />
    </div>
  );
});
