import { clear, disc, label, MUTED } from './draw';
import { fitFrame, px, py } from './frame';
import { colourBar, heatmapScale, paintHeatmap } from './heatmap';
import type { Heatmap } from './types';

/**
 * Q(s, a) over a two-dimensional action square (PointMaze's force x × y), with the dataset's actions near s as
 * dots: bright regions away from every dot are values the critic made up.
 */
export function drawActionMap(ctx: CanvasRenderingContext2D, width: number, height: number, q: Heatmap, dots: ArrayLike<number>, axes: [string, string]): void {
  clear(ctx, width, height);
  const frame = fitFrame({ left: 44, top: 10, width: width - 44 - 70, height: height - 10 - 32 }, q.xRange, q.yRange, false);
  paintHeatmap(ctx, q, frame);
  ctx.save();
  ctx.strokeStyle = '#d1d5db';
  ctx.strokeRect(frame.left, frame.top, frame.width, frame.height);
  ctx.restore();
  for (let i = 0; i + 1 < dots.length; i += 2) disc(ctx, px(frame, dots[i]), py(frame, dots[i + 1]), 3.5, '#ffffff', '#dc2626', 1.5);
  for (const v of [q.xRange[0], 0, q.xRange[1]]) label(ctx, v.toFixed(1), px(frame, v), frame.top + frame.height + 12, { size: 11, align: 'center', colour: MUTED });
  for (const v of [q.yRange[0], 0, q.yRange[1]]) label(ctx, v.toFixed(1), frame.left - 6, py(frame, v), { size: 11, align: 'right', baseline: 'middle', colour: MUTED });
  label(ctx, axes[0], frame.left + frame.width / 2, frame.top + frame.height + 26, { size: 11, align: 'center', colour: MUTED });
  ctx.save();
  ctx.translate(12, frame.top + frame.height / 2);
  ctx.rotate(-Math.PI / 2);
  label(ctx, axes[1], 0, 0, { size: 11, align: 'center', baseline: 'middle', colour: MUTED });
  ctx.restore();
  colourBar(ctx, heatmapScale(q), { left: frame.left + frame.width + 14, top: frame.top, height: frame.height }, 'Q(s, a)');
}
