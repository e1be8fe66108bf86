import type { ReferenceScores } from '../envs/types';
import { coverageGrid, stateActionCoverage, uniqueStateActions, type CoverageGrid } from './coverage';
import type { Dataset } from './dataset';
import { episodeReturns, returnStats, type ReturnStats } from './episodes';
import { histogram, type Histogram } from './histogram';
import { normalizedScore } from './score';

/**
 * Trajectory quality (TQ) from "A Dataset Perspective on Offline Reinforcement Learning" (Schweighofer et al.):
 * the dataset's mean episode return normalised between a random policy's return (0) and the best policy's (1).
 * With the env's reference scores as those two returns, TQ = normalizedScore(mean) / 100; null without them.
 */
export function trajectoryQuality(meanReturn: number, ref: Pick<ReferenceScores, 'min' | 'max'> | null | undefined): number | null {
  const score = normalizedScore(meanReturn, ref);
  return score === null ? null : score / 100;
}

export type ActionDistribution =
  | { kind: 'discrete'; counts: Uint32Array }
  | { kind: 'continuous'; perDim: Histogram[] };

/** Counts per action index, or a histogram per continuous action dimension. */
export function actionDistribution(d: Pick<Dataset, 'actions' | 'actionDim' | 'discreteActions'>, bins = 20): ActionDistribution {
  if (d.discreteActions !== null) {
    const counts = new Uint32Array(d.discreteActions);
    for (let i = 0; i < d.actions.length; i += d.actionDim) counts[d.actions[i]]++;
    return { kind: 'discrete', counts };
  }
  return { kind: 'continuous', perDim: Array.from({ length: d.actionDim }, (_, j) => histogram(d.actions, bins, { stride: d.actionDim, offset: j })) };
}

export interface MeasureOptions {
  /** Random and expert returns (the env spec's referenceScores): enables the normalized score and TQ. */
  reference?: Pick<ReferenceScores, 'min' | 'max'>;
  returnBins?: number;
  actionBins?: number;
  /** Grid for SACo (default: coverageGrid([dataset]) with 10 bins) and the reference count (see coverage.ts). */
  coverage?: { grid?: CoverageGrid; referencePairs?: number };
}

export interface DatasetMeasures {
  returns: Float64Array;
  returnStats: ReturnStats;
  returnHistogram: Histogram;
  /** Normalized score of the data's mean episode return, or null without reference scores. */
  normalizedScore: number | null;
  trajectoryQuality: number | null;
  uniqueStateActions: number;
  /** SACo, or null without a reference count. */
  stateActionCoverage: number | null;
  actions: ActionDistribution;
}

/** Everything the dataset inspector shows, in one pass over the data. */
export function datasetMeasures(d: Dataset, opts: MeasureOptions = {}): DatasetMeasures {
  const returns = episodeReturns(d);
  const stats = returnStats(returns);
  const grid = opts.coverage?.grid ?? coverageGrid([d]);
  const unique = uniqueStateActions(d, grid);
  const ref = opts.reference;
  const refPairs = opts.coverage?.referencePairs;
  return {
    returns,
    returnStats: stats,
    returnHistogram: histogram(returns, opts.returnBins ?? 20),
    normalizedScore: normalizedScore(stats.mean, ref),
    trajectoryQuality: trajectoryQuality(stats.mean, ref),
    uniqueStateActions: unique,
    stateActionCoverage: refPairs !== undefined ? stateActionCoverage(unique, refPairs) : null,
    actions: actionDistribution(d, opts.actionBins ?? 20),
  };
}
