import { memo, useMemo } from 'react';
import { MetricChart } from '../charts/MetricChart';
import { chartSeries, runMarkers, xAxisLabel, type RunGroup } from '../charts/runSeries';
import { useFrameDeferred } from '../charts/frameQueue';
import type { RunRecord } from '../../core/experiments/types';
import { TRAINING_RETURN } from '../../core/run/events';
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
    const { metrics } = useLab.getState();
    // Online runs are drawn in returns (training episodes have no normalized score of their own).
    const hasTraining = (r: RunRecord) => metrics.has(r.id) && metrics.names(r.id).includes(TRAINING_RETURN);
    const scored = all.length > 0 && !all.some(hasTraining) && all.every((r) => r.evaluations.every((e) => e.normalizedScore !== null));
    const x = (r: RunRecord, e: { update: number; wallMs: number }) => (chart.xAxis === 'wall' ? e.wallMs / 1000 : metrics.xAt(r.id, e.update, chart.xAxis));
    // Evaluations are few and already means over episodes: smoothing them would hide the points the user came for.
    const part = chartSeries(live, (r) => r.evaluations.map((e) => ({ x: x(r, e), y: scored ? e.normalizedScore! : e.meanReturn })), chart, highlight, 0);
    // Online runs: the acting (exploring) policy's training episodes, beside the greedy policy's evaluations.
    const training = live.filter((g) => g.runs.some(hasTraining));
    if (training.length > 0) {
      const t = chartSeries(training, (r) => metrics.view(r.id, TRAINING_RETURN, 500, chart.xAxis), chart, highlight);
      part.series.push(...t.series.map((s) => ({ ...s, name: `${s.name}: training episodes`, width: 1.25, dashed: true })));
    }
    const last = all.length === 1 ? all[0].evaluations[all[0].evaluations.length - 1] : undefined;
    // One run: the mean of its last 10 training episodes, in the title.
    const recent = all.length === 1 && training.length > 0 ? metrics.view(all[0].id, TRAINING_RETURN, 1e9).slice(-10) : [];
    const trainingMean = recent.length > 0 ? recent.reduce((a, p) => a + p.y, 0) / recent.length : null;
    return { ...part, scored, last, trainingMean, training: training.length > 0, markers: runMarkers(all, (r, u) => metrics.xAt(r.id, u, chart.xAxis)) };
  }, [groups, version, chart, highlight]);
  const guides = useMemo(() => (solvedThreshold !== undefined && !drawn.scored ? [{ y: solvedThreshold, label: `solved (${solvedThreshold})` }] : []), [solvedThreshold, drawn.scored]);
  const last = drawn.last;
  return (
    <MetricChart
      title={`${drawn.scored ? 'normalized score' : drawn.training ? 'evaluation and training returns' : 'evaluation return'}${last ? ` (last ${last.meanReturn.toFixed(1)}${last.normalizedScore !== null ? `, normalized score ${last.normalizedScore.toFixed(1)}` : ''})` : ''}${drawn.trainingMean !== null ? ` · last 10 training episodes ${drawn.trainingMean.toFixed(1)}` : ''}`}
      help={
        drawn.scored
          ? 'D4RL-normalized score of the greedy policy: 0 is the random policy, 100 the expert (100 × (return − random) / (expert − random)). It should rise towards the data\'s quality; offline, it can also fall as training goes on.'
          : drawn.training
            ? 'Dots: mean return of the greedy policy over fresh evaluation episodes. Thin dashed line: the return of each training episode of the acting policy (with its exploration: epsilon, sampled actions), at the moment it ended. Online, both should rise; the training line sits below while the policy still explores.'
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
