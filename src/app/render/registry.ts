import { GOAL_POSITION } from '../../core/envs/mountainCar';
import { CONTINUOUS_GOAL_POSITION } from '../../core/envs/mountainCarContinuous';
import { isGridWorldSpec } from '../../core/envs/gridWorld';
import { isPointMazeSpec } from '../../core/envs/pointMaze';
import { LOCOMOTION_CONFIGS } from '../../core/envs/mujoco/locomotionEnvs';
import { getEnvSpec, listEnvs } from '../../core/envs/registry';
import { drawAcrobot } from './acrobot';
import { drawCartPole } from './cartpole';
import { drawGridWorld } from './gridWorld';
import { drawLocomotion } from './locomotion';
import { drawMountainCarContinuous, drawMountainCarDiscrete } from './mountainCar';
import { drawPendulum } from './pendulum';
import type { PhaseMark } from './phasePlane';
import { drawPointMaze } from './pointMaze';
import type { SceneRenderer } from './types';

const renderers: Record<string, SceneRenderer> = {
  'CartPole-v1': drawCartPole,
  'MountainCar-v0': drawMountainCarDiscrete,
  'MountainCarContinuous-v0': drawMountainCarContinuous,
  'Pendulum-v1': drawPendulum,
  'Acrobot-v1': drawAcrobot,
};

// Grids and mazes draw their layout: the registered one, or options.spec for a custom layout.
for (const spec of listEnvs()) {
  if (isGridWorldSpec(spec)) renderers[spec.id] = (ctx, state, o) => drawGridWorld(ctx, state, o, o.spec && isGridWorldSpec(o.spec) ? o.spec : spec);
  if (isPointMazeSpec(spec)) renderers[spec.id] = (ctx, state, o) => drawPointMaze(ctx, state, o, o.spec && isPointMazeSpec(o.spec) ? o.spec : spec);
}
for (const { spec } of LOCOMOTION_CONFIGS) renderers[spec.id] = drawLocomotion(spec.id);

export function rendererFor(envId: string): SceneRenderer | null {
  return renderers[envId] ?? null;
}

/** Replay speed at 1×: Gymnasium's render_fps (metadata) per env; mazes at 1 / dt capped to the screen's rate. */
export function replayFps(envId: string): number {
  const fixed: Record<string, number> = { 'CartPole-v1': 50, 'MountainCar-v0': 30, 'MountainCarContinuous-v0': 30, 'Pendulum-v1': 30, 'Acrobot-v1': 15 };
  if (fixed[envId]) return fixed[envId];
  // MuJoCo: render_fps = 1 / dt (Hopper and Walker2d 125, HalfCheetah 20).
  const mujoco = LOCOMOTION_CONFIGS.find((c) => c.spec.id === envId);
  if (mujoco) return Math.round(1 / (mujoco.frameSkip * mujoco.timestep));
  const spec = getEnvSpec(envId);
  if (isGridWorldSpec(spec)) return 4;
  return 60;
}

/** Reference lines on an env's phase plane. */
export function phaseMarks(envId: string): PhaseMark[] {
  if (envId === 'MountainCar-v0') return [{ x: GOAL_POSITION, label: 'goal' }];
  if (envId === 'MountainCarContinuous-v0') return [{ x: CONTINUOUS_GOAL_POSITION, label: 'goal' }];
  if (envId === 'Pendulum-v1') return [{ x: 0, label: 'upright' }];
  return [];
}
