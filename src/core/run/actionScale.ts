import type { Space } from '../envs/spaces';

/**
 * Affine map between an environment's continuous action box [low, high] and the [-1, 1] box every algorithm
 * works in (tanh policies). Identity for discrete actions, unknown environments or unbounded boxes.
 */
export interface ActionScale {
  center: Float32Array;
  halfRange: Float32Array;
}

export function actionScaleFor(space: Space | null, actionDim: number): ActionScale | null {
  if (!space || space.kind !== 'box') return null;
  const center = new Float32Array(actionDim);
  const halfRange = new Float32Array(actionDim);
  for (let i = 0; i < actionDim; i++) {
    const [lo, hi] = [space.low[i], space.high[i]];
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= lo) return null;
    center[i] = (hi + lo) / 2;
    halfRange[i] = (hi - lo) / 2;
  }
  const identity = center.every((c) => c === 0) && halfRange.every((h) => h === 1);
  return identity ? null : { center, halfRange };
}

/** Environment actions (rows of actionDim) to [-1, 1]. */
export function toUnitActions(actions: Float32Array, scale: ActionScale | null): Float32Array {
  if (!scale) return actions;
  const d = scale.center.length;
  return actions.map((a, i) => (a - scale.center[i % d]) / scale.halfRange[i % d]);
}

/** A policy's action clipped to the unit box: unbounded samples (PPO's Gaussian) leave it; the environment applies only the clipped part. */
export function clipToUnitBox(action: Float32Array): Float32Array {
  return action.map((a) => Math.min(1, Math.max(-1, a)));
}

/** One [-1, 1] action back to the environment's range. */
export function toEnvAction(action: Float32Array, scale: ActionScale | null): Float32Array {
  if (!scale) return action;
  return action.map((a, i) => scale.center[i] + a * scale.halfRange[i]);
}
