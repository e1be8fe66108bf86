// How far a tabular learner stands from value iteration's optimum, in the two numbers a lesson reads: the largest
// error of its values over the states an episode can visit, max_s |V(s) - V*(s)|, and the true value of its greedy
// policy at the start against V*(start) (Sutton & Barto 2018, sections 4.4 and 6.5: the values a method learns need
// not be V* even when its greedy policy is optimal, and SARSA's are not, by design).
import type { GridLayout } from '../envs/gridLayout';
import type { TabularModel } from '../policies/valueIteration';
import { evaluatePolicy } from './dynamicProgramming';

/** The greedy action of each row of Q (row-major [s * nA + a]), lowest index on ties. */
export function greedyOfQ(Q: ArrayLike<number>, nA: number): Int32Array {
  const nS = Math.floor(Q.length / nA);
  const policy = new Int32Array(nS);
  for (let s = 0; s < nS; s++) for (let a = 1; a < nA; a++) if (Q[s * nA + a] > Q[s * nA + policy[s]]) policy[s] = a;
  return policy;
}

/** V(s) = max_a Q(s, a). */
export function valuesOfQ(Q: ArrayLike<number>, nA: number): Float64Array {
  const nS = Math.floor(Q.length / nA);
  const V = new Float64Array(nS);
  for (let s = 0; s < nS; s++) {
    let best = -Infinity;
    for (let a = 0; a < nA; a++) best = Math.max(best, Q[s * nA + a]);
    V[s] = best;
  }
  return V;
}

/** The start cells (S) of a layout, as state indices. */
export function startStates(layout: GridLayout): number[] {
  return [...layout.rows.join('')].flatMap((ch, i) => (ch === 'S' ? [i] : []));
}

/**
 * The states an episode can be in: the starts and whatever an outcome of any action leads to without ending the
 * episode. Goals and holes (entered as the episode ends), walls and CliffWalking's cliff cells (a fall puts the agent
 * back at the start) are never occupied, and their values are never learned.
 */
export function reachableStates(model: TabularModel, starts: readonly number[]): Uint8Array {
  const seen = new Uint8Array(model.numStates);
  const queue = [...starts];
  for (const s of starts) seen[s] = 1;
  while (queue.length > 0) {
    const s = queue.pop()!;
    for (let a = 0; a < model.numActions; a++) {
      for (const t of model.transitions(s, a)) {
        if (t.prob > 0 && !t.done && !seen[t.next]) {
          seen[t.next] = 1;
          queue.push(t.next);
        }
      }
    }
  }
  return seen;
}

export interface OptimumGap {
  /** max |V(s) - V*(s)| over the states an episode can be in. */
  maxError: number;
  /** The true discounted value of the greedy policy, averaged over the start cells. */
  policyValue: number;
  /** V* averaged over the start cells. */
  optimalValue: number;
}

/** The learner's values V and greedy policy against the optimum V* (valueIteration on the same model and gamma). */
export function optimumGap(model: TabularModel, V: ArrayLike<number>, policy: Int32Array, Vstar: ArrayLike<number>, gamma: number, starts: readonly number[]): OptimumGap {
  if (starts.length === 0) throw new Error('optimumGap: the layout has no start cell');
  const reachable = reachableStates(model, starts);
  let maxError = 0;
  for (let s = 0; s < model.numStates; s++) if (reachable[s]) maxError = Math.max(maxError, Math.abs(V[s] - Vstar[s]));
  const Vpi = evaluatePolicy(model, policy, gamma, 1e-10);
  const mean = (values: ArrayLike<number>) => starts.reduce((sum, s) => sum + values[s], 0) / starts.length;
  return { maxError, policyValue: mean(Vpi), optimalValue: mean(Vstar) };
}
