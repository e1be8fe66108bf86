import { useEffect, useRef, useState } from 'react';
import { formatValue, type HyperParam, type HyperValue } from '../../../core/run/hyperparameters';
import { useLab } from '../../store/labStore';
import type { SweepRow } from '../../store/sweepResults';
import { describePoint, isHighlighted, toggleHighlight } from '../../store/sweeps';

interface Props {
  rows: SweepRow[];
  /** The swept hyperparameters, one axis each. */
  params: HyperParam[];
  scored: boolean;
  /** Label each swept value (a grid's few), rather than round ticks (a random search's draws). */
  exact: boolean;
}

/** Viridis (matplotlib), 9 stops: dark purple for the lowest score, yellow for the highest. */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The ramp's colour at t in [0, 1] (linear between stops). */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(VIRIDIS[i]);
  const b = hexToRgb(VIRIDIS[i + 1]);
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** About `count` round ticks covering [lo, hi] (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks of a log axis over [lo, hi] (lo > 0): powers of ten, with 2x and 5x between them when a decade or less is shown. */
export function logTicks(lo: number, hi: number): number[] {
  const from = Math.floor(Math.log10(lo));
  const to = Math.ceil(Math.log10(hi));
  const powers: number[] = [];
  for (let e = from; e <= to; e++) powers.push(10 ** e);
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  let ticks = powers.filter(inside);
  if (ticks.length < 3) ticks = powers.flatMap((p) => [p, 2 * p, 5 * p]).filter(inside);
  if (ticks.length < 2) ticks = [lo, hi];
  return ticks.map((t) => Number(t.toPrecision(6)));
}

/** An axis: where a value sits (0 bottom, 1 top) and the ticks to label. */
interface Axis {
  key: string;
  title: string;
  tooltip: string;
  pos(v: HyperValue): number;
  ticks: { at: number; label: string }[];
  score?: boolean;
}

const numLabel = (v: number) => formatValue(v);

/** `exact`: label the values themselves when there are few (a grid's), else round ticks. */
function numericAxis(key: string, title: string, tooltip: string, values: number[], log: boolean, exact: boolean): Axis {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const useLog = log && lo > 0;
  const f = useLog ? Math.log10 : (v: number) => v;
  if (lo === hi) {
    // One value: mid-axis, with a little room either side.
    if (useLog) {
      lo /= 2;
      hi *= 2;
    } else {
      const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.5 : 1;
      lo -= pad;
      hi += pad;
    }
  }
  const [a, b] = [f(lo), f(hi)];
  const pos = (v: HyperValue) => (f(Number(v)) - a) / (b - a);
  const distinct = [...new Set(values)].sort((x, y) => x - y);
  let ticks: number[];
  // A few grid values: label exactly those. Otherwise round ticks (1, 2, 5 times powers of ten on a log axis).
  if (exact && distinct.length <= 6) ticks = distinct;
  else if (useLog) ticks = logTicks(lo, hi);
  else ticks = niceTicks(lo, hi);
  return { key, title, tooltip, pos, ticks: ticks.map((t) => ({ at: pos(t), label: numLabel(t) })) };
}

function categoricalAxis(p: HyperParam, values: HyperValue[]): Axis {
  const all: HyperValue[] = p.kind === 'bool' ? [false, true] : (p.choices ?? []);
  const present = all.filter((c) => values.includes(c));
  const cats = present.length ? present : all;
  const pos = (v: HyperValue) => {
    const i = cats.indexOf(v);
    return cats.length === 1 ? 0.5 : i < 0 ? 0 : i / (cats.length - 1);
  };
  return { key: p.key, title: p.key, tooltip: p.label, pos, ticks: cats.map((c) => ({ at: pos(c), label: String(c) })) };
}

/** Round ticks of the scores, and the lowest and highest score themselves where no round tick is near them. */
function scoreTicks(scores: number[]): number[] {
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  if (lo === hi) return [lo];
  const near = (a: number, b: number) => Math.abs(a - b) < (hi - lo) * 0.12;
  const round = niceTicks(lo, hi, 4);
  const ends = [lo, hi].filter((e) => !round.some((t) => near(t, e))).map((e) => Number(e.toPrecision(3)));
  return [...round, ...ends];
}

const HEIGHT = 260;
const TOP = 34;
const BOTTOM = 18;
const LEFT = 28;
const RIGHT = 70;
/** Axes spread over the width the figure has, but no closer than this (then the plot scrolls sideways). */
const MIN_GAP = 95;
const MAX_GAP = 220;
const INSET = 0.05;

/**
 * Parallel coordinates of a sweep: one vertical axis per swept hyperparameter (log where the schema says log,
 * categories for choices and yes/no) and the final score last; one line per configuration coloured by its score.
 * Configurations without a score yet are grey and dashed. A line click picks the configuration's runs out.
 */
export function ParallelCoordinates({ rows, params, scored, exact }: Props) {
  const highlight = useLab((s) => s.highlight);
  const box = useRef<HTMLDivElement>(null);
  const [room, setRoom] = useState(460);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    setRoom(el.clientWidth);
    const watch = new ResizeObserver(() => setRoom(el.clientWidth));
    watch.observe(el);
    return () => watch.disconnect();
  }, [params.length > 0 && rows.length > 0]);
  if (params.length === 0 || rows.length === 0) return null;
  const withScore = rows.filter((r) => r.final !== null && Number.isFinite(r.final.point));
  const scores = withScore.map((r) => r.final!.point);
  const axes: Axis[] = params.map((p) => {
    const values = rows.map((r) => r.values[p.key]).filter((v): v is HyperValue => v !== undefined);
    return p.kind === 'number' || p.kind === 'int' ? numericAxis(p.key, p.key, `${p.label}${p.log ? ' (log scale)' : ''}`, values.map(Number), p.log ?? false, exact) : categoricalAxis(p, values);
  });
  const what = scored ? 'normalized score' : 'return';
  const scoreAxis = scores.length ? { ...numericAxis('score', `final ${scored ? 'score' : 'return'}`, `final ${what}, mean over seeds`, scores, false, false), score: true } : null;
  if (scoreAxis) scoreAxis.ticks = scoreTicks(scores).map((t) => ({ at: scoreAxis.pos(t), label: numLabel(t) }));
  const all = scoreAxis ? [...axes, scoreAxis] : axes;
  const gap = Math.min(MAX_GAP, Math.max(MIN_GAP, (room - LEFT - RIGHT) / Math.max(1, all.length - 1)));
  const width = LEFT + gap * Math.max(1, all.length - 1) + RIGHT;
  const x = (i: number) => LEFT + (all.length === 1 ? gap / 2 : i * gap);
  // Values keep a little off the axes' ends, so a line along an end stays visible.
  const y = (t: number) => TOP + (1 - (INSET + (1 - 2 * INSET) * Math.min(1, Math.max(0, t)))) * (HEIGHT - TOP - BOTTOM);
  const [sMin, sMax] = scores.length ? [Math.min(...scores), Math.max(...scores)] : [0, 1];
  const colorOf = (row: SweepRow) => (row.final === null ? '#9ca3af' : viridis(sMax > sMin ? (row.final.point - sMin) / (sMax - sMin) : 1));
  const anyPicked = rows.some((r) => isHighlighted(highlight, r.runIds));
  // Picked line last (on top), then the best scores over the worse ones.
  const drawOrder = [...rows].sort((a, b) => Number(isHighlighted(highlight, a.runIds)) - Number(isHighlighted(highlight, b.runIds)) || (a.final?.point ?? -Infinity) - (b.final?.point ?? -Infinity));

  return (
    <figure className="chart sweep-parallel" data-testid="parallel-coordinates">
      <figcaption>
        Configurations across hyperparameters
        <span className="muted small"> — colour: final {what}; grey dashed: no evaluation yet</span>
      </figcaption>
      <div className="sweep-svg-scroll" ref={box}>
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-label={`parallel coordinates of ${rows.length} configurations`}>
          <defs>
            <linearGradient id="sweep-viridis" x1="0" y1="1" x2="0" y2="0">
              {VIRIDIS.map((c, i) => (
                <stop key={c} offset={i / (VIRIDIS.length - 1)} stopColor={c} />
              ))}
            </linearGradient>
          </defs>
          {drawOrder.map((row) => {
            const picked = isHighlighted(highlight, row.runIds);
            const hasScore = row.final !== null && scoreAxis !== null;
            const pts = axes.map((a, i) => `${x(i)},${y(a.pos(row.values[a.key] ?? 0))}`);
            if (hasScore) pts.push(`${x(axes.length)},${y(scoreAxis.pos(row.final!.point))}`);
            const label = `#${row.point} ${describePoint(row.values)}: ${row.final ? `final ${row.final.point.toFixed(1)}` : 'no evaluation yet'}`;
            return (
              <g key={row.point} className="pc-line" data-point={row.point} onClick={() => toggleHighlight(row.runIds)}>
                <title>{label}</title>
                <polyline points={pts.join(' ')} fill="none" stroke="transparent" strokeWidth={10} />
                {picked && <polyline points={pts.join(' ')} fill="none" stroke="#1f2937" strokeWidth={7} strokeLinejoin="round" />}
                <polyline
                  points={pts.join(' ')}
                  fill="none"
                  stroke={colorOf(row)}
                  strokeWidth={picked ? 4 : 2}
                  strokeOpacity={anyPicked && !picked ? 0.25 : 0.9}
                  strokeDasharray={row.final === null ? '4 3' : undefined}
                  strokeLinejoin="round"
                />
              </g>
            );
          })}
          {all.map((a, i) => (
            <g key={a.key} transform={`translate(${x(i)},0)`} className="pc-axis">
              {a.score ? <rect x={-3} y={TOP} width={6} height={HEIGHT - TOP - BOTTOM} fill="url(#sweep-viridis)" rx={2} /> : <line y1={TOP} y2={HEIGHT - BOTTOM} stroke="#6b7280" />}
              <text y={TOP - 14} textAnchor="middle" className="pc-title">
                <title>{a.tooltip}</title>
                {a.title}
              </text>
              {a.ticks.map((t) => (
                <g key={`${t.label}-${t.at}`} transform={`translate(0,${y(t.at)})`}>
                  <line x2={a.score ? 7 : 4} x1={a.score ? 3 : 0} stroke="#6b7280" />
                  {/* Above its tick, so a line leaving the tick's value does not strike the label through. */}
                  <text x={a.score ? 10 : 6} y={a.score ? 0 : -4} dy={a.score ? '0.32em' : undefined} className="pc-tick">
                    {t.label}
                  </text>
                </g>
              ))}
            </g>
          ))}
        </svg>
      </div>
    </figure>
  );
}
