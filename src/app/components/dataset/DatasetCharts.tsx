import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Histogram } from '../../../core/data/histogram';
import type { ActionDistribution } from '../../../core/data/measures';
import { formatTicks } from '../../charts/numberFormat';
import { histogramBars } from './histogramBars';

/** 12,000 as "12K": counts fit the narrow axis instead of being clipped. */
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Plain SVG tick labels: recharts' own measure each word in the DOM to wrap it, a long task with several charts. */
const tickX = ({ x, y, payload }: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) => (
  <text x={Number(x)} y={Number(y) + 10} textAnchor="middle" fontSize={10} fill="#666">
    {String(payload?.value ?? '')}
  </text>
);
const tickY = ({ x, y, payload }: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) => (
  <text x={Number(x) - 2} y={Number(y) + 3} textAnchor="end" fontSize={10} fill="#666">
    {compact.format(Number(payload?.value ?? 0))}
  </text>
);

const tickPercent = ({ x, y, payload }: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) => (
  <text x={Number(x) - 2} y={Number(y) + 3} textAnchor="end" fontSize={10} fill="#666">
    {`${Number(payload?.value ?? 0)}%`}
  </text>
);

interface BarDatum {
  label: string;
  n: number;
  /** The axis label, when it differs from the tooltip's. */
  axis?: string;
}

function Bars({ data, height, xLabel, colour, testId, everyLabel = false }: { data: BarDatum[]; height: number; xLabel: (d: BarDatum) => string; colour: string; testId: string; everyLabel?: boolean }) {
  return (
    <div data-testid={testId} data-bars={data.filter((d) => d.n > 0).length}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} margin={{ top: 6, right: 8, bottom: 2, left: 0 }} barCategoryGap={1}>
          <CartesianGrid stroke="#eee" vertical={false} />
          {/* A fixed label step: 'preserveStartEnd' measures every label in the DOM to choose. */}
          <XAxis dataKey={xLabel} tick={tickX} interval={everyLabel ? 0 : Math.max(0, Math.ceil(data.length / 6) - 1)} />
          <YAxis tick={tickY} width={40} allowDecimals={false} />
          <Tooltip isAnimationActive={false} labelFormatter={(l, payload) => String((payload?.[0]?.payload as BarDatum | undefined)?.label ?? l)} formatter={(v) => [Number(v).toLocaleString('en-US'), 'count']} />
          <Bar dataKey="n" fill={colour} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Episode returns in equal-width bins. */
export function ReturnHistogram({ histogram }: { histogram: Histogram }) {
  return <Bars data={histogramBars(histogram)} height={170} xLabel={(d) => d.axis ?? d.label} colour="#2563eb" testId="return-histogram" />;
}

/** Counts per discrete action, or a histogram per continuous action dimension. */
export function ActionChart({ actions, labels }: { actions: ActionDistribution; labels: readonly string[] }) {
  if (actions.kind === 'discrete') {
    const data = Array.from(actions.counts, (n, a) => ({ label: labels[a] ?? `action ${a}`, n }));
    return <Bars data={data} height={170} xLabel={(d) => d.label} colour="#16a34a" testId="action-chart" everyLabel />;
  }
  const shown = actions.perDim.slice(0, 4);
  return (
    <div data-testid="action-chart" data-bars={shown.length}>
      {shown.map((h, j) => (
        <div key={j}>
          <p className="axis-title">{labels[j] ?? `action ${j}`}</p>
          <Bars data={histogramBars(h)} height={shown.length > 1 ? 90 : 170} xLabel={(d) => d.axis ?? d.label} colour="#16a34a" testId={`action-dim-${j}`} />
        </div>
      ))}
      {actions.perDim.length > shown.length && <p className="help">and {actions.perDim.length - shown.length} more dimensions</p>}
    </div>
  );
}

/**
 * Share of sampled transitions that falls in each return bucket: under uniform sampling (each bucket's share of the
 * rows) and under return-weighted sampling at the form's temperature (Hong et al. 2023), side by side.
 */
export function SampledShareChart({ edges, uniform, weighted, weightedLabel }: { edges: ArrayLike<number>; uniform: ArrayLike<number>; weighted: ArrayLike<number>; weightedLabel: string }) {
  const mids = formatTicks(Array.from(uniform, (_, k) => (edges[k] + edges[k + 1]) / 2));
  const data = Array.from(uniform, (u, k) => ({ mid: mids[k], uniform: 100 * u, weighted: 100 * weighted[k] }));
  const pct = (v: unknown) => `${Number(v).toFixed(1)}%`;
  return (
    <div data-testid="sampled-share-chart" data-bars={data.length}>
      <ResponsiveContainer width="100%" height={170}>
        <BarChart data={data} margin={{ top: 6, right: 8, bottom: 2, left: 0 }} barCategoryGap={1} barGap={0}>
          <CartesianGrid stroke="#eee" vertical={false} />
          <XAxis dataKey="mid" tick={tickX} interval={Math.max(0, Math.ceil(data.length / 6) - 1)} />
          <YAxis tick={tickPercent} width={40} />
          <Tooltip isAnimationActive={false} formatter={(v, name) => [pct(v), name === 'weighted' ? weightedLabel : 'uniform']} />
          <Legend formatter={(name) => (name === 'weighted' ? weightedLabel : 'uniform')} wrapperStyle={{ fontSize: 11 }} />
          <Bar dataKey="uniform" fill="#9ca3af" isAnimationActive={false} />
          <Bar dataKey="weighted" fill="#ea580c" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
