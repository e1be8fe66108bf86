import { memo, useMemo } from 'react';
import { MetricChart } from '../charts/MetricChart';
import { useLab } from '../store/labStore';

/** Mean evaluation return over updates; redraws only when an evaluation or a hyperparameter event arrives. */
export const ReturnChart = memo(function ReturnChart({ solvedThreshold }: { solvedThreshold?: number }) {
  const evaluations = useLab((s) => s.evaluations);
  const events = useLab((s) => s.events);
  const last = evaluations[evaluations.length - 1];
  const series = useMemo(() => [{ name: 'return', points: evaluations.map((e) => ({ x: e.update, y: e.meanReturn })), color: '#16a34a' }], [evaluations]);
  const guides = useMemo(() => (solvedThreshold !== undefined ? [{ y: solvedThreshold, label: `solved (${solvedThreshold})` }] : []), [solvedThreshold]);
  return (
    <MetricChart
      title={`evaluation return${last ? ` (last ${last.meanReturn.toFixed(1)}${last.normalizedScore !== null ? `, normalized score ${last.normalizedScore.toFixed(1)}` : ''})` : ''}`}
      help="Mean return of the greedy policy over fresh episodes in the environment. It should rise towards the data's quality; offline, it can also fall as training goes on."
      series={series}
      events={events}
      testId="chart-return"
      showDots
      guides={guides}
    />
  );
});
