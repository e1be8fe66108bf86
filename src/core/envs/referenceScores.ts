import type { ReferenceScores } from './types';

/**
 * Reference returns of the lab's own environments: the mean returns of its random and expert behaviour
 * policies over 100 seeded episodes (policies/evaluate.ts, episode seeds 0..99), as Minari computes
 * ref_min_score / ref_max_score. Re-measure with `npx tsx bench/policies.bench.ts` after changing a policy;
 * tests/unit/policies.test.ts fails when these drift.
 */
export function labScores(min: number, max: number): ReferenceScores {
  return { min, max, source: 'lab random/expert policies (100 episodes)' };
}
