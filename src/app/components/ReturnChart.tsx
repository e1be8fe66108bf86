import { memo, useMemo } from 'react';
import { MetricChart } from '../charts/MetricChart';
import { chartSeries, runMarkers, xAxisLabel, type RunGroup } from '../charts/runSeries';
import { useFrameDeferred } from '../charts/frameQueue';
import { useLab } from '../store/labStore';

/**
 * Evaluation results of every visible run over updates (or training time): the D4RL-normalized score when every run
 * has one (comparable across environments), else the mean return. Redraws when an evaluation arrives.
 */
export const ReturnChart = memo(function ReturnChart({ groups, solvedThreshold }: { groups: RunGroup[]; solvedThreshold?: number }) {
  const version = useFrameDeferred(useLab((s) => s.chartVersion));
  const chart = useLab((s) => s.chart);
  const highlight = useLab((s) => s.highlight);
  const drawn = useMemo(() => {
    const { runs } = useLab.getState();
    const live = groups.map((g) => ({ ...g, runs: g.runs.map((r) => runs[r.id] ?? r) }));
    const all = live.flatMap((g) => g.runs);
    const scored = all.length > 0 && all.every((r) => r.evaluations.every((e) => e.normalizedScore !== null));
    const x = (e: { update: number; wallMs: number }) => (chart.xAxis === 'wall' ? e.wallMs / 1000 : e.update);
    // Evaluations are few and already means over episodes: smoothing them would hide the points the user came for.
    const part = chartSeries(live, (r) => r.evaluations.map((e) => ({ x: x(e), y: scored ? e.normalizedScore! : e.meanReturn })), chart, highlight, 0);
    const last = all.length === 1 ? all[0].evaluations[all[0].evaluations.length - 1] : undefined;
    return { ...part, scored, last, markers: runMarkers(all, (r, u) => (chart.xAxis === 'wall' ? useLab.getState().metrics.wallAt(r.id, u) / 1000 : u)) };
  }, [groups, version, chart, highlight]);
  const guides = useMemo(() => (solvedThreshold !== undefined && !drawn.scored ? [{ y: solvedThreshold, label: `solved (${solvedThreshold})` }] : []), [solvedThreshold, drawn.scored]);
  const last = drawn.last;
  return (
    <MetricChart
      title={`${drawn.scored ? 'normalized score' : 'evaluation return'}${last ? ` (last ${last.meanReturn.toFixed(1)}${last.normalizedScore !== null ? `, normalized score ${last.normalizedScore.toFixed(1)}` : ''})` : ''}`}
      help={
        drawn.scored
          ? 'D4RL-normalized score of the greedy policy: 0 is the random policy, 100 the expert (100 × (return − random) / (expert − random)). It should rise towards the data\'s quality; offline, it can also fall as training goes on.'
          : "Mean return of the greedy policy over fresh episodes in the environment. It should rise towards the data's quality; offline, it can also fall as training goes on."
      }
      series={drawn.series}
      bands={drawn.bands}
      markers={drawn.markers}
      testId="chart-return"
      showDots
      guides={guides}
      logScale={chart.log}
      xLabel={xAxisLabel(chart)}
    />
  );
});
