import type { Action } from './types';
import type { Space } from './spaces';

/**
 * Checks an action against its space and returns it in the form the env steps with.
 * Discrete: an integer in [0, n). Box: a finite vector of the right length, clipped to [low, high]
 * (Gymnasium's continuous envs clip the same way).
 */
export function checkAction(space: Space, action: Action, envId: string): number | Float32Array {
  if (space.kind === 'discrete') {
    const a = typeof action === 'number' ? action : action.length === 1 ? action[0] : NaN;
    if (!Number.isInteger(a) || a < 0 || a >= space.n) {
      throw new Error(`${envId}: action must be an integer in [0, ${space.n - 1}], got ${String(typeof action === 'number' ? action : Array.from(action))}`);
    }
    return a;
  }
  const vec = typeof action === 'number' ? Float32Array.of(action) : action;
  const dim = space.low.length;
  if (vec.length !== dim) throw new Error(`${envId}: action must have ${dim} values, got ${vec.length}`);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    const v = vec[i];
    if (!Number.isFinite(v)) throw new Error(`${envId}: action[${i}] is ${v}; actions must be finite numbers`);
    out[i] = Math.min(space.high[i], Math.max(space.low[i], v));
  }
  return out;
}
