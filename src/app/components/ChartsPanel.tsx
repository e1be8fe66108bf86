import { getEnvSpec } from '../../core/envs/registry';
import { LiveMetricChart } from '../charts/LiveMetricChart';
import { metricNames } from '../store/metrics';
import { useLab } from '../store/labStore';
import { ReturnChart } from './ReturnChart';

const envSpecOrNull = (id: string | null | undefined) => {
  try {
    return id ? getEnvSpec(id) : null;
  } catch {
    return null;
  }
};

/** Evaluation return, the algorithm's chart groups (several metrics in one chart), then one chart per other metric. */
export function ChartsPanel() {
  useLab((s) => s.chartVersion > 0 && metricNames().length); // re-render only when the set of metrics changes
  const events = useLab((s) => s.events);
  const catalog = useLab((s) => s.catalog);
  const algorithmId = useLab((s) => s.run.algorithmId);
  const dataset = useLab((s) => s.datasets.find((d) => d.id === s.run.datasetId));
  const algo = catalog?.algorithms.find((a) => a.id === algorithmId);
  const spec = envSpecOrNull(dataset?.envId);
  const names = metricNames();
  const groups = (algo?.charts ?? []).filter((g) => g.metrics.some((m) => names.includes(m)));
  const grouped = new Set(groups.flatMap((g) => g.metrics));

  return (
    <section className="charts">
      {dataset && dataset.envId === null ? (
        <p className="help">This dataset has no environment, so there are no evaluation episodes: the charts show offline metrics only.</p>
      ) : (
        <ReturnChart solvedThreshold={spec?.solvedThreshold} />
      )}
      {groups.map((g, i) => (
        <LiveMetricChart key={g.title} title={g.title} help={g.help} metrics={g.metrics.filter((m) => names.includes(m)).join(',')} events={events} testId={`chart-group-${i}`} />
      ))}
      {names
        .filter((n) => !grouped.has(n))
        .map((name) => (
          <LiveMetricChart key={name} title={name} help={algo?.metricHelp[name]} metrics={name} events={events} testId={`chart-${name}`} />
        ))}
    </section>
  );
}
