import type { EvaluationResult } from '../../../src/core/run/evaluate';
import type { Trainer } from '../../../src/core/run/trainer';

/** Trains to the end of the run and returns every evaluation on the way (the one at update 0 first). */
export async function trainToEnd(t: Trainer): Promise<EvaluationResult[]> {
  const evaluations: EvaluationResult[] = [];
  do evaluations.push(...(await t.run(1e9)).evaluations);
  while (!t.finished);
  return evaluations;
}
