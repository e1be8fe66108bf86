// An MLP for K members at once: weights [K, in, out], biases [K, 1, out], inputs [K, batch, in]. Every layer is one
// batched matMul over the members (what PureJaxRL gets from vmap), so each kernel does K members' work.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { dense, initialLayers, type Activation } from '../algos/nets';
import { polyakAverage } from '../tf/polyak';
import { memberVariable, type MemberVariable } from './memberVariables';

/** One network's initial values for one member, as the lone network draws them: per layer, weights and biases, flat. */
export type LayerDraws = { w: Float32Array; b: Float32Array }[];

/**
 * The variables of K networks of one shape, layer l's weight and bias stacked over the members ([K, ...slice]) from
 * each member's draws (null: zeros, for targets that are then copied), named and shaped as the lone network's layers
 * (`w`, `b`: lone shapes; `bSlice`: a member's bias slice where it differs from `b`). BatchedMLP and
 * batchedEnsemble.ts's BatchedEnsemble are this with their own forward pass.
 */
export class MemberLayers {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];
  /** weights then biases, as the lone network's variables, with their lone-run names and shapes. */
  readonly memberVariables: MemberVariable[] = [];

  constructor(prefix: string, loneName: string, members: number, draws: LayerDraws[] | null, layers: { w: number[]; b: number[]; bSlice?: number[] }[]) {
    if (draws && draws.length !== members) throw new Error(`${loneName}: ${draws.length} seeds for ${members} members`);
    const variable = (l: number, part: 'w' | 'b', loneShape: number[], slice: number[]): MemberVariable => {
      const n = slice.reduce((a, b) => a * b, 1);
      const values = new Float32Array(members * n);
      draws?.forEach((member, k) => values.set(member[l][part], k * n));
      return memberVariable(() => tf.tensor(values, [members, ...slice]), `${prefix}/${loneName}/${part}${l}`, `${loneName}/${part}${l}`, loneShape);
    };
    this.memberVariables.push(...layers.map((shape, l) => variable(l, 'w', shape.w, shape.w)), ...layers.map((shape, l) => variable(l, 'b', shape.b, shape.bSlice ?? shape.b)));
    this.weights.push(...this.memberVariables.slice(0, layers.length).map((v) => v.variable));
    this.biases.push(...this.memberVariables.slice(layers.length).map((v) => v.variable));
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  copyFrom(source: MemberLayers): void {
    this.variables.forEach((v, i) => v.assign(source.variables[i]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

export class BatchedMLP extends MemberLayers {
  /**
   * `loneName` is the network's name in a lone run (e.g. "iql/q1"); `rngs` one per member, each drawn exactly as a lone
   * run's MLP draws from its Rng (null: zeros, for targets that are then copied from their online network).
   */
  constructor(
    prefix: string,
    readonly loneName: string,
    readonly sizes: number[],
    readonly members: number,
    rngs: Rng[] | null,
    readonly activation: Activation = 'relu',
  ) {
    super(
      prefix,
      loneName,
      members,
      rngs?.map((rng) => initialLayers(sizes, rng)) ?? null,
      sizes.slice(1).map((fanOut, l) => ({ w: [sizes[l], fanOut], b: [fanOut], bSlice: [1, fanOut] })),
    );
  }

  /** Forward pass of every member on its own rows: [K, n, in] -> [K, n, out]; no activation on the output layer. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return this.applyWithFeatures(x).out;
  }

  /** Forward pass that also returns the last hidden layer's activations [K, n, hidden] (gSDE's state features). */
  applyWithFeatures(x: tf.Tensor3D): { out: tf.Tensor3D; features: tf.Tensor3D } {
    let h = x;
    let features = x;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      if (l === last) features = h;
      h = dense(h, this.weights[l], this.biases[l], l === last ? 'linear' : this.activation);
    }
    return { out: h, features };
  }
}

/**
 * Polyak averaging with a rate per member: target <- tau * online + (1 - tau) * target, tau [K] read from the device.
 * Any networks whose variables lead with the members axis (MLPs [K, in, out], ensembles [K, N, in, out]).
 */
export function softUpdateMembers(target: { readonly variables: tf.Variable[] }, online: { readonly variables: tf.Variable[] }, tau: tf.Tensor1D): void {
  polyakAverage(target.variables, online.variables, tau);
}
