import type { ReferenceScores } from '../envs/types';

type Reference = Pick<ReferenceScores, 'min' | 'max'>;

/**
 * D4RL's normalized score: 100 * (R - min) / (max - min), where min is a random policy's return and max an
 * expert's (D4RL's REF_MIN_SCORE / REF_MAX_SCORE, or the lab's own reference policies in the env spec).
 * 0 is random, 100 is expert; values outside [0, 100] are possible. Without reference scores: null.
 */
export function normalizedScore(episodeReturn: number, ref: Reference): number;
export function normalizedScore(episodeReturn: number, ref: Reference | null | undefined): number | null;
export function normalizedScore(episodeReturn: number, ref: Reference | null | undefined): number | null {
  if (!ref) return null;
  if (!(ref.max !== ref.min) || !Number.isFinite(ref.min) || !Number.isFinite(ref.max)) {
    throw new Error(`normalizedScore: reference scores must be finite and differ (min ${ref.min}, max ${ref.max})`);
  }
  return (100 * (episodeReturn - ref.min)) / (ref.max - ref.min);
}
