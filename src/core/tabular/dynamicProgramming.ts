// Dynamic programming on a known model (Sutton & Barto, "Reinforcement Learning: An Introduction", 2nd ed. 2018, ch. 4),
// one sweep at a time so a page can draw the values and greedy arrows as they change: value iteration (section 4.4)
// and policy iteration (section 4.3: evaluation sweeps until the values settle, then one greedy improvement).
import type { TabularModel } from '../policies/valueIteration';

/** sum_s' p(s'|s,a) (r + gamma V(s') [not done]): one Bellman backup of (s, a). */
export function backup(model: TabularModel, V: ArrayLike<number>, s: number, a: number, gamma: number): number {
  let q = 0;
  for (const t of model.transitions(s, a)) q += t.prob * (t.reward + (t.done ? 0 : gamma * V[t.next]));
  return q;
}

/** The greedy action of each state under V (lowest index on ties). */
export function greedyPolicy(model: TabularModel, V: ArrayLike<number>, gamma: number): Int32Array {
  const policy = new Int32Array(model.numStates);
  for (let s = 0; s < model.numStates; s++) {
    let best = -Infinity;
    for (let a = 0; a < model.numActions; a++) {
      const q = backup(model, V, s, a, gamma);
      if (q > best + 1e-12) [best, policy[s]] = [q, a];
    }
  }
  return policy;
}

/** One synchronous sweep of value iteration: V'(s) = max_a backup(s, a). Returns V' and the largest change. */
export function valueIterationSweep(model: TabularModel, V: Float64Array, gamma: number): { V: Float64Array; delta: number } {
  const next = new Float64Array(model.numStates);
  let delta = 0;
  for (let s = 0; s < model.numStates; s++) {
    let best = -Infinity;
    for (let a = 0; a < model.numActions; a++) best = Math.max(best, backup(model, V, s, a, gamma));
    next[s] = best;
    delta = Math.max(delta, Math.abs(best - V[s]));
  }
  return { V: next, delta };
}

/** Exact evaluation of a deterministic policy, by sweeps to `tolerance`. */
export function evaluatePolicy(model: TabularModel, policy: Int32Array, gamma: number, tolerance = 1e-12, maxSweeps = 1_000_000): Float64Array {
  let V = new Float64Array(model.numStates);
  for (let i = 0; i < maxSweeps; i++) {
    const next = Float64Array.from({ length: model.numStates }, (_, s) => backup(model, V, s, policy[s], gamma));
    const delta = next.reduce((m, v, s) => Math.max(m, Math.abs(v - V[s])), 0);
    V = next;
    if (delta < tolerance) return V;
  }
  throw new Error(`evaluatePolicy: no convergence within ${maxSweeps} sweeps (gamma ${gamma})`);
}

/**
 * Policy iteration driven one sweep per step: evaluation sweeps of the current policy until the values change by less
 * than `tolerance`, then a greedy improvement; `stable` once an improvement changes no action (the policy is optimal).
 */
export class PolicyIteration {
  V: Float64Array;
  policy: Int32Array;
  stable = false;
  improvements = 0;

  constructor(
    private readonly model: TabularModel,
    private readonly gamma: number,
    private readonly tolerance = 1e-10,
  ) {
    this.V = new Float64Array(model.numStates);
    this.policy = new Int32Array(model.numStates);
  }

  /** One sweep: an evaluation sweep, or (once the values settled) an improvement. */
  step(): { phase: 'evaluate' | 'improve'; delta: number } {
    const { model, gamma } = this;
    const next = Float64Array.from({ length: model.numStates }, (_, s) => backup(model, this.V, s, this.policy[s], gamma));
    const delta = next.reduce((m, v, s) => Math.max(m, Math.abs(v - this.V[s])), 0);
    this.V = next;
    if (delta >= this.tolerance) return { phase: 'evaluate', delta };
    const improved = greedyPolicy(model, this.V, gamma);
    // Keep the old action where it is as good as the new one (no flip-flopping between equal actions).
    for (let s = 0; s < model.numStates; s++) {
      if (backup(model, this.V, s, improved[s], gamma) <= backup(model, this.V, s, this.policy[s], gamma) + 1e-12) improved[s] = this.policy[s];
    }
    this.stable = improved.every((a, s) => a === this.policy[s]);
    this.policy = improved;
    this.improvements += 1;
    return { phase: 'improve', delta };
  }
}
