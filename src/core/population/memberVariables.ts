// Variables with a leading members axis: slice k of each is member k's copy of what a lone run holds in one variable.
// Checkpoints of a member are written in the lone run's names and shapes, so a member can leave the population as a lone
// run (pause, fork) and a lone run's checkpoint can be loaded into a member's slice.
import * as tf from '@tensorflow/tfjs';
import { newVariable } from '../algos/nets';

export interface MemberVariable {
  /** [K, ...]: member k's values are slice k. */
  variable: tf.Variable;
  /** The name of the same variable in a lone run (its checkpoint key). */
  loneName: string;
  /** Its shape in a lone run (same number of values as one slice, e.g. a bias [out] for a slice [1, out]). */
  loneShape: number[];
}

export type WeightRecord = Record<string, { shape: number[]; values: Float32Array }>;

let populations = 0;

/** A prefix unique to one population in this process: tfjs variable names are global, and a lone run may hold the plain names. */
export function populationPrefix(): string {
  populations += 1;
  return `population${populations}`;
}

export function memberVariable(init: () => tf.Tensor, name: string, loneName: string, loneShape: number[], trainable = true): MemberVariable {
  return { variable: newVariable(init, name, trainable), loneName, loneShape };
}

/** Values per member of one slice each, read from the device in one pass (async reads only: webgpu-safe). */
export async function readMemberSlices(variables: readonly tf.Variable[], members: number): Promise<Float32Array[][]> {
  const all = await Promise.all(variables.map((v) => v.data() as Promise<Float32Array>));
  return Array.from({ length: members }, (_, k) =>
    all.map((values) => {
      const n = values.length / members;
      return values.slice(k * n, (k + 1) * n);
    }),
  );
}

/** Every member's weights as lone-run checkpoint records. */
export async function readMemberWeights(vars: readonly MemberVariable[], members: number): Promise<WeightRecord[]> {
  const slices = await readMemberSlices(vars.map((v) => v.variable), members);
  return slices.map((values) => Object.fromEntries(vars.map((v, i) => [v.loneName, { shape: v.loneShape.slice(), values: values[i] }])));
}

/** Overwrites slice `member` of `variable` with `values` (one slice's worth), leaving the other members untouched. */
export function writeSlice(variable: tf.Variable, member: number, values: Float32Array): void {
  const [members, ...slice] = variable.shape;
  const count = slice.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`${variable.name}: a member's slice has ${count} values, got ${values.length}`);
  if (member < 0 || member >= members) throw new Error(`member ${member} is outside the population of ${members}`);
  tf.tidy(() => {
    const mask = tf.oneHot(tf.tensor1d([member], 'int32'), members).reshape([members, ...slice.map(() => 1)]);
    variable.assign(tf.where(tf.cast(mask, 'bool'), tf.tensor(values, [1, ...slice]), variable));
  });
}

/** Writes a lone run's weights (checkpoint record) into member `member`'s slices; names and shapes must match. */
export function writeMemberWeights(vars: readonly MemberVariable[], member: number, weights: WeightRecord): void {
  for (const v of vars) {
    const w = weights[v.loneName];
    if (!w) throw new Error(`checkpoint has no weights for ${v.loneName}`);
    if (w.shape.join('x') !== v.loneShape.join('x')) throw new Error(`checkpoint weights ${v.loneName} have shape ${w.shape.join('x')}, expected ${v.loneShape.join('x')}`);
    writeSlice(v.variable, member, w.values);
  }
}

/** Slice j of every variable becomes slice `sources[j]` (PBT's exploit: the identity except where a member copies another). */
export function permuteMembers(variables: readonly tf.Variable[], sources: number[]): void {
  assignMembers(variables, gatherMembers(variables, sources));
}

/** Slices `sources` of every variable as new tensors [sources.length, ...] (e.g. the members a smaller population keeps). */
export function gatherMembers(variables: readonly tf.Tensor[], sources: readonly number[]): tf.Tensor[] {
  return tf.tidy(() => {
    const idx = tf.tensor1d(sources as number[], 'int32');
    return variables.map((v) => tf.gather(v, idx));
  });
}

/** Writes `values[i]` into `variables[i]` (shapes must match) and disposes the values. */
export function assignMembers(variables: readonly tf.Variable[], values: readonly tf.Tensor[]): void {
  try {
    if (values.length !== variables.length) throw new Error(`${values.length} member tensors for ${variables.length} variables`);
    variables.forEach((v, i) => {
      if (values[i].shape.join('x') !== v.shape.join('x')) throw new Error(`${v.name}: member tensor of shape ${values[i].shape.join('x')}, expected ${v.shape.join('x')}`);
    });
    variables.forEach((v, i) => v.assign(values[i]));
  } finally {
    tf.dispose(values as tf.Tensor[]);
  }
}

/** The copy map of "member `to` takes member `from`'s slice" for a population of `members`. */
export function copyMap(members: number, from: number, to: number): number[] {
  for (const m of [from, to]) if (!(Number.isInteger(m) && m >= 0 && m < members)) throw new Error(`member ${m} is outside the population of ${members}`);
  return Array.from({ length: members }, (_, j) => (j === to ? from : j));
}
