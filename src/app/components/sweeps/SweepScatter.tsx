import { useState } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, type ScatterShapeProps } from 'recharts';
import type { RunRecord } from '../../../core/experiments/types';
import { formatValue, type HyperParam, type HyperValue } from '../../../core/run/hyperparameters';
import { useLab } from '../../store/labStore';
import { runScores, type SweepRow } from '../../store/sweepResults';
import { describePoint, isHighlighted, toggleHighlight } from '../../store/sweeps';
import { logTicks, niceTicks } from './ParallelCoordinates';

interface Props {
  rows: SweepRow[];
  runs: Readonly<Record<string, RunRecord>>;
  params: HyperParam[];
  scored: boolean;
  colors: Record<number, string>;
  /** Tick each swept value (a grid's few), rather than round ticks (a random search's draws). */
  exact: boolean;
}

interface Dot {
  x: number;
  y: number;
  point: number;
  color: string;
  /** The configuration's mean (a larger dot) rather than one run. */
  mean: boolean;
  label: string;
  /** Pixels to the side, so configurations at the same x (the other keys differ) do not hide each other. */
  dx: number;
}

/** Pixels between configurations that share an x value. */
const DODGE = 10;

const tick = (v: number) => formatValue(Number(v.toPrecision(3)));

/**
 * One swept hyperparameter (picked) against the final score: a small dot per run, a larger ringed dot per
 * configuration at the mean over its seeds. Log x where the schema says log; choices and yes/no as categories.
 */
export function SweepScatter({ rows, runs, params, scored, colors, exact }: Props) {
  const highlight = useLab((s) => s.highlight);
  const [picked, setPicked] = useState<string | null>(null);
  const param = params.find((p) => p.key === picked) ?? params[0];
  if (!param) return null;
  const numeric = param.kind === 'number' || param.kind === 'int';
  const categories: HyperValue[] = numeric ? [] : param.kind === 'bool' ? [false, true] : (param.choices ?? []).filter((c) => rows.some((r) => r.values[param.key] === c));
  const toX = (v: HyperValue | undefined): number | null => (v === undefined ? null : numeric ? Number(v) : categories.indexOf(v));
  const xs = rows.map((r) => toX(r.values[param.key])).filter((v): v is number => v !== null);
  const log = numeric && (param.log ?? false) && xs.length > 0 && Math.min(...xs) > 0;
  const anyPicked = rows.some((r) => isHighlighted(highlight, r.runIds));

  const runDots: Dot[] = [];
  const meanDots: Dot[] = [];
  const sharing = new Map<number, number[]>();
  for (const row of rows) {
    const x = toX(row.values[param.key]);
    if (x !== null) sharing.set(x, [...(sharing.get(x) ?? []), row.point]);
  }
  for (const row of rows) {
    const x = toX(row.values[param.key]);
    if (x === null) continue;
    const group = sharing.get(x)!;
    const dx = (group.indexOf(row.point) - (group.length - 1) / 2) * DODGE;
    const color = colors[row.point] ?? '#6b7280';
    for (const id of row.runIds) {
      const r = runs[id];
      const s = r ? runScores(r, scored) : null;
      if (s) runDots.push({ x, y: s.final, point: row.point, color, mean: false, label: `${r.name}: final ${s.final.toFixed(1)}`, dx });
    }
    if (row.final) meanDots.push({ x, y: row.final.point, point: row.point, color, mean: true, label: `#${row.point} ${describePoint(row.values)}: mean final ${row.final.point.toFixed(1)} over ${row.scoredSeeds} seed${row.scoredSeeds === 1 ? '' : 's'}`, dx });
  }

  let domain: [number, number];
  if (!numeric) domain = [-0.5, Math.max(0.5, categories.length - 0.5)];
  else if (xs.length === 0) domain = [0, 1];
  else {
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    if (log) domain = [lo / 1.5, hi * 1.5];
    else {
      const pad = hi > lo ? (hi - lo) * 0.08 : Math.abs(lo) * 0.5 || 1;
      domain = [lo - pad, hi + pad];
    }
  }
  const distinct = [...new Set(xs)].sort((a, b) => a - b);
  const ticks = !numeric ? categories.map((_, i) => i) : exact && distinct.length <= 6 ? distinct : log ? logTicks(domain[0], domain[1]) : niceTicks(domain[0], domain[1]);

  const shape = (props: ScatterShapeProps) => {
    const d = props.payload as Dot | undefined;
    if (!d || props.cx === undefined || props.cy === undefined) return <g />;
    const on = isHighlighted(highlight, rows.find((r) => r.point === d.point)?.runIds ?? []);
    const faded = anyPicked && !on;
    return (
      <circle
        cx={props.cx + d.dx}
        cy={props.cy}
        r={d.mean ? (on ? 8 : 6.5) : 3}
        fill={d.color}
        fillOpacity={faded ? 0.2 : d.mean ? 0.95 : 0.55}
        stroke={d.mean ? '#111827' : 'none'}
        strokeWidth={on ? 2.5 : 1.25}
        strokeOpacity={faded ? 0.3 : 1}
        style={{ cursor: 'pointer' }}
        onClick={() => toggleHighlight(rows.find((r) => r.point === d.point)?.runIds ?? [])}
      >
        <title>{d.label}</title>
      </circle>
    );
  };

  return (
    <figure className="chart sweep-scatter" data-testid="sweep-scatter" data-dots={runDots.length} data-means={meanDots.length}>
      <figcaption>
        <label>
          final {scored ? 'normalized score' : 'return'} against{' '}
          <select value={param.key} onChange={(e) => setPicked(e.target.value)} data-testid="sweep-scatter-x" aria-label="hyperparameter on the x-axis">
            {params.map((p) => (
              <option key={p.key} value={p.key}>
                {p.key}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small"> — dots: runs; ringed: mean of seeds</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <ScatterChart margin={{ top: 10, right: 16, bottom: 18, left: 4 }}>
          <CartesianGrid stroke="#eee" />
          <XAxis
            type="number"
            dataKey="x"
            name={param.key}
            scale={log ? 'log' : 'linear'}
            domain={domain}
            allowDataOverflow
            ticks={ticks}
            tickFormatter={(v: number) => (numeric ? tick(v) : String(categories[Math.round(v)] ?? ''))}
            fontSize={11}
            label={{ value: `${param.key}${log ? ' (log)' : ''}`, position: 'insideBottom', offset: -10, fontSize: 11 }}
          />
          <YAxis type="number" dataKey="y" name="final" domain={['auto', 'auto']} fontSize={11} width={52} tickFormatter={tick} />
          <Tooltip
            isAnimationActive={false}
            cursor={{ strokeDasharray: '3 3' }}
            content={({ active, payload }) => {
              const d = active && payload && payload.length ? (payload[0].payload as Dot) : null;
              return d ? <div className="sweep-tip">{d.label}</div> : null;
            }}
          />
          <Scatter name="runs" data={runDots} shape={shape} isAnimationActive={false} />
          <Scatter name="configuration means" data={meanDots} shape={shape} isAnimationActive={false} />
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}
