// An ensemble of N equally shaped ReLU MLPs held as one batched network with a leading members axis: layer l has
// weights [N, in, out] and biases [N, 1, out], and a forward pass is one batched matMul [N, B, in] x [N, in, out] per
// layer, so N critics cost about one kernel launch each layer instead of N (CORL's VectorizedLinear; PureJaxRL's vmap).
// SAC-N and EDAC use it for their Q ensembles; populations can reuse it for K members of one model.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { matMulFastGrad, newVariable, swapLastAxes } from './nets';

export interface EnsembleInit {
  /** Every bias starts at this constant (CORL's EDAC critics: 0.1) instead of PyTorch's U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
  bias?: number;
  /** The output layer's weights and biases are drawn from U(-bound, bound) (CORL's EDAC critics: 3e-3). */
  outputBound?: number;
}

export class EnsembleMLP {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  /**
   * `members` networks of layer sizes `sizes`, each member initialised as PyTorch's nn.Linear (as CORL's
   * VectorizedLinear does per member), then adjusted by `init`; all draws come from the lab's seeded Rng.
   */
  constructor(
    readonly name: string,
    readonly members: number,
    readonly sizes: number[],
    rng: Rng,
    init: EnsembleInit = {},
  ) {
    if (!Number.isInteger(members) || members < 1) throw new Error(`an ensemble needs at least one member, got ${members}`);
    const last = sizes.length - 2;
    for (let l = 0; l <= last; l++) {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      const bound = l === last && init.outputBound !== undefined ? init.outputBound : 1 / Math.sqrt(fanIn);
      const w = new Float32Array(members * fanIn * fanOut);
      for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
      const b = new Float32Array(members * fanOut);
      const constantBias = l === last && init.outputBound !== undefined ? undefined : init.bias;
      for (let i = 0; i < b.length; i++) b[i] = constantBias ?? rng.uniform(-bound, bound);
      this.weights.push(newVariable(() => tf.tensor3d(w, [members, fanIn, fanOut]), `${name}/w${l}`));
      this.biases.push(newVariable(() => tf.tensor3d(b, [members, 1, fanOut]), `${name}/b${l}`));
    }
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** Forward pass of every member on its own rows: [N, B, in] -> [N, B, out]; no activation on the output layer. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return this.forward(x).out;
  }

  /**
   * The output (scalar-output networks: [N, B, 1]) and its gradient with respect to the input, [N, B, in], by the
   * chain rule written out: d out / d x = W_0 (m_0 * W_1 (m_1 * ... W_L)), m_l = 1(z_l > 0) the ReLU masks. Being a
   * plain expression of the weights, the gradient is itself differentiable with respect to them (EDAC's diversity
   * loss needs this) on every backend, without second-order autodiff.
   */
  applyWithInputGradient(x: tf.Tensor3D): { out: tf.Tensor3D; inputGradient: tf.Tensor3D } {
    if (this.sizes[this.sizes.length - 1] !== 1) throw new Error('input gradients are for networks with one output');
    const { out, masks } = this.forward(x);
    const L = this.weights.length - 1;
    // d out / d h_{L-1} = W_L^T, one row per member: [N, 1, h], broadcast over the batch by the mask (by ones when
    // there is no hidden layer and h_{L-1} is the input itself).
    let delta = tf.mul(swapLastAxes(this.weights[L]), masks[L - 1] ?? tf.onesLike(x)) as tf.Tensor3D;
    for (let l = L - 1; l >= 0; l--) {
      delta = matMulFastGrad(delta, swapLastAxes(this.weights[l]));
      if (l > 0) delta = tf.mul(delta, masks[l - 1]) as tf.Tensor3D;
    }
    return { out, inputGradient: delta };
  }

  /** Copies every variable of `source` (hard target update). */
  copyFrom(source: EnsembleMLP): void {
    this.variables.forEach((v, i) => v.assign(source.variables[i]));
  }

  /** Polyak averaging: this <- tau * source + (1 - tau) * this, every member at once. */
  softUpdateFrom(source: EnsembleMLP, tau: number): void {
    tf.tidy(() => {
      this.variables.forEach((v, i) => v.assign(tf.add(tf.mul(source.variables[i], tau), tf.mul(v, 1 - tau))));
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }

  private forward(x: tf.Tensor3D): { out: tf.Tensor3D; masks: tf.Tensor3D[] } {
    let h = x;
    const masks: tf.Tensor3D[] = [];
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const z = tf.add(matMulFastGrad(h, this.weights[l]), this.biases[l]) as tf.Tensor3D;
      if (l === last) return { out: z, masks };
      // 1(z > 0) as step(z): it has a (zero) gradient, tf.greater has none.
      masks.push(tf.step(z) as tf.Tensor3D);
      h = tf.relu(z) as tf.Tensor3D;
    }
    throw new Error('an ensemble network needs at least one layer');
  }
}

/** The same rows for every member: [B, d] -> [N, B, d]. */
export function forEveryMember(x: tf.Tensor2D, members: number): tf.Tensor3D {
  return tf.tile(tf.expandDims(x, 0), [members, 1, 1]) as tf.Tensor3D;
}

/** Per row, the minimum over the members: [N, B] -> [B] (the pessimistic estimate of SAC-N). */
export function minOverMembers(q: tf.Tensor2D): tf.Tensor1D {
  return tf.min(q, 0) as tf.Tensor1D;
}

/** Per row, the unbiased standard deviation over the members (torch.std): [N, B] -> [B]; 0 for one member. */
export function stdOverMembers(q: tf.Tensor2D): tf.Tensor1D {
  const n = q.shape[0];
  if (n < 2) return tf.zeros([q.shape[1]]) as tf.Tensor1D;
  const centred = tf.sub(q, tf.mean(q, 0, true));
  return tf.sqrt(tf.div(tf.sum(tf.square(centred), 0), n - 1)) as tf.Tensor1D;
}
