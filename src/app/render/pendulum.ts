import { angleNormalize } from '../../core/envs/pendulum';
import { ACTION, clear, disc, INK, label, MUTED, readout, roomy, signed, torqueArc } from './draw';
import type { SceneRenderer } from './types';

const MAX_TORQUE = 2;

/**
 * Pendulum-v1 at state [theta, theta_dot]: theta = 0 is upright and grows counter-clockwise (Gymnasium draws
 * the rod at theta + π/2 in y-up coordinates), unbounded in the simulator and shown wrapped to [-π, π).
 * `action`: the torque in [-2, 2], drawn as a circular arrow at the pivot (counter-clockwise = positive).
 */
export const drawPendulum: SceneRenderer = (ctx, state, { width, height, action }) => {
  const theta = state[0];
  const thetaDot = state[1];
  clear(ctx, width, height);
  const cx = width / 2;
  const cy = height / 2 + 10;
  const L = Math.min(width, height) * 0.36;
  const tipX = cx - L * Math.sin(theta);
  const tipY = cy - L * Math.cos(theta);

  // The tip's circle and the upright target.
  ctx.save();
  ctx.strokeStyle = '#e5e7eb';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(cx, cy, L, 0, Math.PI * 2);
  ctx.stroke();
  ctx.setLineDash([5, 4]);
  ctx.strokeStyle = '#16a34a';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(cx, cy);
  ctx.lineTo(cx, cy - L - 20);
  ctx.stroke();
  ctx.restore();
  label(ctx, 'upright θ = 0', cx + 8, cy - L - 12, { size: 11, colour: '#16a34a' });

  // The rod.
  ctx.save();
  ctx.strokeStyle = '#cc4d4d';
  ctx.lineCap = 'round';
  ctx.lineWidth = Math.max(10, L * 0.12);
  ctx.beginPath();
  ctx.moveTo(cx, cy);
  ctx.lineTo(tipX, tipY);
  ctx.stroke();
  ctx.restore();
  disc(ctx, cx, cy, 5, INK);

  const u = action && action.length > 0 ? action[0] : null;
  if (u !== null) torqueArc(ctx, cx, cy, Math.max(26, L * 0.28), u, MAX_TORQUE);

  if (roomy(width)) readout(ctx, [`θ ${signed(angleNormalize(theta))} rad`, `θ' ${signed(thetaDot)} rad/s`], 10, 8);
  if (u !== null) label(ctx, `torque ${signed(u)}`, width - 10, 20, { align: 'right', colour: ACTION, bold: true, size: 13 });
  // The sign convention, where there is room for small print.
  if (roomy(width)) label(ctx, 'counter-clockwise = +', width - 10, height - 8, { align: 'right', size: 11, colour: MUTED });
};
