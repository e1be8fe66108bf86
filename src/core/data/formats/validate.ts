import { flatDim } from '../../envs/spaces';
import type { EnvSpec } from '../../envs/types';
import type { DatasetInfo } from '../dataset';

/**
 * The one error type every dataset parser throws. The message names the problem for a person: which key,
 * which row, what was expected ("rewards row 17 is NaN").
 */
export class DatasetFormatError extends Error {
  override readonly name = 'DatasetFormatError';
}

export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/** The error for a key that is not there, listing what is, so a typo is easy to see. */
export function missingKey(key: string, found: readonly string[], where = 'file'): DatasetFormatError {
  const list = found.length ? found.map((k) => `'${k}'`).join(', ') : 'nothing';
  return new DatasetFormatError(`missing key '${key}' in the ${where} (found: ${list})`);
}

/** First non-finite value of a row-major array with `width` columns, or null. */
export function firstNonFinite(data: ArrayLike<number>, width: number): { row: number; column: number; value: number } | null {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) return { row: Math.floor(i / width), column: i % width, value: data[i] };
  }
  return null;
}

/** Throws naming the key and the first bad row when any value is NaN or infinite. */
export function checkFinite(name: string, data: ArrayLike<number>, width: number): void {
  const bad = firstNonFinite(data, width);
  if (!bad) return;
  const where = width > 1 ? `row ${bad.row}, column ${bad.column}` : `row ${bad.row}`;
  throw new DatasetFormatError(`${name} ${where} is ${bad.value}`);
}

/** Episode flags must be booleans: 0 or 1 (h5py bools arrive as int8 0/1). */
export function checkFlags(name: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0 && data[i] !== 1) throw new DatasetFormatError(`${name} row ${i} is ${data[i]}, expected 0 or 1 (a boolean)`);
  }
}

const columns = (n: number): string => `${n} column${n === 1 ? '' : 's'}`;

type DimsInfo = Pick<DatasetInfo, 'observationDim' | 'actionDim' | 'discreteActions'>;

/** Why the dataset's dimensions do not fit the environment, or null when they do. */
export function envMismatch(info: DimsInfo, spec: EnvSpec): string | null {
  const obsDim = flatDim(spec.observationSpace);
  if (info.observationDim !== obsDim) {
    return `observations have ${columns(info.observationDim)} but ${spec.id} expects ${obsDim}`;
  }
  const space = spec.actionSpace;
  if (space.kind === 'discrete') {
    if (info.discreteActions === null) {
      return `actions are continuous (${columns(info.actionDim)}) but ${spec.id} has ${space.n} discrete actions`;
    }
    if (info.discreteActions > space.n) {
      return `actions use indices up to ${info.discreteActions - 1} but ${spec.id} has ${space.n} actions (0..${space.n - 1})`;
    }
    return null;
  }
  if (info.discreteActions !== null) {
    return `actions are discrete indices but ${spec.id} expects continuous actions with ${columns(flatDim(space))}`;
  }
  if (info.actionDim !== flatDim(space)) return `actions have ${columns(info.actionDim)} but ${spec.id} expects ${flatDim(space)}`;
  return null;
}

/** Throws a DatasetFormatError when the dataset cannot be used with this environment. */
export function checkAgainstEnv(info: DimsInfo, spec: EnvSpec): void {
  const problem = envMismatch(info, spec);
  if (problem) throw new DatasetFormatError(problem);
}

/** The environment named in imported metadata (our export's env_id, a Minari env_spec JSON, ...), if any. */
export function metadataEnvName(metadata: Record<string, string | number> | undefined): string | null {
  if (!metadata) return null;
  for (const key of ['env_id', 'env_name', 'env', 'environment']) {
    const v = metadata[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  const spec = metadata['env_spec'];
  if (typeof spec === 'string') {
    try {
      const parsed: unknown = JSON.parse(spec);
      if (parsed && typeof parsed === 'object' && 'id' in parsed && typeof parsed.id === 'string') return parsed.id;
    } catch {
      // Not JSON: fall through, no name.
    }
  }
  return null;
}

export interface EnvMatch {
  envId: string;
  /** 'exact': the metadata names this id; 'family': it names the same environment (e.g. "cartpole-expert"). */
  nameMatch: 'exact' | 'family' | null;
}

// D4RL calls the point-mass mazes maze2d-*; the lab (like Gymnasium-Robotics) calls them PointMaze-*.
const squash = (s: string): string => s.toLowerCase().replace(/^maze2d/, 'pointmaze').replace(/[^a-z0-9]/g, '');

/**
 * Registered environments whose spaces fit the dataset's dimensions, best first: the one named exactly (by
 * envId, the metadata, or the dataset name), then family matches (the longest family name first, so
 * "maze2d-umaze-dense-v1" prefers PointMaze-UMaze-Dense-v1 to PointMaze-UMaze-v1), then the rest in registry order.
 */
export function matchEnvironment(info: DimsInfo & Partial<Pick<DatasetInfo, 'metadata' | 'envId' | 'name'>>, specs: readonly EnvSpec[]): EnvMatch[] {
  const named = info.envId ?? metadataEnvName(info.metadata) ?? info.name ?? null;
  const scored = specs
    .filter((spec) => envMismatch(info, spec) === null)
    .map((spec, i) => {
      const family = squash(spec.id.replace(/-v\d+$/i, ''));
      let nameMatch: EnvMatch['nameMatch'] = null;
      if (named && named.toLowerCase() === spec.id.toLowerCase()) nameMatch = 'exact';
      else if (named && family && squash(named).includes(family)) nameMatch = 'family';
      const rank = nameMatch === 'exact' ? 0 : nameMatch === 'family' ? 1 : 2;
      return { match: { envId: spec.id, nameMatch }, rank, length: nameMatch === 'family' ? family.length : 0, i };
    });
  scored.sort((a, b) => a.rank - b.rank || b.length - a.length || a.i - b.i);
  return scored.map((s) => s.match);
}
