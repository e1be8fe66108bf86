import { Rng } from '../rng';
import { checkAction } from './actions';
import { labScores } from './referenceScores';
import { box } from './spaces';
import type { Action, Env, EnvSpec, StepResult } from './types';

// Gymnasium Pendulum-v1 (gymnasium/envs/classic_control/pendulum.py): constants, semi-implicit Euler
// (velocity first, then angle with the new velocity), clipping and cost copied by value.
const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const MASS = 1.0;
const LENGTH = 1.0;
export const PENDULUM_DEFAULT_G = 10.0;
// Reset: theta ~ U(-pi, pi), theta_dot ~ U(-1, 1) (Gymnasium's DEFAULT_X, DEFAULT_Y).
const RESET_THETA = Math.PI;
const RESET_THETA_DOT = 1.0;

/** Python's float modulo (the result takes the sign of the divisor), which angle_normalize relies on. */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Gymnasium's angle_normalize: maps an angle to [-pi, pi). */
export function angleNormalize(x: number): number {
  return pyMod(x + Math.PI, 2 * Math.PI) - Math.PI;
}

export const pendulumSpec: EnvSpec = {
  id: 'Pendulum-v1',
  name: 'Pendulum',
  description: 'Swing a pendulum up with limited torque and hold it upright. Cost: angle², velocity², torque². 200 steps.',
  observationSpace: box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]),
  actionSpace: box([-MAX_TORQUE], [MAX_TORQUE]),
  maxEpisodeSteps: 200,
  // Gymnasium registers no threshold; -200 is the figure commonly quoted (REFERENCES.md).
  solvedThreshold: -200,
  referenceScores: labScores(-1206.7345, -139.861),
  observationLabels: ['cos(theta)', 'sin(theta)', 'angular velocity'],
  actionLabels: ['torque'],
};

export class Pendulum implements Env {
  readonly spec = pendulumSpec;
  private readonly rng = new Rng();
  // [theta, theta_dot], theta = 0 upright, as env.unwrapped.state.
  private state = new Float64Array(2);

  constructor(readonly g: number = PENDULUM_DEFAULT_G) {}

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng.seed(seed);
    this.state[0] = this.rng.uniform(-RESET_THETA, RESET_THETA);
    this.state[1] = this.rng.uniform(-RESET_THETA_DOT, RESET_THETA_DOT);
    return this.observe();
  }

  step(action: Action): StepResult {
    const u = (checkAction(this.spec.actionSpace, action, this.spec.id) as Float32Array)[0];
    const th = this.state[0];
    const thdot = this.state[1];
    const costs = angleNormalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2;
    let newthdot = thdot + ((3 * this.g) / (2 * LENGTH) * Math.sin(th) + (3.0 / (MASS * LENGTH ** 2)) * u) * DT;
    newthdot = Math.min(MAX_SPEED, Math.max(-MAX_SPEED, newthdot));
    this.state[0] = th + newthdot * DT;
    this.state[1] = newthdot;
    // Never terminates: only the 200-step time limit ends an episode.
    return { observation: this.observe(), reward: -costs, terminated: false, truncated: false };
  }

  private observe(): Float32Array {
    const [th, thdot] = this.state;
    return Float32Array.of(Math.cos(th), Math.sin(th), thdot);
  }

  getState(): Float64Array {
    return Float64Array.from(this.state);
  }

  setState(state: Float64Array): void {
    if (state.length !== 2) throw new Error(`Pendulum-v1: state must be [theta, theta_dot], got ${state.length} values`);
    this.state = Float64Array.from(state);
  }
}
