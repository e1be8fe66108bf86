import type { Dataset } from './dataset';

/**
 * State-action coverage (SACo) from "A Dataset Perspective on Offline Reinforcement Learning" (Schweighofer
 * et al., 2022): the number of unique (state, action) pairs in a dataset, normalised by that of a reference.
 *
 * Continuous values are discretised on a grid: each observation dimension, and each continuous action
 * dimension, is cut into `bins` equal cells between the grid's low and high (values beyond are put in the edge
 * cells); a discrete action is its own index. Two datasets are only comparable on the same grid, so build it
 * from both with coverageGrid([dataset, reference]).
 *
 * What the lab passes as the reference count: uniqueStateActions(reference, grid) where the reference is the
 * environment's 'replay' dataset (an online learner's buffer, the paper's choice) when one exists, otherwise a
 * random-policy dataset of the same size in the same environment.
 */
export interface CoverageGrid {
  bins: number;
  /** Per discretised dimension: observation dims first, then continuous action dims. */
  low: Float64Array;
  high: Float64Array;
}

type CoverageData = Pick<Dataset, 'size' | 'observations' | 'observationDim' | 'actions' | 'actionDim' | 'discreteActions'>;

const gridDims = (d: CoverageData): number => d.observationDim + (d.discreteActions === null ? d.actionDim : 0);

/** A grid spanning the range of every given dataset on each dimension (they must share dimensions). */
export function coverageGrid(datasets: readonly CoverageData[], bins = 10): CoverageGrid {
  if (datasets.length === 0) throw new Error('coverageGrid needs at least one dataset');
  const dims = gridDims(datasets[0]);
  for (const d of datasets) {
    if (gridDims(d) !== dims || d.observationDim !== datasets[0].observationDim) throw new Error('coverageGrid: the datasets have different dimensions');
  }
  const low = new Float64Array(dims).fill(Infinity);
  const high = new Float64Array(dims).fill(-Infinity);
  for (const d of datasets) {
    for (let i = 0; i < d.size; i++) {
      for (let j = 0; j < dims; j++) {
        const v = value(d, i, j);
        if (v < low[j]) low[j] = v;
        if (v > high[j]) high[j] = v;
      }
    }
  }
  return { bins, low, high };
}

function value(d: CoverageData, row: number, dim: number): number {
  return dim < d.observationDim ? d.observations[row * d.observationDim + dim] : d.actions[row * d.actionDim + dim - d.observationDim];
}

function cell(v: number, lo: number, hi: number, bins: number): number {
  if (!(hi > lo)) return 0;
  // Multiply before dividing: (29 / 100) * 100 is 28.999..., 29 * 100 / 100 is 29.
  return Math.max(0, Math.min(bins - 1, Math.floor(((v - lo) * bins) / (hi - lo))));
}

/**
 * Unique (discretised state, action) pairs. Each pair is hashed to 53 bits (two 32-bit mixes), so the count
 * is exact unless two pairs collide: a chance below 1e-4 for a million pairs.
 */
export function uniqueStateActions(d: CoverageData, grid: CoverageGrid): number {
  const dims = gridDims(d);
  if (dims !== grid.low.length) throw new Error(`uniqueStateActions: the grid has ${grid.low.length} dimensions, the dataset ${dims}`);
  const seen = new Set<number>();
  for (let i = 0; i < d.size; i++) {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    const mix = (x: number) => {
      h1 = Math.imul(h1 ^ x, 0x01000193);
      h1 ^= h1 >>> 15;
      h2 = Math.imul(h2 ^ x, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    };
    for (let j = 0; j < dims; j++) mix(cell(value(d, i, j), grid.low[j], grid.high[j], grid.bins));
    if (d.discreteActions !== null) mix(d.actions[i * d.actionDim] + 0x10000);
    seen.add((h1 >>> 0) * 0x200000 + (h2 >>> 11));
  }
  return seen.size;
}

/** SACo: unique pairs relative to the reference dataset's unique pairs (1 = the reference's coverage). */
export function stateActionCoverage(uniquePairs: number, referencePairs: number): number {
  if (!(referencePairs > 0)) throw new Error(`stateActionCoverage: the reference count must be positive, got ${referencePairs}`);
  return uniquePairs / referencePairs;
}
