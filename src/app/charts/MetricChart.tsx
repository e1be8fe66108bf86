import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue } from '../../core/run/hyperparameters';
import type { HyperparameterEvent } from '../../core/run/events';

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  color?: string;
  /** Faint lines (raw curves under a smoothed one, seeds under their mean) are thinner and see-through. */
  opacity?: number;
  width?: number;
  /** A dashed line without dots (e.g. training-episode returns beside evaluation dots). */
  dashed?: boolean;
}

/** A shaded band between lo and hi (min–max, standard error or a bootstrap CI across seeds). */
export interface BandSeries {
  name: string;
  color: string;
  points: { x: number; lo: number; hi: number }[];
}

/** A marker: a hyperparameter change (by hand or by PBT) or a fork point, in the colour of its run. */
export interface ChartMarker {
  x: number;
  label: string;
  color?: string;
}

interface Props {
  title: string;
  help?: string;
  series: Series[];
  bands?: BandSeries[];
  markers?: ChartMarker[];
  /** Back-compat: events of one run drawn as markers. */
  events?: HyperparameterEvent[];
  testId: string;
  /** Horizontal guides, e.g. the return that counts as solved. */
  guides?: { y: number; label: string }[];
  showDots?: boolean;
  logScale?: boolean;
  xLabel?: string;
}

const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

export const eventLabel = (e: HyperparameterEvent) => `${e.key} ${formatValue(e.from)} → ${formatValue(e.to)}`;

const tick = (v: number) => (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

/**
 * Lines over updates (or training time) with bands and markers. Animations off: it redraws on the chart clock.
 * On a log scale, values at or below zero cannot be drawn and are left out (the title says how many).
 */
export function MetricChart({ title, help, series, bands = [], markers = [], events = [], testId, guides = [], showDots = false, logScale = false, xLabel = 'update' }: Props) {
  const positive = (p: { y: number }) => p.y > 0;
  const shown = logScale ? series.map((s) => ({ ...s, points: s.points.filter(positive) })) : series;
  const dropped = logScale ? series.reduce((n, s) => n + s.points.length - s.points.filter(positive).length, 0) : 0;
  const shownBands = logScale ? bands.map((b) => ({ ...b, points: b.points.filter((p) => p.lo > 0) })) : bands;
  const total = shown.reduce((n, s) => n + s.points.length, 0);
  const allMarkers: ChartMarker[] = [...markers, ...events.map((e) => ({ x: e.update, label: eventLabel(e) }))];
  return (
    <figure className="chart" data-testid={testId} data-x={xLabel} data-points={total} data-bands={shownBands.length}>
      <figcaption>
        {title}
        {dropped > 0 && <span className="muted"> ({dropped} points ≤ 0 not drawn on the log scale)</span>}
      </figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height={190}>
          <ComposedChart margin={{ top: 18, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#eee" />
            <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDuplicatedCategory={false} tickFormatter={(v: number) => String(Math.round(v))} fontSize={11} />
            <YAxis fontSize={11} width={52} scale={logScale ? 'log' : 'auto'} domain={['auto', 'auto']} allowDataOverflow={logScale} tickFormatter={tick} />
            <Tooltip formatter={(v) => (Array.isArray(v) ? v.map((x) => Number(x).toPrecision(3)).join(' – ') : Number(v).toPrecision(4))} labelFormatter={(l) => `${xLabel} ${Math.round(Number(l))}`} isAnimationActive={false} />
            {shownBands.map((b) => (
              <Area key={`band-${b.name}`} data={b.points.map((p) => ({ x: p.x, range: [p.lo, p.hi] }))} dataKey="range" name={`${b.name} (band)`} stroke="none" fill={b.color} fillOpacity={0.18} isAnimationActive={false} legendType="none" />
            ))}
            {shown.map((s, i) => (
              <Line
                key={`${s.name}-${i}`}
                data={s.points}
                type="linear"
                dataKey="y"
                name={s.name}
                stroke={s.color ?? palette[i % palette.length]}
                strokeOpacity={s.opacity ?? 1}
                dot={showDots && !s.dashed && (s.opacity ?? 1) === 1 ? { r: 2 } : false}
                strokeDasharray={s.dashed ? '4 2' : undefined}
                activeDot={(s.opacity ?? 1) === 1}
                isAnimationActive={false}
                strokeWidth={s.width ?? 1.5}
              />
            ))}
            {allMarkers.map((m, i) => (
              <ReferenceLine key={`m-${i}`} x={m.x} stroke={m.color ?? '#d97706'} strokeDasharray="4 3" label={{ value: m.label, position: 'insideTopLeft', fontSize: 11, fill: m.color ?? '#b45309' }} />
            ))}
            {guides.map((g) => (
              <ReferenceLine key={g.label} y={g.y} stroke="#16a34a" strokeDasharray="2 4" label={{ value: g.label, position: 'insideBottomRight', fontSize: 10, fill: '#15803d' }} />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      {help && <p className="help">{help}</p>}
    </figure>
  );
}
