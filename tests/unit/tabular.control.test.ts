import { describe, expect, it } from 'vitest';
import { GridWorld, stateIndexOf, type GridWorldSpec } from '../../src/core/envs/gridWorld';
import { getEnvSpec, makeEnv } from '../../src/core/envs/registry';
import { valueIteration } from '../../src/core/policies/valueIteration';
import { Rng } from '../../src/core/rng';
import { backup, evaluatePolicy, PolicyIteration, valueIterationSweep } from '../../src/core/tabular/dynamicProgramming';
import { lcbPenalty, pessimisticQ, type TabularTransition } from '../../src/core/tabular/pessimisticQ';
import { epsilonGreedyProbs, expectedSarsaTarget, qLearningTarget, sarsaTarget, tdEpisode, type TdMethod } from '../../src/core/tabular/temporalDifference';

const grid = (id: string) => new GridWorld(getEnvSpec(id) as GridWorldSpec);

describe('tabular TD targets by hand', () => {
  // Two states, two actions: Q(1, .) = [2, 5].
  const Q = Float64Array.from([0, 0, 2, 5]);
  it('Q-learning: r + gamma max_a Q(s\', a); terminal: r', () => {
    expect(qLearningTarget(Q, 2, 1, 1, false, 0.9)).toBeCloseTo(1 + 0.9 * 5, 12);
    expect(qLearningTarget(Q, 2, 1, 1, true, 0.9)).toBe(1);
  });
  it('SARSA: r + gamma Q(s\', a\') of the action taken', () => {
    expect(sarsaTarget(Q, 2, 1, 1, 0, false, 0.9)).toBeCloseTo(1 + 0.9 * 2, 12);
  });
  it('expected SARSA: r + gamma E_pi Q(s\', .), pi epsilon-greedy', () => {
    expect(Array.from(epsilonGreedyProbs(Q, 2, 1, 0.2))).toEqual([0.1, 0.9]);
    expect(expectedSarsaTarget(Q, 2, 1, 1, false, 0.9, 0.2)).toBeCloseTo(1 + 0.9 * (0.1 * 2 + 0.9 * 5), 12);
  });
});

describe('dynamic programming, one sweep per step', () => {
  it('value iteration sweeps reach the reference fixed point; policy iteration reaches the same optimum', () => {
    for (const id of ['GridWorld', 'FrozenLake-4x4', 'CliffWalking']) {
      const model = grid(id);
      const gamma = 0.95;
      const reference = valueIteration(model, gamma);
      let V: Float64Array = new Float64Array(model.numStates);
      let sweeps = 0;
      for (let delta = Infinity; delta > 1e-12; sweeps++) ({ V, delta } = valueIterationSweep(model, V, gamma));
      V.forEach((v, s) => expect(v, `${id} V(${s})`).toBeCloseTo(reference.V[s], 9));
      const pi = new PolicyIteration(model, gamma);
      let steps = 0;
      while (!pi.stable && steps < 100_000) (pi.step(), steps++);
      expect(pi.stable).toBe(true);
      const Vpi = evaluatePolicy(model, pi.policy, gamma);
      Vpi.forEach((v, s) => expect(v, `${id} V_pi(${s})`).toBeCloseTo(reference.V[s], 8));
      // Each of its actions is greedy under V*.
      for (let s = 0; s < model.numStates; s++) expect(backup(model, reference.V, s, pi.policy[s], gamma)).toBeCloseTo(reference.V[s], 8);
    }
  });
});

describe('TD control reaches value iteration\'s optimum', () => {
  const cases: [string, TdMethod, number][] = [
    ['GridWorld', 'q-learning', 3000],
    ['CliffWalking', 'q-learning', 400],
    ['GridWorld', 'expected-sarsa', 3000],
  ];
  for (const [id, method, episodes] of cases) {
    it(`${method} on ${id}: the greedy policy's value at the start equals V* (seeded)`, () => {
      const model = grid(id);
      const spec = model.spec;
      const env = makeEnv(id);
      const gamma = 0.95;
      const Q = new Float64Array(model.numStates * 4);
      const rng = new Rng(7);
      for (let e = 0; e < episodes; e++) tdEpisode(env, (o) => stateIndexOf(spec.grid, o), Q, 4, { method, alpha: id === 'GridWorld' ? 0.1 : 0.5, gamma, epsilon: 0.2 }, rng, e === 0 ? 7 : undefined);
      const greedy = Int32Array.from({ length: model.numStates }, (_, s) => [0, 1, 2, 3].reduce((b, a) => (Q[s * 4 + a] > Q[s * 4 + b] ? a : b), 0));
      const start = stateIndexOf(spec.grid, makeEnv(id).reset(0));
      const optimum = valueIteration(model, gamma).V[start];
      expect(evaluatePolicy(model, greedy, gamma)[start]).toBeCloseTo(optimum, 6);
    });
  }
});

describe('on-policy TD on the cliff (Sutton & Barto example 6.6)', () => {
  for (const method of ['sarsa', 'expected-sarsa'] as const) {
    it(`${method} with epsilon 0.2 learns the safe path, longer than Q-learning's optimal one along the edge`, () => {
      const model = grid('CliffWalking');
      const env = makeEnv('CliffWalking');
      const gamma = 0.95;
      const Q = new Float64Array(model.numStates * 4);
      const rng = new Rng(7);
      for (let e = 0; e < 400; e++) tdEpisode(env, (o) => stateIndexOf(model.spec.grid, o), Q, 4, { method, alpha: 0.5, gamma, epsilon: 0.2 }, rng, e === 0 ? 7 : undefined);
      const greedy = Int32Array.from({ length: model.numStates }, (_, s) => [0, 1, 2, 3].reduce((b, a) => (Q[s * 4 + a] > Q[s * 4 + b] ? a : b), 0));
      const start = stateIndexOf(model.spec.grid, makeEnv('CliffWalking').reset(0));
      const safe = evaluatePolicy(model, greedy, gamma)[start];
      const optimum = valueIteration(model, gamma).V[start];
      expect(safe).toBeLessThan(optimum - 1); // at least one more step of -1 than the edge path
      expect(safe).toBeGreaterThan(-20); // yet it reaches the goal without falling
    });
  }
});

describe('pessimistic offline tabular Q (VI-LCB)', () => {
  it('the penalty c V_max sqrt(L / n) by hand, infinite for untried pairs', () => {
    expect(lcbPenalty(4, 0.5, 10, 2)).toBeCloseTo(0.5 * 10 * Math.sqrt(2 / 4), 12);
    expect(lcbPenalty(0, 0.5, 10, 2)).toBe(Infinity);
  });

  it('prefers the well-covered action over one tried once that looked better; c = 0 takes the lucky one', () => {
    // One state, a bandit: action 0 tried 100 times (reward 0.5), action 1 once (reward 1). Episodes end at once.
    const data: TabularTransition[] = [...Array.from({ length: 100 }, () => ({ s: 0, a: 0, r: 0.5, next: 0, done: true })), { s: 0, a: 1, r: 1, next: 0, done: true }];
    const gamma = 0.9;
    const naive = pessimisticQ(data, 1, 2, gamma, 0);
    expect(naive.policy[0]).toBe(1);
    expect(naive.Q[1]).toBeCloseTo(1, 12);
    const lcb = pessimisticQ(data, 1, 2, gamma, 0.05);
    expect(lcb.policy[0]).toBe(0);
    // Q(0, 0) = 0.5 - 0.05 V_max sqrt(L / 100), V_max = 1 / (1 - gamma), L = log(2 * 1 * 2 / 0.1).
    const L = Math.log(40);
    expect(lcb.Q[0]).toBeCloseTo(0.5 - 0.05 * (1 / (1 - gamma)) * Math.sqrt(L / 100), 10);
    expect(lcb.counts[0]).toBe(100);
  });
});
