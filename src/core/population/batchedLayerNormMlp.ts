// algos/layerNorm.ts's LayerNormMLP for K members: a BatchedMLP with a LayerNorm (Ba, Kiros & Hinton 2016) after each
// hidden activation, its gains and shifts [K, 1, H] per member. Same weights and Rng draws as the BatchedMLP (the norm
// parameters start at 1 and 0 and draw nothing), same variable names, shapes and order as the lone network, so
// member k's slices are a lone run's LayerNormMLP and its Adam moments line up with the lone Adam's.
import * as tf from '@tensorflow/tfjs';
import { dense, type Activation } from '../algos/nets';
import { layerNorm } from '../algos/layerNorm';
import type { Rng } from '../rng';
import { BatchedMLP } from './batchedMlp';
import { memberVariable } from './memberVariables';

export class BatchedLayerNormMLP extends BatchedMLP {
  readonly gains: tf.Variable[] = [];
  readonly shifts: tf.Variable[] = [];

  constructor(prefix: string, loneName: string, sizes: number[], members: number, rngs: Rng[] | null, activation: Activation = 'relu') {
    super(prefix, loneName, sizes, members, rngs, activation);
    const norms = (part: 'gain' | 'shift') =>
      sizes.slice(1, -1).map((h, l) => memberVariable(() => (part === 'gain' ? tf.ones([members, 1, h]) : tf.zeros([members, 1, h])), `${prefix}/${loneName}/ln${l}_${part}`, `${loneName}/ln${l}_${part}`, [h]));
    const [gains, shifts] = [norms('gain'), norms('shift')];
    this.memberVariables.push(...gains, ...shifts);
    this.gains.push(...gains.map((v) => v.variable));
    this.shifts.push(...shifts.map((v) => v.variable));
  }

  override get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases, ...this.gains, ...this.shifts];
  }

  /** Dense -> activation -> LayerNorm on every hidden layer, over each member's rows: [K, n, in] -> [K, n, out]. */
  override apply(x: tf.Tensor3D): tf.Tensor3D {
    let h = x;
    const last = this.weights.length - 1;
    for (let l = 0; l < last; l++) {
      const relu = this.activation === 'relu';
      const z = dense(h, this.weights[l], this.biases[l], relu ? 'relu' : 'linear');
      h = layerNorm(relu ? z : tf.tanh(z), this.gains[l], this.shifts[l]);
    }
    return dense(h, this.weights[last], this.biases[last], 'linear');
  }
}
