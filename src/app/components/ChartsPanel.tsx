import { useRef } from 'react';
import { getEnvSpec } from '../../core/envs/registry';
import { RUN_METRIC_HELP, TRAINING_RETURN } from '../../core/run/events';
import { LiveMetricChart } from '../charts/LiveMetricChart';
import { useLab } from '../store/labStore';
import { useRunGroups } from '../store/runGroups';
import { ReturnChart } from './ReturnChart';

const envSpecOrNull = (id: string | null | undefined) => {
  try {
    return id ? getEnvSpec(id) : null;
  } catch {
    return null;
  }
};

/**
 * Every visible run on the same charts: evaluation results, the algorithms' chart groups (several metrics in one
 * chart), then one chart per other metric. A metric only some runs have is drawn for those.
 */
export function ChartsPanel() {
  const { groups, runs } = useRunGroups();
  // Metric names are looked up again only when the chart clock ticks or the runs change, not on every store change;
  // the panel re-renders only when the names do (a new run's first report).
  const cache = useRef({ version: -1, runs: null as unknown, key: '' });
  const namesKey = useLab((s) => {
    const c = cache.current;
    if (c.version !== s.chartVersion || c.runs !== runs) {
      cache.current = { version: s.chartVersion, runs, key: [...new Set(runs.filter((r) => !r.hidden).flatMap((r) => s.metrics.names(r.id)))].join(',') };
    }
    return cache.current.key;
  });
  const catalog = useLab((s) => s.catalog);
  const visible = runs.filter((r) => !r.hidden);
  if (visible.length === 0) return <section className="charts" data-testid="charts-empty"><p className="help">Start a run: its curves appear here, beside every other run's.</p></section>;
  // Training-episode returns are drawn in the return chart, beside the evaluations.
  const names = namesKey ? namesKey.split(',').filter((n) => n !== TRAINING_RETURN) : [];
  const algos = [...new Set(visible.map((r) => r.config.algorithmId))].map((id) => catalog?.algorithms.find((a) => a.id === id)).filter((a) => a !== undefined);
  const groupsOfCharts = algos.flatMap((a) => a.charts ?? []).filter((g, i, all) => all.findIndex((o) => o.title === g.title) === i);
  const chartGroups = groupsOfCharts.filter((g) => g.metrics.some((m) => names.includes(m)));
  const grouped = new Set(chartGroups.flatMap((g) => g.metrics));
  const help = (name: string) => algos.map((a) => a.metricHelp[name]).find((h) => h !== undefined) ?? RUN_METRIC_HELP[name];
  const envIds = [...new Set(visible.map((r) => r.config.envId))];
  const spec = envIds.length === 1 ? envSpecOrNull(envIds[0]) : null;

  return (
    <section className="charts">
      {envIds.every((e) => e === null) ? (
        <p className="help">This dataset has no environment, so there are no evaluation episodes: the charts show offline metrics only.</p>
      ) : (
        <ReturnChart groups={groups} solvedThreshold={spec?.solvedThreshold} />
      )}
      {chartGroups.map((g, i) => (
        <LiveMetricChart key={g.title} title={g.title} help={g.help} metrics={g.metrics.filter((m) => names.includes(m)).join(',')} groups={groups} testId={`chart-group-${i}`} />
      ))}
      {names
        .filter((n) => !grouped.has(n))
        .map((name) => (
          <LiveMetricChart key={name} title={name} help={help(name)} metrics={name} groups={groups} testId={`chart-${name}`} />
        ))}
    </section>
  );
}
