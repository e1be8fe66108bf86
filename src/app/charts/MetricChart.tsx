import { memo, useContext, useId, useMemo, useRef, useState } from 'react';
import { formatValue } from '../../core/run/hyperparameters';
import type { HyperparameterEvent } from '../../core/run/events';
import { layoutMarkerLabels } from './markerLabels';
import { formatNumber, formatTicks } from './numberFormat';
import { bandPath, lineVertices, linearScale, logScale, nearestIndex, pathOf } from './plotGeometry';
import { RangeControl } from './RangeControl';
import { valueAxis, xAxisTicks, type AxisBounds } from './ticks';
import { useElementSize } from './useElementSize';
import { ChartLookContext, chartMetrics } from './chartLook';
import './charts.css';

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

/** A horizontal reference line, e.g. the return that counts as solved; kept in view on every scale. */
export interface Guide {
  y: number;
  label: string;
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
  guides?: Guide[];
  showDots?: boolean;
  logScale?: boolean;
  xLabel?: string;
  height?: number;
}

const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
const NO_BOUNDS: AxisBounds = { min: null, max: null };
const MARKER_ROWS = 3;

export const eventLabel = (e: HyperparameterEvent) => `${e.key} ${formatValue(e.from)} → ${formatValue(e.to)}`;

/**
 * Lines over updates (or training time) with bands, markers and reference lines, drawn as plain SVG: one path per
 * line with at most four vertices per pixel column, round ticks, a y range the user can set (auto by default), and
 * marker labels that never overlap. On a log scale, values at or below zero cannot be drawn and are left out (the
 * title says how many).
 */
export const MetricChart = memo(function MetricChart({ title, help, series, bands = [], markers = [], events = [], testId, guides = [], showDots = false, logScale: log = false, xLabel = 'update', height: fallbackHeight = 190 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useElementSize(box, { width: 420, height: fallbackHeight });
  const { font } = useContext(ChartLookContext);
  const { margin, charW } = useMemo(() => chartMetrics(font), [font]);
  const [bounds, setBounds] = useState<AxisBounds>(NO_BOUNDS);
  const [hoverX, setHoverX] = useState<number | null>(null);
  const clipId = useId();
  const allMarkers = useMemo<ChartMarker[]>(() => [...markers, ...events.map((e) => ({ x: e.update, label: eventLabel(e) }))], [markers, events]);

  const plot = useMemo(() => {
    const w = Math.max(60, width - margin.left - margin.right);
    const h = Math.max(40, height - margin.top - margin.bottom);
    let xMin = Infinity;
    let xMax = -Infinity;
    let yMin = Infinity;
    let yMax = -Infinity;
    let yMinPositive = Infinity;
    let total = 0;
    let dropped = 0;
    const seeY = (y: number) => {
      if (!Number.isFinite(y)) return;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
      if (y > 0 && y < yMinPositive) yMinPositive = y;
    };
    for (const s of series)
      for (const p of s.points) {
        if (log && !(p.y > 0)) {
          dropped += 1;
          continue;
        }
        total += 1;
        if (p.x < xMin) xMin = p.x;
        if (p.x > xMax) xMax = p.x;
        seeY(p.y);
      }
    for (const b of bands)
      for (const p of b.points) {
        if (p.x < xMin) xMin = p.x;
        if (p.x > xMax) xMax = p.x;
        seeY(p.lo);
        seeY(p.hi);
      }
    // Reference lines are part of what the chart shows: the automatic range includes them.
    for (const g of guides) if (!log || g.y > 0) seeY(g.y);
    if (!Number.isFinite(xMin)) [xMin, xMax] = [0, 1];
    if (!Number.isFinite(yMin)) [yMin, yMax, yMinPositive] = [0, 1, 1];
    if (!Number.isFinite(yMinPositive)) yMinPositive = Math.max(yMax, 1);
    const xAxis = xAxisTicks(xMin, xMax);
    const yAxisOrError = valueAxis({ min: yMin, max: yMax, minPositive: yMinPositive }, log, bounds);
    const boundsError = typeof yAxisOrError === 'string' ? yAxisOrError : null;
    const yAxis = typeof yAxisOrError === 'string' ? valueAxis({ min: yMin, max: yMax, minPositive: yMinPositive }, log) : yAxisOrError;
    if (typeof yAxis === 'string') throw new Error(yAxis); // the automatic axis always exists
    const sx = linearScale(xAxis.domain, [margin.left, margin.left + w]);
    const yRange: [number, number] = [margin.top + h, margin.top];
    const sy = log ? logScale(yAxis.domain, yRange) : linearScale(yAxis.domain, yRange);
    const lines = series.map((s, i) => ({
      d: pathOf(lineVertices(s.points, sx, sy)),
      color: s.color ?? palette[i % palette.length],
      opacity: s.opacity ?? 1,
      width: s.width ?? 1.5,
      dashed: s.dashed ?? false,
      dots: showDots && !s.dashed && (s.opacity ?? 1) === 1 && s.points.length <= 200 ? s.points.map((p) => [sx(p.x), sy(p.y)]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) : [],
    }));
    const areas = bands.map((b) => ({ d: bandPath(b.points, sx, sy), color: b.color }));
    const [top, bottom] = [margin.top, margin.top + h];
    // A reference line outside the user's range stays in view at the edge it is beyond, its label saying so.
    const refs = guides.map((g) => {
      const y = sy(g.y);
      if (!Number.isFinite(y)) return { y: bottom, label: `${g.label} (≤ 0, not on a log scale)`, edge: true };
      if (y < top) return { y: top, label: `${g.label} ↑ above`, edge: true };
      if (y > bottom) return { y: bottom, label: `${g.label} ↓ below`, edge: true };
      return { y, label: g.label, edge: false };
    });
    // A line wholly outside the user's range (the Monte-Carlo return under a zoom on Q) is named at the edge it is beyond.
    const [dLo, dHi] = yAxis.domain;
    const beyond = (side: 'above' | 'below') =>
      series.filter((s) => (s.opacity ?? 1) >= 0.5 && s.points.length > 0 && s.points.every((p) => (side === 'above' ? p.y > dHi : p.y < dLo))).map((s) => `${s.name} (last ${formatNumber(s.points[s.points.length - 1].y)})`);
    const fit = (text: string) => (text.length * charW > w - 8 ? `${text.slice(0, Math.max(4, Math.floor((w - 8) / charW) - 1))}…` : text);
    const note = (side: 'above' | 'below') => {
      const names = beyond(side);
      return names.length ? { text: fit(`${side === 'above' ? '↑ above' : '↓ below'} the range: ${names.join(', ')}`), title: names.join('\n') } : null;
    };
    const offscreen = { above: note('above'), below: note('below') };
    const shownMarkers = allMarkers.filter((m) => m.x >= xAxis.domain[0] && m.x <= xAxis.domain[1]);
    const labels = layoutMarkerLabels(
      shownMarkers.map((m) => ({ x: sx(m.x) - margin.left, label: m.label })),
      { width: w, charWidth: charW, rows: MARKER_ROWS },
    );
    return {
      w,
      h,
      sx,
      sy,
      total,
      dropped,
      boundsError,
      xTicks: xAxis.ticks.map((t, i, all) => ({ v: t, label: formatTicks(all)[i] })),
      yTicks: yAxis.ticks.map((t, i, all) => ({ v: t, label: formatTicks(all)[i] })),
      lines,
      areas,
      refs,
      offscreen,
      markers: shownMarkers.map((m, i) => ({ ...m, px: sx(m.x), placed: labels[i] })),
    };
  }, [series, bands, guides, allMarkers, log, bounds, width, height, showDots, margin, charW]);

  const hover = useMemo(() => {
    if (hoverX === null) return null;
    const x = plot.sx.domain[0] + ((hoverX - margin.left) / plot.w) * (plot.sx.domain[1] - plot.sx.domain[0]);
    const rows = series
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => (s.opacity ?? 1) >= 0.5 && s.points.length > 0)
      .map(({ s, i }) => {
        const p = s.points[nearestIndex(s.points, x)];
        return { name: s.name, color: s.color ?? palette[i % palette.length], x: p.x, y: p.y };
      });
    const near = rows.length ? rows.reduce((a, b) => (Math.abs(b.x - x) < Math.abs(a.x - x) ? b : a)).x : x;
    return { px: plot.sx(near), x: near, rows };
  }, [hoverX, plot, series]);

  const bottom = margin.top + plot.h;
  const right = margin.left + plot.w;
  return (
    <figure className="chart" data-testid={testId} data-x={xLabel} data-points={plot.total} data-bands={plot.areas.filter((a) => a.d).length}>
      <figcaption>
        <span className="chart-title">
          {title}
          {plot.dropped > 0 && <span className="muted"> ({plot.dropped} points ≤ 0 not drawn on the log scale)</span>}
        </span>
        <RangeControl bounds={bounds} onChange={setBounds} error={plot.boundsError} log={log} testId={`${testId}-range`} />
      </figcaption>
      <div className="chart-body" ref={box} style={{ position: 'relative' }}>
        <svg width={Math.max(width, 80)} height={height} role="img" aria-label={`${title}: ${series.length} lines`} onMouseMove={(e) => setHoverX(e.clientX - e.currentTarget.getBoundingClientRect().left)} onMouseLeave={() => setHoverX(null)}>
          <defs>
            <clipPath id={clipId}>
              <rect x={margin.left} y={margin.top} width={plot.w} height={plot.h} />
            </clipPath>
          </defs>
          <g className="chart-grid" stroke="#eee">
            {plot.yTicks.map((t) => (
              <line key={`gy${t.v}`} x1={margin.left} x2={right} y1={plot.sy(t.v)} y2={plot.sy(t.v)} />
            ))}
            {plot.xTicks.map((t) => (
              <line key={`gx${t.v}`} x1={plot.sx(t.v)} x2={plot.sx(t.v)} y1={margin.top} y2={bottom} />
            ))}
          </g>
          <g className="chart-axes" fontSize={font} fill="#555">
            <line x1={margin.left} x2={right} y1={bottom} y2={bottom} stroke="#999" />
            <line x1={margin.left} x2={margin.left} y1={margin.top} y2={bottom} stroke="#999" />
            {plot.xTicks.map((t, i) => (
              <text key={`x${t.v}`} x={plot.sx(t.v)} y={bottom + 15} textAnchor={i === plot.xTicks.length - 1 && plot.sx(t.v) > right - 20 ? 'end' : 'middle'}>
                {t.label}
              </text>
            ))}
            {plot.yTicks.map((t) => (
              <text key={`y${t.v}`} x={margin.left - 5} y={plot.sy(t.v) + 4} textAnchor="end">
                {t.label}
              </text>
            ))}
          </g>
          <g clipPath={`url(#${clipId})`}>
            {plot.areas.map((a, i) => a.d && <path key={`b${i}`} className="chart-band" d={a.d} fill={a.color} fillOpacity={0.18} stroke="none" />)}
            {plot.lines.map((l, i) => (
              <path key={`l${i}`} className="chart-line" d={l.d} fill="none" stroke={l.color} strokeOpacity={l.opacity} strokeWidth={l.width} strokeDasharray={l.dashed ? '4 2' : undefined} strokeLinejoin="round" />
            ))}
            {plot.lines.map((l, i) => l.dots.map(([x, y], k) => <circle key={`d${i}-${k}`} cx={x} cy={y} r={2} fill="white" stroke={l.color} />))}
          </g>
          {plot.refs.map((g, i) => (
            <g key={`g${i}`} className="chart-guide">
              <line x1={margin.left} x2={right} y1={g.y} y2={g.y} stroke="#16a34a" strokeDasharray={g.edge ? '1 3' : '2 4'} strokeWidth={g.edge ? 2 : 1} />
              <text x={right - 4} y={g.y - 4 < margin.top + 10 ? g.y + 12 : g.y - 4} textAnchor="end" fontSize={font - 1} fill="#15803d">
                {g.label}
              </text>
            </g>
          ))}
          {plot.markers.map((m, i) => (
            <g key={`m${i}`} className="chart-marker">
              {/* The full text on hover where the label had to be shortened or left out. */}
              {m.placed.text !== m.label && <title>{m.label}</title>}
              <line x1={m.px} x2={m.px} y1={margin.top} y2={bottom} stroke={m.color ?? '#d97706'} strokeDasharray="4 3" />
              {m.placed.text && (
                <text x={m.placed.x + margin.left} y={margin.top + 11 + m.placed.row * (font + 2)} textAnchor={m.placed.anchor} fontSize={font} fill={m.color ?? '#b45309'}>
                  {m.placed.text}
                </text>
              )}
            </g>
          ))}
          {plot.offscreen.above && (
            <text className="chart-offscreen" x={margin.left + 4} y={margin.top + 11 + (plot.markers.some((m) => m.placed.text) ? MARKER_ROWS * (font + 2) : 0)} fontSize={font - 1} fill="#4b5563">
              <title>{plot.offscreen.above.title}</title>
              {plot.offscreen.above.text}
            </text>
          )}
          {plot.offscreen.below && (
            <text className="chart-offscreen" x={margin.left + 4} y={margin.top + plot.h - 6} fontSize={font - 1} fill="#4b5563">
              <title>{plot.offscreen.below.title}</title>
              {plot.offscreen.below.text}
            </text>
          )}
          {hover && (
            <line x1={hover.px} x2={hover.px} y1={margin.top} y2={bottom} stroke="#9ca3af" pointerEvents="none" />
          )}
        </svg>
        {hover && hover.rows.length > 0 && (
          <div className="chart-tooltip" aria-hidden="true" style={{ left: Math.min(hover.px + 10, Math.max(0, width - 220)), top: margin.top }}>
            <div className="muted">
              {xLabel} {formatNumber(hover.x, 6)}
            </div>
            {hover.rows.map((r, i) => (
              <div key={i}>
                <span className="swatch-static" style={{ background: r.color }} /> {r.name}: {formatNumber(r.y, 4)}
              </div>
            ))}
          </div>
        )}
      </div>
      {help && <p className="help">{help}</p>}
    </figure>
  );
});
