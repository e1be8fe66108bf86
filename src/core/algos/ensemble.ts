// An ensemble of N equally shaped ReLU MLPs held as one batched network with a leading members axis: layer l has
// weights [N, in, out] and biases [N, 1, out], and a forward pass is one batched matMul [N, B, in] x [N, in, out] per
// layer, so N critics cost about one kernel launch each layer instead of N (CORL's VectorizedLinear; PureJaxRL's vmap).
// SAC-N and EDAC use it for their Q ensembles. The forward pass, the input gradient and the reductions below work on
// any leading axes before the ensemble axis, so a population of K such ensembles (population/batchedEnsemble.ts) holds
// [K, N, in, out] weights and still runs one batched product per layer for all K x N networks.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { polyakAverage } from '../tf/polyak';
import { dense, matMulFastGrad, newVariable, swapLastAxes } from './nets';

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
    ensembleInitialLayers(members, sizes, rng, init).forEach(({ w, b }, l) => {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      this.weights.push(newVariable(() => tf.tensor3d(w, [members, fanIn, fanOut]), `${name}/w${l}`));
      this.biases.push(newVariable(() => tf.tensor3d(b, [members, 1, fanOut]), `${name}/b${l}`));
    });
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** Forward pass of every member on its own rows: [N, B, in] -> [N, B, out]; no activation on the output layer. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return ensembleApply(this.weights, this.biases, x);
  }

  /** The output [N, B, 1] and its gradient with respect to the input [N, B, in] (ensembleWithInputGradient). */
  applyWithInputGradient(x: tf.Tensor3D): { out: tf.Tensor3D; inputGradient: tf.Tensor3D } {
    return ensembleWithInputGradient(this.weights, this.biases, x);
  }

  /** Copies every variable of `source` (hard target update). */
  copyFrom(source: EnsembleMLP): void {
    this.variables.forEach((v, i) => v.assign(source.variables[i]));
  }

  /** Polyak averaging: this <- tau * source + (1 - tau) * this, every member at once. */
  softUpdateFrom(source: EnsembleMLP, tau: number): void {
    polyakAverage(this.variables, source.variables, tau);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * The initial values of `members` networks of layer sizes `sizes`, per layer the weights of every member then their
 * biases, flat in member order: each member as PyTorch's nn.Linear (as CORL's VectorizedLinear does per member), then
 * adjusted by `init`; all draws from the lab's seeded Rng.
 */
export function ensembleInitialLayers(members: number, sizes: number[], rng: Rng, init: EnsembleInit = {}): { w: Float32Array; b: Float32Array }[] {
  if (!Number.isInteger(members) || members < 1) throw new Error(`an ensemble needs at least one member, got ${members}`);
  const last = sizes.length - 2;
  const layers: { w: Float32Array; b: Float32Array }[] = [];
  for (let l = 0; l <= last; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const bound = l === last && init.outputBound !== undefined ? init.outputBound : 1 / Math.sqrt(fanIn);
    const w = new Float32Array(members * fanIn * fanOut);
    for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
    const b = new Float32Array(members * fanOut);
    const constantBias = l === last && init.outputBound !== undefined ? undefined : init.bias;
    for (let i = 0; i < b.length; i++) b[i] = constantBias ?? rng.uniform(-bound, bound);
    layers.push({ w, b });
  }
  return layers;
}

/**
 * Forward pass of ReLU networks held as weights [..., in, out] and biases [..., 1, out] on inputs [..., B, in] with the
 * same leading axes: one batched product per layer. Returns the output (no activation) and the ReLU masks.
 */
function ensembleForward<T extends tf.Tensor>(weights: readonly tf.Tensor[], biases: readonly tf.Tensor[], x: T): { out: T; masks: T[] } {
  let h = x;
  const masks: T[] = [];
  const last = weights.length - 1;
  for (let l = 0; l <= last; l++) {
    if (l === last) return { out: dense(h, weights[l], biases[l], 'linear'), masks };
    h = dense(h, weights[l], biases[l], 'relu');
    // 1(z > 0) = 1(relu(z) > 0), as step: it has a (zero) gradient, tf.greater has none.
    masks.push(tf.step(h) as T);
  }
  throw new Error('an ensemble network needs at least one layer');
}

/**
 * The output of scalar-output networks ([..., B, 1]) and its gradient with respect to the input, [..., B, in], by the
 * chain rule written out: d out / d x = W_0 (m_0 * W_1 (m_1 * ... W_L)), m_l = 1(z_l > 0) the ReLU masks. Being a
 * plain expression of the weights, the gradient is itself differentiable with respect to them (EDAC's diversity loss
 * needs this) on every backend, without second-order autodiff.
 */
export function ensembleWithInputGradient<T extends tf.Tensor>(weights: readonly tf.Tensor[], biases: readonly tf.Tensor[], x: T): { out: T; inputGradient: T } {
  const L = weights.length - 1;
  if (weights[L].shape[weights[L].rank - 1] !== 1) throw new Error('input gradients are for networks with one output');
  const { out, masks } = ensembleForward(weights, biases, x);
  // d out / d h_{L-1} = W_L^T, one row per network: [..., 1, h], broadcast over the batch by the mask (by ones when
  // there is no hidden layer and h_{L-1} is the input itself).
  let delta = tf.mul(swapLastAxes(weights[L]), masks[L - 1] ?? tf.onesLike(x)) as T;
  for (let l = L - 1; l >= 0; l--) {
    delta = matMulFastGrad(delta, weights[l], true);
    if (l > 0) delta = tf.mul(delta, masks[l - 1]) as T;
  }
  return { out, inputGradient: delta };
}

/** The forward pass alone (ensembleForward's output). */
export function ensembleApply<T extends tf.Tensor>(weights: readonly tf.Tensor[], biases: readonly tf.Tensor[], x: T): T {
  return ensembleForward(weights, biases, x).out;
}

/**
 * The same rows for every member: [..., B, d] -> [..., N, B, d] (the ensemble axis goes just before the rows). A
 * broadcast add of zeros rather than tf.tile: tile's gradient is a loop of one slice and one add per copy (N kernel pairs
 * in every actor step, which differentiates through here), a broadcast's is one sum.
 */
export function forEveryMember(x: tf.Tensor2D, members: number): tf.Tensor3D;
export function forEveryMember(x: tf.Tensor3D, members: number): tf.Tensor4D;
export function forEveryMember(x: tf.Tensor, members: number): tf.Tensor;
export function forEveryMember(x: tf.Tensor, members: number): tf.Tensor {
  return tf.add(tf.expandDims(x, x.rank - 2), tf.zeros([members, 1, 1]));
}

/**
 * Q_i(s, a) of every member of an ensemble of Q networks on [s, a] (`net` maps [..., N, B, in] to [..., N, B, 1]) from
 * rows shared by all members: [B, .] -> [N, B], or each population member's rows [K, B, .] -> [K, N, B].
 */
export function ensembleQ(net: { apply(x: tf.Tensor): tf.Tensor }, n: number, observations: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor2D;
export function ensembleQ(net: { apply(x: tf.Tensor): tf.Tensor }, n: number, observations: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor3D;
export function ensembleQ(net: { apply(x: tf.Tensor): tf.Tensor }, n: number, observations: tf.Tensor, actions: tf.Tensor): tf.Tensor {
  const input = forEveryMember(tf.concat([observations, actions], -1), n);
  return tf.squeeze(net.apply(input), [input.rank - 1]);
}

/** Per row, the minimum over the members: [..., N, B] -> [..., B] (the pessimistic estimate of SAC-N). */
export function minOverMembers(q: tf.Tensor2D): tf.Tensor1D;
export function minOverMembers(q: tf.Tensor3D): tf.Tensor2D;
export function minOverMembers(q: tf.Tensor): tf.Tensor {
  return tf.min(q, q.rank - 2);
}

/** Per row, the unbiased standard deviation over the members (torch.std): [..., N, B] -> [..., B]; 0 for one member. */
export function stdOverMembers(q: tf.Tensor2D): tf.Tensor1D;
export function stdOverMembers(q: tf.Tensor3D): tf.Tensor2D;
export function stdOverMembers(q: tf.Tensor): tf.Tensor {
  const axis = q.rank - 2;
  const n = q.shape[axis];
  if (n < 2) return tf.zeros(q.shape.filter((_, i) => i !== axis));
  const centred = tf.sub(q, tf.mean(q, axis, true));
  return tf.sqrt(tf.div(tf.sum(tf.square(centred), axis), n - 1));
}
