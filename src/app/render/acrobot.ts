import { ACTION, clear, disc, INK, label, MUTED, readout, roomy, signed, torqueArc } from './draw';
import type { SceneRenderer } from './types';

const TORQUES = [-1, 0, 1];

/**
 * Acrobot-v1 at state [theta1, theta2, dtheta1, dtheta2]: theta1 = 0 hangs straight down, theta2 is the
 * second link's angle relative to the first; as Gymnasium draws it, link 1 ends at (sin θ1, -cos θ1) (y up),
 * so angles grow counter-clockwise on screen. The episode ends when the tip rises above the target line, one
 * link length above the pivot: -cos θ1 - cos(θ1 + θ2) > 1. `action`: 0/1/2 = torque -1/0/+1 at the middle
 * joint, drawn as a circular arrow there.
 */
export const drawAcrobot: SceneRenderer = (ctx, state, { width, height, action }) => {
  const [t1, t2, d1, d2] = [state[0], state[1], state[2], state[3]];
  clear(ctx, width, height);
  const cx = width / 2;
  const cy = height / 2;
  const L = (height / 2 - 18) / 2;
  const jx = cx + L * Math.sin(t1);
  const jy = cy + L * Math.cos(t1);
  const tx = jx + L * Math.sin(t1 + t2);
  const ty = jy + L * Math.cos(t1 + t2);
  const tipHeight = -Math.cos(t1) - Math.cos(t1 + t2);

  // Target line: one link length above the pivot.
  ctx.save();
  ctx.strokeStyle = '#16a34a';
  ctx.setLineDash([6, 4]);
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(cx - 2.4 * L, cy - L);
  ctx.lineTo(cx + 2.4 * L, cy - L);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = '#e5e7eb';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(cx, cy, 2 * L, 0, Math.PI * 2);
  ctx.stroke();
  ctx.restore();
  label(ctx, 'target height', cx + 2.4 * L, cy - L - 5, { align: 'right', size: 11, colour: '#16a34a' });

  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineWidth = Math.max(8, L * 0.14);
  ctx.strokeStyle = '#0e7490';
  ctx.beginPath();
  ctx.moveTo(cx, cy);
  ctx.lineTo(jx, jy);
  ctx.stroke();
  ctx.strokeStyle = '#22a6b8';
  ctx.beginPath();
  ctx.moveTo(jx, jy);
  ctx.lineTo(tx, ty);
  ctx.stroke();
  ctx.restore();
  // The pivot hangs from a fixed mount.
  ctx.save();
  ctx.fillStyle = '#9ca3af';
  ctx.beginPath();
  ctx.moveTo(cx, cy);
  ctx.lineTo(cx - 12, cy - 16);
  ctx.lineTo(cx + 12, cy - 16);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
  disc(ctx, cx, cy, 6, INK);
  disc(ctx, jx, jy, 6, '#eab308', INK, 1.5);
  disc(ctx, tx, ty, 4, tipHeight > 1 ? '#16a34a' : INK);

  const torque = action && action.length > 0 ? TORQUES[action[0]] : undefined;
  if (torque !== undefined) torqueArc(ctx, jx, jy, Math.max(18, L * 0.3), torque, 1);

  if (roomy(width)) readout(ctx, [`θ1 ${signed(t1)}  θ2 ${signed(t2)} rad`, `θ1' ${signed(d1)}  θ2' ${signed(d2)} rad/s`, `tip height ${signed(tipHeight)} (target +1)`], 10, 8);
  if (torque !== undefined) label(ctx, `torque ${signed(torque, 0)}`, width - 10, 20, { align: 'right', colour: ACTION, bold: true, size: 13 });
  // The sign convention, where there is room for small print.
  if (roomy(width)) label(ctx, 'counter-clockwise = +', width - 10, height - 8, { align: 'right', size: 11, colour: MUTED });
};
