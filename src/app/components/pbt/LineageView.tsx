import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { buildLineage, type LineageEvent, type MemberLineage } from '../../../core/experiments/pbt';
import { formatValue, type HyperParam, type HyperValue } from '../../../core/run/hyperparameters';
import { useLab } from '../../store/labStore';
import { usePbt } from '../../store/pbt';

/** The drawing's own units; the SVG scales to its container's width. */
const WIDTH = 860;
const LEFT = 54;
const RIGHT = 74;
const PLOT = WIDTH - LEFT - RIGHT;

const short = (v: HyperValue) => (typeof v === 'number' ? formatValue(Number(v.toPrecision(3))) : String(v));

/** Round tick values for [0, max]: about `count` of them at 1, 2 or 5 × a power of ten. */
function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(v);
  return out;
}

const compact = (n: number) => (n >= 1000 ? `${Number((n / 1000).toPrecision(3))}k` : String(n));

/**
 * Who copied whom: one lane per member over updates (its run's colour) and an arrow from the source's lane to the
 * target's at the update of each copy; below, for each explored key, the schedule each member ended with (its own
 * value over time, a step line per member on a scale shared by the key, log where the schema says log).
 * Re-renders only when its population gains a copy (the runs' reports do not reach it).
 */
export const LineageView = memo(function LineageView({ id }: { id: string }) {
  const fixed = usePbt(useShallow((s) => {
    const p = s.populations[id];
    return { params: p?.params, initial: p?.initial, runIds: p?.runIds, totalUpdates: p?.totalUpdates ?? 0, interval: p?.settings.interval ?? 0 };
  }));
  const events = usePbt((s) => s.populations[id]?.events);
  // Redrawn when the population ends too, so the lanes show how far each member got.
  const status = usePbt((s) => s.populations[id]?.status);
  // Colours as one string: the view re-renders if a colour changes, not on the runs' progress.
  const colors = useLab((s) => (fixed.runIds ?? []).map((r) => s.runs[r]?.color ?? '#9ca3af').join(' '));
  const { params, initial } = fixed;
  const lineage = useMemo(() => (params && initial && events ? buildLineage(initial, events, params.map((p) => p.key)) : null), [params, initial, events]);
  if (!params || !initial || !events || !lineage) return null;

  const color = colors.split(' ');
  const xMax = Math.max(fixed.totalUpdates, ...events.map((e) => e.update), 1);
  const x = (update: number) => LEFT + (PLOT * Math.min(update, xMax)) / xMax;
  const n = initial.length;
  // How far each member has trained, read when the view draws (at a copy), not followed: the reports never reach it.
  const runs = useLab.getState().runs;
  const progress = (fixed.runIds ?? []).map((r) => Math.min(runs[r]?.update ?? 0, xMax));
  return (
    <figure className="lineage" data-testid="lineage-view" data-copies={events.length}>
      <figcaption>
        Lineage: who copied whom{' '}
        <span className="muted small">
          (an arrow runs from the member copied to the member that copied it, at the update it did; a lane is solid as far as its member had trained at the latest copy{status === 'running' ? '' : ` and ${status === 'done' ? 'the end' : 'the stop'}`})
        </span>
      </figcaption>
      <Lanes n={n} events={events} color={color} x={x} xMax={xMax} interval={fixed.interval} progress={progress} />
      <div className="lineage-schedules">
        {params.map((param) => (
          <Schedule key={param.key} param={param} lineage={lineage} color={color} x={x} xMax={xMax} progress={progress} />
        ))}
      </div>
    </figure>
  );
});

interface LanesProps {
  n: number;
  events: readonly LineageEvent[];
  color: string[];
  x(update: number): number;
  xMax: number;
  interval: number;
  /** Each member's update when the view was drawn. */
  progress: number[];
}

function Lanes({ n, events, color, x, xMax, interval, progress }: LanesProps) {
  const lane = n <= 8 ? 30 : 20;
  const top = 12;
  const height = top + lane * n + 28;
  const y = (member: number) => top + lane * member + lane / 2;
  const axis = top + lane * n + 4;
  // Faint lines at the multiples of K, where there are few enough to read.
  const steps = interval > 0 && xMax / interval <= 40 ? Array.from({ length: Math.floor(xMax / interval) }, (_, i) => (i + 1) * interval) : [];
  return (
    <svg className="lineage-lanes" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`lineage of ${n} members: ${events.length} copies`}>
      {steps.map((u) => (
        <line key={u} x1={x(u)} x2={x(u)} y1={top} y2={axis - 4} className="lineage-k" />
      ))}
      {Array.from({ length: n }, (_, m) => (
        <g key={m}>
          <text x={LEFT - 8} y={y(m) + 4} textAnchor="end" className="lineage-label" fill={color[m]}>
            m{m}
          </text>
          <line x1={LEFT} x2={LEFT + PLOT} y1={y(m)} y2={y(m)} stroke={color[m]} className="lineage-ahead" />
          {progress[m] > 0 && <line x1={LEFT} x2={x(progress[m])} y1={y(m)} y2={y(m)} stroke={color[m]} strokeWidth={3} strokeLinecap="round" opacity={0.85} />}
          <text x={LEFT + PLOT + 8} y={y(m) + 4} className="lineage-note">
            {copiesOf(events, m)}
          </text>
        </g>
      ))}
      {events.map((e, i) => (
        <Arrow key={i} event={e} x={x(e.update)} y1={y(e.source)} y2={y(e.target)} color={color[e.source]} />
      ))}
      <line x1={LEFT} x2={LEFT + PLOT} y1={axis} y2={axis} className="lineage-axis" />
      {ticks(xMax).map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={axis} y2={axis + 4} className="lineage-axis" />
          <text x={x(t)} y={axis + 16} textAnchor="middle" className="lineage-tick">
            {compact(t)}
          </text>
        </g>
      ))}
      <text x={LEFT + PLOT + 20} y={axis + 16} className="lineage-tick">
        updates
      </text>
    </svg>
  );
}

function copiesOf(events: readonly LineageEvent[], member: number): string {
  const n = events.filter((e) => e.target === member).length;
  return n === 0 ? 'no copy' : `${n} cop${n === 1 ? 'y' : 'ies'}`;
}

/** A curve from the source's lane to the target's at the copy's update, bowing right, with its head on the target. */
function Arrow({ event, x, y1, y2, color }: { event: LineageEvent; x: number; y1: number; y2: number; color: string }) {
  const bow = Math.min(36, 10 + 0.4 * Math.abs(y2 - y1));
  const cx = x + bow;
  const cy = (y1 + y2) / 2;
  // The end's tangent points from the control point to the end: the head is drawn along it.
  const dx = x - cx;
  const dy = y2 - cy;
  const len = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [dx / len, dy / len];
  const head = 7;
  const tip = { x: x - ux * 2, y: y2 - uy * 2 };
  const base = { x: tip.x - ux * head, y: tip.y - uy * head };
  const points = `${tip.x},${tip.y} ${base.x - uy * head * 0.5},${base.y + ux * head * 0.5} ${base.x + uy * head * 0.5},${base.y - ux * head * 0.5}`;
  const what = event.changes.length ? event.changes.map((c) => `${c.key} ${short(c.from)} → ${short(c.to)}`).join(', ') : 'values unchanged';
  return (
    <g data-testid="lineage-copy" className="lineage-copy">
      <title>{`update ${event.update.toLocaleString()}: m${event.target} copied m${event.source}; ${what}`}</title>
      <circle cx={x} cy={y1} r={3} fill={color} />
      <path d={`M ${x} ${y1} Q ${cx} ${cy} ${tip.x} ${tip.y}`} fill="none" stroke={color} strokeWidth={1.8} />
      <polygon points={points} fill={color} />
    </g>
  );
}

interface ScheduleProps {
  param: HyperParam;
  lineage: MemberLineage[];
  color: string[];
  x(update: number): number;
  xMax: number;
  progress: number[];
}

/** One explored key: a thin row per member, its value over updates as a step line, its last value at the right. */
function Schedule({ param, lineage, color, x, xMax, progress }: ScheduleProps) {
  const n = lineage.length;
  const row = n <= 8 ? 24 : 16;
  const top = 4;
  const height = top + row * n + 4;
  const values = lineage.flatMap((m) => m.schedule[param.key].map((p) => Number(p.value)));
  const log = param.log === true && values.every((v) => v > 0);
  const f = (v: number) => (log ? Math.log(v) : v);
  let [lo, hi] = [Math.min(...values.map(f)), Math.max(...values.map(f))];
  if (hi - lo < 1e-12) [lo, hi] = [lo - 1, hi + 1];
  // Each row keeps a margin of a fifth of its height above and below the line.
  const y = (member: number, v: number) => top + row * member + row * 0.8 - ((f(v) - lo) / (hi - lo)) * row * 0.6;
  const range = `${short(log ? Math.exp(lo) : lo)} – ${short(log ? Math.exp(hi) : hi)}`;
  return (
    <div className="lineage-schedule">
      <div className="lineage-schedule-title small">
        <strong>{param.label}</strong> <span className="muted">({param.key}; rows share one {log ? 'log' : 'linear'} scale, {range})</span>
      </div>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`${param.label} schedule of each member`}>
        {lineage.map((m) => {
          const points = m.schedule[param.key];
          let d = '';
          points.forEach((p, i) => {
            const py = y(m.member, Number(p.value));
            d += i === 0 ? `M ${x(p.update)} ${py}` : ` H ${x(p.update)} V ${py}`;
          });
          const reached = Math.max(progress[m.member] ?? 0, points[points.length - 1].update);
          d += ` H ${x(reached)}`;
          const last = points[points.length - 1].value;
          const lastY = y(m.member, Number(last));
          const base = top + row * (m.member + 1);
          return (
            <g key={m.member}>
              <title>{`m${m.member}: ${points.map((p) => `${short(p.value)} from update ${p.update.toLocaleString()}`).join(', ')}`}</title>
              {m.member < n - 1 && <line x1={LEFT} x2={LEFT + PLOT} y1={base} y2={base} className="lineage-row" />}
              <text x={LEFT - 8} y={top + row * m.member + row / 2 + 4} textAnchor="end" className="lineage-label" fill={color[m.member]}>
                m{m.member}
              </text>
              {reached < xMax && <line x1={x(reached)} x2={x(xMax)} y1={lastY} y2={lastY} stroke={color[m.member]} className="lineage-ahead" />}
              <path d={d} fill="none" stroke={color[m.member]} strokeWidth={2} />
              <text x={LEFT + PLOT + 8} y={top + row * m.member + row / 2 + 4} className="lineage-value">
                {short(last)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
