import { THETA_THRESHOLD, X_THRESHOLD } from '../../core/envs/cartpole';
import { ACTION, arrow, clear, DANGER, groundLine, INK, label, MUTED, readout, roomy, signed } from './draw';
import type { SceneRenderer } from './types';

/**
 * Cart and pole at state [x, x_dot, theta, theta_dot] in Gymnasium's proportions (cart 0.4 m wide, pole 1 m);
 * the view spans ±2.7 m so the ±2.4 m track limits show. theta > 0 leans the pole right. The pole turns red past the ±12° limit.
 * `action`: 0 push left, 1 push right, drawn as an arrow at the cart's side.
 */
export const drawCartPole: SceneRenderer = (ctx, state, { width, height, action }) => {
  const x = state[0];
  const theta = state[2];
  const scale = width / 5.4;
  const trackY = height * 0.66;
  clear(ctx, width, height);
  const X = (m: number) => width / 2 + m * scale;

  // Track, its limits and metre ticks.
  ctx.save();
  groundLine(ctx, trackY, width);
  ctx.strokeStyle = '#9ca3af';
  ctx.lineWidth = 1;
  for (let m = -2; m <= 2; m++) {
    ctx.beginPath();
    ctx.moveTo(X(m), trackY + 2);
    ctx.lineTo(X(m), trackY + 7);
    ctx.stroke();
    label(ctx, `${m} m`, X(m), trackY + 20, { align: 'center', size: 11, colour: MUTED });
  }
  ctx.strokeStyle = DANGER;
  ctx.lineWidth = 2;
  for (const limit of [-X_THRESHOLD, X_THRESHOLD]) {
    ctx.beginPath();
    ctx.moveTo(X(limit), trackY - 14);
    ctx.lineTo(X(limit), trackY + 14);
    ctx.stroke();
  }
  ctx.restore();
  label(ctx, 'limit', X(X_THRESHOLD) + 4, trackY - 6, { size: 11, colour: DANGER });

  const cartW = 0.4 * scale;
  const cartH = cartW * 0.6;
  const cx = X(x);
  ctx.fillStyle = INK;
  ctx.beginPath();
  ctx.roundRect(cx - cartW / 2, trackY - cartH / 2, cartW, cartH, 3);
  ctx.fill();
  // Pole: full length 1.0 m (Gymnasium's length is the half-length 0.5).
  const poleLen = 1.0 * scale;
  const axleY = trackY - cartH / 4;
  ctx.save();
  ctx.translate(cx, axleY);
  ctx.rotate(theta);
  ctx.fillStyle = Math.abs(theta) > THETA_THRESHOLD ? DANGER : '#ca9865';
  const poleW = Math.max(6, 0.08 * scale);
  ctx.fillRect(-poleW / 2, -poleLen, poleW, poleLen);
  ctx.restore();
  ctx.fillStyle = '#8184cb';
  ctx.beginPath();
  ctx.arc(cx, axleY, poleW / 2, 0, Math.PI * 2);
  ctx.fill();

  if (action && action.length > 0) {
    const dir = action[0] === 1 ? 1 : -1;
    // The arrow pushes on the side opposite to where it points, like a hand.
    const from = cx - dir * (cartW / 2 + 34);
    arrow(ctx, from, trackY, cx - dir * (cartW / 2 + 3), trackY, { colour: ACTION, width: 4, head: 11 });
    label(ctx, dir > 0 ? 'push right' : 'push left', width - 10, 20, { align: 'right', colour: ACTION, bold: true, size: 13 });
  }
  if (roomy(width)) readout(ctx, [`x ${signed(x)} m`, `θ ${signed((theta * 180) / Math.PI, 1)}°`], 10, 8);
};
