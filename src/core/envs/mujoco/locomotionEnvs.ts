import { box } from '../spaces';
import type { EnvSpec, ReferenceScores } from '../types';
import type { LocomotionConfig } from './locomotion';
import { HALF_CHEETAH_XML, HOPPER_XML, WALKER2D_XML } from './models';

// Hopper-v5, Walker2d-v5 and HalfCheetah-v5 with Gymnasium 1.3.0's default arguments (the *_v5.py constructors).

/** D4RL's ref_min_score / ref_max_score (d4rl/infos.py; v2 = v0 values). */
const d4rl = (task: string, min: number, max: number): ReferenceScores => ({ min, max, source: `D4RL ${task}-*-v2 reference returns` });

const unbounded = (n: number) => box(new Array<number>(n).fill(-Infinity), new Array<number>(n).fill(Infinity));
const unitBox = (n: number) => box(new Array<number>(n).fill(-1), new Array<number>(n).fill(1));
const velocityLabels = (joints: readonly string[]) => ['x velocity', 'z velocity', 'torso angular velocity', ...joints.map((j) => `${j} angular velocity`)];

const HOPPER_JOINTS = ['thigh', 'leg', 'foot'];
const WALKER_JOINTS = ['thigh', 'leg', 'foot', 'thigh left', 'leg left', 'foot left'];
const CHEETAH_JOINTS = ['back thigh', 'back shin', 'back foot', 'front thigh', 'front shin', 'front foot'];

export const hopperSpec: EnvSpec = {
  id: 'Hopper-v5',
  name: 'Hopper',
  description: 'A one-legged robot hops forward (Gymnasium Hopper-v5, MuJoCo). Reward: forward speed + 1 while healthy − 0.001·|a|²; falls end the episode. 1000 steps.',
  observationSpace: unbounded(11),
  actionSpace: unitBox(3),
  maxEpisodeSteps: 1000,
  referenceScores: d4rl('hopper', -20.272305, 3234.3),
  solvedThreshold: 3800,
  observationLabels: ['torso z', 'torso angle', ...HOPPER_JOINTS.map((j) => `${j} angle`), ...velocityLabels(HOPPER_JOINTS)],
  actionLabels: HOPPER_JOINTS.map((j) => `${j} torque`),
};

export const walker2dSpec: EnvSpec = {
  id: 'Walker2d-v5',
  name: 'Walker2d',
  description: 'A two-legged robot walks forward (Gymnasium Walker2d-v5, MuJoCo). Reward: forward speed + 1 while healthy − 0.001·|a|²; falls end the episode. 1000 steps.',
  observationSpace: unbounded(17),
  actionSpace: unitBox(6),
  maxEpisodeSteps: 1000,
  referenceScores: d4rl('walker2d', 1.629008, 4592.3),
  observationLabels: ['torso z', 'torso angle', ...WALKER_JOINTS.map((j) => `${j} angle`), ...velocityLabels(WALKER_JOINTS)],
  actionLabels: WALKER_JOINTS.map((j) => `${j} torque`),
};

export const halfCheetahSpec: EnvSpec = {
  id: 'HalfCheetah-v5',
  name: 'HalfCheetah',
  description: 'A planar cheetah runs forward (Gymnasium HalfCheetah-v5, MuJoCo). Reward: forward speed − 0.1·|a|²; it never falls out of an episode. 1000 steps.',
  observationSpace: unbounded(17),
  actionSpace: unitBox(6),
  maxEpisodeSteps: 1000,
  referenceScores: d4rl('halfcheetah', -280.178953, 12135.0),
  solvedThreshold: 4800,
  observationLabels: ['torso z', 'torso angle', ...CHEETAH_JOINTS.map((j) => `${j} angle`), ...velocityLabels(CHEETAH_JOINTS)],
  actionLabels: CHEETAH_JOINTS.map((j) => `${j} torque`),
};

const inOpen = (x: number, lo: number, hi: number) => lo < x && x < hi;

/** Hopper-v5 is_healthy: every element of state_vector()[2:] in (-100, 100), z in (0.7, inf), angle in (-0.2, 0.2). */
export function hopperIsHealthy(qpos: Float64Array, qvel: Float64Array): boolean {
  for (let i = 2; i < qpos.length; i++) if (!inOpen(qpos[i], -100, 100)) return false;
  for (let i = 0; i < qvel.length; i++) if (!inOpen(qvel[i], -100, 100)) return false;
  return inOpen(qpos[1], 0.7, Infinity) && inOpen(qpos[2], -0.2, 0.2);
}

/** Walker2d-v5 is_healthy: z in (0.8, 2.0), angle in (-1, 1). */
export function walker2dIsHealthy(qpos: Float64Array): boolean {
  return inOpen(qpos[1], 0.8, 2.0) && inOpen(qpos[2], -1, 1);
}

export const HOPPER: LocomotionConfig = {
  spec: hopperSpec,
  xml: HOPPER_XML,
  frameSkip: 4,
  timestep: 0.002,
  forwardRewardWeight: 1,
  ctrlCostWeight: 1e-3,
  healthyReward: 1,
  isHealthy: hopperIsHealthy,
  velocityClip: 10,
  resetNoiseScale: 5e-3,
  velocityResetNoise: 'uniform',
};

export const WALKER2D: LocomotionConfig = {
  spec: walker2dSpec,
  xml: WALKER2D_XML,
  frameSkip: 4,
  timestep: 0.002,
  forwardRewardWeight: 1,
  ctrlCostWeight: 1e-3,
  healthyReward: 1,
  isHealthy: walker2dIsHealthy,
  velocityClip: 10,
  resetNoiseScale: 5e-3,
  velocityResetNoise: 'uniform',
};

export const HALF_CHEETAH: LocomotionConfig = {
  spec: halfCheetahSpec,
  xml: HALF_CHEETAH_XML,
  frameSkip: 5,
  timestep: 0.01,
  forwardRewardWeight: 1,
  ctrlCostWeight: 0.1,
  healthyReward: 0,
  resetNoiseScale: 0.1,
  velocityResetNoise: 'normal',
};

export const LOCOMOTION_CONFIGS: readonly LocomotionConfig[] = [HOPPER, WALKER2D, HALF_CHEETAH];

export function isMujocoEnvId(id: string): boolean {
  return LOCOMOTION_CONFIGS.some((c) => c.spec.id === id);
}
