// The pieces of a small GPT (Radford et al. 2018; Vaswani et al., "Attention Is All You Need", 2017), as the Decision
// Transformer uses them (CORL's dt.py, after minGPT): pre-LayerNorm blocks of causal self-attention and a GELU MLP,
// each added back to its input. Weights are plain tf.Variables initialised like CORL's (normal with std 0.02, zero
// biases, LayerNorm 1 and 0) from the lab's seeded Rng, so a seed fixes them on every backend.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { layerNorm } from './layerNorm';
import { dense, matMulFastGrad, newVariable } from './nets';

/** Dropout as the caller wants it: seeded tf.dropout while training, the identity at evaluation. */
export type Dropout = (x: tf.Tensor) => tf.Tensor;
export const noDropout: Dropout = (x) => x;

/**
 * Where a model's weights come from and how they are laid out: one network's (`loneWeights`), or K members' with a
 * leading members axis (population/memberWeights.ts), each member drawn from its own Rng in the lone draw order. The
 * layers below are written once against this, so a population runs the lone forward pass with [K, ...] weights.
 */
export interface Weights {
  /** A [rows, cols] matrix (per member), drawn from N(0, std) row-major. */
  matrix(name: string, rows: number, cols: number, std: number): tf.Variable;
  /** A [dim] vector (per member, shaped [1, dim] to broadcast over its rows) filled with `value`. */
  vector(name: string, dim: number, value: number): tf.Variable;
  /** The shape an input is folded to before a product with a matrix of `width` rows: [-1, width], or [K, -1, width]. */
  rows(width: number): number[];
}

/** One network's weights, drawn from `rng` (normal with std 0.02 as CORL's DT; zero biases; LayerNorm 1 and 0). */
export function loneWeights(rng: Rng): Weights {
  return {
    matrix: (name, rows, cols, std) => {
      const values = Float32Array.from({ length: rows * cols }, () => rng.normal(0, std));
      return newVariable(() => tf.tensor2d(values, [rows, cols]), name);
    },
    vector: (name, dim, value) => newVariable(() => tf.fill([dim], value), name),
    rows: (width) => [-1, width],
  };
}

/** y = x W + b over the last axis of x (any rank; with members' weights x leads with the members axis). */
export class Linear {
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  constructor(name: string, readonly inDim: number, readonly outDim: number, private readonly weights: Weights) {
    this.w = weights.matrix(`${name}/w`, inDim, outDim, 0.02);
    this.b = weights.vector(`${name}/b`, outDim, 0);
  }

  get variables(): tf.Variable[] {
    return [this.w, this.b];
  }

  apply(x: tf.Tensor): tf.Tensor {
    const lead = x.shape.slice(0, -1);
    const y = dense(tf.reshape(x, this.weights.rows(this.inDim)), this.w, this.b, 'linear');
    return tf.reshape(y, [...lead, this.outDim]);
  }
}

/** A lookup table (timestep embedding) as one-hot times a matrix: every backend has matMul's gradient, not all have gather's. */
export class Embedding {
  readonly table: tf.Variable;

  constructor(name: string, readonly size: number, readonly dim: number, private readonly weights: Weights) {
    this.table = weights.matrix(`${name}/table`, size, dim, 0.02);
  }

  get variables(): tf.Variable[] {
    return [this.table];
  }

  /** Rows of the table for int32 indices of any shape; indices past the end use the last row. */
  apply(indices: tf.Tensor): tf.Tensor {
    const clipped = tf.minimum(tf.reshape(indices, [-1]), tf.scalar(this.size - 1, 'int32')) as tf.Tensor1D;
    const rows = matMulFastGrad(tf.reshape(tf.oneHot(clipped, this.size), this.weights.rows(this.size)), this.table);
    return tf.reshape(rows, [...indices.shape, this.dim]);
  }
}

/** LayerNorm over the last axis (Ba et al. 2016), eps 1e-5 as PyTorch. */
export class LayerNorm {
  readonly gain: tf.Variable;
  readonly bias: tf.Variable;

  constructor(name: string, readonly dim: number, private readonly weights: Weights) {
    this.gain = weights.vector(`${name}/gain`, dim, 1);
    this.bias = weights.vector(`${name}/bias`, dim, 0);
  }

  get variables(): tf.Variable[] {
    return [this.gain, this.bias];
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.reshape(layerNorm(tf.reshape(x, this.weights.rows(this.dim)), this.gain, this.bias, 1e-5), x.shape);
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
  const scores = tf.add(tf.div(matMulFastGrad(q, k, true), Math.sqrt(d)), mask);
  return matMulFastGrad(dropProbabilities(tf.softmax(scores)), v);
}

/** Multi-head causal self-attention with input projections and an output projection (as torch's MultiheadAttention). */
export class CausalSelfAttention {
  private readonly query: Linear;
  private readonly key: Linear;
  private readonly value: Linear;
  private readonly out: Linear;

  constructor(name: string, readonly dim: number, readonly heads: number, weights: Weights) {
    if (dim % heads !== 0) throw new Error(`embedding size ${dim} must be divisible by the number of heads ${heads}`);
    this.query = new Linear(`${name}/query`, dim, dim, weights);
    this.key = new Linear(`${name}/key`, dim, dim, weights);
    this.value = new Linear(`${name}/value`, dim, dim, weights);
    this.out = new Linear(`${name}/out`, dim, dim, weights);
  }

  get variables(): tf.Variable[] {
    return [this.query, this.key, this.value, this.out].flatMap((l) => l.variables);
  }

  /** x [B, T, dim] -> [B, T, dim] (a population's [K, B, T, dim]: the members fold into the batch axis here). */
  apply<X extends tf.Tensor>(x: X, mask: tf.Tensor2D, drop: Dropout): X {
    const t = x.shape[x.rank - 2];
    const b = x.size / (t * this.dim);
    const split = (y: tf.Tensor) => tf.transpose(tf.reshape(y, [b, t, this.heads, this.dim / this.heads]), [0, 2, 1, 3]);
    const heads = attention(split(this.query.apply(x)), split(this.key.apply(x)), split(this.value.apply(x)), mask, drop);
    return this.out.apply(tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), x.shape)) as X;
  }
}

/** One pre-LayerNorm block: x + Dropout(Attention(LN(x))), then x + Dropout(MLP(LN(x))) with a 4x wide GELU MLP. */
export class TransformerBlock {
  private readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;
  private readonly attn: CausalSelfAttention;
  private readonly fc1: Linear;
  private readonly fc2: Linear;

  constructor(name: string, dim: number, heads: number, weights: Weights) {
    this.norm1 = new LayerNorm(`${name}/norm1`, dim, weights);
    this.attn = new CausalSelfAttention(`${name}/attention`, dim, heads, weights);
    this.norm2 = new LayerNorm(`${name}/norm2`, dim, weights);
    this.fc1 = new Linear(`${name}/fc1`, dim, 4 * dim, weights);
    this.fc2 = new Linear(`${name}/fc2`, 4 * dim, dim, weights);
  }

  get variables(): tf.Variable[] {
    return [...this.norm1.variables, ...this.attn.variables, ...this.norm2.variables, ...this.fc1.variables, ...this.fc2.variables];
  }

  /** x [B, T, dim] (a population's [K, B, T, dim]) -> the same shape. */
  apply<X extends tf.Tensor>(x: X, mask: tf.Tensor2D, drop: Dropout): X {
    const h = tf.add(x, drop(this.attn.apply(this.norm1.apply(x), mask, drop)));
    return tf.add(h, drop(this.fc2.apply(gelu(this.fc1.apply(this.norm2.apply(h)))))) as X;
  }
}
