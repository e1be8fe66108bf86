import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { explicitTransposeMatMul, product, swapLastAxes } from '../tf/explicitTransposeMatMul';
import { polyakAverage } from '../tf/polyak';
import { wasmDense, wasmDenseTakes } from '../tf/wasmDense';
import { webgpuDense, webgpuDenseTakes } from '../tf/webgpuDense';

export { swapLastAxes };

export type Activation = 'relu' | 'tanh';

/**
 * A variable from an initial value. Made inside tidy because tf.variable shares the initial tensor's data, and
 * that tensor would otherwise outlive the model (every run leaked its weight memory before).
 */
export function newVariable(init: () => tf.Tensor, name?: string, trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(init(), trainable, name));
}

/** Parses a hidden-sizes control value like "256,256". */
export function parseHidden(value: unknown): number[] {
  const sizes = String(value).split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
    throw new Error(`hidden sizes must be comma-separated whole numbers between 1 and 4096, got "${String(value)}"`);
  }
  return sizes;
}

/**
 * Initial weights ([fanIn * fanOut], row-major) and biases of each layer, drawn as PyTorch's nn.Linear does
 * (U(-1/sqrt(fan_in), 1/sqrt(fan_in))), layer by layer, weights before biases. MLP and the population's BatchedMLP
 * (one draw per member) both start from here, so member k of a population starts where a lone run with its seed does.
 */
export function initialLayers(sizes: number[], rng: Rng): { w: Float32Array; b: Float32Array }[] {
  const layers: { w: Float32Array; b: Float32Array }[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const bound = 1 / Math.sqrt(fanIn);
    const w = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
    const b = new Float32Array(fanOut);
    for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
    layers.push({ w, b });
  }
  return layers;
}

/**
 * A fully connected network held as plain tf.Variables so updates stay inside one tf.tidy.
 * Initialised like PyTorch's nn.Linear (U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases), as CORL uses,
 * drawn from the lab's seeded Rng so a seed fixes the weights on every backend.
 */
export class MLP {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  constructor(
    readonly name: string,
    readonly sizes: number[],
    rng: Rng,
    readonly activation: Activation = 'relu',
  ) {
    initialLayers(sizes, rng).forEach(({ w, b }, l) => {
      this.weights.push(newVariable(() => tf.tensor2d(w, [sizes[l], sizes[l + 1]]), `${name}/w${l}`));
      this.biases.push(newVariable(() => tf.tensor1d(b), `${name}/b${l}`));
    });
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** Forward pass; no activation on the output layer. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.applyWithFeatures(x).out;
  }

  /** Forward pass that also returns the last hidden layer's activations (gSDE's state features). */
  applyWithFeatures(x: tf.Tensor2D): { out: tf.Tensor2D; features: tf.Tensor2D } {
    let h = x;
    let features = x;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      if (l === last) features = h;
      h = dense(h, this.weights[l], this.biases[l], l === last ? 'linear' : this.activation);
    }
    return { out: h, features };
  }

  /** Copies every variable of `source` into this network (hard target update). */
  copyFrom(source: MLP): void {
    this.variables.forEach((v, i) => v.assign(source.variables[i]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * act(x w + b), a layer of MLP and of the population's BatchedMLP: one kernel for the product, bias and relu on wasm
 * with the lab's GEMM (core/tf/wasmDense.ts) and on webgpu (core/tf/webgpuDense.ts), tanh following as its own;
 * elsewhere the product, an add and the activation.
 */
export function dense<T extends tf.Tensor>(x: T, w: tf.Tensor, b: tf.Tensor, activation: Activation | 'linear'): T {
  const relu = activation === 'relu';
  const oneKernel = wasmDenseTakes(x, w, b) ? wasmDense(x, w, b, relu) : webgpuDenseTakes(x, w, b) ? webgpuDense(x, w, b, relu) : null;
  if (oneKernel) return activation === 'tanh' ? hiddenActivation(oneKernel, 'tanh') : oneKernel;
  const z = tf.add(matMulFastGrad(x, w), b) as T;
  return activation === 'linear' ? z : hiddenActivation(z, activation);
}

/** A hidden layer's activation (MLP and the population's BatchedMLP). */
export function hiddenActivation<T extends tf.Tensor>(z: T, activation: Activation): T {
  if (activation === 'relu') return tf.relu(z);
  return tf.getBackend() === 'wasm' ? tanhViaSigmoid(z) : tf.tanh(z);
}

/**
 * tanh(x) = 2 sigmoid(2x) - 1 with tanh's own gradient dy (1 - y^2), for wasm: there tfjs's Tanh took 2.8 ms on
 * [8, 256, 64] where its Sigmoid (XNNPACK's) took 0.15 ms and this 0.4 ms, within 2e-7 of Tanh (measured 2026-11-28);
 * Tanh was a third of a PPO population's update.
 */
const tanhViaSigmoid = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const y = tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
  save([y]);
  return { value: y, gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, tf.sub(1, tf.square(saved))) };
}) as never) as unknown as <T extends tf.Tensor>(x: T) => T;

/**
 * x w, or x w^T with `transposeW` (rank 2, or batched with the same leading axes), with gradients that are fast on
 * wasm too: there each computed only when something asked for it, the transposed operands read in place by the lab's
 * GEMM (or transposed first where it cannot run; core/tf/explicitTransposeMatMul.ts); on the other backends tfjs's
 * own matMul.
 */
export function matMulFastGrad<T extends tf.Tensor>(x: T, w: tf.Tensor, transposeW = false): T {
  if (tf.getBackend() !== 'wasm') return tf.matMul(x, w, false, transposeW) as T;
  return (transposeW ? product(x, w, false, true) : explicitTransposeMatMul(x, w)) as T;
}

/** Polyak averaging of target networks: target <- tau * online + (1 - tau) * target. */
export function softUpdate(target: MLP, online: MLP, tau: number): void {
  polyakAverage(target.variables, online.variables, tau);
}

/** Reads all variables of some networks (or any holders of variables) into a checkpoint record (async reads only: webgpu-safe). */
export async function readWeights(nets: readonly { readonly variables: tf.Variable[] }[]): Promise<Record<string, { shape: number[]; values: Float32Array }>> {
  const out: Record<string, { shape: number[]; values: Float32Array }> = {};
  for (const net of nets) {
    for (const v of net.variables) out[v.name] = { shape: v.shape.slice(), values: (await v.data()) as Float32Array };
  }
  return out;
}

export function writeWeights(nets: readonly { readonly variables: tf.Variable[] }[], weights: Record<string, { shape: number[]; values: Float32Array }>): void {
  for (const net of nets) {
    for (const v of net.variables) {
      const w = weights[v.name];
      if (!w) throw new Error(`checkpoint has no weights for ${v.name}`);
      if (w.shape.join('x') !== v.shape.join('x')) throw new Error(`checkpoint weights ${v.name} have shape ${w.shape.join('x')}, expected ${v.shape.join('x')}`);
      tf.tidy(() => v.assign(tf.tensor(w.values, w.shape)));
    }
  }
}
