import { Rng } from '../rng';
import { checkAction } from './actions';
import { cellOf, isWall, type MazeLayout, resetCells, WALL_HALF_SIZE, WALL_OFFSET } from './mazeLayout';
import { box } from './spaces';
import type { Action, Env, EnvSpec, ReferenceScores, StepResult } from './types';

/**
 * D4RL maze2d (d4rl/pointmaze/maze_model.py) with the lab's own small simulator instead of MuJoCo.
 *
 * Kept from D4RL: coordinates and layouts (mazeLayout.ts), ball radius 0.1, timestep 0.01 with one physics
 * step per env step, zero gravity, joint damping 1, motor gear 100 on each axis, ctrl clipped to [-1, 1],
 * velocity clipped to ±5 before each step, observation [x, y, vx, vy], sparse reward 1 if the distance to
 * the goal is <= 0.5 (dense: exp(-distance)), never terminated, reset to a random open or goal cell plus
 * U(-0.1, 0.1) with velocity N(0, 0.1²).
 *
 * Differs from MuJoCo: the ball's mass is taken as MuJoCo computes it (density 1000 × sphere volume) and
 * integrated with semi-implicit Euler with the damping implicit (MuJoCo's Euler does the same); contacts are
 * hard: the ball is pushed out of a wall and loses the velocity component into it (MuJoCo's soft contacts let
 * it sink in slightly and spring back a little). So trajectories are close to D4RL's, not equal.
 * Checked once against MuJoCo 3 (the official WASM build) running D4RL's point_maze model: free flight agrees
 * to 1e-6, one random step from random states by 1e-5 on average (2e-3 at worst, at contacts); against a wall
 * MuJoCo's ball dips up to 0.02 in and settles 0.003 further out than ours (tests/unit/pointMaze.test.ts).
 */
const DT = 0.01;
const GEAR = 100;
const DAMPING = 1;
const RADIUS = 0.1;
const MASS = 1000 * (4 / 3) * Math.PI * RADIUS ** 3;
const MAX_VELOCITY = 5.0;
/** The fastest one axis can leave the integrator: clipped to 5, then one step of full thrust. */
export const MAX_STEP_SPEED = (MASS * MAX_VELOCITY + DT * GEAR) / (MASS + DT * DAMPING);
/** A corner contact can turn the whole velocity onto one axis, so each axis is bounded by the norm. */
export const MAX_OBSERVED_SPEED = MAX_STEP_SPEED * Math.SQRT2;
export const BALL_RADIUS = RADIUS;
export const SPARSE_GOAL_RADIUS = 0.5;
const RESET_POSITION_NOISE = 0.1;
const RESET_VELOCITY_STD = 0.1;

export type MazeReward = 'sparse' | 'dense';

export interface PointMazeSpec extends EnvSpec {
  readonly maze: MazeLayout;
  readonly reward: MazeReward;
}

export function isPointMazeSpec(spec: EnvSpec): spec is PointMazeSpec {
  return 'maze' in spec;
}

export interface PointMazeSpecInfo {
  id: string;
  name: string;
  description: string;
  maxEpisodeSteps: number;
  referenceScores?: ReferenceScores;
}

export function pointMazeSpec(maze: MazeLayout, reward: MazeReward, info: PointMazeSpecInfo): PointMazeSpec {
  // The open area ends a ball radius inside the outer walls.
  const lowPos = 0 + WALL_OFFSET + WALL_HALF_SIZE + RADIUS;
  const highX = maze.rows.length - 1 + WALL_OFFSET - WALL_HALF_SIZE - RADIUS;
  const highY = maze.rows[0].length - 1 + WALL_OFFSET - WALL_HALF_SIZE - RADIUS;
  return {
    ...info,
    observationSpace: box([lowPos, lowPos, -MAX_OBSERVED_SPEED, -MAX_OBSERVED_SPEED], [highX, highY, MAX_OBSERVED_SPEED, MAX_OBSERVED_SPEED]),
    actionSpace: box([-1, -1], [1, 1]),
    observationLabels: ['x (row)', 'y (column)', 'x velocity', 'y velocity'],
    actionLabels: ['force x', 'force y'],
    maze,
    reward,
  };
}

export class PointMaze implements Env {
  readonly spec: PointMazeSpec;
  private readonly rng = new Rng();
  // [x, y, vx, vy] (D4RL's qpos, qvel).
  private state = new Float64Array(4);
  private goal: [number, number];
  private readonly starts: [number, number][];

  constructor(spec: PointMazeSpec) {
    this.spec = spec;
    this.goal = [spec.maze.goal[0], spec.maze.goal[1]];
    this.starts = resetCells(spec.maze);
    this.state[0] = this.starts[0][0];
    this.state[1] = this.starts[0][1];
  }

  get goalPosition(): readonly [number, number] {
    return this.goal;
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng.seed(seed);
    const [i, j] = this.starts[this.rng.int(this.starts.length)];
    this.state[0] = i + this.rng.uniform(-RESET_POSITION_NOISE, RESET_POSITION_NOISE);
    this.state[1] = j + this.rng.uniform(-RESET_POSITION_NOISE, RESET_POSITION_NOISE);
    this.state[2] = this.rng.normal(0, RESET_VELOCITY_STD);
    this.state[3] = this.rng.normal(0, RESET_VELOCITY_STD);
    return Float32Array.from(this.state);
  }

  step(action: Action): StepResult {
    const u = checkAction(this.spec.actionSpace, action, this.spec.id) as Float32Array;
    const s = this.state;
    for (let k = 0; k < 2; k++) {
      const v = Math.min(MAX_VELOCITY, Math.max(-MAX_VELOCITY, s[2 + k]));
      // Semi-implicit Euler, damping implicit: (M + dt·b) v' = M v + dt·gear·u.
      s[2 + k] = (MASS * v + DT * GEAR * u[k]) / (MASS + DT * DAMPING);
      s[k] += DT * s[2 + k];
    }
    this.collide();
    const dist = Math.hypot(s[0] - this.goal[0], s[1] - this.goal[1]);
    const reward = this.spec.reward === 'sparse' ? (dist <= SPARSE_GOAL_RADIUS ? 1.0 : 0.0) : Math.exp(-dist);
    return { observation: Float32Array.from(s), reward, terminated: false, truncated: false };
  }

  /**
   * Pushes the ball out of the walls around its cell and drops the velocity into them. A step moves the
   * ball at most MAX_STEP_SPEED·dt ≈ 0.05 < radius, so its centre never enters a wall and only the 8
   * neighbouring cells can touch it: faces first, then corners whose two faces are open.
   */
  private collide(): void {
    const s = this.state;
    const maze = this.spec.maze;
    const [i, j] = cellOf(s[0], s[1]);
    const reach = WALL_HALF_SIZE - RADIUS;
    for (let k = 0; k < 2; k++) {
      const centre = (k === 0 ? i : j) + WALL_OFFSET;
      const before = k === 0 ? isWall(maze, i - 1, j) : isWall(maze, i, j - 1);
      const after = k === 0 ? isWall(maze, i + 1, j) : isWall(maze, i, j + 1);
      if (before && s[k] < centre - reach) {
        s[k] = centre - reach;
        if (s[2 + k] < 0) s[2 + k] = 0;
      }
      if (after && s[k] > centre + reach) {
        s[k] = centre + reach;
        if (s[2 + k] > 0) s[2 + k] = 0;
      }
    }
    for (const di of [-1, 1]) {
      for (const dj of [-1, 1]) {
        if (!isWall(maze, i + di, j + dj) || isWall(maze, i + di, j) || isWall(maze, i, j + dj)) continue;
        const cx = i + WALL_OFFSET + di * WALL_HALF_SIZE;
        const cy = j + WALL_OFFSET + dj * WALL_HALF_SIZE;
        const dx = s[0] - cx;
        const dy = s[1] - cy;
        const d = Math.hypot(dx, dy);
        if (d >= RADIUS || d === 0) continue;
        const nx = dx / d;
        const ny = dy / d;
        s[0] = cx + nx * RADIUS;
        s[1] = cy + ny * RADIUS;
        const vn = s[2] * nx + s[3] * ny;
        if (vn < 0) {
          s[2] -= vn * nx;
          s[3] -= vn * ny;
        }
      }
    }
  }

  /** [x, y, vx, vy, goal x, goal y]: D4RL's qpos, qvel and target. */
  getState(): Float64Array {
    return Float64Array.of(...this.state, this.goal[0], this.goal[1]);
  }

  /** Accepts [x, y, vx, vy] (goal unchanged) or [x, y, vx, vy, goal x, goal y]. */
  setState(state: Float64Array): void {
    if (state.length !== 4 && state.length !== 6) throw new Error(`${this.spec.id}: state must be [x, y, vx, vy] or [x, y, vx, vy, goal x, goal y], got ${state.length} values`);
    if (!state.every(Number.isFinite)) throw new Error(`${this.spec.id}: state values must be finite`);
    const [i, j] = cellOf(state[0], state[1]);
    if (isWall(this.spec.maze, i, j)) throw new Error(`${this.spec.id}: position (${state[0]}, ${state[1]}) is inside a wall`);
    this.state = Float64Array.from(state.subarray(0, 4));
    if (state.length === 6) this.goal = [state[4], state[5]];
  }
}
