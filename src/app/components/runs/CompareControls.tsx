import { BANDS, CENTERS, X_AXES, type ChartChoices } from '../../../core/experiments/labLink';
import { useLab } from '../../store/labStore';
import { useRunGroups } from '../../store/runGroups';

const CENTER_LABEL: Record<ChartChoices['center'], string> = { runs: 'each run', mean: 'mean of seeds', iqm: 'IQM of seeds' };
const BAND_LABEL: Record<ChartChoices['band'], string> = { none: 'no band', minmax: 'min–max', se: '± standard error', ci95: '95% bootstrap CI' };
const AXIS_LABEL: Record<ChartChoices['xAxis'], string> = { updates: 'updates', wall: 'training time (s)', envSteps: 'environment steps' };

const setChart = (patch: Partial<ChartChoices>) => useLab.setState((s) => ({ chart: { ...s.chart, ...patch } }));

/** How runs are drawn: seeds as one line with a band, smoothing, x-axis and log scale; and the legend. */
export function CompareControls() {
  const chart = useLab((s) => s.chart);
  const { groups } = useRunGroups();
  if (groups.length === 0) return null;
  return (
    <section className="panel compare" aria-label="chart settings and legend">
      <div className="compare-controls">
        <label>
          seeds as{' '}
          <select value={chart.center} onChange={(e) => setChart({ center: e.target.value as ChartChoices['center'] })} data-testid="chart-center">
            {CENTERS.map((c) => (
              <option key={c} value={c}>
                {CENTER_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          band{' '}
          <select value={chart.band} disabled={chart.center === 'runs'} onChange={(e) => setChart({ band: e.target.value as ChartChoices['band'] })} data-testid="chart-band">
            {BANDS.map((b) => (
              <option key={b} value={b}>
                {BAND_LABEL[b]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={chart.seedsFaint} disabled={chart.center === 'runs'} onChange={(e) => setChart({ seedsFaint: e.target.checked })} /> seeds faint beneath
        </label>
        <label title="Exponential moving average, debiased at the start (as TensorBoard): the first points are not pulled towards zero. The raw curve stays faint underneath.">
          smoothing{' '}
          <input type="range" min={0} max={0.99} step={0.01} value={chart.smoothing} onChange={(e) => setChart({ smoothing: Number(e.target.value) })} aria-label="smoothing" data-testid="chart-smoothing" />
          <span className="num">{chart.smoothing.toFixed(2)}</span>
        </label>
        <label>
          x-axis{' '}
          <select value={chart.xAxis} onChange={(e) => setChart({ xAxis: e.target.value as ChartChoices['xAxis'] })} data-testid="chart-x">
            {X_AXES.map((x) => (
              <option key={x} value={x} title={x === 'envSteps' ? 'environment steps of online runs (offline runs take none: they stay at 0)' : undefined}>
                {AXIS_LABEL[x]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={chart.log} onChange={(e) => setChart({ log: e.target.checked })} data-testid="chart-log" /> log scale
        </label>
      </div>
      <ul className="legend" data-testid="legend">
        {groups.map((g) => (
          <li key={g.id}>
            <span className="swatch-static" style={{ background: g.color }} />
            <span className="legend-label">{g.label}</span>
            <span className="muted small">{g.runs.length > 1 ? ` ${g.runs.length} seeds` : ` seed ${String(g.runs[0].config.hyperparameters.seed)}`}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
