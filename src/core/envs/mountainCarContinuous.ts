import { Rng } from '../rng';
import { checkAction } from './actions';
import { labScores } from './referenceScores';
import { MAX_POSITION, MAX_SPEED, MIN_POSITION, RESET_HIGH, RESET_LOW } from './mountainCar';
import { box } from './spaces';
import type { Action, Env, EnvSpec, StepResult } from './types';

// Gymnasium MountainCarContinuous-v0 (gymnasium/envs/classic_control/continuous_mountain_car.py).
// Same hill as MountainCar-v0 with a continuous engine; goal at 0.45, +100 on arrival, -0.1 * action² per step.
export const CONTINUOUS_GOAL_POSITION = 0.45;
const GOAL_VELOCITY = 0;
const MIN_ACTION = -1.0;
const MAX_ACTION = 1.0;
const POWER = 0.0015;
const GRAVITY = 0.0025;
const GOAL_REWARD = 100.0;
const ACTION_COST = 0.1;

export const mountainCarContinuousSpec: EnvSpec = {
  id: 'MountainCarContinuous-v0',
  name: 'MountainCarContinuous',
  description: 'Rock the car out of the valley with a continuous engine: +100 at the flag, -0.1·action² per step. 999 steps.',
  observationSpace: box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]),
  actionSpace: box([MIN_ACTION], [MAX_ACTION]),
  maxEpisodeSteps: 999,
  solvedThreshold: 90,
  referenceScores: labScores(-33.2647, 98.2696),
  observationLabels: ['position', 'velocity'],
  actionLabels: ['engine force'],
};

export class MountainCarContinuous implements Env {
  readonly spec = mountainCarContinuousSpec;
  private readonly rng = new Rng();
  private state = new Float64Array(2);

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng.seed(seed);
    this.state[0] = this.rng.uniform(RESET_LOW, RESET_HIGH);
    this.state[1] = 0;
    return Float32Array.from(this.state);
  }

  step(action: Action): StepResult {
    const force = (checkAction(this.spec.actionSpace, action, this.spec.id) as Float32Array)[0];
    // Gymnasium clips the force but charges the cost on the action as given (an out-of-range action costs more).
    const raw = typeof action === 'number' ? Math.fround(action) : action[0];
    let position = this.state[0];
    let velocity = this.state[1];
    velocity += force * POWER - GRAVITY * Math.cos(3 * position);
    if (velocity > MAX_SPEED) velocity = MAX_SPEED;
    if (velocity < -MAX_SPEED) velocity = -MAX_SPEED;
    position += velocity;
    if (position > MAX_POSITION) position = MAX_POSITION;
    if (position < MIN_POSITION) position = MIN_POSITION;
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    const terminated = position >= CONTINUOUS_GOAL_POSITION && velocity >= GOAL_VELOCITY;
    let reward = terminated ? GOAL_REWARD : 0;
    reward -= raw ** 2 * ACTION_COST;
    // Gymnasium stores the state as float32 after every step; rounding here keeps trajectories identical.
    this.state[0] = Math.fround(position);
    this.state[1] = Math.fround(velocity);
    return { observation: Float32Array.from(this.state), reward, terminated, truncated: false };
  }

  getState(): Float64Array {
    return Float64Array.from(this.state);
  }

  setState(state: Float64Array): void {
    if (state.length !== 2) throw new Error(`MountainCarContinuous-v0: state must be [position, velocity], got ${state.length} values`);
    this.state = Float64Array.from(state);
  }
}
