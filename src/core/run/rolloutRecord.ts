// One on-policy rollout on the host, as a lone run (rolloutSource.ts) and each member of a PPO population
// (population/rolloutMembers.ts) record it: T vector steps of N copies, the time-limit bootstrap, GAE, and the
// shuffled minibatches of its epochs, all in one place so both collect and reuse a rollout the same way.
import type { VectorStepResult } from '../envs/vectorEnv';
import type { Rng } from '../rng';

/**
 * Generalized advantage estimation (Schulman et al., "High-Dimensional Continuous Control Using Generalized Advantage
 * Estimation", ICLR 2016, eq. 16): A_t = sum_l (gamma lambda)^l delta_{t+l}, delta_t = r_t + gamma V(s_{t+1}) - V(s_t),
 * cut where an episode ended. Arrays are T rows of N copies; `ended[t, i]` = the episode of copy i ended at step t
 * (s_{t+1} then belongs to a new episode); `lastValues` = V of the observations after the last step.
 */
export function generalizedAdvantages(rewards: Float32Array, values: Float32Array, ended: Uint8Array, lastValues: Float32Array, numEnvs: number, gamma: number, lambda: number): { advantages: Float32Array; returns: Float32Array } {
  const T = rewards.length / numEnvs;
  const advantages = new Float32Array(rewards.length);
  for (let i = 0; i < numEnvs; i++) {
    let running = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * numEnvs + i;
      const notEnded = ended[k] ? 0 : 1;
      const nextValue = t === T - 1 ? lastValues[i] : values[k + numEnvs];
      const delta = rewards[k] + gamma * nextValue * notEnded - values[k];
      running = delta + gamma * lambda * notEnded * running;
      advantages[k] = running;
    }
  }
  const returns = advantages.map((a, k) => a + values[k]);
  return { advantages, returns };
}

/** The columns of a rollout's batches (algos/types.ts's RolloutBatch but nextActions): `width` values per row, or null for one number per row (a vector column). */
export type RolloutColumns = Record<'observations' | 'actions' | 'rewards' | 'nextObservations' | 'dones' | 'mcReturns' | 'logProbs' | 'advantages' | 'returns' | 'values', { values: Float32Array; width: number | null }>;

export class RolloutRecord {
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly rewards: Float32Array;
  /** ended[t, i]: the episode of copy i ended at step t. */
  readonly ended: Uint8Array;

  constructor(
    readonly steps: number,
    readonly numEnvs: number,
    readonly observationDim: number,
    readonly actionWidth: number,
  ) {
    const n = steps * numEnvs;
    this.observations = new Float32Array(n * observationDim);
    this.actions = new Float32Array(n * actionWidth);
    this.logProbs = new Float32Array(n);
    this.values = new Float32Array(n);
    this.rewards = new Float32Array(n);
    this.ended = new Uint8Array(n);
  }

  get rows(): number {
    return this.steps * this.numEnvs;
  }

  /**
   * Step t: what the policy saw and did, and what the copies returned. Returns the copies whose episode was cut by the
   * time limit (truncated, not terminated): their last reward still needs gamma V(final observation) (bootstrap).
   */
  record(t: number, observations: Float32Array, actions: Float32Array, logProbs: Float32Array, values: Float32Array, result: VectorStepResult): number[] {
    const N = this.numEnvs;
    this.observations.set(observations, t * N * this.observationDim);
    this.actions.set(actions, t * N * this.actionWidth);
    this.logProbs.set(logProbs, t * N);
    this.values.set(values, t * N);
    const truncatedRows: number[] = [];
    for (let i = 0; i < N; i++) {
      this.rewards[t * N + i] = result.rewards[i];
      if (result.terminated[i] || result.truncated[i]) this.ended[t * N + i] = 1;
      if (result.truncated[i] && !result.terminated[i]) truncatedRows.push(i);
    }
    return truncatedRows;
  }

  /** The final observations of copies `rows` at a step, one after another (what the bootstrap values). */
  static finalObservations(result: VectorStepResult, rows: number[], observationDim: number): Float32Array {
    const out = new Float32Array(rows.length * observationDim);
    rows.forEach((i, j) => out.set(result.finalObservations[i]!, j * observationDim));
    return out;
  }

  /** Adds gamma V(final observation) to the last reward of each truncated copy (as Stable-Baselines3 does); a terminated one gets nothing. */
  bootstrap(t: number, rows: number[], finalValues: ArrayLike<number>, gamma: number): void {
    rows.forEach((i, j) => (this.rewards[t * this.numEnvs + i] += gamma * finalValues[j]));
  }

  /** GAE advantages and returns of the whole rollout, given V of the observations after its last step. */
  advantages(lastValues: Float32Array, gamma: number, lambda: number): { advantages: Float32Array; returns: Float32Array } {
    return generalizedAdvantages(this.rewards, this.values, this.ended, lastValues, this.numEnvs, gamma, lambda);
  }

  /** Every column of the rollout's batches, given its GAE (nextObservations repeats the observations: unused by PPO, present so the batch is a Batch too). */
  columns(gae: { advantages: Float32Array; returns: Float32Array }): RolloutColumns {
    const [od, width] = [this.observationDim, this.actionWidth];
    return {
      observations: { values: this.observations, width: od },
      actions: { values: this.actions, width },
      rewards: { values: this.rewards, width: null },
      nextObservations: { values: this.observations, width: od },
      dones: { values: Float32Array.from(this.ended), width: null },
      mcReturns: { values: gae.returns, width: null },
      logProbs: { values: this.logProbs, width: null },
      advantages: { values: gae.advantages, width: null },
      returns: { values: gae.returns, width: null },
      values: { values: this.values, width: null },
    };
  }
}

/** `epochs` passes over `rows` rows in shuffled minibatches of `batchSize` (a last partial minibatch of an epoch is dropped), shuffled by `rng`. */
export function minibatchPlan(rows: number, batchSize: number, epochs: number, rng: Rng): Int32Array[] {
  const size = Math.min(batchSize, rows);
  const plan: Int32Array[] = [];
  for (let e = 0; e < epochs; e++) {
    const perm = Int32Array.from({ length: rows }, (_, i) => i);
    for (let i = rows - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    for (let start = 0; start + size <= rows; start += size) plan.push(perm.slice(start, start + size));
  }
  return plan;
}
