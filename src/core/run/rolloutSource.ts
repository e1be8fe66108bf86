import * as tf from '@tensorflow/tfjs';
import type { Agent, RolloutBatch } from '../algos/types';
import type { Rng } from '../rng';
import type { EnvCollector, TrainingEpisode } from './envCollector';
import type { ExperienceSource } from './experience';
import type { HyperValues } from './hyperparameters';

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

/** How PPO gathers and reuses a rollout. */
export interface RolloutSettings {
  /** T: vector steps per rollout. */
  numSteps: number;
  /** K: passes over each rollout. */
  epochs: number;
  gamma: number;
  gaeLambda: number;
}

export function rolloutSettings(values: HyperValues): RolloutSettings {
  return { numSteps: Number(values.numSteps), epochs: Number(values.epochs), gamma: Number(values.gamma), gaeLambda: Number(values.gaeLambda) };
}

/** Reads a tensor and frees it. */
async function read(t: tf.Tensor): Promise<Float32Array> {
  try {
    return Float32Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

/**
 * On-policy experience (PPO): T steps of N copies under the current policy, advantages by GAE, then K epochs of
 * shuffled minibatches; then a fresh rollout. A copy whose episode was cut by the time limit is bootstrapped with
 * gamma V(last observation) added to its last reward (as Stable-Baselines3 does), a terminated one is not.
 */
export class RolloutSource implements ExperienceSource {
  readonly metricNames: string[] = [];
  private rollout: Record<Exclude<keyof RolloutBatch, 'nextActions'>, tf.Tensor> | null = null;
  /** Row indices of the minibatches still to hand out. */
  private queue: Int32Array[] = [];

  constructor(
    readonly collector: EnvCollector,
    private readonly agent: Agent,
    private settings: RolloutSettings,
    private readonly rng: Rng,
  ) {
    if (!agent.rolloutStep || !agent.stateValue) throw new Error('a rollout source needs an agent with rolloutStep and stateValue (an on-policy actor-critic)');
  }

  get envSteps(): number {
    return this.collector.envSteps;
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  metrics(): number[] {
    return [];
  }

  private async value(observations: Float32Array, rows: number): Promise<Float32Array> {
    const obs = tf.tensor2d(observations, [rows, this.collector.env.observationDim]);
    try {
      return await read(this.agent.stateValue!(obs));
    } finally {
      obs.dispose();
    }
  }

  private async collect(update: number): Promise<void> {
    const { numSteps: T, gamma } = this.settings;
    const c = this.collector;
    const [N, od] = [c.numEnvs, c.env.observationDim];
    const width = c.discrete ? 1 : c.env.actionDim;
    const obs = new Float32Array(T * N * od);
    const actions = new Float32Array(T * N * width);
    const logProbs = new Float32Array(T * N);
    const values = new Float32Array(T * N);
    const rewards = new Float32Array(T * N);
    const ended = new Uint8Array(T * N);
    for (let t = 0; t < T; t++) {
      this.agent.observeEnvSteps?.(c.envSteps);
      const input = tf.tensor2d(c.observations, [N, od]);
      const step = this.agent.rolloutStep!(input);
      input.dispose();
      const [a, lp, v] = await Promise.all([read(step.actions), read(step.logProbs), read(step.values)]);
      obs.set(c.observations, t * N * od);
      actions.set(a, t * N * width);
      logProbs.set(lp, t * N);
      values.set(v, t * N);
      const result = c.step(a, update);
      const truncatedRows: number[] = [];
      for (let i = 0; i < N; i++) {
        rewards[t * N + i] = result.rewards[i];
        if (result.terminated[i] || result.truncated[i]) ended[t * N + i] = 1;
        if (result.truncated[i] && !result.terminated[i]) truncatedRows.push(i);
      }
      if (truncatedRows.length > 0) {
        const finals = new Float32Array(truncatedRows.length * od);
        truncatedRows.forEach((i, j) => finals.set(result.finalObservations[i]!, j * od));
        const v = await this.value(finals, truncatedRows.length);
        truncatedRows.forEach((i, j) => (rewards[t * N + i] += gamma * v[j]));
      }
    }
    const lastValues = await this.value(c.observations, N);
    const { advantages, returns } = generalizedAdvantages(rewards, values, ended, lastValues, N, gamma, this.settings.gaeLambda);
    this.disposeRollout();
    const n = T * N;
    this.rollout = {
      observations: tf.keep(tf.tensor2d(obs, [n, od])),
      actions: tf.keep(tf.tensor2d(actions, [n, width])),
      rewards: tf.keep(tf.tensor1d(rewards)),
      nextObservations: tf.keep(tf.tensor2d(obs, [n, od])), // unused by PPO; present so the batch is a Batch too
      dones: tf.keep(tf.tensor1d(Float32Array.from(ended))),
      mcReturns: tf.keep(tf.tensor1d(returns)),
      logProbs: tf.keep(tf.tensor1d(logProbs)),
      advantages: tf.keep(tf.tensor1d(advantages)),
      returns: tf.keep(tf.tensor1d(returns)),
      values: tf.keep(tf.tensor1d(values)),
    };
  }

  /** K epochs of shuffled minibatches of `batchSize` rows (a last partial minibatch of an epoch is dropped). */
  private plan(batchSize: number): void {
    const n = this.rollout!.rewards.shape[0];
    const size = Math.min(batchSize, n);
    for (let e = 0; e < this.settings.epochs; e++) {
      const perm = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      for (let start = 0; start + size <= n; start += size) this.queue.push(perm.slice(start, start + size));
    }
  }

  async next(batchSize: number, update: number): Promise<RolloutBatch> {
    if (this.queue.length === 0) {
      await this.collect(update);
      this.plan(batchSize);
    }
    const rows = this.queue.shift()!;
    const r = this.rollout!;
    const idx = tf.tensor1d(rows, 'int32');
    const batch = Object.fromEntries(Object.entries(r).map(([k, t]) => [k, tf.gather(t, idx)])) as unknown as RolloutBatch;
    idx.dispose();
    return batch;
  }

  takeEpisodes(): TrainingEpisode[] {
    return this.collector.takeEpisodes();
  }

  setHyperparameters(values: HyperValues): void {
    this.settings = rolloutSettings(values);
  }

  private disposeRollout(): void {
    if (this.rollout) tf.dispose(Object.values(this.rollout));
    this.rollout = null;
  }

  dispose(): void {
    this.disposeRollout();
  }
}
