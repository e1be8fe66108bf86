import { WALL_HALF_SIZE, WALL_OFFSET } from '../../core/envs/mazeLayout';
import { BALL_RADIUS, SPARSE_GOAL_RADIUS, type PointMazeSpec } from '../../core/envs/pointMaze';
import { stateViewOf } from '../../core/envs/stateView';
import { ACTION, AGENT, arrow, clear, disc, GOAL, label, MUTED, roomy } from './draw';
import { fitFrame, px, py } from './frame';
import { COLOUR_BAR_WIDTH, colourBar, heatmapScale, paintHeatmap } from './heatmap';
import type { DrawOptions } from './types';

const WALL = '#4b5563';
const FLOOR = '#f3f4f6';
// The ball at true size is a few pixels in the large maze: never draw it smaller than this.
const MIN_BALL_PX = 7;

/**
 * A PointMaze (D4RL maze2d) at state [x, y, vx, vy, goal x, goal y]. D4RL's x runs down the layout's rows and
 * y along its columns, so the maze is drawn as its layout text reads (stateView's maze view). Walls are the
 * squares of side 1 around (i - 0.2, j - 0.2). The goal is drawn with the sparse reward's radius 0.5;
 * `action` (force x, force y in [-1, 1]) as an arrow from the ball; `heatmap` over the view, under the walls;
 * `trail` as a line behind the ball.
 */
export function drawPointMaze(ctx: CanvasRenderingContext2D, state: ArrayLike<number>, o: DrawOptions, spec: PointMazeSpec): void {
  const view = stateViewOf(spec)!;
  const { width, height } = o;
  clear(ctx, width, height);
  const bar = o.heatmap ? COLOUR_BAR_WIDTH : 0;
  const frame = fitFrame({ left: 8, top: 8, width: width - 16 - bar, height: height - (roomy(width) ? 28 : 16) }, view.xRange, view.yRange, true);
  const X = (col: number) => px(frame, col);
  const Y = (row: number) => py(frame, row);
  const unit = frame.width / (view.xRange[1] - view.xRange[0]);

  ctx.fillStyle = FLOOR;
  ctx.fillRect(frame.left, frame.top, frame.width, frame.height);
  if (o.heatmap) paintHeatmap(ctx, o.heatmap, frame);

  // Goal: the region where the sparse reward pays 1.
  const gx = state.length >= 6 ? state[4] : spec.maze.goal[0];
  const gy = state.length >= 6 ? state[5] : spec.maze.goal[1];
  ctx.save();
  ctx.beginPath();
  ctx.arc(X(gy), Y(gx), SPARSE_GOAL_RADIUS * unit, 0, Math.PI * 2);
  ctx.fillStyle = o.heatmap ? 'rgba(22, 163, 74, 0.15)' : 'rgba(22, 163, 74, 0.22)';
  ctx.fill();
  ctx.strokeStyle = GOAL;
  ctx.lineWidth = 2;
  ctx.setLineDash([5, 3]);
  ctx.stroke();
  ctx.restore();
  disc(ctx, X(gy), Y(gx), 4, GOAL);

  // Walls.
  ctx.fillStyle = WALL;
  spec.maze.rows.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) {
      if (row[j] !== '#') continue;
      const x0 = X(j + WALL_OFFSET - WALL_HALF_SIZE);
      const y0 = Y(i + WALL_OFFSET - WALL_HALF_SIZE);
      // Rounded outward so neighbouring squares leave no hairline between them.
      ctx.fillRect(Math.floor(x0), Math.floor(y0), Math.ceil(unit) + 1, Math.ceil(unit) + 1);
    }
  });
  label(ctx, 'goal', X(gy), Y(gx) - SPARSE_GOAL_RADIUS * unit - 4, { align: 'center', size: 11, colour: GOAL, bold: true });

  // The path so far.
  if (o.trail && o.trail.length >= 4) {
    ctx.save();
    ctx.strokeStyle = o.heatmap ? 'rgba(234, 88, 12, 0.9)' : 'rgba(234, 88, 12, 0.55)';
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (let k = 0; k < o.trail.length; k += 2) {
      if (k === 0) ctx.moveTo(X(o.trail[k]), Y(o.trail[k + 1]));
      else ctx.lineTo(X(o.trail[k]), Y(o.trail[k + 1]));
    }
    ctx.stroke();
    ctx.restore();
  }

  // The ball and the force on it.
  const bx = X(state[1]);
  const by = Y(state[0]);
  if (o.action && o.action.length >= 2) {
    const fx = Math.max(-1, Math.min(1, o.action[0]));
    const fy = Math.max(-1, Math.min(1, o.action[1]));
    if (Math.hypot(fx, fy) > 0.03) arrow(ctx, bx, by, bx + fy * 0.6 * unit, by + fx * 0.6 * unit, { colour: ACTION, width: 3, head: 8 });
  }
  disc(ctx, bx, by, Math.max(MIN_BALL_PX, BALL_RADIUS * unit), AGENT, '#ffffff', 2);
  const dist = Math.hypot(state[0] - gx, state[1] - gy);
  if (roomy(width)) label(ctx, `ball (${state[0].toFixed(2)}, ${state[1].toFixed(2)}) · distance to goal ${dist.toFixed(2)}`, frame.left, height - 8, { size: 11, colour: MUTED });
  if (o.heatmap) colourBar(ctx, heatmapScale(o.heatmap), { left: frame.left + frame.width + 14, top: frame.top, height: frame.height }, o.heatmap.label);
}
