// K ensembles of N ReLU MLPs (SAC-N's and EDAC's Q ensembles for a population of K members) held as one batched
// network: layer l has weights [K, N, in, out] and biases [K, N, 1, out], and a forward pass on [K, N, B, in] is one
// batched product per layer for all K x N networks (algos/ensemble.ts's pieces, which take any leading axes), so the
// kernel count depends on neither K nor N. Slice k is member k's algos/ensemble.ts EnsembleMLP, same names and shapes.
import * as tf from '@tensorflow/tfjs';
import { ensembleApply, ensembleInitialLayers, ensembleWithInputGradient, type EnsembleInit } from '../algos/ensemble';
import type { Rng } from '../rng';
import { MemberLayers, softUpdateMembers } from './batchedMlp';

export class BatchedEnsemble extends MemberLayers {
  /**
   * `loneName` is the ensemble's name in a lone run (e.g. "edac/q"), `size` its N; `rngs` one per member, each drawn
   * exactly as a lone run's EnsembleMLP draws from its Rng (null: zeros, for targets then copied from their online one).
   */
  constructor(prefix: string, loneName: string, size: number, sizes: number[], members: number, rngs: Rng[] | null, init: EnsembleInit = {}) {
    super(
      prefix,
      loneName,
      members,
      rngs?.map((rng) => ensembleInitialLayers(size, sizes, rng, init)) ?? null,
      sizes.slice(1).map((fanOut, l) => ({ w: [size, sizes[l], fanOut], b: [size, 1, fanOut] })),
    );
  }

  /** Every network on its own rows: [K, N, B, in] -> [K, N, B, out]; no activation on the output layer. */
  apply(x: tf.Tensor): tf.Tensor4D {
    return ensembleApply(this.weights, this.biases, x as tf.Tensor4D);
  }

  /** The output [K, N, B, 1] and its gradient with respect to the input, [K, N, B, in] (EDAC's diversity loss). */
  applyWithInputGradient(x: tf.Tensor4D): { out: tf.Tensor4D; inputGradient: tf.Tensor4D } {
    return ensembleWithInputGradient(this.weights, this.biases, x);
  }

  /** Polyak averaging of every member's ensemble with its own rate tau [K]. */
  softUpdateFrom(source: BatchedEnsemble, tau: tf.Tensor1D): void {
    softUpdateMembers(this, source, tau);
  }
}
