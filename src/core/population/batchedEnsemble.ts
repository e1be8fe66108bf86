// K ensembles of N ReLU MLPs (SAC-N's and EDAC's Q ensembles for a population of K members) held as one batched
// network: layer l has weights [K, N, in, out] and biases [K, N, 1, out], and a forward pass on [K, N, B, in] is one
// batched product per layer for all K x N networks (algos/ensemble.ts's pieces, which take any leading axes), so the
// kernel count depends on neither K nor N. Slice k is member k's algos/ensemble.ts EnsembleMLP, same names and shapes.
import * as tf from '@tensorflow/tfjs';
import { ensembleApply, ensembleInitialLayers, ensembleWithInputGradient, type EnsembleInit } from '../algos/ensemble';
import type { Rng } from '../rng';
import { softUpdateMembers } from './batchedMlp';
import { memberVariable, type MemberVariable } from './memberVariables';

export class BatchedEnsemble {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];
  /** weights then biases, as EnsembleMLP.variables, with their lone-run names and shapes. */
  readonly memberVariables: MemberVariable[] = [];

  /**
   * `loneName` is the ensemble's name in a lone run (e.g. "edac/q"); `rngs` one per member, each drawn exactly as a lone
   * run's EnsembleMLP draws from its Rng (null: zeros, for targets that are then copied from their online ensemble).
   */
  constructor(
    prefix: string,
    readonly loneName: string,
    readonly size: number,
    readonly sizes: number[],
    readonly members: number,
    rngs: Rng[] | null,
    init: EnsembleInit = {},
  ) {
    if (rngs && rngs.length !== members) throw new Error(`BatchedEnsemble ${loneName}: ${rngs.length} seeds for ${members} members`);
    const draws = rngs?.map((rng) => ensembleInitialLayers(size, sizes, rng, init));
    const weights: MemberVariable[] = [];
    const biases: MemberVariable[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      const stack = (part: 'w' | 'b', n: number): Float32Array => {
        const out = new Float32Array(members * n);
        draws?.forEach((layers, k) => out.set(layers[l][part], k * n));
        return out;
      };
      const [w, b] = [[size, fanIn, fanOut], [size, 1, fanOut]];
      weights.push(memberVariable(() => tf.tensor4d(stack('w', size * fanIn * fanOut), [members, ...w] as [number, number, number, number]), `${prefix}/${loneName}/w${l}`, `${loneName}/w${l}`, w));
      biases.push(memberVariable(() => tf.tensor4d(stack('b', size * fanOut), [members, ...b] as [number, number, number, number]), `${prefix}/${loneName}/b${l}`, `${loneName}/b${l}`, b));
    }
    this.memberVariables.push(...weights, ...biases);
    this.weights.push(...weights.map((v) => v.variable));
    this.biases.push(...biases.map((v) => v.variable));
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** Every network on its own rows: [K, N, B, in] -> [K, N, B, out]; no activation on the output layer. */
  apply(x: tf.Tensor): tf.Tensor4D {
    return ensembleApply(this.weights, this.biases, x as tf.Tensor4D);
  }

  /** The output [K, N, B, 1] and its gradient with respect to the input, [K, N, B, in] (EDAC's diversity loss). */
  applyWithInputGradient(x: tf.Tensor4D): { out: tf.Tensor4D; inputGradient: tf.Tensor4D } {
    return ensembleWithInputGradient(this.weights, this.biases, x);
  }

  copyFrom(source: BatchedEnsemble): void {
    this.variables.forEach((v, i) => v.assign(source.variables[i]));
  }

  /** Polyak averaging of every member's ensemble with its own rate tau [K]. */
  softUpdateFrom(source: BatchedEnsemble, tau: tf.Tensor1D): void {
    softUpdateMembers(this, source, tau);
  }
}
