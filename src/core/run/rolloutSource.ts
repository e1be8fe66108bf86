import * as tf from '@tensorflow/tfjs';
import type { Agent, RolloutBatch } from '../algos/types';
import type { Rng } from '../rng';
import type { EnvCollector, TrainingEpisode } from './envCollector';
import type { ExperienceSource } from './experience';
import type { HyperValues } from './hyperparameters';
import { minibatchPlan, RolloutRecord } from './rolloutRecord';

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
 * shuffled minibatches; then a fresh rollout (rolloutRecord.ts: the time-limit bootstrap, GAE and the minibatches).
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
    const record = new RolloutRecord(T, N, od, c.discrete ? 1 : c.env.actionDim);
    for (let t = 0; t < T; t++) {
      this.agent.observeEnvSteps?.(c.envSteps);
      const input = tf.tensor2d(c.observations, [N, od]);
      const step = this.agent.rolloutStep!(input);
      input.dispose();
      const [a, lp, v] = await Promise.all([read(step.actions), read(step.logProbs), read(step.values)]);
      const result = c.step(a, update);
      const truncatedRows = record.record(t, result.previous, a, lp, v, result);
      if (truncatedRows.length > 0) record.bootstrap(t, truncatedRows, await this.value(RolloutRecord.finalObservations(result, truncatedRows, od), truncatedRows.length), gamma);
    }
    const gae = record.advantages(await this.value(c.observations, N), gamma, this.settings.gaeLambda);
    this.disposeRollout();
    const columns = Object.entries(record.columns(gae)).map(([key, { values, width }]) => [key, tf.keep(width === null ? tf.tensor1d(values) : tf.tensor2d(values, [record.rows, width]))]);
    this.rollout = Object.fromEntries(columns) as RolloutSource['rollout'];
  }

  async next(batchSize: number, update: number): Promise<RolloutBatch> {
    if (this.queue.length === 0) {
      await this.collect(update);
      this.queue = minibatchPlan(this.rollout!.rewards.shape[0], batchSize, this.settings.epochs, this.rng);
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
