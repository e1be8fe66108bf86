// Hyperparameters that may differ between members, held on the device as one [K] vector per key. The update reads the
// vectors each step; a live change writes one element and the next update uses it. No algorithm keeps a copy of its own.
import * as tf from '@tensorflow/tfjs';
import type { HyperValue, HyperValues } from '../run/hyperparameters';
import { newVariable } from '../algos/nets';

export class MemberValues {
  private readonly vectors = new Map<string, tf.Variable>();
  private readonly mirror = new Map<string, Float32Array>();

  /** `keys`: the per-member keys; `values[k]`: member k's resolved hyperparameters (booleans as 0 / 1). */
  constructor(
    prefix: string,
    readonly keys: readonly string[],
    values: readonly HyperValues[],
  ) {
    for (const key of keys) {
      const column = Float32Array.from(values, (v) => asNumber(key, v[key]));
      this.mirror.set(key, column);
      this.vectors.set(key, newVariable(() => tf.tensor1d(column), `${prefix}/hp/${key}`, false));
    }
  }

  get members(): number {
    return this.mirror.values().next().value?.length ?? 0;
  }

  has(key: string): boolean {
    return this.vectors.has(key);
  }

  /** The [K] vector of a key, as the update reads it. */
  vector(key: string): tf.Tensor1D {
    const v = this.vectors.get(key);
    if (!v) throw new Error(`"${key}" is not a per-member hyperparameter here (have ${this.keys.join(', ')})`);
    return v as tf.Tensor1D;
  }

  /** The vector shaped [K, 1, ..., 1] (`rank` axes in all) to broadcast against member-major tensors. */
  column(key: string, rank = 2): tf.Tensor {
    return tf.reshape(this.vector(key), [-1, ...Array.from({ length: rank - 1 }, () => 1)]);
  }

  /** Member k's value as the device holds it (float32). */
  get(member: number, key: string): number {
    return this.mirror.get(key)![member];
  }

  set(member: number, key: string, value: HyperValue): void {
    const column = this.mirror.get(key);
    if (!column) throw new Error(`"${key}" is not a per-member hyperparameter here (have ${this.keys.join(', ')})`);
    column[member] = asNumber(key, value);
    tf.tidy(() => this.vectors.get(key)!.assign(tf.tensor1d(column)));
  }

  /** Writes the keys of `patch` that are held here for one member (a live change); other keys are not this class's. */
  setFrom(member: number, patch: HyperValues): void {
    for (const [key, v] of Object.entries(patch)) if (this.has(key)) this.set(member, key, v);
  }

  /** Member j takes member sources[j]'s values (PBT's exploit copies hyperparameters with the weights before exploring). */
  permute(sources: number[]): void {
    this.setColumns(this.select(sources));
  }

  /** Each key's values (in `keys` order) of members `sources`, e.g. the members a smaller population keeps. */
  select(sources: readonly number[]): Float32Array[] {
    return this.keys.map((key) => {
      const column = this.mirror.get(key)!;
      return Float32Array.from(sources, (s) => column[s]);
    });
  }

  /** Writes every key's column (in `keys` order, one value per member), as `select` gives them. */
  setColumns(columns: readonly Float32Array[]): void {
    if (columns.length !== this.keys.length) throw new Error(`${columns.length} value columns for ${this.keys.length} per-member keys`);
    this.keys.forEach((key, i) => {
      const next = Float32Array.from(columns[i]);
      if (next.length !== this.vectors.get(key)!.shape[0]) throw new Error(`"${key}": ${next.length} values for a population of ${this.vectors.get(key)!.shape[0]}`);
      this.mirror.set(key, next);
      tf.tidy(() => this.vectors.get(key)!.assign(tf.tensor1d(next)));
    });
  }

  dispose(): void {
    for (const v of this.vectors.values()) v.dispose();
  }
}

function asNumber(key: string, value: HyperValue | undefined): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n)) throw new Error(`per-member hyperparameter "${key}" must be a number or a boolean, got ${String(value)}`);
  return n;
}
