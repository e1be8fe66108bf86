import { THETA_THRESHOLD, X_THRESHOLD } from '../../core/envs/cartpole';
import type { SceneRenderer } from './types';

/** Cart and pole at state [x, x_dot, theta, theta_dot], scaled as Gymnasium renders (track = ±2.4 m). */
export const drawCartPole: SceneRenderer = (ctx, state, { width, height }) => {
  const x = state[0];
  const theta = state[2];
  const scale = width / (X_THRESHOLD * 2);
  const trackY = height * 0.7;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  // Track and its limits.
  ctx.strokeStyle = '#333';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, trackY);
  ctx.lineTo(width, trackY);
  ctx.stroke();
  ctx.strokeStyle = '#c0392b';
  for (const limit of [-X_THRESHOLD, X_THRESHOLD]) {
    const lx = width / 2 + limit * scale;
    ctx.beginPath();
    ctx.moveTo(lx, trackY - 12);
    ctx.lineTo(lx, trackY + 12);
    ctx.stroke();
  }
  const cartW = 0.2 * scale * 2.5;
  const cartH = cartW * 0.6;
  const cx = width / 2 + x * scale;
  ctx.fillStyle = '#222';
  ctx.fillRect(cx - cartW / 2, trackY - cartH / 2, cartW, cartH);
  // Pole: full length 1.0 m (Gymnasium's length is the half-length 0.5); red when past the angle limit.
  const poleLen = 1.0 * scale;
  const axleY = trackY - cartH / 4;
  ctx.save();
  ctx.translate(cx, axleY);
  ctx.rotate(theta);
  ctx.fillStyle = Math.abs(theta) > THETA_THRESHOLD ? '#c0392b' : '#ca9865';
  const poleW = Math.max(4, cartW * 0.16);
  ctx.fillRect(-poleW / 2, -poleLen, poleW, poleLen);
  ctx.restore();
  ctx.fillStyle = '#8184cb';
  ctx.beginPath();
  ctx.arc(cx, axleY, poleW / 2, 0, Math.PI * 2);
  ctx.fill();
};
