import * as tf from '@tensorflow/tfjs';
import { adamKernel, adamKernelFits, type AdamConstants } from '../tf/wasmAdam';
import { webgpuAdamFits, webgpuAdamStep } from '../tf/webgpuAdam';
import { newVariable } from './nets';

/** Adam's moments and step count as plain data: what a checkpoint keeps so a resumed or copied agent trains on exactly. */
export interface OptimizerState {
  t: number;
  m: { shape: number[]; values: Float32Array }[];
  v: { shape: number[]; values: Float32Array }[];
}

/** Optimizers built inside `collectOptimizers`; lets the trainer checkpoint them without every algorithm listing its own. */
let collecting: Adam[] | null = null;

/** Runs `build` (an algorithm's create) and returns what it built with every Adam it created, in creation order. */
export function collectOptimizers<T>(build: () => T): { value: T; optimizers: Adam[] } {
  const outer = collecting;
  const optimizers: Adam[] = [];
  collecting = optimizers;
  try {
    return { value: build(), optimizers };
  } finally {
    collecting = outer;
  }
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) over a fixed list of variables, with a learning rate that can change
 * between updates (tfjs's built-in optimizer fixes it at construction) and optional global-norm clipping and
 * decoupled weight decay (AdamW, Loshchilov & Hutter 2019).
 */
export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    readonly variables: tf.Variable[],
    public learningRate: number,
    readonly options: { beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number; clipNorm?: number } = {},
  ) {
    this.m = variables.map((x) => newVariable(() => tf.zerosLike(x), undefined, false));
    this.v = variables.map((x) => newVariable(() => tf.zerosLike(x), undefined, false));
    collecting?.push(this);
  }

  async state(): Promise<OptimizerState> {
    const read = (xs: tf.Variable[]) => Promise.all(xs.map(async (x) => ({ shape: x.shape.slice(), values: (await x.data()) as Float32Array })));
    return { t: this.t, m: await read(this.m), v: await read(this.v) };
  }

  /** Takes over moments and step count (the shapes must match: the same algorithm and network sizes). */
  setState(state: OptimizerState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) throw new Error(`optimizer state has ${state.m.length} moments, expected ${this.m.length}`);
    const write = (xs: tf.Variable[], from: OptimizerState['m']) =>
      xs.forEach((x, i) => {
        if (from[i].shape.join('x') !== x.shape.join('x')) throw new Error(`optimizer moment ${i} has shape ${from[i].shape.join('x')}, expected ${x.shape.join('x')}`);
        tf.tidy(() => x.assign(tf.tensor(from[i].values, from[i].shape)));
      });
    write(this.m, state.m);
    write(this.v, state.v);
    this.t = state.t;
  }

  /**
   * Computes gradients of `loss` and applies one Adam step. Returns the loss and the global gradient norm
   * (before clipping). Call inside tf.tidy. On wasm with small variables the step is one kernel (tf/wasmAdam.ts) that
   * gives the bits of the tf ops below; on webgpu four WebGPU programs per variable (tf/webgpuAdam.ts) that agree with
   * them within float rounding.
   */
  minimize(loss: () => tf.Scalar): { loss: tf.Scalar; gradNorm: tf.Scalar } {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    const gs = this.variables.map((x) => grads[x.name]);
    let gradNorm: tf.Scalar;
    if (adamKernelFits(this.variables)) gradNorm = this.stepKernel(adamKernel, gs);
    else if (webgpuAdamFits()) gradNorm = this.stepKernel(webgpuAdamStep, gs);
    else gradNorm = this.stepOps(gs);
    return { loss: value, gradNorm };
  }

  /** The next step's constants (counts the step). */
  private next(): AdamConstants & { wd: number } {
    this.t += 1;
    const b1 = this.options.beta1 ?? 0.9;
    const b2 = this.options.beta2 ?? 0.999;
    // Bias corrections applied as PyTorch's Adam does: x -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).
    return { b1, b2, eps: this.options.epsilon ?? 1e-8, bc1: 1 - b1 ** this.t, sqrtBc2: Math.sqrt(1 - b2 ** this.t), wd: this.options.weightDecay ?? 0 };
  }

  /** The step as one of the kernels (`kernel`: tf/wasmAdam.ts's or tf/webgpuAdam.ts's). */
  private stepKernel(kernel: typeof adamKernel, gs: tf.Tensor[]): tf.Scalar {
    const { wd, ...c } = this.next();
    const lr = this.learningRate;
    const next = kernel(this.variables, gs, this.m, this.v, c, { step: lr / c.bc1, decay: wd > 0 ? 1 - lr * wd : undefined, clipNorm: this.options.clipNorm });
    this.variables.forEach((x, i) => {
      x.assign(next.x[i]);
      this.m[i].assign(next.m[i]);
      this.v[i].assign(next.v[i]);
    });
    return next.gradNorm as tf.Scalar;
  }

  /** The step as tf ops (every backend; the reference the kernel matches). */
  private stepOps(gs: tf.Tensor[]): tf.Scalar {
    // A sum of a stack, not tf.addN: tfjs-webgpu's AddN binds every input at once and silently breaks the whole
    // command batch past the device's storage-buffer limit (8 by default), i.e. for networks of more than 7 variables.
    const gradNorm = tf.sqrt(tf.sum(tf.stack(gs.map((g) => tf.sum(tf.square(g)))))) as tf.Scalar;
    let scale: tf.Scalar | number = 1;
    if (this.options.clipNorm !== undefined) scale = tf.minimum(1, tf.div(this.options.clipNorm, tf.add(gradNorm, 1e-6))) as tf.Scalar;
    const clipped = gs.map((g) => (scale === 1 ? g : tf.mul(g, scale)));
    const { b1, b2, eps, bc1, sqrtBc2, wd } = this.next();
    this.variables.forEach((x, i) => {
      const m = tf.add(tf.mul(this.m[i], b1), tf.mul(clipped[i], 1 - b1));
      const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(clipped[i]), 1 - b2));
      this.m[i].assign(m);
      this.v[i].assign(v);
      const decayed = wd > 0 ? tf.mul(x, 1 - this.learningRate * wd) : x;
      x.assign(tf.sub(decayed, tf.mul(tf.div(m, tf.add(tf.div(tf.sqrt(v), sqrtBc2), eps)), this.learningRate / bc1)));
    });
    return gradNorm;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
