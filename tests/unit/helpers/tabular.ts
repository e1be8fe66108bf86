import type { Dataset } from '../../../src/core/data/dataset';
import { stateIndexOf, type GridWorld } from '../../../src/core/envs/gridWorld';

/**
 * Tabular fixed points of the offline value methods on a GridWorld's exact model, with the dataset's action frequencies:
 * the answers a network trained on that dataset should approach (function approximation and sampling aside).
 */

/** mu(a|s) of the dataset's actions per cell (row-major [s * numActions + a]), and the number of visits per cell. */
export function actionFrequencies(grid: GridWorld, data: Dataset): { mu: Float64Array; visits: Int32Array } {
  const nA = grid.numActions;
  const counts = new Float64Array(grid.numStates * nA);
  const visits = new Int32Array(grid.numStates);
  for (let i = 0; i < data.size; i++) {
    const s = stateIndexOf(grid.spec.grid, data.observations.subarray(i * 2, i * 2 + 2));
    counts[s * nA + data.actions[i]] += 1;
    visits[s] += 1;
  }
  for (let s = 0; s < grid.numStates; s++) for (let a = 0; a < nA; a++) if (visits[s] > 0) counts[s * nA + a] /= visits[s];
  return { mu: counts, visits };
}

/** The tau-expectile of values under weights: the v with sum_i w_i |tau - 1(q_i < v)| (q_i - v) = 0 (bisection). */
export function expectile(values: number[], weights: number[], tau: number): number {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  for (let it = 0; it < 100; it++) {
    const v = (lo + hi) / 2;
    const g = values.reduce((acc, q, i) => acc + weights[i] * (q < v ? 1 - tau : tau) * (q - v), 0);
    if (g > 0) lo = v;
    else hi = v;
  }
  return (lo + hi) / 2;
}

/** Q(s, a) = sum_s' p (r + gamma V(s') [not done]) for every cell and action. */
function backup(grid: GridWorld, V: Float64Array, gamma: number): Float64Array {
  const nA = grid.numActions;
  const Q = new Float64Array(grid.numStates * nA);
  for (let s = 0; s < grid.numStates; s++) {
    for (let a = 0; a < nA; a++) Q[s * nA + a] = grid.transitions(s, a).reduce((q, t) => q + t.prob * (t.reward + (t.done ? 0 : gamma * V[t.next])), 0);
  }
  return Q;
}

/** IQL's fixed point (Kostrikov et al. eqs. 5-6, tabular): V(s) = expectile_tau over a ~ mu(.|s) of Q(s, a), Q = r + gamma E V(s'). */
export function iqlFixedPoint(grid: GridWorld, mu: Float64Array, gamma: number, tau: number, sweeps = 2000): Float64Array {
  const nA = grid.numActions;
  let V = new Float64Array(grid.numStates);
  for (let it = 0; it < sweeps; it++) {
    const Q = backup(grid, V, gamma);
    const next = new Float64Array(grid.numStates);
    for (let s = 0; s < grid.numStates; s++) {
      const w = Array.from(mu.subarray(s * nA, (s + 1) * nA));
      if (w.some((x) => x > 0)) next[s] = expectile(Array.from(Q.subarray(s * nA, (s + 1) * nA)), w, tau);
    }
    V = next;
  }
  return V;
}

/**
 * Discrete CQL's fixed point (Kumar et al. eq. 4 with a DQN target, tabular): setting the gradient of
 * E_{s,a~D}[(Q - y)^2 / 2] + alpha E_{s~D}[logsumexp Q(s, .) - Q(s, a_D)] to zero gives
 * Q(s, a) = y(s, a) - alpha (softmax Q(s, .)_a - mu(a|s)) / mu(a|s), with y = r + gamma E max_a' Q(s', a').
 * Solved by damped iteration; returns max_a Q(s, a) per cell.
 */
export function cqlFixedPoint(grid: GridWorld, mu: Float64Array, gamma: number, alpha: number, sweeps = 5000): Float64Array {
  const nA = grid.numActions;
  let Q = new Float64Array(grid.numStates * nA);
  const maxQ = () => Float64Array.from({ length: grid.numStates }, (_, s) => Math.max(...Q.subarray(s * nA, (s + 1) * nA)));
  for (let it = 0; it < sweeps; it++) {
    const y = backup(grid, maxQ(), gamma);
    const next = new Float64Array(Q.length);
    for (let s = 0; s < grid.numStates; s++) {
      const row = Q.subarray(s * nA, (s + 1) * nA);
      const m = Math.max(...row);
      const z = row.reduce((acc, q) => acc + Math.exp(q - m), 0);
      for (let a = 0; a < nA; a++) {
        const p = mu[s * nA + a];
        const target = p > 0 ? y[s * nA + a] - (alpha * (Math.exp(row[a] - m) / z - p)) / p : y[s * nA + a];
        next[s * nA + a] = 0.5 * row[a] + 0.5 * target;
      }
    }
    Q = next;
  }
  return maxQ();
}
