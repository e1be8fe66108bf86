// Pessimistic offline tabular Q-learning: value iteration on the empirical model of a dataset with a count-based
// lower confidence bound (Rashidinejad, Zhu, Ma, Jiao & Russell, "Bridging Offline Reinforcement Learning and
// Imitation Learning: A Tale of Pessimism", NeurIPS 2021, Algorithm 3, VI-LCB): Q(s, a) = r^(s, a) - b(s, a) +
// gamma P^(.|s, a) V, with b(s, a) = c V_max sqrt(L / n(s, a)) and pairs the data never tried valued at the bottom of
// the value range. With c = 0 it is plain value iteration on the empirical model (the "optimistic" certainty
// equivalent); the penalty steers the greedy policy towards actions the data covers well. Here L = log(2 S A / delta)
// and V_max = (r_max - r_min) / (1 - gamma), the paper's constants up to the factor c the user sets.

import { greedyOfQ } from './optimumGap';

/** One transition of the dataset, in table indices. */
export interface TabularTransition {
  s: number;
  a: number;
  r: number;
  next: number;
  done: boolean;
}

/** b(s, a) = c V_max sqrt(L / n): large where the data tried (s, a) rarely. */
export function lcbPenalty(count: number, c: number, vMax: number, L: number): number {
  if (count <= 0) return Infinity;
  return c * vMax * Math.sqrt(L / count);
}

export interface PessimisticQResult {
  Q: Float64Array;
  V: Float64Array;
  counts: Int32Array;
  policy: Int32Array;
}

/**
 * Where a pair the data never tried starts and stays: at the bottom of the value range (VI-LCB: its penalty is
 * unbounded), or at 0, the initial value a Q-learner sweeping the data never updates.
 */
export type UntriedValue = 'lowest' | 'zero';

/**
 * VI-LCB on `data`: the empirical rewards and transition frequencies per (s, a), the penalty above, values kept within
 * [V_min, V_max] of the reward range, iterated to `tolerance`.
 */
export function pessimisticQ(data: readonly TabularTransition[], nS: number, nA: number, gamma: number, c: number, delta = 0.1, tolerance = 1e-10, untried: UntriedValue = 'lowest'): PessimisticQResult {
  if (data.length === 0) throw new Error('pessimistic Q needs at least one transition');
  if (!(gamma >= 0 && gamma < 1)) throw new Error(`pessimistic Q: gamma must be in [0, 1), got ${gamma}`);
  if (!(c >= 0)) throw new Error(`pessimistic Q: the penalty scale c must be 0 or more, got ${c}`);
  const counts = new Int32Array(nS * nA);
  const rewardSum = new Float64Array(nS * nA);
  const nextCounts = new Map<number, Map<number, number>>(); // (s, a) -> next state (or -1 when done) -> count
  let [rMin, rMax] = [Infinity, -Infinity];
  data.forEach((t, i) => {
    if (!(Number.isInteger(t.s) && t.s >= 0 && t.s < nS && Number.isInteger(t.next) && t.next >= 0 && t.next < nS)) throw new Error(`pessimistic Q: transition ${i} has a state outside 0..${nS - 1} (s ${t.s}, next ${t.next})`);
    if (!(Number.isInteger(t.a) && t.a >= 0 && t.a < nA)) throw new Error(`pessimistic Q: transition ${i} has action ${t.a}, outside 0..${nA - 1}`);
    const k = t.s * nA + t.a;
    counts[k] += 1;
    rewardSum[k] += t.r;
    [rMin, rMax] = [Math.min(rMin, t.r), Math.max(rMax, t.r)];
    let m = nextCounts.get(k);
    if (!m) nextCounts.set(k, (m = new Map()));
    const key = t.done ? -1 : t.next;
    m.set(key, (m.get(key) ?? 0) + 1);
  });
  const [vLow, vHigh] = [Math.min(0, rMin) / (1 - gamma), Math.max(0, rMax) / (1 - gamma)];
  const vMax = Math.max(vHigh - vLow, 1e-12);
  const L = Math.log((2 * nS * nA) / delta);
  const unseen = untried === 'zero' ? 0 : vLow;
  const Q = new Float64Array(nS * nA).fill(unseen);
  let V = new Float64Array(nS).fill(unseen);
  for (let it = 0; it < 1_000_000; it++) {
    const next = new Float64Array(nS);
    let change = 0;
    for (let s = 0; s < nS; s++) {
      let best = -Infinity;
      for (let a = 0; a < nA; a++) {
        const k = s * nA + a;
        const n = counts[k];
        let q = unseen;
        if (n > 0) {
          let future = 0;
          for (const [to, m] of nextCounts.get(k)!) if (to >= 0) future += (m / n) * V[to];
          q = Math.min(vHigh, Math.max(vLow, rewardSum[k] / n - lcbPenalty(n, c, vMax, L) + gamma * future));
        }
        Q[k] = q;
        best = Math.max(best, q);
      }
      next[s] = best;
      change = Math.max(change, Math.abs(best - V[s]));
    }
    V = next;
    if (change < tolerance) break;
  }
  return { Q, V, counts, policy: greedyOfQ(Q, nA) };
}

/**
 * Plain offline tabular Q, the baseline pessimism corrects: Q-learning swept over the data until it settles computes
 * the same empirical-model fixed point with no penalty, and pairs the data never tried keep their initial Q = 0. Where
 * every tried step costs (CliffWalking's -1), an untried action at 0 looks best and the greedy policy takes it.
 */
export function plainOfflineQ(data: readonly TabularTransition[], nS: number, nA: number, gamma: number): PessimisticQResult {
  return pessimisticQ(data, nS, nA, gamma, 0, 0.1, 1e-10, 'zero');
}
