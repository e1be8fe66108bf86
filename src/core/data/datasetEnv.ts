import { isGridWorldSpec } from '../envs/gridWorld';
import { isPointMazeSpec } from '../envs/pointMaze';
import { getEnvSpec, listEnvs, makeEnv, type EnvOptions } from '../envs/registry';
import type { EnvSpec } from '../envs/types';
import type { DatasetEnvOptions, DatasetInfo } from './dataset';

/**
 * The environment a dataset belongs to, custom layouts included: every place that steps, draws or scores a
 * dataset's environment (evaluation, replay, value and coverage maps, the inspector) goes through here, so a
 * dataset made on a drawn map is never evaluated or drawn on the registered one.
 */

/** makeEnv's options for a dataset's environment (its layout, if it has one). */
export function envOptionsOf(options: DatasetEnvOptions | undefined): EnvOptions {
  return options?.layout !== undefined ? { layout: options.layout } : {};
}

/**
 * The spec of `envId` with the dataset's layout and its own reference scores (a custom layout without measured
 * references has none, so its normalized score reads n/a rather than borrowing the registered map's).
 */
export function envSpecOf(envId: string, options?: DatasetEnvOptions): EnvSpec {
  if (options?.layout === undefined) return getEnvSpec(envId);
  return { ...makeEnv(envId, envOptionsOf(options)).spec, referenceScores: options.referenceScores };
}

/** The spec of a dataset's environment, or null when it has none (or an id the lab does not know). */
export function datasetEnvSpec(d: Pick<DatasetInfo, 'envId' | 'envOptions'>): EnvSpec | null {
  if (!d.envId || !listEnvs().some((s) => s.id === d.envId)) return null;
  return envSpecOf(d.envId, d.envOptions);
}

/** True when `envId` takes a layout option (GridWorld and PointMaze ids). */
export function takesLayout(envId: string): boolean {
  const spec = getEnvSpec(envId);
  return isGridWorldSpec(spec) || isPointMazeSpec(spec);
}

/** Checks that a layout suits `envId` and parses; throws the parser's message naming the problem. */
export function checkEnvOptions(envId: string, options: DatasetEnvOptions | undefined): void {
  if (options?.layout === undefined) {
    if (options?.referenceScores) throw new Error('reference scores are stored only with a custom layout');
    return;
  }
  if (!takesLayout(envId)) throw new Error(`${envId} takes no layout (only GridWorld and PointMaze environments do)`);
  makeEnv(envId, envOptionsOf(options));
}

/** The same layout (or both the registered one): a dataset's coverage belongs on an episode's picture only then. */
export const sameLayout = (a: DatasetEnvOptions | undefined, b: DatasetEnvOptions | undefined): boolean => a?.layout === b?.layout;
