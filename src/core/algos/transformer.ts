// The pieces of a small GPT (Radford et al. 2018; Vaswani et al., "Attention Is All You Need", 2017), as the Decision
// Transformer uses them (CORL's dt.py, after minGPT): pre-LayerNorm blocks of causal self-attention and a GELU MLP,
// each added back to its input. Weights are plain tf.Variables initialised like CORL's (normal with std 0.02, zero
// biases, LayerNorm 1 and 0) from the lab's seeded Rng, so a seed fixes them on every backend.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { matMulFastGrad, newVariable, swapLastAxes } from './nets';

/** Dropout as the caller wants it: seeded tf.dropout while training, the identity at evaluation. */
export type Dropout = (x: tf.Tensor) => tf.Tensor;
export const noDropout: Dropout = (x) => x;

function normalVariable(shape: number[], std: number, rng: Rng, name: string): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: n }, () => rng.normal(0, std));
  return newVariable(() => tf.tensor(values, shape), name);
}


/** y = x W + b over the last axis of x (any rank). */
export class Linear {
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  constructor(name: string, readonly inDim: number, readonly outDim: number, rng: Rng) {
    this.w = normalVariable([inDim, outDim], 0.02, rng, `${name}/w`);
    this.b = newVariable(() => tf.zeros([outDim]), `${name}/b`);
  }

  get variables(): tf.Variable[] {
    return [this.w, this.b];
  }

  apply(x: tf.Tensor): tf.Tensor {
    const lead = x.shape.slice(0, -1);
    const y = tf.add(matMulFastGrad(tf.reshape(x, [-1, this.inDim]), this.w), this.b);
    return tf.reshape(y, [...lead, this.outDim]);
  }
}

/** A lookup table (timestep embedding) as one-hot times a matrix: every backend has matMul's gradient, not all have gather's. */
export class Embedding {
  readonly table: tf.Variable;

  constructor(name: string, readonly size: number, readonly dim: number, rng: Rng) {
    this.table = normalVariable([size, dim], 0.02, rng, `${name}/table`);
  }

  get variables(): tf.Variable[] {
    return [this.table];
  }

  /** Rows of the table for int32 indices of any shape; indices past the end use the last row. */
  apply(indices: tf.Tensor): tf.Tensor {
    const clipped = tf.minimum(tf.reshape(indices, [-1]), tf.scalar(this.size - 1, 'int32')) as tf.Tensor1D;
    const rows = matMulFastGrad(tf.oneHot(clipped, this.size), this.table);
    return tf.reshape(rows, [...indices.shape, this.dim]);
  }
}

/** LayerNorm over the last axis (Ba et al. 2016), eps 1e-5 as PyTorch. */
export class LayerNorm {
  readonly gain: tf.Variable;
  readonly bias: tf.Variable;

  constructor(name: string, dim: number) {
    this.gain = newVariable(() => tf.ones([dim]), `${name}/gain`);
    this.bias = newVariable(() => tf.zeros([dim]), `${name}/bias`);
  }

  get variables(): tf.Variable[] {
    return [this.gain, this.bias];
  }

  apply(x: tf.Tensor): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), this.gain), this.bias);
  }
}

/** GELU, exact form x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)) (Hendrycks & Gimpel 2016; PyTorch's nn.GELU default). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
}

/**
 * The causal mask added to attention scores [T, T]: 0 where query i may look at key j (j <= i), -1e9 where j is
 * later, so softmax gives later tokens exactly zero weight. A token's output therefore depends only on itself and
 * the tokens before it: changing a later token cannot change it.
 */
export function causalMask(length: number): tf.Tensor2D {
  const values = new Float32Array(length * length);
  for (let i = 0; i < length; i++) for (let j = i + 1; j < length; j++) values[i * length + j] = -1e9;
  return tf.tensor2d(values, [length, length]);
}

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1) for q, k, v of shape [..., T, d]:
 * softmax(q k^T / sqrt(d) + mask) v, the attention weights passed through `dropProbabilities`.
 */
export function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor2D, dropProbabilities: Dropout = noDropout): tf.Tensor {
  const d = q.shape[q.shape.length - 1];
  const scores = tf.add(tf.div(matMulFastGrad(q, swapLastAxes(k)), Math.sqrt(d)), mask);
  return matMulFastGrad(dropProbabilities(tf.softmax(scores)), v);
}

/** Multi-head causal self-attention with input projections and an output projection (as torch's MultiheadAttention). */
export class CausalSelfAttention {
  private readonly query: Linear;
  private readonly key: Linear;
  private readonly value: Linear;
  private readonly out: Linear;

  constructor(name: string, readonly dim: number, readonly heads: number, rng: Rng) {
    if (dim % heads !== 0) throw new Error(`embedding size ${dim} must be divisible by the number of heads ${heads}`);
    this.query = new Linear(`${name}/query`, dim, dim, rng);
    this.key = new Linear(`${name}/key`, dim, dim, rng);
    this.value = new Linear(`${name}/value`, dim, dim, rng);
    this.out = new Linear(`${name}/out`, dim, dim, rng);
  }

  get variables(): tf.Variable[] {
    return [this.query, this.key, this.value, this.out].flatMap((l) => l.variables);
  }

  /** x [B, T, dim] -> [B, T, dim]. */
  apply(x: tf.Tensor3D, mask: tf.Tensor2D, drop: Dropout): tf.Tensor3D {
    const [b, t] = x.shape;
    const split = (y: tf.Tensor) => tf.transpose(tf.reshape(y, [b, t, this.heads, this.dim / this.heads]), [0, 2, 1, 3]);
    const heads = attention(split(this.query.apply(x)), split(this.key.apply(x)), split(this.value.apply(x)), mask, drop);
    return this.out.apply(tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [b, t, this.dim])) as tf.Tensor3D;
  }
}

/** One pre-LayerNorm block: x + Dropout(Attention(LN(x))), then x + Dropout(MLP(LN(x))) with a 4x wide GELU MLP. */
export class TransformerBlock {
  private readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;
  private readonly attn: CausalSelfAttention;
  private readonly fc1: Linear;
  private readonly fc2: Linear;

  constructor(name: string, dim: number, heads: number, rng: Rng) {
    this.norm1 = new LayerNorm(`${name}/norm1`, dim);
    this.attn = new CausalSelfAttention(`${name}/attention`, dim, heads, rng);
    this.norm2 = new LayerNorm(`${name}/norm2`, dim);
    this.fc1 = new Linear(`${name}/fc1`, dim, 4 * dim, rng);
    this.fc2 = new Linear(`${name}/fc2`, 4 * dim, dim, rng);
  }

  get variables(): tf.Variable[] {
    return [...this.norm1.variables, ...this.attn.variables, ...this.norm2.variables, ...this.fc1.variables, ...this.fc2.variables];
  }

  apply(x: tf.Tensor3D, mask: tf.Tensor2D, drop: Dropout): tf.Tensor3D {
    const h = tf.add(x, drop(this.attn.apply(this.norm1.apply(x) as tf.Tensor3D, mask, drop))) as tf.Tensor3D;
    return tf.add(h, drop(this.fc2.apply(gelu(this.fc1.apply(this.norm2.apply(h)))))) as tf.Tensor3D;
  }
}
