import type { ReferenceScores } from '../envs/types';

type Reference = Pick<ReferenceScores, 'min' | 'max'>;

/**
 * D4RL's normalized score: 100 * (R - min) / (max - min), where min is a random policy's return and max an
 * expert's (D4RL's REF_MIN_SCORE / REF_MAX_SCORE, or the lab's own reference policies in the env spec).
 * 0 is random, 100 is expert; values outside [0, 100] are possible. Null when there is no usable reference
 * (none given, or min and max equal or not finite), so callers show "n/a" rather than a division by zero.
 */
export function normalizedScore(episodeReturn: number, ref: Reference | null | undefined): number | null {
  if (!ref || !Number.isFinite(ref.min) || !Number.isFinite(ref.max) || ref.max === ref.min) return null;
  return (100 * (episodeReturn - ref.min)) / (ref.max - ref.min);
}
