/** A finite MDP given by its transition model, as GridWorld exposes it (Gymnasium's env.P). */
export interface TabularModel {
  readonly numStates: number;
  readonly numActions: number;
  transitions(state: number, action: number): readonly { prob: number; next: number; reward: number; done: boolean }[];
}

export interface ValueIterationResult {
  /** Optimal state values V*(s). */
  V: Float64Array;
  /** Optimal action values, row-major: Q[s * numActions + a]. */
  Q: Float64Array;
  /** Greedy action per state (lowest index on ties, as numpy's argmax). */
  policy: Int32Array;
  iterations: number;
}

/**
 * Value iteration (Sutton & Barto 2018, section 4.4): V(s) <- max_a sum p (r + gamma V(s') [not done]),
 * swept until the largest change is below `tolerance`. A transition marked done ends the return.
 */
export function valueIteration(model: TabularModel, gamma: number, tolerance = 1e-12, maxIterations = 100_000): ValueIterationResult {
  if (!(gamma >= 0 && gamma <= 1)) throw new Error(`valueIteration: gamma must be in [0, 1], got ${gamma}`);
  const { numStates: nS, numActions: nA } = model;
  let V = new Float64Array(nS);
  let next = new Float64Array(nS);
  const Q = new Float64Array(nS * nA);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let delta = 0;
    for (let s = 0; s < nS; s++) {
      let best = -Infinity;
      for (let a = 0; a < nA; a++) {
        let q = 0;
        for (const t of model.transitions(s, a)) q += t.prob * (t.reward + (t.done ? 0 : gamma * V[t.next]));
        Q[s * nA + a] = q;
        if (q > best) best = q;
      }
      next[s] = best;
      delta = Math.max(delta, Math.abs(best - V[s]));
    }
    [V, next] = [next, V];
    if (delta < tolerance) break;
  }
  if (iterations === maxIterations) throw new Error(`valueIteration: no convergence within ${maxIterations} sweeps (gamma ${gamma})`);
  const policy = new Int32Array(nS);
  for (let s = 0; s < nS; s++) {
    let arg = 0;
    for (let a = 1; a < nA; a++) if (Q[s * nA + a] > Q[s * nA + arg]) arg = a;
    policy[s] = arg;
  }
  return { V, Q, policy, iterations: iterations + 1 };
}
