import { describe, expect, it } from 'vitest';
import { coverageGrid, stateActionCoverage, uniqueStateActions } from '../../src/core/data/coverage';
import { allocateArrays, type Dataset } from '../../src/core/data/dataset';
import { histogram } from '../../src/core/data/histogram';
import { actionDistribution, datasetMeasures, trajectoryQuality } from '../../src/core/data/measures';
import { normalizedScore } from '../../src/core/data/score';
import { visitationGrid } from '../../src/core/data/visitation';

/** Six rows, two episodes (returns 6 and 5), 2-D states, two discrete actions. */
function handMade(): Dataset {
  const a = allocateArrays(6, 2, 1);
  a.observations.set([0, 0, 0.5, 0, 1, 1, 0, 0, 0, 0, 1, 1]);
  a.actions.set([0, 1, 1, 0, 0, 1]);
  a.rewards.set([1, 2, 3, 0, 4, 1]);
  a.terminals[2] = 1;
  a.timeouts[5] = 1;
  a.nextValid.fill(1);
  return { id: 'h', name: 'hand', envId: null, source: 'generated', behavior: 'hand', observationDim: 2, actionDim: 1, discreteActions: 2, size: 6, episodes: 2, createdAt: 0, ...a };
}

describe('normalized score and TQ', () => {
  it('is D4RL\'s 100 * (R - min) / (max - min)', () => {
    expect(normalizedScore(5.5, { min: 1, max: 11 })).toBe(45);
    expect(normalizedScore(-20.272305, { min: -20.272305, max: 3234.3 })).toBe(0);
    expect(normalizedScore(3234.3, { min: -20.272305, max: 3234.3 })).toBe(100);
    expect(normalizedScore(1, undefined)).toBeNull();
    expect(normalizedScore(1, { min: 0, max: 0 })).toBeNull();
  });

  it('TQ puts the mean return between the random (0) and best (1) returns', () => {
    expect(trajectoryQuality(5.5, { min: 1, max: 11 })).toBeCloseTo(0.45, 12);
    expect(trajectoryQuality(11, { min: 1, max: 11 })).toBe(1);
    expect(trajectoryQuality(5, null)).toBeNull();
  });
});

describe('dataset measures on a hand-made dataset', () => {
  it('returns, their stats and histogram, score, TQ, SACo and the action counts', () => {
    const m = datasetMeasures(handMade(), { reference: { min: 1, max: 11 }, returnBins: 2, coverage: { grid: { bins: 2, low: Float64Array.of(0, 0), high: Float64Array.of(1, 1) }, referencePairs: 6 } });
    expect(Array.from(m.returns)).toEqual([6, 5]);
    expect(m.returnStats).toEqual({ episodes: 2, mean: 5.5, std: 0.5, min: 5, max: 6 });
    expect(Array.from(m.returnHistogram.edges)).toEqual([5, 5.5, 6]);
    expect(Array.from(m.returnHistogram.counts)).toEqual([1, 1]);
    expect(m.normalizedScore).toBe(45);
    expect(m.trajectoryQuality).toBeCloseTo(0.45, 12);
    // Cells on a 2x2 grid: (0,0)+a0 [rows 0, 3, 4], (1,0)+a1 [row 1: 0.5 is the upper cell], (1,1)+a1 [rows 2, 5].
    expect(m.uniqueStateActions).toBe(3);
    expect(m.stateActionCoverage).toBe(0.5);
    expect(m.actions).toEqual({ kind: 'discrete', counts: Uint32Array.of(3, 3) });
  });

  it('leaves score, TQ and SACo empty without references', () => {
    const m = datasetMeasures(handMade());
    expect([m.normalizedScore, m.trajectoryQuality, m.stateActionCoverage]).toEqual([null, null, null]);
    expect(m.uniqueStateActions).toBe(3); // the default grid (the data's own range, 10 bins) separates the same three
  });
});

describe('state-action coverage', () => {
  it('discretises continuous actions too, on a grid shared by both datasets', () => {
    const d = handMade();
    const continuous: Dataset = { ...d, discreteActions: null, actions: Float32Array.of(-1, -0.9, 0.9, -0.5, -1, 0.2) };
    const grid = coverageGrid([continuous], 2);
    expect(Array.from(grid.low)).toEqual([0, 0, -1]);
    expect(Array.from(grid.high)).toEqual([1, 1, Math.fround(0.9)]);
    // (0,0,a<0) rows 0, 3, 4; (1,0,a<0) row 1; (1,1,a>=0) rows 2 and 5.
    expect(uniqueStateActions(continuous, grid)).toBe(3);
    const wider: Dataset = { ...continuous, observations: continuous.observations.map((v) => v * 3) };
    const shared = coverageGrid([continuous, wider], 2);
    expect(Array.from(shared.high)).toEqual([3, 3, Math.fround(0.9)]);
    expect(stateActionCoverage(uniqueStateActions(continuous, shared), uniqueStateActions(wider, shared))).toBe(2 / 3);
    expect(() => stateActionCoverage(1, 0)).toThrow('reference count must be positive');
  });

  it('counts every distinct pair once among many', () => {
    const n = 2000;
    const a = allocateArrays(n, 1, 1);
    for (let i = 0; i < n; i++) {
      a.observations[i] = i % 100; // 100 states
      a.actions[i] = Math.floor(i / 100) % 5; // 5 actions: every state with every action
    }
    const d: Dataset = { ...handMade(), ...a, observationDim: 1, discreteActions: 5, size: n };
    expect(uniqueStateActions(d, { bins: 100, low: Float64Array.of(0), high: Float64Array.of(100) })).toBe(500);
  });
});

describe('histograms, action distribution and visitation', () => {
  it('bins like numpy.histogram', () => {
    const h = histogram([-1, 0, 0.5, 1], 2);
    expect(Array.from(h.edges)).toEqual([-1, 0, 1]);
    expect(Array.from(h.counts)).toEqual([1, 3]);
    expect(Array.from(histogram([2, 2], 1).edges)).toEqual([1.5, 2.5]);
    expect(Array.from(histogram([0, 5, 10], 2, { range: [0, 4] }).counts)).toEqual([1, 0]);
  });

  it('gives a histogram per continuous action dimension', () => {
    const dist = actionDistribution({ actions: Float32Array.of(-1, 0, 0, 1, 0.5, 1, 1, 1), actionDim: 2, discreteActions: null }, 2);
    if (dist.kind !== 'continuous') throw new Error('expected continuous');
    expect(dist.perDim.map((h) => Array.from(h.counts))).toEqual([[1, 3], [1, 3]]);
  });

  it('makes a visitation density grid over two observation dimensions', () => {
    const g = visitationGrid(handMade(), 0, 1, { width: 2, height: 2 });
    expect([g.xMin, g.xMax, g.yMin, g.yMax]).toEqual([0, 1, 0, 1]);
    expect(Array.from(g.density)).toEqual([0.5, 1 / 6, 0, 2 / 6].map(Math.fround));
    const bounded = visitationGrid(handMade(), 0, 1, { width: 1, height: 1, bounds: { xMin: 0, xMax: 0.75, yMin: 0, yMax: 0.75 } });
    expect(bounded.outside).toBe(2);
    expect(bounded.density[0]).toBe(Math.fround(4 / 6));
    expect(() => visitationGrid(handMade(), 0, 2)).toThrow('dimension 2 is not in 0..1');
  });
});
