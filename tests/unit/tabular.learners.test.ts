import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import { GridWorld, gridWorldSpec, type GridWorldSpec } from '../../src/core/envs/gridWorld';
import { CLIFF_WALKING } from '../../src/core/envs/gridLayout';
import { getEnvSpec } from '../../src/core/envs/registry';
import { valueIteration } from '../../src/core/policies/valueIteration';
import { gridTransitions } from '../../src/core/tabular/gridTransitions';
import { greedyOfQ, optimumGap, reachableStates, startStates, valuesOfQ } from '../../src/core/tabular/optimumGap';
import { pessimisticQ, plainOfflineQ } from '../../src/core/tabular/pessimisticQ';
import { TdControl } from '../../src/core/tabular/tdControl';
import { epsilonGreedy, epsilonGreedyProbs } from '../../src/core/tabular/temporalDifference';
import { Rng } from '../../src/core/rng';

const specOf = (id: string) => getEnvSpec(id) as GridWorldSpec;

// One row: start, goal to its right. Up, down and left bump the edge (stay, -1); right enters the goal (+10, the end).
const TINY = gridWorldSpec({ rows: ['SG'], slip: 0, rewards: { step: -1, goal: 10, hole: 0, cliff: -100 }, cellRewards: {}, actions: ['up', 'right', 'down', 'left'], maxSteps: 50 }, { id: 'tiny', name: 'tiny', description: 'two cells' });

describe('TD control, one episode by hand', () => {
  // Q(S, .) starts at [0, -0.2, -1, -1] (no ties), epsilon 0: up (a bump) is greedy until its value drops below right's.
  const start = Float64Array.of(0, -0.2, -1, -1);
  it('Q-learning: Q(S,up) = 0.5 (-1 + 0.9 max Q(S,.)) = -0.5; then right, Q(S,right) = -0.2 + 0.5 (10 + 0.2); return 9', () => {
    const td = new TdControl(TINY, 1);
    td.Q.set(start);
    expect(td.episode({ method: 'q-learning', alpha: 0.5, gamma: 0.9, epsilon: 0 })).toBe(9);
    [-0.5, 4.9, -1, -1].forEach((q, a) => expect(td.Q[a]).toBeCloseTo(q, 12));
  });
  it('SARSA: the next action is chosen before the update (up again), so it bumps twice; return 8', () => {
    const td = new TdControl(TINY, 1);
    td.Q.set(start);
    expect(td.episode({ method: 'sarsa', alpha: 0.5, gamma: 0.9, epsilon: 0 })).toBe(8);
    // Q(S,up): -0.5 after the first bump; the second's target -1 + 0.9 Q(S,right) = -1.18 gives -0.5 + 0.5 (-1.18 + 0.5).
    [-0.84, 4.9, -1, -1].forEach((q, a) => expect(td.Q[a]).toBeCloseTo(q, 12));
    expect(td.returns).toEqual([8]);
  });
  it('greedy ties are broken at random (a zero-initialised table does not walk into one wall for ever)', () => {
    const Q = new Float64Array(4);
    expect(Array.from(epsilonGreedyProbs(Q, 4, 0, 0.2))).toEqual([0.25, 0.25, 0.25, 0.25]);
    const tied = Float64Array.of(1, 0, 1, 0);
    epsilonGreedyProbs(tied, 4, 0, 0.2).forEach((p, a) => expect(p).toBeCloseTo(a % 2 === 0 ? 0.05 + 0.4 : 0.05, 12));
    const rng = new Rng(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[epsilonGreedy(tied, 4, 0, 0, rng)] += 1;
    expect(counts[1] + counts[3]).toBe(0);
    expect(counts[0]).toBeGreaterThan(1800);
    expect(counts[2]).toBeGreaterThan(1800);
  });
  it('names a setting out of range', () => {
    const td = new TdControl(TINY, 1);
    expect(() => td.episode({ method: 'sarsa', alpha: 0, gamma: 0.9, epsilon: 0.1 })).toThrow(/alpha must be in \(0, 1\], got 0/);
    expect(() => td.episode({ method: 'sarsa', alpha: 0.1, gamma: 0.9, epsilon: 2 })).toThrow(/epsilon must be in \[0, 1\], got 2/);
  });
});

describe('distance to the optimum', () => {
  it('on CliffWalking the cliff and goal cells are never occupied; V* from the start is 13 steps of -1', () => {
    const model = new GridWorld(specOf('CliffWalking'));
    const starts = startStates(CLIFF_WALKING);
    expect(starts).toEqual([36]);
    const reachable = reachableStates(model, starts);
    expect(Array.from(reachable.subarray(36, 48))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(reachable.subarray(0, 36).every((r) => r === 1)).toBe(true);
    const gamma = 0.95;
    const vi = valueIteration(model, gamma);
    const gap = optimumGap(model, vi.V, vi.policy, vi.V, gamma, starts);
    expect(gap.maxError).toBe(0);
    expect(gap.optimalValue).toBeCloseTo(-(1 - gamma ** 13) / (1 - gamma), 10);
    expect(gap.policyValue).toBeCloseTo(gap.optimalValue, 8);
  });
  it('greedyOfQ and valuesOfQ read a Q table row by row', () => {
    const Q = Float64Array.from([1, 3, 3, 0, -2, -1, -5, -1]);
    expect(Array.from(greedyOfQ(Q, 4))).toEqual([1, 1]);
    expect(Array.from(valuesOfQ(Q, 4))).toEqual([3, -1]);
  });
});

describe('TD control converges to value iteration on GridWorld (seeded)', () => {
  it('Q-learning: the greedy policy becomes optimal and the value error shrinks', () => {
    const spec = specOf('GridWorld');
    const model = new GridWorld(spec);
    const gamma = 0.95;
    const vi = valueIteration(model, gamma);
    const td = new TdControl(spec, 7);
    const gapAfter = (episodes: number) => {
      while (td.episodes < episodes) td.episode({ method: 'q-learning', alpha: 0.1, gamma, epsilon: 0.2 });
      return optimumGap(model, valuesOfQ(td.Q, 4), greedyOfQ(td.Q, 4), vi.V, gamma, startStates(spec.grid));
    };
    const early = gapAfter(20);
    // With a constant step size on a slippery grid the greedy policy settles at the optimum but can still flip
    // between near-equal actions later (seed 7: optimal at 500, 2000 and 5000 episodes, not at 10000).
    expect(gapAfter(2000).policyValue).toBeCloseTo(early.optimalValue, 6);
    const late = gapAfter(5000);
    expect(late.policyValue).toBeCloseTo(late.optimalValue, 6);
    // Slowly (0.85 -> 0.50): cells behind the wall are seldom visited.
    expect(late.maxError).toBeLessThan(0.7 * early.maxError);
  });
});

describe('TD control on FrozenLake, whose only reward is the goal', () => {
  it('Q-learning from a zero table comes within 0.005 of the optimum (seed 7, 2000 episodes): random ties let it explore', () => {
    const spec = specOf('FrozenLake-4x4');
    const model = new GridWorld(spec);
    const gamma = 0.95;
    const td = new TdControl(spec, 7);
    while (td.episodes < 2000) td.episode({ method: 'q-learning', alpha: 0.1, gamma, epsilon: 0.1 });
    const gap = optimumGap(model, valuesOfQ(td.Q, 4), greedyOfQ(td.Q, 4), valueIteration(model, gamma).V, gamma, startStates(spec.grid));
    expect(Math.abs(gap.policyValue - gap.optimalValue)).toBeLessThan(0.005); // 0.1799 against 0.1805
    expect(td.returns.slice(-500).reduce((a, b) => a + b, 0)).toBeGreaterThan(100); // it reaches the goal while exploring
  });
});

describe('SARSA against Q-learning on the cliff while they learn (Sutton & Barto figure 6.4)', () => {
  it('with epsilon 0.1, SARSA\'s online returns are higher: Q-learning walks the edge and exploration drops it off', () => {
    const spec = specOf('CliffWalking');
    const mean = (method: 'sarsa' | 'q-learning') => {
      const td = new TdControl(spec, 3);
      for (let e = 0; e < 500; e++) td.episode({ method, alpha: 0.5, gamma: 1, epsilon: 0.1 });
      const tail = td.returns.slice(200);
      return tail.reduce((a, b) => a + b, 0) / tail.length;
    };
    const [sarsa, qLearning] = [mean('sarsa'), mean('q-learning')];
    expect(sarsa).toBeGreaterThan(qLearning + 10);
    expect(sarsa).toBeGreaterThan(-40); // S&B's figure: about -25 for SARSA, about -50 for Q-learning
  });
});

describe('offline tabular Q on the lab\'s grid datasets', () => {
  const valueOf = (id: string, result: { V: Float64Array; policy: Int32Array }, gamma: number) => {
    const spec = specOf(id);
    const model = new GridWorld(spec);
    return optimumGap(model, result.V, result.policy, valueIteration(model, gamma).V, gamma, startStates(spec.grid));
  };

  it('CliffWalking expert data: plain offline Q steps into the cliff (untried "down" keeps Q = 0); VI-LCB keeps the path', () => {
    const spec = specOf('CliffWalking');
    const data = gridTransitions(generateDataset({ envId: 'CliffWalking', mix: [{ policy: 'expert', weight: 1 }], transitions: 2000, seed: 7 }), spec.grid);
    const gamma = 0.95;
    const plain = valueOf('CliffWalking', plainOfflineQ(data, 48, 4, gamma), gamma);
    expect(plain.policyValue).toBeCloseTo(-100 / (1 - gamma), 3); // falls for ever
    const lcb = valueOf('CliffWalking', pessimisticQ(data, 48, 4, gamma, 0.001), gamma);
    expect(lcb.policyValue).toBeCloseTo(lcb.optimalValue, 8);
  });

  it('FrozenLake medium data (2000 rows): the count penalty avoids pairs tried rarely whose slips went well', () => {
    const spec = specOf('FrozenLake-4x4');
    const data = gridTransitions(generateDataset({ envId: 'FrozenLake-4x4', mix: [{ policy: 'medium', weight: 1 }], transitions: 2000, seed: 7 }), spec.grid);
    const gamma = 0.95;
    const noPenalty = valueOf('FrozenLake-4x4', pessimisticQ(data, 16, 4, gamma, 0), gamma);
    const lcb = valueOf('FrozenLake-4x4', pessimisticQ(data, 16, 4, gamma, 0.003), gamma);
    expect(lcb.policyValue).toBeGreaterThan(noPenalty.policyValue + 0.05);
    expect(Math.abs(lcb.policyValue - lcb.optimalValue)).toBeLessThan(0.005); // 0.179 against 0.180
  });

  it('gridTransitions maps rows to cells and names what does not fit', () => {
    const d = generateDataset({ envId: 'CliffWalking', mix: [{ policy: 'expert', weight: 1 }], transitions: 20, seed: 1 });
    const rows = gridTransitions(d, CLIFF_WALKING);
    expect(rows[0]).toEqual({ s: 36, a: 0, r: -1, next: 24, done: false }); // up from the start
    expect(rows.filter((t) => t.done).every((t) => t.next === 47)).toBe(true);
    expect(() => gridTransitions({ ...d, observationDim: 3 }, CLIFF_WALKING)).toThrow(/not grid data/);
    const bad = { ...d, actions: Float32Array.from(d.actions, (a, i) => (i === 3 ? 7 : a)) };
    expect(() => gridTransitions(bad, CLIFF_WALKING)).toThrow(/row 3: action 7/);
    expect(() => pessimisticQ(rows, 48, 4, 0.95, -1)).toThrow(/penalty scale c must be 0 or more, got -1/);
  });
});
