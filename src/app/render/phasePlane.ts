import type { StateView } from '../../core/envs/stateView';
import { formatNumber } from './colormap';
import { AGENT, clear, disc, FONT, GOAL, INK, label, MUTED } from './draw';
import { niceTicks, px, py, type Frame } from './frame';
import { COLOUR_BAR_WIDTH, colourBar, heatmapScale, paintHeatmap } from './heatmap';
import type { Heatmap } from './types';

/** A reference line on a phase plane: the goal position, the upright angle. */
export interface PhaseMark {
  x?: number;
  y?: number;
  label: string;
}

export interface PhasePlaneOptions {
  width: number;
  height: number;
  view: StateView;
  heatmap?: Heatmap;
  /** The episode so far as view points [x0, y0, x1, y1, ...]; the last one is the current state. */
  trail?: ArrayLike<number>;
  marks?: readonly PhaseMark[];
}

const PI_TICKS: [number, string][] = [
  [-Math.PI, '−π'],
  [-Math.PI / 2, '−π/2'],
  [0, '0'],
  [Math.PI / 2, 'π/2'],
  [Math.PI, 'π'],
];

function ticksOf(range: readonly [number, number]): [number, string][] {
  // An angle axis reads better in multiples of π.
  if (Math.abs(range[0] + Math.PI) < 1e-9 && Math.abs(range[1] - Math.PI) < 1e-9) return PI_TICKS;
  return niceTicks(range[0], range[1], 5).map((v) => [v, formatNumber(v)]);
}

/**
 * A phase plane (MountainCar: position × velocity; Pendulum: angle × angular velocity) with axes, an optional
 * heatmap and its colour bar, reference lines, and the episode's path up to the current state.
 */
export function drawPhasePlane(ctx: CanvasRenderingContext2D, o: PhasePlaneOptions): void {
  const { width, height, view } = o;
  clear(ctx, width, height);
  const right = o.heatmap ? COLOUR_BAR_WIDTH : 12;
  const frame: Frame = { left: 52, top: 12, width: width - 52 - right, height: height - 12 - 40, xRange: view.xRange, yRange: view.yRange, yDown: view.yDown };
  ctx.save();
  ctx.fillStyle = '#f9fafb';
  ctx.fillRect(frame.left, frame.top, frame.width, frame.height);
  ctx.restore();
  if (o.heatmap) paintHeatmap(ctx, o.heatmap, frame);

  // Axes, ticks and grid lines.
  ctx.save();
  ctx.font = `11px ${FONT}`;
  ctx.fillStyle = MUTED;
  ctx.strokeStyle = o.heatmap ? 'rgba(255,255,255,0.25)' : '#e5e7eb';
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const [v, text] of ticksOf(view.xRange)) {
    const x = px(frame, v);
    ctx.beginPath();
    ctx.moveTo(x, frame.top);
    ctx.lineTo(x, frame.top + frame.height);
    ctx.stroke();
    ctx.fillText(text, x, frame.top + frame.height + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const [v, text] of ticksOf(view.yRange)) {
    const y = py(frame, v);
    ctx.beginPath();
    ctx.moveTo(frame.left, y);
    ctx.lineTo(frame.left + frame.width, y);
    ctx.stroke();
    ctx.fillText(text, frame.left - 5, y);
  }
  ctx.strokeStyle = '#9ca3af';
  ctx.strokeRect(frame.left + 0.5, frame.top + 0.5, frame.width - 1, frame.height - 1);
  ctx.restore();
  label(ctx, view.xLabel, frame.left + frame.width / 2, height - 4, { align: 'center', colour: INK, size: 12 });
  ctx.save();
  ctx.translate(13, frame.top + frame.height / 2);
  ctx.rotate(-Math.PI / 2);
  label(ctx, view.yLabel, 0, 0, { align: 'center', baseline: 'middle', colour: INK, size: 12 });
  ctx.restore();

  // Reference lines: green dashes on a white underlay, legible on the plain plot and on every heatmap colour.
  for (const m of o.marks ?? []) {
    const line = () => {
      ctx.beginPath();
      if (m.x !== undefined) {
        ctx.moveTo(px(frame, m.x), frame.top);
        ctx.lineTo(px(frame, m.x), frame.top + frame.height);
      } else if (m.y !== undefined) {
        ctx.moveTo(frame.left, py(frame, m.y));
        ctx.lineTo(frame.left + frame.width, py(frame, m.y));
      }
    };
    ctx.save();
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.lineWidth = 3.5;
    line();
    ctx.stroke();
    ctx.strokeStyle = GOAL;
    ctx.setLineDash([5, 4]);
    ctx.lineWidth = 1.5;
    line();
    ctx.stroke();
    ctx.restore();
    // Labels sit right of their line, or left of it near the right edge.
    const nearRight = m.x !== undefined && px(frame, m.x) > frame.left + frame.width - 50;
    const lx = m.x !== undefined ? px(frame, m.x) + (nearRight ? -5 : 5) : frame.left + 4;
    const ly = m.y !== undefined ? py(frame, m.y) - 5 : frame.top + 14;
    ctx.save();
    ctx.font = `600 11px ${FONT}`;
    ctx.textAlign = nearRight ? 'right' : 'left';
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#ffffff';
    ctx.strokeText(m.label, lx, ly);
    ctx.fillStyle = GOAL;
    ctx.fillText(m.label, lx, ly);
    ctx.restore();
  }

  const trail = o.trail;
  if (trail && trail.length >= 2) {
    const n = trail.length / 2;
    const xSpan = view.xRange[1] - view.xRange[0];
    ctx.save();
    ctx.beginPath();
    ctx.rect(frame.left, frame.top, frame.width, frame.height);
    ctx.clip();
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const x = px(frame, trail[2 * i]);
      const y = py(frame, trail[2 * i + 1]);
      // A wrapped angle jumps across the plane: lift the pen instead of drawing the jump.
      const jump = i > 0 && Math.abs(trail[2 * i] - trail[2 * i - 2]) > xSpan / 2;
      if (i === 0 || jump) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    // Over a heatmap: a white line with a dark edge, legible on every colour of the map.
    if (o.heatmap) {
      ctx.strokeStyle = 'rgba(17, 24, 39, 0.7)';
      ctx.lineWidth = 3.6;
      ctx.stroke();
    }
    ctx.strokeStyle = o.heatmap ? '#ffffff' : 'rgba(234,88,12,0.75)';
    ctx.lineWidth = 1.6;
    ctx.stroke();
    ctx.restore();
    disc(ctx, px(frame, trail[0]), py(frame, trail[1]), 4, '#ffffff', INK, 1.5);
    disc(ctx, px(frame, trail[2 * n - 2]), py(frame, trail[2 * n - 1]), 6, AGENT, '#ffffff', 2);
  }

  if (o.heatmap) colourBar(ctx, heatmapScale(o.heatmap), { left: frame.left + frame.width + 10, top: frame.top, height: frame.height }, o.heatmap.label);
}
