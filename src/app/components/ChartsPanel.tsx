import { getEnvSpec } from '../../core/envs/registry';
import { MetricChart } from '../charts/MetricChart';
import { metricNames, metricView } from '../store/metrics';
import { useLab } from '../store/labStore';

const envSpecOrNull = (id: string | null | undefined) => {
  try {
    return id ? getEnvSpec(id) : null;
  } catch {
    return null;
  }
};

/** Evaluation return, the algorithm's chart groups (several metrics in one chart), then one chart per other metric. */
export function ChartsPanel() {
  useLab((s) => s.chartVersion); // redraw on the 10 Hz chart clock
  const events = useLab((s) => s.events);
  const evaluations = useLab((s) => s.evaluations);
  const catalog = useLab((s) => s.catalog);
  const run = useLab((s) => s.run);
  const dataset = useLab((s) => s.datasets.find((d) => d.id === s.run.datasetId));
  const algo = catalog?.algorithms.find((a) => a.id === run.algorithmId);
  const spec = envSpecOrNull(dataset?.envId);
  const last = evaluations[evaluations.length - 1];
  const names = metricNames();
  const groups = (algo?.charts ?? []).filter((g) => g.metrics.some((m) => names.includes(m)));
  const grouped = new Set(groups.flatMap((g) => g.metrics));

  return (
    <section className="charts">
      {dataset && dataset.envId === null ? (
        <p className="help">This dataset has no environment, so there are no evaluation episodes: the charts show offline metrics only.</p>
      ) : (
        <MetricChart
          title={`evaluation return${last ? ` (last ${last.meanReturn.toFixed(1)}${last.normalizedScore !== null ? `, normalized score ${last.normalizedScore.toFixed(1)}` : ''})` : ''}`}
          help="Mean return of the greedy policy over fresh episodes in the environment. It should rise towards the data's quality; offline, it can also fall as training goes on."
          series={[{ name: 'return', points: evaluations.map((e) => ({ x: e.update, y: e.meanReturn })), color: '#16a34a' }]}
          events={events}
          testId="chart-return"
          showDots
          guides={spec?.solvedThreshold !== undefined ? [{ y: spec.solvedThreshold, label: `solved (${spec.solvedThreshold})` }] : []}
        />
      )}
      {groups.map((g, i) => (
        <MetricChart key={g.title} title={g.title} help={g.help} series={g.metrics.filter((m) => names.includes(m)).map((m) => ({ name: m, points: metricView(m) }))} events={events} testId={`chart-group-${i}`} />
      ))}
      {names
        .filter((n) => !grouped.has(n))
        .map((name) => (
          <MetricChart key={name} title={name} help={algo?.metricHelp[name]} series={[{ name, points: metricView(name) }]} events={events} testId={`chart-${name}`} />
        ))}
    </section>
  );
}
