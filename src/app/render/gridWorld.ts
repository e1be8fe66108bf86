import { DIRECTION_DELTA } from '../../core/envs/gridLayout';
import type { GridWorldSpec } from '../../core/envs/gridWorld';
import { stateViewOf } from '../../core/envs/stateView';
import { formatNumber, luminance, viridis } from './colormap';
import { ACTION, AGENT, arrow, clear, disc, INK, label, MUTED, roomy } from './draw';
import { fitFrame, px, py } from './frame';
import { COLOUR_BAR_WIDTH, colourBar, heatmapScale, paintHeatmap } from './heatmap';
import type { DrawOptions, PolicyArrows } from './types';

const WALL = '#4b5563';
const HOLE = '#1e3a8a';
const CLIFF = '#dc2626';
const GOAL_FILL = '#bbf7d0';

/** The reward for entering each cell (its override, else its kind's), as the transition model pays it. */
function enteringRewards(spec: GridWorldSpec): Float64Array {
  const { rows, rewards, cellRewards } = spec.grid;
  const kinds = rows.join('');
  return Float64Array.from(kinds, (ch, i) => {
    const own = cellRewards[i];
    if (own !== undefined) return own;
    if (ch === 'G') return rewards.goal;
    if (ch === 'H') return rewards.hole;
    if (ch === 'C') return rewards.cliff;
    if (ch === '#') return NaN;
    return rewards.step;
  });
}

/** A value short enough for a cell: two decimals below 10, one below 100, none above. */
export function cellNumber(v: number): string {
  const a = Math.abs(v);
  const text = a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  return text.replace('-', '−');
}

function signedReward(r: number): string {
  return `${r > 0 ? '+' : r < 0 ? '−' : ''}${formatNumber(Math.abs(r))}`;
}

/**
 * A GridWorld (FrozenLake, CliffWalking, the teaching grid, custom layouts) at state [cell index].
 * Cells: walls dark, start S, goal G (green), holes/pits H (dark discs), cliff C (red hatching); without a
 * heatmap each cell is tinted by the reward for entering it (green positive, red negative) and non-step
 * rewards are printed in the corner. Options: heatmap (one value per cell over stateView's ranges, under the
 * scene), numbers (printed per cell), arrows (policy: an action or a distribution per cell), action (the
 * intended move from the agent; slips may take it elsewhere).
 */
export function drawGridWorld(ctx: CanvasRenderingContext2D, state: ArrayLike<number>, o: DrawOptions, spec: GridWorldSpec): void {
  const view = stateViewOf(spec)!;
  const grid = view.grid!;
  const { width, height } = o;
  clear(ctx, width, height);
  const bar = o.heatmap ? COLOUR_BAR_WIDTH : 0;
  const footer = roomy(width) ? 20 : 0;
  const frame = fitFrame({ left: 8, top: 8, width: width - 16 - bar, height: height - 16 - footer }, view.xRange, view.yRange, true, grid.cols / grid.rows);
  const cell = frame.width / grid.cols;
  const rewards = enteringRewards(spec);
  let maxAbs = 0;
  for (const r of rewards) if (Number.isFinite(r)) maxAbs = Math.max(maxAbs, Math.abs(r));
  const corner = (i: number): [number, number] => [frame.left + (i % grid.cols) * cell, frame.top + Math.floor(i / grid.cols) * cell];
  const centre = (i: number): [number, number] => {
    const [x, y] = grid.centreOf(i);
    return [px(frame, x), py(frame, y)];
  };

  // Ground: reward tint, or the heatmap.
  for (let i = 0; i < grid.kinds.length; i++) {
    const [x, y] = corner(i);
    const ch = grid.kinds[i];
    let fill = '#ffffff';
    if (ch === 'G') fill = GOAL_FILL;
    ctx.fillStyle = fill;
    ctx.fillRect(x, y, cell, cell);
    const r = rewards[i];
    if (!o.heatmap && ch !== 'G' && Number.isFinite(r) && r !== 0 && maxAbs > 0) {
      ctx.fillStyle = r > 0 ? `rgba(22, 163, 74, ${(0.35 * Math.abs(r)) / maxAbs})` : `rgba(220, 38, 38, ${(0.35 * Math.abs(r)) / maxAbs})`;
      ctx.fillRect(x, y, cell, cell);
    }
  }
  if (o.heatmap) paintHeatmap(ctx, o.heatmap, frame);
  const scale = o.heatmap ? heatmapScale(o.heatmap) : null;
  /** The heatmap colour under a cell, to pick legible text and arrow colours on it. */
  const onDark = (i: number): boolean => {
    if (!o.heatmap || !scale || o.heatmap.width !== grid.cols || o.heatmap.height !== grid.rows) return false;
    const t = scale.unit(o.heatmap.values[i]);
    return t !== null && luminance(viridis(t)) < 0.45;
  };

  // Cell kinds on top.
  for (let i = 0; i < grid.kinds.length; i++) {
    const ch = grid.kinds[i];
    const [x, y] = corner(i);
    const [mx, my] = centre(i);
    if (ch === '#') {
      ctx.fillStyle = WALL;
      ctx.fillRect(x, y, cell, cell);
    } else if (ch === 'H') {
      disc(ctx, mx, my, cell * 0.3, HOLE, '#93c5fd', 2);
    } else if (ch === 'C') {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, y, cell, cell);
      ctx.clip();
      ctx.strokeStyle = CLIFF;
      ctx.globalAlpha = 0.55;
      ctx.lineWidth = 2;
      for (let k = -cell; k < cell; k += cell / 4) {
        ctx.beginPath();
        ctx.moveTo(x + k, y + cell);
        ctx.lineTo(x + k + cell, y);
        ctx.stroke();
      }
      ctx.restore();
    } else if (ch === 'G') {
      ctx.save();
      ctx.strokeStyle = '#16a34a';
      ctx.lineWidth = 3;
      ctx.strokeRect(x + 2.5, y + 2.5, cell - 5, cell - 5);
      ctx.restore();
    }
    const tag = ch === 'S' ? 'S' : ch === 'G' ? 'G' : ch === 'H' ? 'H' : ch === 'C' ? 'C' : '';
    const size = Math.max(10, Math.min(16, cell * 0.22));
    // Letters and rewards need cells big enough to hold them beside the drawing.
    if (tag && cell >= 28) label(ctx, tag, x + 4, y + 3, { size, bold: true, baseline: 'top', colour: ch === 'H' ? '#ffffff' : onDark(i) ? '#ffffff' : ch === 'C' ? CLIFF : ch === 'G' ? '#15803d' : INK });
    const r = rewards[i];
    if (!o.numbers && cell >= 36 && ch !== '#' && ch !== '.' && ch !== 'F' && ch !== 'S' && Number.isFinite(r) && r !== 0) {
      label(ctx, signedReward(r), x + cell - 4, y + cell - 4, { size: Math.max(9, size * 0.8), align: 'right', colour: onDark(i) ? '#ffffff' : r > 0 ? '#15803d' : CLIFF });
    }
  }

  // Grid lines.
  ctx.save();
  ctx.strokeStyle = o.heatmap ? 'rgba(255,255,255,0.35)' : '#d1d5db';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let c = 0; c <= grid.cols; c++) {
    ctx.moveTo(Math.round(frame.left + c * cell) + 0.5, frame.top);
    ctx.lineTo(Math.round(frame.left + c * cell) + 0.5, frame.top + frame.height);
  }
  for (let r = 0; r <= grid.rows; r++) {
    ctx.moveTo(frame.left, Math.round(frame.top + r * cell) + 0.5);
    ctx.lineTo(frame.left + frame.width, Math.round(frame.top + r * cell) + 0.5);
  }
  ctx.stroke();
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1.5;
  ctx.strokeRect(frame.left, frame.top, frame.width, frame.height);
  ctx.restore();

  // With numbers under them, arrows move up and shrink to leave the lower band to the number.
  if (o.arrows) drawArrows(ctx, o.arrows, spec, (i) => { const [mx, my] = centre(i); return [mx, my - (o.numbers ? cell * 0.1 : 0)]; }, cell * (o.numbers ? 0.75 : 1), onDark);
  // Numbers need room: skipped when cells are too small to read them.
  if (o.numbers && cell >= 26) {
    for (let i = 0; i < grid.kinds.length; i++) {
      const v = o.numbers[i];
      if (grid.kinds[i] === '#' || !Number.isFinite(v)) continue;
      const [mx, my] = centre(i);
      label(ctx, cellNumber(v), mx, my + (o.arrows ? cell * 0.32 : 0), { size: Math.max(9, Math.min(15, cell * 0.2)), align: 'center', baseline: 'middle', colour: onDark(i) ? '#ffffff' : INK, bold: true });
    }
  }

  // The agent and its intended move.
  const s = state[0];
  if (Number.isInteger(s) && s >= 0 && s < grid.kinds.length) {
    const [mx, my] = centre(s);
    if (o.action && o.action.length > 0) {
      const dir = spec.grid.actions[o.action[0]];
      if (dir) {
        const [dr, dc] = DIRECTION_DELTA[dir];
        arrow(ctx, mx + dc * cell * 0.2, my + dr * cell * 0.2, mx + dc * cell * 0.62, my + dr * cell * 0.62, { colour: ACTION, width: Math.max(3, cell * 0.06), head: Math.max(8, cell * 0.16) });
      }
    }
    disc(ctx, mx, my, cell * 0.2, AGENT, '#ffffff', 2.5);
  }

  const { step } = spec.grid.rewards;
  const footerText = `reward per step ${signedReward(step)} · slip ${formatNumber(spec.grid.slip)}${spec.grid.slip > 0 ? ' (a move can go sideways)' : ''}`;
  if (roomy(width)) label(ctx, footerText, frame.left, height - 8, { size: 11, colour: MUTED });
  if (o.heatmap && scale) colourBar(ctx, scale, { left: frame.left + frame.width + 14, top: frame.top, height: frame.height }, o.heatmap.label);
}

function drawArrows(ctx: CanvasRenderingContext2D, arrows: PolicyArrows, spec: GridWorldSpec, centre: (i: number) => [number, number], cell: number, onDark: (i: number) => boolean): void {
  const kinds = spec.grid.rows.join('');
  const nA = spec.grid.actions.length;
  const lineWidth = Math.max(1.5, cell * 0.045);
  const head = Math.max(5, cell * 0.12);
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i] === '#' || kinds[i] === 'G' || kinds[i] === 'H') continue;
    const [mx, my] = centre(i);
    const colour = onDark(i) ? '#ffffff' : INK;
    const one = (a: number, length: number) => {
      const [dr, dc] = DIRECTION_DELTA[spec.grid.actions[a]];
      arrow(ctx, mx + dc * cell * 0.08, my + dr * cell * 0.08, mx + dc * cell * (0.08 + length), my + dr * cell * (0.08 + length), { colour, width: lineWidth, head });
    };
    if ('actions' in arrows) {
      const a = arrows.actions[i];
      if (Number.isInteger(a) && a >= 0 && a < nA) one(a, 0.34);
    } else {
      // Length grows with the probability from a visible stub, so a uniform policy still reads as four arrows.
      for (let a = 0; a < nA; a++) {
        const p = arrows.probabilities[i * nA + a];
        if (p > 0.02) one(a, 0.1 + 0.28 * Math.min(1, p));
      }
    }
  }
}
