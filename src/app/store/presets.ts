import type { MixPart } from '../../core/data/generate';
import { isMujocoEnvId } from '../../core/envs/mujoco/locomotionEnvs';

export interface DatasetPreset {
  name: string;
  mix: MixPart[];
  transitions: number;
  seed: number;
}

/** The name stem of an environment's datasets, as D4RL names them: "cartpole", "pointmaze-umaze-dense", "frozenlake-4x4". */
export function datasetPrefix(envId: string): string {
  return envId.replace(/-v\d+$/i, '').toLowerCase();
}

/** A dataset name for a behaviour mix: "cartpole-medium-expert". */
export function mixName(envId: string, mix: readonly MixPart[]): string {
  return `${datasetPrefix(envId)}-${mix.map((p) => p.policy).join('-')}`;
}

/** The id generateDataset gives a generated dataset: the same settings make the same data, so the same id. */
export const generatedId = (name: string, transitions: number, seed: number): string => `${name}-${transitions}-s${seed}`;

const PRESET_SIZE = 20_000;

/**
 * Built-in datasets of an environment, named as D4RL names its kinds; expert first, so the one a first lesson
 * uses is ready first. medium-expert concatenates medium and expert data, as D4RL builds it.
 */
export function builtInPresets(envId: string): DatasetPreset[] {
  const preset = (policies: string[], seed: number): DatasetPreset => {
    const mix = policies.map((policy) => ({ policy, weight: 1 }));
    return { name: mixName(envId, mix), mix, transitions: PRESET_SIZE * policies.length, seed };
  };
  // MuJoCo locomotion: one small random example (physics is slower; better data comes from D4RL, Minari or a
  // policy the lab trained).
  if (isMujocoEnvId(envId)) return [{ ...preset(['random'], 1), transitions: MUJOCO_PRESET_SIZE }];
  return [preset(['expert'], 3), preset(['medium'], 2), preset(['random'], 1), preset(['medium', 'expert'], 4)];
}

const MUJOCO_PRESET_SIZE = 5_000;

/** The dataset selected when an environment is opened: its expert preset (MuJoCo: its random example). */
export const preferredPresetName = (envId: string): string => `${datasetPrefix(envId)}-${isMujocoEnvId(envId) ? 'random' : 'expert'}`;
