import { listEnvs } from '../envs/registry';
import { isGridWorldSpec } from '../envs/gridWorld';
import { isPointMazeSpec } from '../envs/pointMaze';
import { isMujocoEnvId } from '../envs/mujoco/locomotionEnvs';
import { randomPolicy } from './random';
import { acrobotPolicies } from './acrobot';
import { cartPolePolicies } from './cartpole';
import { gridWorldPolicies } from './gridWorld';
import { mountainCarContinuousPolicies, mountainCarPolicies } from './mountainCar';
import { pendulumPolicies } from './pendulum';
import { pointMazePolicies } from './pointMaze';
import type { PolicyLevel } from './types';

const byEnv: Record<string, PolicyLevel[]> = {
  'CartPole-v1': cartPolePolicies,
  'MountainCar-v0': mountainCarPolicies,
  'MountainCarContinuous-v0': mountainCarContinuousPolicies,
  'Pendulum-v1': pendulumPolicies,
  'Acrobot-v1': acrobotPolicies,
};
for (const spec of listEnvs()) {
  if (isGridWorldSpec(spec)) byEnv[spec.id] = gridWorldPolicies(spec.id);
  if (isPointMazeSpec(spec)) byEnv[spec.id] = pointMazePolicies(spec.id);
  // MuJoCo locomotion has no scripted medium/expert: better data comes from a policy the lab trained (or D4RL).
  if (isMujocoEnvId(spec.id)) {
    const space = spec.actionSpace;
    byEnv[spec.id] = [{ id: 'random', label: 'random', description: 'Uniform random torques in [-1, 1] (D4RL’s random datasets).', make: () => randomPolicy(space) }];
  }
}

/** Behaviour policies of an environment, from worst to best. */
export function policyLevels(envId: string): PolicyLevel[] {
  const levels = byEnv[envId];
  if (!levels) throw new Error(`No behaviour policies for environment "${envId}"`);
  return levels;
}

export function getPolicyLevel(envId: string, levelId: string): PolicyLevel {
  const level = policyLevels(envId).find((l) => l.id === levelId);
  if (!level) throw new Error(`Environment "${envId}" has no "${levelId}" policy. Known: ${policyLevels(envId).map((l) => l.id).join(', ')}`);
  return level;
}
