import { Rng } from '../rng';
import { checkAction } from './actions';
import { labScores } from './referenceScores';
import { box, discrete } from './spaces';
import type { Action, Env, EnvSpec, StepResult } from './types';

// Gymnasium Acrobot-v1 (gymnasium/envs/classic_control/acrobot.py) with its defaults: the book dynamics
// (book_or_nips = "book"), torque_noise_max = 0, one RK4 step of dt = 0.2 as its rk4() takes it,
// then wrap() of the angles and bound() of the velocities. Operation order follows _dsdt so results
// agree with Gymnasium to rounding.
const DT = 0.2;
const LINK_LENGTH_1 = 1.0;
const LINK_MASS_1 = 1.0;
const LINK_MASS_2 = 1.0;
const LINK_COM_POS_1 = 0.5;
const LINK_COM_POS_2 = 0.5;
const LINK_MOI = 1.0;
const G = 9.8;
export const MAX_VEL_1 = 4 * Math.PI;
export const MAX_VEL_2 = 9 * Math.PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1.0];
const RESET_LOW = -0.1;
const RESET_HIGH = 0.1;

export const acrobotSpec: EnvSpec = {
  id: 'Acrobot-v1',
  name: 'Acrobot',
  description: 'Swing a two-link chain, torque at the middle joint only, until its tip rises a link length above the pivot. -1 per step, 500 steps.',
  observationSpace: box([-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2], [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2]),
  actionSpace: discrete(3),
  maxEpisodeSteps: 500,
  solvedThreshold: -100,
  referenceScores: labScores(-496.58, -83.45),
  observationLabels: ['cos(theta1)', 'sin(theta1)', 'cos(theta2)', 'sin(theta2)', 'theta1 velocity', 'theta2 velocity'],
  actionLabels: ['torque -1', 'torque 0', 'torque +1'],
};

/** Gymnasium's wrap(): shifts x by whole periods into [m, M]. */
export function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x -= diff;
  while (x < m) x += diff;
  return x;
}

function bound(x: number, m: number, M: number): number {
  return Math.min(Math.max(x, m), M);
}

/** Time derivative of [theta1, theta2, dtheta1, dtheta2] under torque a (Gymnasium's _dsdt, book variant). */
function dsdt(s: Float64Array, a: number, out: Float64Array): void {
  const m1 = LINK_MASS_1;
  const m2 = LINK_MASS_2;
  const l1 = LINK_LENGTH_1;
  const lc1 = LINK_COM_POS_1;
  const lc2 = LINK_COM_POS_2;
  const I1 = LINK_MOI;
  const I2 = LINK_MOI;
  const theta1 = s[0];
  const theta2 = s[1];
  const dtheta1 = s[2];
  const dtheta2 = s[3];
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + I2;
  const phi2 = m2 * lc2 * G * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * G * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 =
    (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = ddtheta1;
  out[3] = ddtheta2;
}

export class Acrobot implements Env {
  readonly spec = acrobotSpec;
  private readonly rng = new Rng();
  // [theta1, theta2, dtheta1, dtheta2], as env.unwrapped.state (theta1 = 0: hanging down).
  private state = new Float64Array(4);
  private readonly k1 = new Float64Array(4);
  private readonly k2 = new Float64Array(4);
  private readonly k3 = new Float64Array(4);
  private readonly k4 = new Float64Array(4);
  private readonly tmp = new Float64Array(4);

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng.seed(seed);
    // Gymnasium draws in float64 and stores the reset state as float32.
    for (let i = 0; i < 4; i++) this.state[i] = Math.fround(this.rng.uniform(RESET_LOW, RESET_HIGH));
    return this.observe();
  }

  step(action: Action): StepResult {
    const a = checkAction(this.spec.actionSpace, action, this.spec.id) as number;
    const torque = AVAIL_TORQUE[a];
    this.rk4(torque);
    const s = this.state;
    s[0] = wrap(s[0], -Math.PI, Math.PI);
    s[1] = wrap(s[1], -Math.PI, Math.PI);
    s[2] = bound(s[2], -MAX_VEL_1, MAX_VEL_1);
    s[3] = bound(s[3], -MAX_VEL_2, MAX_VEL_2);
    const terminated = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
    return { observation: this.observe(), reward: terminated ? 0.0 : -1.0, terminated, truncated: false };
  }

  /** One classic RK4 step over [0, DT], in rk4()'s order: y0 + dt/6 * (k1 + 2 k2 + 2 k3 + k4). */
  private rk4(torque: number): void {
    const y0 = this.state;
    const { k1, k2, k3, k4, tmp } = this;
    const dt = DT - 0;
    const dt2 = dt / 2.0;
    dsdt(y0, torque, k1);
    for (let i = 0; i < 4; i++) tmp[i] = y0[i] + dt2 * k1[i];
    dsdt(tmp, torque, k2);
    for (let i = 0; i < 4; i++) tmp[i] = y0[i] + dt2 * k2[i];
    dsdt(tmp, torque, k3);
    for (let i = 0; i < 4; i++) tmp[i] = y0[i] + dt * k3[i];
    dsdt(tmp, torque, k4);
    for (let i = 0; i < 4; i++) y0[i] = y0[i] + (dt / 6.0) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }

  private observe(): Float32Array {
    const s = this.state;
    return Float32Array.of(Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]);
  }

  getState(): Float64Array {
    return Float64Array.from(this.state);
  }

  setState(state: Float64Array): void {
    if (state.length !== 4) throw new Error(`Acrobot-v1: state must be [theta1, theta2, dtheta1, dtheta2], got ${state.length} values`);
    this.state = Float64Array.from(state);
  }
}
