import { Acrobot, acrobotSpec } from './acrobot';
import { CartPole, cartPoleSpec } from './cartpole';
import { CLIFF_WALKING, FROZEN_LAKE_4X4, FROZEN_LAKE_8X8, parseLayout, TEACHING_GRID } from './gridLayout';
import { GridWorld, gridWorldSpec, type GridWorldSpec, isGridWorldSpec } from './gridWorld';
import { LARGE_MAZE, MEDIUM_MAZE, OPEN_MAZE, parseMaze, U_MAZE } from './mazeLayout';
import { MountainCar, mountainCarSpec } from './mountainCar';
import { MountainCarContinuous, mountainCarContinuousSpec } from './mountainCarContinuous';
import { Pendulum, pendulumSpec } from './pendulum';
import { PointMaze, pointMazeSpec, type PointMazeSpec, isPointMazeSpec } from './pointMaze';
import { MujocoLocomotionEnv } from './mujoco/locomotion';
import { LOCOMOTION_CONFIGS } from './mujoco/locomotionEnvs';
import { labScores } from './referenceScores';
import { TimeLimit } from './timeLimit';
import type { Env, EnvSpec, ReferenceScores } from './types';

export interface EnvOptions {
  /** Seed for the first reset (later resets without a seed continue the stream, as in Gymnasium). */
  seed?: number;
  /**
   * A custom map, as text. GridWorld ids (GridWorld, FrozenLake-*, CliffWalking): the grid format of
   * gridLayout.ts (map rows of S G H C # . plus optional `slip:`, `step:`, `goal:`, `hole:`, `cliff:`,
   * `steps:`, `actions:`, `reward r,c:` lines). PointMaze ids: rows of # O G (D4RL's maze strings). The
   * env's spec then carries the custom layout and no reference scores.
   */
  layout?: string;
  /** Pendulum-v1 only: gravity (Gymnasium's `g`, default 10). */
  g?: number;
}

interface EnvEntry {
  spec: EnvSpec;
  create(options: EnvOptions): Env;
}

// D4RL's ref_min_score / ref_max_score (d4rl/pointmaze/__init__.py); Open exists only as v0 in D4RL.
const D4RL = 'D4RL maze2d-*-v1 reference scores';
const d4rl = (min: number, max: number, source = D4RL): ReferenceScores => ({ min, max, source });

function gridEntry(spec: GridWorldSpec): EnvEntry {
  return {
    spec,
    create: (o) => new GridWorld(o.layout === undefined ? spec : gridWorldSpec(parseLayout(o.layout), { id: spec.id, name: `${spec.name} (custom)`, description: 'A custom grid.' })),
  };
}

function mazeEntry(spec: PointMazeSpec): EnvEntry {
  return {
    spec,
    create: (o) =>
      new PointMaze(
        o.layout === undefined
          ? spec
          : pointMazeSpec(parseMaze(o.layout), spec.reward, { id: spec.id, name: `${spec.name} (custom)`, description: 'A custom maze.', maxEpisodeSteps: spec.maxEpisodeSteps }),
      ),
  };
}

const MAZE_SCORES = {
  open: { sparse: d4rl(0.01, 20.66, 'D4RL maze2d-open-v0'), dense: d4rl(11.17817, 27.166538620695782, 'D4RL maze2d-open-dense-v0') },
  umaze: { sparse: d4rl(23.85, 161.86), dense: d4rl(68.537689, 193.66285642381482) },
  medium: { sparse: d4rl(13.13, 277.39), dense: d4rl(44.264742, 297.4552547777125) },
  large: { sparse: d4rl(6.7, 273.99), dense: d4rl(30.569041, 303.4857382709002) },
};

const MAZES = [
  { key: 'open', id: 'Open', maze: OPEN_MAZE, steps: 150, what: 'an open room' },
  { key: 'umaze', id: 'UMaze', maze: U_MAZE, steps: 300, what: 'a U-shaped maze' },
  { key: 'medium', id: 'Medium', maze: MEDIUM_MAZE, steps: 600, what: 'the medium maze' },
  { key: 'large', id: 'Large', maze: LARGE_MAZE, steps: 800, what: 'the large maze' },
] as const;

const mazeEntries: EnvEntry[] = MAZES.flatMap((m) =>
  (['sparse', 'dense'] as const).map((reward) =>
    mazeEntry(
      pointMazeSpec(m.maze, reward, {
        id: `PointMaze-${m.id}${reward === 'dense' ? '-Dense' : ''}-v1`,
        name: `PointMaze ${m.id}${reward === 'dense' ? ' (dense)' : ''}`,
        description:
          `Push a ball through ${m.what} to the goal (D4RL maze2d). ` +
          (reward === 'sparse' ? 'Reward 1 while within 0.5 of the goal.' : 'Reward exp(-distance to the goal).') +
          ` ${m.steps} steps.`,
        maxEpisodeSteps: m.steps,
        referenceScores: MAZE_SCORES[m.key][reward],
      }),
    ),
  ),
);

const entries: EnvEntry[] = [
  { spec: cartPoleSpec, create: () => new CartPole() },
  { spec: mountainCarSpec, create: () => new MountainCar() },
  { spec: mountainCarContinuousSpec, create: () => new MountainCarContinuous() },
  { spec: pendulumSpec, create: (o) => new Pendulum(o.g) },
  { spec: acrobotSpec, create: () => new Acrobot() },
  gridEntry(
    gridWorldSpec(FROZEN_LAKE_4X4, {
      id: 'FrozenLake-4x4',
      name: 'FrozenLake 4x4',
      description: 'Cross a slippery frozen lake to the goal without falling into a hole (Gymnasium FrozenLake-v1). Reward 1 at the goal, 100 steps.',
      solvedThreshold: 0.7,
      referenceScores: labScores(0.04, 0.76),
    }),
  ),
  gridEntry(
    gridWorldSpec(FROZEN_LAKE_8X8, {
      id: 'FrozenLake-8x8',
      name: 'FrozenLake 8x8',
      description: 'The 8x8 slippery frozen lake (Gymnasium FrozenLake8x8-v1). Reward 1 at the goal, 200 steps.',
      solvedThreshold: 0.85,
      referenceScores: labScores(0, 0.9),
    }),
  ),
  gridEntry(
    gridWorldSpec(CLIFF_WALKING, {
      id: 'CliffWalking',
      name: 'CliffWalking',
      description: 'Walk along a cliff to the goal (Gymnasium CliffWalking-v1): -1 per step, -100 and back to the start for falling. 200 steps.',
      referenceScores: labScores(-2081.65, -13),
    }),
  ),
  gridEntry(
    gridWorldSpec(TEACHING_GRID, {
      id: 'GridWorld',
      name: 'GridWorld',
      description: 'A small slippery grid: a short path along pits or a safe detour round a wall. Goal +1, pit -1, -0.04 per step. Editable.',
      referenceScores: labScores(-1.6816, 0.452),
    }),
  ),
  ...mazeEntries,
  // MuJoCo locomotion (Gymnasium v5): makeEnv needs `await loadMujoco()` first (mujoco/loadMujoco.ts).
  ...LOCOMOTION_CONFIGS.map((config): EnvEntry => ({ spec: config.spec, create: () => new MujocoLocomotionEnv(config) })),
];

export function listEnvs(): EnvSpec[] {
  return entries.map((e) => e.spec);
}

export function getEnvSpec(id: string): EnvSpec {
  const entry = entries.find((e) => e.spec.id === id);
  if (!entry) throw new Error(`Unknown environment "${id}". Known: ${entries.map((e) => e.spec.id).join(', ')}`);
  return entry.spec;
}

/** Like gym.make: the environment wrapped in a TimeLimit at spec.maxEpisodeSteps. */
export function makeEnv(id: string, options: EnvOptions = {}): TimeLimit {
  const spec = getEnvSpec(id);
  if (options.layout !== undefined && !isGridWorldSpec(spec) && !isPointMazeSpec(spec)) {
    throw new Error(`${id}: the layout option is only for GridWorld and PointMaze environments`);
  }
  if (options.g !== undefined && (id !== 'Pendulum-v1' || !Number.isFinite(options.g))) {
    throw new Error(`${id}: the g option is a finite number, for Pendulum-v1 only`);
  }
  const entry = entries.find((e) => e.spec.id === id)!;
  const env = new TimeLimit(entry.create(options));
  if (options.seed !== undefined) env.reset(options.seed);
  return env;
}
