// An MLP for K members at once: weights [K, in, out], biases [K, 1, out], inputs [K, batch, in]. Every layer is one
// batched matMul over the members (what PureJaxRL gets from vmap), so each kernel does K members' work.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { initialLayers, matMulFastGrad, type Activation } from '../algos/nets';
import { memberVariable, type MemberVariable } from './memberVariables';

export class BatchedMLP {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];
  /** weights then biases, as MLP.variables, with their lone-run names and shapes. */
  readonly memberVariables: MemberVariable[] = [];

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
    if (rngs && rngs.length !== members) throw new Error(`BatchedMLP ${loneName}: ${rngs.length} seeds for ${members} members`);
    const draws = rngs?.map((rng) => initialLayers(sizes, rng));
    const weights: MemberVariable[] = [];
    const biases: MemberVariable[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      const stack = (part: 'w' | 'b', n: number): Float32Array => {
        const out = new Float32Array(members * n);
        draws?.forEach((layers, k) => out.set(layers[l][part], k * n));
        return out;
      };
      weights.push(memberVariable(() => tf.tensor3d(stack('w', fanIn * fanOut), [members, fanIn, fanOut]), `${prefix}/${loneName}/w${l}`, `${loneName}/w${l}`, [fanIn, fanOut]));
      biases.push(memberVariable(() => tf.tensor3d(stack('b', fanOut), [members, 1, fanOut]), `${prefix}/${loneName}/b${l}`, `${loneName}/b${l}`, [fanOut]));
    }
    this.memberVariables.push(...weights, ...biases);
    this.weights.push(...weights.map((v) => v.variable));
    this.biases.push(...biases.map((v) => v.variable));
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** Forward pass of every member on its own rows: [K, n, in] -> [K, n, out]; no activation on the output layer. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    let h = x;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const z = denseLayer(h, this.weights[l], this.biases[l]);
      h = l === last ? z : this.activation === 'relu' ? tf.relu(z) : tf.tanh(z);
    }
    return h;
  }

  copyFrom(source: BatchedMLP): void {
    this.variables.forEach((v, i) => v.assign(source.variables[i]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * x w + b for every member: [K, n, in] x [K, in, out] + [K, 1, out], one batched product. On wasm that product is
 * core/tf/wasmBatchMatMul.ts's (each member through XNNPACK, one kernel for all K); tfjs-wasm's own multiplies
 * batched operands in a plain loop.
 */
export function denseLayer(x: tf.Tensor3D, w: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  return tf.add(matMulFastGrad(x, w), b) as tf.Tensor3D;
}

/**
 * Polyak averaging with a rate per member: target <- tau * online + (1 - tau) * target, tau [K] read from the device.
 * Any networks whose variables lead with the members axis (MLPs [K, in, out], ensembles [K, N, in, out]).
 */
export function softUpdateMembers(target: { readonly variables: tf.Variable[] }, online: { readonly variables: tf.Variable[] }, tau: tf.Tensor1D): void {
  tf.tidy(() => {
    const sources = online.variables;
    target.variables.forEach((v, i) => {
      const t = tf.reshape(tau, [-1, ...v.shape.slice(1).map(() => 1)]);
      v.assign(tf.add(tf.mul(sources[i], t), tf.mul(v, tf.sub(1, t))));
    });
  });
}
