import { Rng } from '../rng';
import { checkAction } from './actions';
import { labScores } from './referenceScores';
import { box, discrete } from './spaces';
import type { Action, Env, EnvSpec, StepResult } from './types';

// Gymnasium MountainCar-v0 (gymnasium/envs/classic_control/mountain_car.py): constants, update order,
// clipping, the inelastic left wall and the -1 per step reward copied by value.
export const MIN_POSITION = -1.2;
export const MAX_POSITION = 0.6;
export const MAX_SPEED = 0.07;
export const GOAL_POSITION = 0.5;
const GOAL_VELOCITY = 0;
const FORCE = 0.001;
const GRAVITY = 0.0025;
// Reset: position ~ U(-0.6, -0.4), velocity 0.
export const RESET_LOW = -0.6;
export const RESET_HIGH = -0.4;

export const mountainCarSpec: EnvSpec = {
  id: 'MountainCar-v0',
  name: 'MountainCar',
  description: 'Rock an underpowered car out of a valley to the flag on the right. -1 per step, at most 200 steps.',
  observationSpace: box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]),
  actionSpace: discrete(3),
  maxEpisodeSteps: 200,
  solvedThreshold: -110,
  referenceScores: labScores(-200, -106.5),
  observationLabels: ['position', 'velocity'],
  actionLabels: ['push left', 'no push', 'push right'],
};

export class MountainCar implements Env {
  readonly spec = mountainCarSpec;
  private readonly rng = new Rng();
  // [position, velocity], as env.unwrapped.state.
  private state = new Float64Array(2);

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng.seed(seed);
    this.state[0] = this.rng.uniform(RESET_LOW, RESET_HIGH);
    this.state[1] = 0;
    return Float32Array.from(this.state);
  }

  step(action: Action): StepResult {
    const a = checkAction(this.spec.actionSpace, action, this.spec.id) as number;
    let position = this.state[0];
    let velocity = this.state[1];
    velocity += (a - 1) * FORCE + Math.cos(3 * position) * -GRAVITY;
    velocity = Math.min(MAX_SPEED, Math.max(-MAX_SPEED, velocity));
    position += velocity;
    position = Math.min(MAX_POSITION, Math.max(MIN_POSITION, position));
    // Hitting the left wall stops the car.
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    const terminated = position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
    this.state[0] = position;
    this.state[1] = velocity;
    return { observation: Float32Array.from(this.state), reward: -1.0, terminated, truncated: false };
  }

  getState(): Float64Array {
    return Float64Array.from(this.state);
  }

  setState(state: Float64Array): void {
    if (state.length !== 2) throw new Error(`MountainCar-v0: state must be [position, velocity], got ${state.length} values`);
    this.state = Float64Array.from(state);
  }
}
