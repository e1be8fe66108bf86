import { GOAL_POSITION, MAX_POSITION, MIN_POSITION } from '../../core/envs/mountainCar';
import { CONTINUOUS_GOAL_POSITION } from '../../core/envs/mountainCarContinuous';
import { ACTION, arrow, clear, INK, label, MUTED, readout, roomy, signed } from './draw';
import type { SceneRenderer } from './types';

/** Gymnasium's hill: height(x) = 0.45 sin(3x) + 0.55, the curve sin(3x) lifted to lie in [0.1, 1]. */
const hill = (x: number) => 0.45 * Math.sin(3 * x) + 0.55;
const slope = (x: number) => 1.35 * Math.cos(3 * x);
const CAR_LENGTH = 0.14;
const CAR_HEIGHT = 0.06;
const CLEARANCE = 0.025;
const WHEEL = 0.024;
const FLAG = 0.16;

/**
 * The car on the hill at state [position, velocity] (MountainCar-v0 and MountainCarContinuous-v0 share it),
 * at equal scale on both axes as Gymnasium draws it. The flag stands at the env's goal (0.5, or 0.45 for the
 * continuous version). `action`: discrete 0/1/2 (push left / none / right) or a force in [-1, 1], drawn as
 * an arrow along the slope.
 */
function drawMountainCar(goal: number, continuous: boolean): SceneRenderer {
  return (ctx, state, { width, height, action }) => {
    const position = state[0];
    const velocity = state[1];
    clear(ctx, width, height);
    const top = 12;
    const bottom = 34;
    // Heights reach 1.0; the flag stands FLAG above the goal.
    const s = Math.min((width - 40) / (MAX_POSITION - MIN_POSITION), (height - top - bottom) / (1.0 + FLAG));
    const left = (width - s * (MAX_POSITION - MIN_POSITION)) / 2;
    const base = height - bottom;
    const X = (x: number) => left + (x - MIN_POSITION) * s;
    const Y = (h: number) => base - h * s;

    // The hill, filled down to the baseline.
    ctx.save();
    ctx.beginPath();
    ctx.moveTo(X(MIN_POSITION), base);
    for (let i = 0; i <= 200; i++) {
      const x = MIN_POSITION + ((MAX_POSITION - MIN_POSITION) * i) / 200;
      ctx.lineTo(X(x), Y(hill(x)));
    }
    ctx.lineTo(X(MAX_POSITION), base);
    ctx.closePath();
    ctx.fillStyle = '#efe6d2';
    ctx.fill();
    ctx.beginPath();
    for (let i = 0; i <= 200; i++) {
      const x = MIN_POSITION + ((MAX_POSITION - MIN_POSITION) * i) / 200;
      if (i === 0) ctx.moveTo(X(x), Y(hill(x)));
      else ctx.lineTo(X(x), Y(hill(x)));
    }
    ctx.strokeStyle = '#8b6d4a';
    ctx.lineWidth = 2.5;
    ctx.stroke();
    // The inelastic wall at the left end.
    ctx.fillStyle = '#8b6d4a';
    ctx.fillRect(X(MIN_POSITION) - 5, Y(hill(MIN_POSITION)) - 30, 5, 30 + hill(MIN_POSITION) * s);
    ctx.restore();

    // Position ticks along the baseline.
    ctx.save();
    ctx.strokeStyle = '#9ca3af';
    ctx.beginPath();
    ctx.moveTo(X(MIN_POSITION), base + 0.5);
    ctx.lineTo(X(MAX_POSITION), base + 0.5);
    ctx.stroke();
    for (const t of [-1.2, -0.9, -0.6, -0.3, 0, 0.3, 0.6]) {
      ctx.beginPath();
      ctx.moveTo(X(t), base);
      ctx.lineTo(X(t), base + 4);
      ctx.stroke();
      label(ctx, String(t), X(t), base + 16, { align: 'center', size: 11, colour: MUTED });
    }
    ctx.restore();
    label(ctx, 'position', X(-0.3), base + 30, { align: 'center', size: 11, colour: MUTED });

    // Flag at the goal.
    const fx = X(goal);
    const fy = Y(hill(goal));
    ctx.save();
    ctx.strokeStyle = INK;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(fx, fy);
    ctx.lineTo(fx, fy - FLAG * s);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(fx, fy - FLAG * s);
    ctx.lineTo(fx + 0.1 * s, fy - (FLAG - 0.025) * s);
    ctx.lineTo(fx, fy - (FLAG - 0.05) * s);
    ctx.closePath();
    ctx.fillStyle = '#facc15';
    ctx.fill();
    ctx.stroke();
    ctx.restore();
    label(ctx, `goal ${goal}`, fx - 6, fy - (FLAG - 0.02) * s, { align: 'right', size: 11, colour: MUTED });

    // The car, tilted with the slope, standing on the curve.
    const angle = -Math.atan(slope(position));
    ctx.save();
    ctx.translate(X(position), Y(hill(position)));
    ctx.rotate(angle);
    ctx.fillStyle = INK;
    const w = CAR_LENGTH * s;
    const h = CAR_HEIGHT * s;
    const c = CLEARANCE * s;
    ctx.beginPath();
    ctx.roundRect(-w / 2, -c - h, w, h, 4);
    ctx.fill();
    ctx.fillStyle = '#9ca3af';
    ctx.fillRect(w * 0.05, -c - h * 0.8, w * 0.28, h * 0.45);
    for (const wx of [-w * 0.3, w * 0.3]) {
      ctx.beginPath();
      ctx.arc(wx, -WHEEL * s, WHEEL * s, 0, Math.PI * 2);
      ctx.fillStyle = '#6b7280';
      ctx.fill();
      ctx.strokeStyle = INK;
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    // The push, along the car's own axis.
    if (action && action.length > 0) {
      const force = continuous ? Math.max(-1, Math.min(1, action[0])) : action[0] - 1;
      if (Math.abs(force) > 0.02) {
        const from = Math.sign(force) * (w / 2 + 4);
        arrow(ctx, from, -c - h / 2, from + force * 0.18 * s, -c - h / 2, { colour: ACTION, width: 4, head: 10 });
      }
    }
    ctx.restore();

    const pushText = !action || action.length === 0 ? [] : continuous ? [`force ${signed(action[0])}`] : [['push left', 'no push', 'push right'][action[0]] ?? ''];
    if (roomy(width)) readout(ctx, [`position ${signed(position, 3)}`, `velocity ${signed(velocity, 4)}`], X(MIN_POSITION) + 10, 8);
    if (pushText.length) label(ctx, pushText[0], width / 2, 22, { align: 'center', colour: ACTION, bold: true, size: 13 });
  };
}

export const drawMountainCarDiscrete = drawMountainCar(GOAL_POSITION, false);
export const drawMountainCarContinuous = drawMountainCar(CONTINUOUS_GOAL_POSITION, true);
