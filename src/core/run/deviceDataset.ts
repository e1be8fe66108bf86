import * as tf from '@tensorflow/tfjs';
import type { Batch, SequenceBatch } from '../algos/types';
import type { Dataset } from '../data/dataset';
import { episodeReturns, episodeStarts } from '../data/episodes';
import { cumulativeRowWeights, drawFromCumulative, returnWeights, type SamplingMode } from '../data/trajectoryWeights';
import { discountedReturnsToGo } from '../data/returns';
import { toUnitActions, type ActionScale } from './actionScale';
import type { Rng } from '../rng';

/** Sampled windows as flat row indices into the dataset, with their padding mask and timesteps (one entry per step). */
export interface SequenceRows {
  idx: Int32Array;
  mask: Float32Array;
  timesteps: Int32Array;
}

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
  /** The action taken at the next row of the same episode, or the row's own action at an episode's end. */
  private readonly nextActions: tf.Tensor2D;
  /** Undiscounted returns-to-go, for sequence batches. */
  private readonly returnsToGo: tf.Tensor1D;
  /** Rows that batches are drawn from (all, or the algorithm's filterRows), or null for all rows. */
  private readonly rows: Int32Array | null;
  /** Of those, rows with a real successor state (TD targets use only these), or null when the same as `rows`. */
  private readonly validRows: Int32Array | null;
  /** Episode e spans rows [starts[e], starts[e + 1]). */
  private readonly starts: Int32Array;
  /** Undiscounted return of every episode, for return-weighted sampling. */
  private readonly episodeReturns: Float64Array;
  /** Per-transition weight of each episode, or null for uniform sampling (see setSampling). */
  private episodeWeights: Float64Array | null = null;
  /** Cumulative row weights over `rows` [0] and `validRows` [1], built on first use after each setSampling. */
  private cumulative: [Float64Array | null, Float64Array | null] = [null, null];
  readonly size: number;

  /**
   * Continuous actions are stored mapped to [-1, 1] by `actionScale`. `gamma` discounts the Monte-Carlo returns-to-go
   * that come with every batch. `keepRows` (ascending) restricts sampling to those rows.
   */
  constructor(d: Dataset, gamma = 0.99, actionScale: ActionScale | null = null, keepRows: Int32Array | null = null) {
    if (d.size < 1) throw new Error(`dataset "${d.name}" is empty`);
    this.size = d.size;
    // Copy out of SharedArrayBuffers: tfjs backends may keep a reference to the array they were given.
    this.observations = tf.tensor2d(d.observations.slice(), [d.size, d.observationDim]);
    this.actions = tf.tensor2d(actionScale ? toUnitActions(d.actions, actionScale) : d.actions.slice(), [d.size, d.actionDim]);
    this.rewards = tf.tensor1d(d.rewards.slice());
    this.nextObservations = tf.tensor2d(d.nextObservations.slice(), [d.size, d.observationDim]);
    this.dones = tf.tensor1d(Float32Array.from(d.terminals));
    this.mcReturns = tf.tensor1d(discountedReturnsToGo(d, gamma));
    this.returnsToGo = tf.tensor1d(discountedReturnsToGo(d, 1));
    this.starts = episodeStarts(d);
    this.episodeReturns = episodeReturns(d);
    this.nextActions = tf.gather(this.actions, nextActionRows(this.starts));
    if (keepRows && keepRows.length === 0) throw new Error(`no rows of dataset "${d.name}" are left to train on`);
    if (keepRows?.some((r) => !(r >= 0 && r < d.size))) throw new Error(`kept rows must be indices below ${d.size}`);
    this.rows = keepRows && keepRows.length < d.size ? keepRows : null;
    const candidates = this.rows ?? Int32Array.from({ length: d.size }, (_, i) => i);
    const valid = candidates.filter((i) => d.nextValid[i] === 1);
    if (valid.length === 0) throw new Error(`dataset "${d.name}" has no transition with a valid next state`);
    this.validRows = valid.length === candidates.length ? null : valid;
  }

  /**
   * How rows are drawn from now on: uniformly (the default), or return-weighted (Hong et al. 2023's RW: a row of
   * episode i with probability ∝ exp(Ĝ_i / temperature), Ĝ the min-max normalised return; see trajectoryWeights.ts).
   * The weight table is rebuilt once per change, and each draw is a binary search in it.
   */
  setSampling(mode: SamplingMode, temperature: number): void {
    this.episodeWeights = mode === 'return-weighted' ? returnWeights(this.episodeReturns, temperature) : null;
    this.cumulative = [null, null];
  }

  private drawRow(rng: Rng, needsNextState: boolean): number {
    const valid = needsNextState && this.validRows !== null;
    const rows = valid ? this.validRows : this.rows;
    if (this.episodeWeights) {
      const k = valid ? 1 : 0;
      const table = (this.cumulative[k] ??= cumulativeRowWeights(this.starts, this.episodeWeights, rows));
      const i = drawFromCumulative(table, rng.next());
      return rows ? rows[i] : i;
    }
    return rows ? rows[rng.int(rows.length)] : rng.int(this.size);
  }

  /** Minibatch (with replacement), rows drawn as setSampling says. With `needsNextState`, only rows whose successor is known. */
  sample(batchSize: number, rng: Rng, needsNextState: boolean): Batch {
    return this.gatherRows(this.sampleRows(batchSize, rng, needsNextState), needsNextState);
  }

  /** The row indices of one minibatch, drawn as `sample` draws them (a population draws one set per member). */
  sampleRows(batchSize: number, rng: Rng, needsNextState: boolean): Int32Array {
    const idx = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) idx[i] = this.drawRow(rng, needsNextState);
    return idx;
  }

  /** The batch of the given rows, gathered on the device. */
  gatherRows(idx: Int32Array, needsNextState: boolean): Batch {
    return tf.tidy(() => {
      const indices = tf.tensor1d(idx, 'int32');
      return {
        observations: tf.gather(this.observations, indices),
        actions: tf.gather(this.actions, indices),
        rewards: tf.gather(this.rewards, indices),
        nextObservations: tf.gather(this.nextObservations, indices),
        dones: tf.gather(this.dones, indices),
        mcReturns: tf.gather(this.mcReturns, indices),
        ...(needsNextState ? { nextActions: tf.gather(this.nextActions, indices) } : {}),
      };
    });
  }

  /**
   * Windows of `length` steps starting at drawn rows (uniformly unless setSampling says otherwise), cut at their episode's end and zero-padded on the
   * right (as CORL's DT: a trajectory drawn in proportion to its length, then a uniform start in it).
   */
  sampleSequences(batchSize: number, length: number, rng: Rng): SequenceBatch {
    return this.gatherSequences(this.sequenceRows(batchSize, length, rng), [batchSize, length]) as SequenceBatch;
  }

  /** The rows, mask and timesteps of `batchSize` windows, drawn as `sampleSequences` draws them (a population draws one set per member). */
  sequenceRows(batchSize: number, length: number, rng: Rng): SequenceRows {
    const n = batchSize * length;
    const rows: SequenceRows = { idx: new Int32Array(n), mask: new Float32Array(n), timesteps: new Int32Array(n) };
    for (let b = 0; b < batchSize; b++) {
      const start = this.drawRow(rng, false);
      const e = this.episodeOf(start);
      for (let k = 0; k < length; k++) {
        const row = start + k;
        const inside = row < this.starts[e + 1];
        rows.idx[b * length + k] = inside ? row : start;
        rows.mask[b * length + k] = inside ? 1 : 0;
        rows.timesteps[b * length + k] = inside ? row - this.starts[e] : 0;
      }
    }
    return rows;
  }

  /** The windows of `rows`, gathered on the device and shaped `shape` ([B, T], or a population's [K, B, T]) plus features. */
  gatherSequences(rows: SequenceRows, shape: number[]): { [K in keyof SequenceBatch]: tf.Tensor } {
    return tf.tidy(() => {
      const indices = tf.tensor1d(rows.idx, 'int32');
      const m = tf.tensor(rows.mask, shape);
      const window = (t: tf.Tensor2D): tf.Tensor => tf.mul(tf.reshape(tf.gather(t, indices), [...shape, t.shape[1]]), tf.expandDims(m, -1));
      return {
        states: window(this.observations),
        actions: window(this.actions),
        returnsToGo: window(tf.expandDims(this.returnsToGo, 1) as tf.Tensor2D),
        timesteps: tf.tensor(rows.timesteps, shape, 'int32'),
        mask: m,
      };
    });
  }

  /** The episode holding `row` (binary search in the episode starts). */
  private episodeOf(row: number): number {
    let [lo, hi] = [0, this.starts.length - 2];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  dispose(): void {
    tf.dispose([this.observations, this.actions, this.rewards, this.nextObservations, this.dones, this.mcReturns, this.returnsToGo, this.nextActions]);
  }
}

/** Row i+1 for each row i whose episode goes on, else i itself (the last step of an episode has no next action). */
function nextActionRows(starts: Int32Array): Int32Array {
  const size = starts[starts.length - 1];
  const rows = Int32Array.from({ length: size }, (_, i) => i + 1);
  for (let e = 1; e < starts.length; e++) rows[starts[e] - 1] = starts[e] - 1;
  return rows;
}
