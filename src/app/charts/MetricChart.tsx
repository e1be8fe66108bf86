import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue } from '../../core/run/hyperparameters';
import type { HyperparameterEvent } from '../../core/run/events';

interface Props {
  title: string;
  help?: string;
  points: { x: number; y: number }[];
  events: HyperparameterEvent[];
  testId: string;
  color?: string;
  /** Horizontal guides, e.g. the return that counts as solved. */
  guides?: { y: number; label: string }[];
  showDots?: boolean;
}

export const eventLabel = (e: HyperparameterEvent) => `${e.key} ${formatValue(e.from)} → ${formatValue(e.to)}`;

/** A line over updates with a marker at every hyperparameter change. Animations off: it redraws up to 10 Hz. */
export function MetricChart({ title, help, points, events, testId, color = '#2563eb', guides = [], showDots = false }: Props) {
  return (
    <figure className="chart" data-testid={testId} data-points={points.length}>
      <figcaption>{title}</figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={points} margin={{ top: 18, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#eee" />
            <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => String(Math.round(v))} fontSize={11} />
            <YAxis fontSize={11} width={52} domain={['auto', 'auto']} tickFormatter={(v: number) => (Math.abs(v) >= 1000 ? v.toExponential(1) : String(Number(v.toPrecision(3))))} />
            <Tooltip formatter={(v) => Number(v).toPrecision(4)} labelFormatter={(l) => `update ${Math.round(Number(l))}`} isAnimationActive={false} />
            <Line type="linear" dataKey="y" stroke={color} dot={showDots} isAnimationActive={false} strokeWidth={1.5} name={title} />
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
