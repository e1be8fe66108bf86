import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue } from '../../core/run/hyperparameters';
import type { HyperparameterEvent } from '../../core/run/events';

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  color?: string;
}

interface Props {
  title: string;
  help?: string;
  series: Series[];
  events: HyperparameterEvent[];
  testId: string;
  /** Horizontal guides, e.g. the return that counts as solved. */
  guides?: { y: number; label: string }[];
  showDots?: boolean;
}

const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

export const eventLabel = (e: HyperparameterEvent) => `${e.key} ${formatValue(e.from)} → ${formatValue(e.to)}`;

/** Lines over updates with a marker at every hyperparameter change. Animations off: it redraws up to 10 Hz. */
export function MetricChart({ title, help, series, events, testId, guides = [], showDots = false }: Props) {
  const total = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <figure className="chart" data-testid={testId} data-points={total}>
      <figcaption>{title}</figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height={190}>
          <LineChart margin={{ top: 18, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#eee" />
            <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDuplicatedCategory={false} tickFormatter={(v: number) => String(Math.round(v))} fontSize={11} />
            <YAxis fontSize={11} width={52} domain={['auto', 'auto']} tickFormatter={(v: number) => (Math.abs(v) >= 1000 ? v.toExponential(1) : String(Number(v.toPrecision(3))))} />
            <Tooltip formatter={(v) => Number(v).toPrecision(4)} labelFormatter={(l) => `update ${Math.round(Number(l))}`} isAnimationActive={false} />
            {series.length > 1 && <Legend verticalAlign="top" height={18} iconSize={10} wrapperStyle={{ fontSize: 11 }} />}
            {series.map((s, i) => (
              <Line key={s.name} data={s.points} type="linear" dataKey="y" name={s.name} stroke={s.color ?? palette[i % palette.length]} dot={showDots} isAnimationActive={false} strokeWidth={1.5} />
            ))}
            {events.map((e, i) => (
              <ReferenceLine key={i} x={e.update} stroke="#d97706" strokeDasharray="4 3" label={{ value: eventLabel(e), position: 'insideTopLeft', fontSize: 11, fill: '#b45309' }} />
            ))}
            {guides.map((g) => (
              <ReferenceLine key={g.label} y={g.y} stroke="#16a34a" strokeDasharray="2 4" label={{ value: g.label, position: 'insideBottomRight', fontSize: 10, fill: '#15803d' }} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      {help && <p className="help">{help}</p>}
    </figure>
  );
}
