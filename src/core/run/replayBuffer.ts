import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../algos/types';
import type { Rng } from '../rng';
import type { CollectedStep } from './envCollector';

/**
 * The latest rows of a replay buffer, oldest first, as plain typed arrays: what a checkpoint carries so a resumed or
 * forked online run keeps learning from what it saw. Episodes still open when it was taken stay unclosed (their
 * environments restart), so they serve TD updates but not the ended-only draws.
 */
export interface ReplaySnapshot {
  rows: number;
  observationDim: number;
  actionDim: number;
  observations: Float32Array;
  actions: Float32Array;
  rewards: Float32Array;
  nextObservations: Float32Array;
  terminals: Float32Array;
  mcReturns: Float32Array;
  closed: Uint8Array;
}

/** Bytes a snapshot row takes: both observations, the action, and reward, terminal, return (4 bytes each) plus the closed flag. */
export const snapshotRowBytes = (observationDim: number, actionDim: number): number => 4 * (2 * observationDim + actionDim + 3) + 1;

/**
 * Transitions (s, a, r, s', terminated) of online interaction in a ring buffer on the CPU (Mnih et al. 2015's replay
 * memory): the oldest row is overwritten once `capacity` is reached. Only a batch crosses to the backend per update,
 * so the buffer grows while the tensor count stays flat. Each row also gets its discounted return-to-go once its
 * episode ends (the Monte-Carlo return the Q charts compare with); rows of unfinished episodes hold 0 until then.
 */
export class ReplayBuffer {
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  /** 1 where the environment terminated (no bootstrap); a time-limit truncation stays 0 (Gymnasium's distinction). */
  readonly terminals: Float32Array;
  readonly mcReturns: Float32Array;
  /** 1 once the row's episode has ended (its return-to-go is then known). */
  readonly closed: Uint8Array;
  /** Rows whose episode has ended. */
  closedRows = 0;
  /** Transitions added so far (also the global index of the next one). */
  inserted = 0;
  /** Per source stream (environment copy): global indices of its episode so far, for the return backfill. */
  private readonly open = new Map<number, number[]>();

  constructor(
    readonly capacity: number,
    readonly observationDim: number,
    readonly actionDim: number,
    private readonly gamma: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`replay buffer capacity must be a whole number of at least 1, got ${capacity}`);
    this.observations = new Float32Array(capacity * observationDim);
    this.actions = new Float32Array(capacity * actionDim);
    this.rewards = new Float32Array(capacity);
    this.nextObservations = new Float32Array(capacity * observationDim);
    this.terminals = new Float32Array(capacity);
    this.mcReturns = new Float32Array(capacity);
    this.closed = new Uint8Array(capacity);
  }

  get size(): number {
    return Math.min(this.inserted, this.capacity);
  }

  /** Adds one transition of stream `stream`; `episodeEnd` (terminated or truncated) closes that stream's episode. */
  add(stream: number, obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, terminated: boolean, episodeEnd: boolean): void {
    const g = this.inserted++;
    const row = g % this.capacity;
    this.observations.set(obs, row * this.observationDim);
    this.actions.set(action, row * this.actionDim);
    this.rewards[row] = reward;
    this.nextObservations.set(nextObs, row * this.observationDim);
    this.terminals[row] = terminated ? 1 : 0;
    this.mcReturns[row] = 0;
    this.closedRows -= this.closed[row];
    this.closed[row] = 0;
    let rows = this.open.get(stream);
    if (!rows) this.open.set(stream, (rows = []));
    rows.push(g);
    if (episodeEnd) {
      this.backfillReturns(rows);
      this.open.delete(stream);
    }
  }

  /** G_t = r_t + gamma G_{t+1} backwards over an ended episode, for rows not yet overwritten. */
  private backfillReturns(rows: number[]): void {
    let g = 0;
    const oldest = this.inserted - this.capacity;
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i] % this.capacity;
      g = this.rewards[row] + this.gamma * g;
      if (rows[i] < oldest) continue;
      this.mcReturns[row] = g;
      this.closed[row] = 1;
      this.closedRows += 1;
    }
  }

  /** The latest `maxRows` rows (all by default), oldest first. */
  snapshot(maxRows = this.size): ReplaySnapshot {
    const rows = Math.max(0, Math.min(this.size, Math.floor(maxRows)));
    const [od, ad] = [this.observationDim, this.actionDim];
    const out: ReplaySnapshot = {
      rows,
      observationDim: od,
      actionDim: ad,
      observations: new Float32Array(rows * od),
      actions: new Float32Array(rows * ad),
      rewards: new Float32Array(rows),
      nextObservations: new Float32Array(rows * od),
      terminals: new Float32Array(rows),
      mcReturns: new Float32Array(rows),
      closed: new Uint8Array(rows),
    };
    for (let i = 0; i < rows; i++) {
      const r = (this.inserted - rows + i) % this.capacity;
      out.observations.set(this.observations.subarray(r * od, (r + 1) * od), i * od);
      out.actions.set(this.actions.subarray(r * ad, (r + 1) * ad), i * ad);
      out.rewards[i] = this.rewards[r];
      out.nextObservations.set(this.nextObservations.subarray(r * od, (r + 1) * od), i * od);
      out.terminals[i] = this.terminals[r];
      out.mcReturns[i] = this.mcReturns[r];
      out.closed[i] = this.closed[r];
    }
    return out;
  }

  /**
   * Refills an empty buffer from a snapshot (the latest `capacity` rows of it when it holds more), in order, so the
   * ring continues where the snapshot ended. Throws, naming the mismatch, when the shapes differ.
   */
  restore(snapshot: ReplaySnapshot): void {
    if (this.inserted !== 0) throw new Error('replay buffer: restore into an empty buffer only');
    if (snapshot.observationDim !== this.observationDim || snapshot.actionDim !== this.actionDim) {
      throw new Error(`replay buffer: the checkpoint's rows have ${snapshot.observationDim} observation and ${snapshot.actionDim} action numbers, this buffer ${this.observationDim} and ${this.actionDim}`);
    }
    const [od, ad] = [this.observationDim, this.actionDim];
    const skip = Math.max(0, snapshot.rows - this.capacity);
    const rows = snapshot.rows - skip;
    this.observations.set(snapshot.observations.subarray(skip * od, snapshot.rows * od));
    this.actions.set(snapshot.actions.subarray(skip * ad, snapshot.rows * ad));
    this.rewards.set(snapshot.rewards.subarray(skip));
    this.nextObservations.set(snapshot.nextObservations.subarray(skip * od, snapshot.rows * od));
    this.terminals.set(snapshot.terminals.subarray(skip));
    this.mcReturns.set(snapshot.mcReturns.subarray(skip));
    this.closed.set(snapshot.closed.subarray(skip));
    this.closedRows = this.closed.subarray(0, rows).reduce((a, b) => a + b, 0);
    this.inserted = rows;
  }

  /**
   * `n` rows drawn uniformly with replacement, gathered on the CPU and uploaded as one batch. `endedOnly`: only rows
   * whose episode has ended, so each carries its true return-to-go (Cal-QL's lower bound; CORL's fine-tuning adds
   * whole episodes to its buffer).
   */
  sample(n: number, rng: Rng, endedOnly = false): Batch {
    if (this.size === 0) throw new Error('the replay buffer is empty: collect experience before sampling');
    if (endedOnly && this.closedRows === 0) throw new Error('no episode in the replay buffer has ended yet');
    const [od, ad] = [this.observationDim, this.actionDim];
    const obs = new Float32Array(n * od);
    const next = new Float32Array(n * od);
    const act = new Float32Array(n * ad);
    const rew = new Float32Array(n);
    const done = new Float32Array(n);
    const mc = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let r = rng.int(this.size);
      while (endedOnly && !this.closed[r]) r = rng.int(this.size);
      obs.set(this.observations.subarray(r * od, (r + 1) * od), i * od);
      next.set(this.nextObservations.subarray(r * od, (r + 1) * od), i * od);
      act.set(this.actions.subarray(r * ad, (r + 1) * ad), i * ad);
      rew[i] = this.rewards[r];
      done[i] = this.terminals[r];
      mc[i] = this.mcReturns[r];
    }
    return {
      observations: tf.tensor2d(obs, [n, od]),
      actions: tf.tensor2d(act, [n, ad]),
      rewards: tf.tensor1d(rew),
      nextObservations: tf.tensor2d(next, [n, od]),
      dones: tf.tensor1d(done),
      mcReturns: tf.tensor1d(mc),
    };
  }
}

/** One batched step of every environment copy into `buffer` (copy i is stream i; an ended episode's last observation is s'). */
export function storeStep(buffer: ReplayBuffer, step: CollectedStep): void {
  const [od, width] = [buffer.observationDim, buffer.actionDim];
  for (let i = 0; i < step.rewards.length; i++) {
    const ended = step.terminated[i] === 1 || step.truncated[i] === 1;
    const next = step.finalObservations[i] ?? step.observations.subarray(i * od, (i + 1) * od);
    buffer.add(i, step.previous.subarray(i * od, (i + 1) * od), step.actions.subarray(i * width, (i + 1) * width), step.rewards[i], next, step.terminated[i] === 1, ended);
  }
}

/** Rows of two batches in one (offline rows first); fields only one side has are dropped. Disposes both halves. */
export function concatBatches(a: Batch, b: Batch): Batch {
  const keys = ['observations', 'actions', 'rewards', 'nextObservations', 'dones', 'mcReturns'] as const;
  const out = Object.fromEntries(keys.map((k) => [k, tf.concat([a[k], b[k]], 0)])) as unknown as Batch;
  tf.dispose([...Object.values(a), ...Object.values(b)]);
  return out;
}
