// When a PBT member takes its exploit/explore step, and what it is scored by: plain functions, so the controller in
// pbt.ts stays a thin loop over reports and these rules are tested by hand (tests/unit/pbtController.test.ts).
import type { EvaluationPoint, RunRecord } from '../../core/experiments/types';
import type { HyperParam, HyperValues } from '../../core/run/hyperparameters';
import { resolveRange, sampleValue } from '../../core/experiments/sweep';
import type { Rng } from '../../core/rng';

/** The first multiple of `interval` after `lastStep`: the update a member must reach before its next step. */
export function nextDue(lastStep: number, interval: number): number {
  return (Math.floor(lastStep / interval) + 1) * interval;
}

/**
 * A member is ready for its step when its update count has reached its next multiple of `interval` (counted from its
 * last step) and it has been evaluated since that step: the score it is ranked by must be of its present weights, not
 * of what it had before it copied. With evaluations rarer than `interval`, steps come at the first evaluation after
 * each multiple (asynchronous PBT, as in the paper: each member decides when it is ready).
 */
export function ready(update: number, interval: number, lastStep: number, evaluations: readonly Pick<EvaluationPoint, 'update'>[]): boolean {
  if (update < nextDue(lastStep, interval)) return false;
  const latest = evaluations[evaluations.length - 1];
  return latest !== undefined && latest.update > lastStep;
}

/**
 * What a member is ranked by: its latest evaluation's normalized score (D4RL's 0-100 where the environment has
 * reference scores), else its mean return; null before its first evaluation, and for a failed run (it has no trainer
 * left to copy into or out of). After a copy (`copied`), its source's score until its own next evaluation.
 */
export function scoreOf(record: Pick<RunRecord, 'evaluations' | 'status'>, copied?: CopiedScore): number | null {
  if (record.status === 'failed') return null;
  const latest = record.evaluations[record.evaluations.length - 1];
  // After a copy, until it is evaluated again, the member has its source's weights: it is ranked by its source's score.
  if (copied && (!latest || latest.update <= copied.update)) return copied.score;
  if (!latest) return null;
  return latest.normalizedScore ?? latest.meanReturn;
}

/**
 * What a member copied: at which of its updates, and the score of the source it copied then. Without it, a member
 * that has just copied would be ranked by the evaluation of the weights it threw away, and the next member to step
 * could copy those back (two members swapping in turn).
 */
export interface CopiedScore {
  update: number;
  score: number | null;
}

/** How members start: drawn from the schema's range (as the paper), drawn near the form's values, or all at them. */
export type PbtInit = 'sample' | 'near' | 'form';

/** 'near': log keys within ×/÷ NEAR_FACTOR of the form's value; linear keys within ± NEAR_SHARE of the range's width. */
export const NEAR_FACTOR = 3;
export const NEAR_SHARE = 0.1;

/**
 * One member's starting values of the explored keys. 'sample' draws from the schema's range (log-uniform where log);
 * 'near' draws from a window around the form's value cut to the schema's range (so no draw piles up on a bound);
 * 'form' keeps the form's values. Throws (naming the key) where a key has no range to draw from.
 */
export function initialValues(params: readonly HyperParam[], form: HyperValues, init: PbtInit, rng: Rng): HyperValues {
  const out: HyperValues = {};
  for (const param of params) {
    const value = form[param.key];
    if (init === 'form' && typeof value === 'number') {
      out[param.key] = value;
      continue;
    }
    const schema = resolveRange(param);
    let range = schema;
    if (init === 'near' && typeof value === 'number') {
      const lo = schema.log && value > 0 ? value / NEAR_FACTOR : value - NEAR_SHARE * (schema.max - schema.min);
      const hi = schema.log && value > 0 ? value * NEAR_FACTOR : value + NEAR_SHARE * (schema.max - schema.min);
      range = resolveRange(param, { min: Math.max(schema.min, lo), max: Math.min(schema.max, hi), log: schema.log && value > 0 });
    }
    const drawn = sampleValue(param, range, rng);
    // Three significant digits: readable in names, events and the lineage view; kept inside the range.
    out[param.key] = typeof drawn === 'number' && param.kind === 'number' ? Math.min(schema.max, Math.max(schema.min, Number(drawn.toPrecision(3)))) : drawn;
  }
  return out;
}
