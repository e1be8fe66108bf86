import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../algos/types';
import type { Dataset } from '../data/dataset';
import { discountedReturnsToGo } from '../data/returns';
import { toUnitActions, type ActionScale } from './actionScale';
import type { Rng } from '../rng';

/**
 * The dataset uploaded once to the tfjs backend; a batch is gathered there from sampled row indices,
 * so per update only the index vector crosses to the device.
 */
export class DeviceDataset {
  private readonly observations: tf.Tensor2D;
  private readonly actions: tf.Tensor2D;
  private readonly rewards: tf.Tensor1D;
  private readonly nextObservations: tf.Tensor2D;
  private readonly dones: tf.Tensor1D;
  private readonly mcReturns: tf.Tensor1D;
  /** Rows with a real successor state (TD targets use only these), or null when all rows qualify. */
  private readonly validRows: Int32Array | null;
  readonly size: number;

  /** Continuous actions are stored mapped to [-1, 1] by `actionScale`. `gamma` discounts the Monte-Carlo returns-to-go that come with every batch. */
  constructor(d: Dataset, gamma = 0.99, actionScale: ActionScale | null = null) {
    if (d.size < 1) throw new Error(`dataset "${d.name}" is empty`);
    this.size = d.size;
    // Copy out of SharedArrayBuffers: tfjs backends may keep a reference to the array they were given.
    this.observations = tf.tensor2d(d.observations.slice(), [d.size, d.observationDim]);
    this.actions = tf.tensor2d(actionScale ? toUnitActions(d.actions, actionScale) : d.actions.slice(), [d.size, d.actionDim]);
    this.rewards = tf.tensor1d(d.rewards.slice());
    this.nextObservations = tf.tensor2d(d.nextObservations.slice(), [d.size, d.observationDim]);
    this.dones = tf.tensor1d(Float32Array.from(d.terminals));
    this.mcReturns = tf.tensor1d(discountedReturnsToGo(d, gamma));
    const valid: number[] = [];
    for (let i = 0; i < d.size; i++) if (d.nextValid[i]) valid.push(i);
    if (valid.length === 0) throw new Error(`dataset "${d.name}" has no transition with a valid next state`);
    this.validRows = valid.length === d.size ? null : Int32Array.from(valid);
  }

  /** Uniform minibatch (with replacement). With `needsNextState`, only rows whose successor is known. */
  sample(batchSize: number, rng: Rng, needsNextState: boolean): Batch {
    const rows = needsNextState && this.validRows ? this.validRows : null;
    const n = rows ? rows.length : this.size;
    const idx = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) idx[i] = rows ? rows[rng.int(n)] : rng.int(n);
    return tf.tidy(() => {
      const indices = tf.tensor1d(idx, 'int32');
      return {
        observations: tf.gather(this.observations, indices),
        actions: tf.gather(this.actions, indices),
        rewards: tf.gather(this.rewards, indices),
        nextObservations: tf.gather(this.nextObservations, indices),
        dones: tf.gather(this.dones, indices),
        mcReturns: tf.gather(this.mcReturns, indices),
      };
    });
  }

  dispose(): void {
    tf.dispose([this.observations, this.actions, this.rewards, this.nextObservations, this.dones, this.mcReturns]);
  }
}
