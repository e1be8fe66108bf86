import { Rng } from '../rng';
import { checkAction } from './actions';
import { labScores } from './referenceScores';
import { box, discrete } from './spaces';
import type { Action, Env, EnvSpec, StepResult } from './types';

// Gymnasium CartPole-v1 (gymnasium/envs/classic_control/cartpole.py): constants, Euler integrator,
// thresholds and reward copied by value; reward 1 on every step including the terminating one.
const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
export const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
export const X_THRESHOLD = 2.4;

export const cartPoleSpec: EnvSpec = {
  id: 'CartPole-v1',
  name: 'CartPole',
  description: 'Push a cart left or right to keep a pole upright. +1 per step, at most 500 steps.',
  observationSpace: box(
    [-X_THRESHOLD * 2, -3.4028234663852886e38, -THETA_THRESHOLD * 2, -3.4028234663852886e38],
    [X_THRESHOLD * 2, 3.4028234663852886e38, THETA_THRESHOLD * 2, 3.4028234663852886e38],
  ),
  actionSpace: discrete(2),
  maxEpisodeSteps: 500,
  solvedThreshold: 475,
  referenceScores: labScores(22.84, 500),
  observationLabels: ['cart position', 'cart velocity', 'pole angle', 'pole angular velocity'],
  actionLabels: ['push left', 'push right'],
};

export class CartPole implements Env {
  readonly spec = cartPoleSpec;
  private readonly rng = new Rng();
  private state = new Float64Array(4);
  private stepsBeyondTerminated: number | null = null;

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng.seed(seed);
    for (let i = 0; i < 4; i++) this.state[i] = this.rng.uniform(-0.05, 0.05);
    this.stepsBeyondTerminated = null;
    return Float32Array.from(this.state);
  }

  step(action: Action): StepResult {
    const a = checkAction(this.spec.actionSpace, action, this.spec.id) as number;
    const [x, xDot, theta, thetaDot] = this.state;
    const force = a === 1 ? FORCE_MAG : -FORCE_MAG;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const temp = (force + POLEMASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * cos * cos) / TOTAL_MASS));
    const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    // Explicit Euler, as Gymnasium's default kinematics_integrator.
    this.state[0] = x + TAU * xDot;
    this.state[1] = xDot + TAU * xAcc;
    this.state[2] = theta + TAU * thetaDot;
    this.state[3] = thetaDot + TAU * thetaAcc;

    const nx = this.state[0];
    const nTheta = this.state[2];
    const terminated = nx < -X_THRESHOLD || nx > X_THRESHOLD || nTheta < -THETA_THRESHOLD || nTheta > THETA_THRESHOLD;
    let reward = 1.0;
    if (terminated) {
      // Gymnasium pays 1 on the terminating step and 0 if stepped past it.
      if (this.stepsBeyondTerminated === null) this.stepsBeyondTerminated = 0;
      else {
        this.stepsBeyondTerminated += 1;
        reward = 0.0;
      }
    }
    return { observation: Float32Array.from(this.state), reward, terminated, truncated: false };
  }

  getState(): Float64Array {
    return Float64Array.from(this.state);
  }

  setState(state: Float64Array): void {
    if (state.length !== 4) throw new Error(`CartPole-v1: state must be [x, x_dot, theta, theta_dot], got ${state.length} values`);
    this.state = Float64Array.from(state);
    this.stepsBeyondTerminated = null;
  }
}
