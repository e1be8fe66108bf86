// A grid dataset's rows as table indices, for the offline tabular learners (pessimisticQ.ts).
import type { Dataset } from '../data/dataset';
import { stateIndexOf } from '../envs/gridWorld';
import type { GridLayout } from '../envs/gridLayout';
import type { TabularTransition } from './pessimisticQ';

/** Each row (s, a, r, s', terminal) with s and s' the cells of its observations; a time-out is not an end. */
export function gridTransitions(data: Pick<Dataset, 'name' | 'size' | 'observationDim' | 'actionDim' | 'discreteActions' | 'observations' | 'actions' | 'rewards' | 'nextObservations' | 'terminals'>, layout: GridLayout): TabularTransition[] {
  if (data.observationDim !== 2 || data.actionDim !== 1 || data.discreteActions !== 4) {
    throw new Error(`dataset "${data.name}" is not grid data: expected 2-number observations and 4 discrete actions, got ${data.observationDim} observation numbers and ${data.discreteActions ?? 'continuous'} actions`);
  }
  const out: TabularTransition[] = [];
  for (let i = 0; i < data.size; i++) {
    const a = data.actions[i];
    if (!Number.isInteger(a) || a < 0 || a > 3) throw new Error(`dataset "${data.name}", row ${i}: action ${a} is not one of 0..3`);
    out.push({
      s: stateIndexOf(layout, data.observations.subarray(2 * i, 2 * i + 2)),
      a,
      r: data.rewards[i],
      next: stateIndexOf(layout, data.nextObservations.subarray(2 * i, 2 * i + 2)),
      done: data.terminals[i] === 1,
    });
  }
  return out;
}
