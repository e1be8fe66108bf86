import { memo, useMemo, useRef } from 'react';
import type { HyperparameterEvent } from '../../core/run/events';
import { metricView } from '../store/metrics';
import { useLab } from '../store/labStore';
import { MetricChart } from './MetricChart';
import { useInView } from './useInView';

interface Props {
  title: string;
  help?: string;
  /** Metric names drawn as lines, joined by commas (a string keeps memo comparisons cheap). */
  metrics: string;
  events: HyperparameterEvent[];
  testId: string;
}

/** A chart of live metrics that redraws on the chart clock only while it is on screen. */
export const LiveMetricChart = memo(function LiveMetricChart({ title, help, metrics, events, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const visible = useInView(box);
  const version = useLab((s) => (visible ? s.chartVersion : -1));
  const series = useMemo(() => metrics.split(',').map((name) => ({ name, points: metricView(name) })), [metrics, version]);
  return (
    <div ref={box}>
      <MetricChart title={title} help={help} series={series} events={events} testId={testId} />
    </div>
  );
});
