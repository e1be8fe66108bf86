import * as tf from '@tensorflow/tfjs';
import type { Agent } from '../algos/types';
import type { EnvOptions } from '../envs/registry';
import { VectorEnv, type VectorStepResult } from '../envs/vectorEnv';
import { clipToUnitBox, toEnvAction, type ActionScale } from './actionScale';
import { ReplayRecorder } from './replayRecorder';

/** One finished episode of the acting (training) policy, streamed next to evaluation returns. */
export interface TrainingEpisode {
  /** Updates done when it ended. */
  update: number;
  /** Environment steps taken (all copies together) when it ended. */
  envSteps: number;
  return: number;
  length: number;
}

/** One batched step: the observations acted on, the actions taken (unit box or indices), and what the copies returned. */
export interface CollectedStep extends VectorStepResult {
  previous: Float32Array;
  actions: Float32Array;
}

/**
 * N copies of the run's environment stepped together in the worker (Gymnasium's same-step autoreset, vectorEnv.ts):
 * the acting policy makes one forward pass for all copies per step and one read. Counts environment steps and
 * records the acting policy's episode returns.
 */
export class EnvCollector {
  readonly env: VectorEnv;
  readonly discrete: boolean;
  /** Environment steps taken by all copies together. */
  envSteps = 0;
  private obs: Float32Array;
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;
  private finished: TrainingEpisode[] = [];
  /** Every ended episode, for saving the run's experience as a "replay" dataset. */
  readonly recorder: ReplayRecorder;

  constructor(
    envId: string,
    numEnvs: number,
    envOptions: EnvOptions,
    seed: number,
    private readonly actionScale: ActionScale | null,
  ) {
    this.env = new VectorEnv(envId, numEnvs, { ...envOptions, seed, autoreset: 'same-step' });
    this.discrete = this.env.spec.actionSpace.kind === 'discrete';
    this.obs = this.env.reset();
    this.returns = new Float64Array(numEnvs);
    this.lengths = new Int32Array(numEnvs);
    this.recorder = new ReplayRecorder(numEnvs, this.env.observationDim, this.discrete ? 1 : this.env.actionDim);
  }

  get numEnvs(): number {
    return this.env.numEnvs;
  }

  /** The current observation of every copy (numEnvs rows). */
  get observations(): Float32Array {
    return this.obs;
  }

  /** The agent's sampled actions for every copy in one forward pass: indices (discrete) or rows in [-1, 1]. */
  async act(agent: Agent): Promise<Float32Array> {
    agent.observeEnvSteps?.(this.envSteps);
    const obs = tf.tensor2d(this.obs, [this.numEnvs, this.env.observationDim]);
    const actions = agent.act(obs, 'sample');
    try {
      return Float32Array.from(await actions.data());
    } finally {
      tf.dispose([obs, actions]);
    }
  }

  /** Steps every copy with `actions` (indices, or unit-box rows mapped to the environment's range). */
  step(actions: Float32Array, update: number): CollectedStep {
    const width = this.discrete ? 1 : this.env.actionDim;
    let envActions: ArrayLike<number> = actions;
    if (!this.discrete) {
      // Unbounded samples (PPO's Gaussian) are clipped to the box only here; the buffers keep what the policy drew.
      const mapped = new Float32Array(actions.length);
      for (let i = 0; i < this.numEnvs; i++) {
        const row = clipToUnitBox(actions.subarray(i * width, (i + 1) * width));
        mapped.set(toEnvAction(row, this.actionScale), i * width);
      }
      envActions = mapped;
    }
    const previous = this.obs;
    const result = this.env.step(envActions);
    this.envSteps += this.numEnvs;
    const od = this.env.observationDim;
    for (let i = 0; i < this.numEnvs; i++) {
      const next = result.finalObservations[i] ?? result.observations.subarray(i * od, (i + 1) * od);
      const action = Array.prototype.slice.call(envActions, i * width, (i + 1) * width) as number[];
      this.recorder.add(i, previous.subarray(i * od, (i + 1) * od), action, result.rewards[i], next, result.terminated[i] === 1, result.truncated[i] === 1);
      this.returns[i] += result.rewards[i];
      this.lengths[i] += 1;
      if (result.terminated[i] || result.truncated[i]) {
        this.finished.push({ update, envSteps: this.envSteps, return: this.returns[i], length: this.lengths[i] });
        this.returns[i] = 0;
        this.lengths[i] = 0;
      }
    }
    this.obs = result.observations;
    return { ...result, previous, actions };
  }

  /** The episodes that ended since the last call. */
  takeEpisodes(): TrainingEpisode[] {
    const out = this.finished;
    this.finished = [];
    return out;
  }
}
