import { listEnvs } from '../../core/envs/registry';
import { MetricChart } from '../charts/MetricChart';
import { metricNames, metricView } from '../store/metrics';
import { useLab } from '../store/labStore';

export function ChartsPanel() {
  useLab((s) => s.chartVersion); // redraw on the 10 Hz chart clock
  const events = useLab((s) => s.events);
  const evaluations = useLab((s) => s.evaluations);
  const catalog = useLab((s) => s.catalog);
  const run = useLab((s) => s.run);
  const envId = useLab((s) => s.datasets.find((d) => d.id === s.run.datasetId)?.envId ?? s.envId);
  const algo = catalog?.algorithms.find((a) => a.id === run.algorithmId);
  const spec = listEnvs().find((e) => e.id === envId);
  const returns = evaluations.map((e) => ({ x: e.update, y: e.meanReturn }));
  const last = evaluations[evaluations.length - 1];

  return (
    <section className="charts">
      <MetricChart
        title={`evaluation return${last ? ` (last ${last.meanReturn.toFixed(1)}${last.normalizedScore !== null ? `, score ${last.normalizedScore.toFixed(1)}` : ''})` : ''}`}
        help="Mean return of the greedy policy over fresh episodes in the environment. It should rise towards the data's quality; offline, it can also fall as training goes on."
        points={returns}
        events={events}
        testId="chart-return"
        color="#16a34a"
        showDots
        guides={spec?.solvedThreshold !== undefined ? [{ y: spec.solvedThreshold, label: `solved (${spec.solvedThreshold})` }] : []}
      />
      {metricNames().map((name) => (
        <MetricChart key={name} title={name} help={algo?.metricHelp[name]} points={metricView(name)} events={events} testId={`chart-${name}`} />
      ))}
    </section>
  );
}
