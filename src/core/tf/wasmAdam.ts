// Adam's step (Kingma & Ba 2015, Algorithm 1, with PyTorch's bias correction) and the gradient norms for all of an
// optimizer's variables as one wasm kernel: one pass in JavaScript over the heap instead of 14-16 tf ops per variable,
// which at a few thousand values each cost mostly per-kernel overhead. Used by the lone runs' Adam (algos/optim.ts) and
// the population's MemberAdam (population/memberAdamStep.ts); each keeps its tf ops as the reference and for the other
// backends. Every operation here is the float32 operation those ops perform (Math.fround after each double-precision
// +, -, *, / or sqrt gives the correctly rounded float32 result), in the same order, so both give the same bits
// (tests/unit/memberAdamStep.test.ts, tests/unit/optimKernel.test.ts); on webgpu tf/webgpuAdam.ts does the same step as
// WebGPU programs. The two callers differ only in where the step size comes from, and the lone Adam's optional
// clipping and weight decay.
import * as tf from '@tensorflow/tfjs';
import { heapOffset, type WasmBackendView, type WasmKernelArgs } from './wasmBackendView';
import { wasmGemmFor } from './wasmGemm';

const KERNEL = 'LabAdam';

/** Adam's constants and this step's bias corrections (as JS numbers; the tf ops hold each as a float32 scalar). */
export interface AdamConstants {
  b1: number;
  b2: number;
  eps: number;
  /** 1 - beta1^t */
  bc1: number;
  /** sqrt(1 - beta2^t) */
  sqrtBc2: number;
}

/**
 * Where the step size comes from. A population: a learning rate per member on the device, every tensor [K, ...], and
 * the step lr_k / bc1 divided in float32 (MemberAdam's tf.div(lr, bc1)). A lone run: the step lr / bc1 divided in
 * double and rounded once (the lone Adam's tf.mul(..., lr / bc1)), with the lone Adam's options: `decay` multiplies
 * the weights first (AdamW's 1 - lr * weightDecay). Both: `clipNorm` scales the gradients (each member's) to at most
 * that global norm.
 */
export type AdamStepSize = { lr: tf.Tensor1D; clipNorm?: number } | { step: number; decay?: number; clipNorm?: number };

export interface AdamKernelStep {
  x: tf.Tensor[];
  m: tf.Tensor[];
  v: tf.Tensor[];
  /** The gradient norm over all the variables (before clipping): [K] per member, a scalar for a lone run. */
  gradNorm: tf.Tensor;
}

/**
 * Where the kernel is used: while the variables hold fewer values on average than `valuesPerVariable` when its loop
 * runs in JavaScript, or `simdValuesPerVariable` when it runs in gemm.wat's adamStep (`simd`, where the lab's wasm
 * module runs; the same bits). Scalar JavaScript costs about 10-16 ns a value against the ops' 6.5 ns plus about 100 us
 * of per-kernel overhead per variable (measured in Node on the 2-core machine: 72,720 values in 12 variables 1.6
 * against 1.9 ms, 290,880 values 4.5 against 3.7 ms); the SIMD loop about 1.5 ns a value ([8, 256, 256] in 0.78 ms
 * against 6.3 in JavaScript, bench/results/adamSimd-2026-11-28.json), so it is used at every size. All give the same
 * bits, so this only moves time; benches set the limits to 0 or Infinity to compare.
 */
export const adamKernelChoice = { valuesPerVariable: 8192, simdValuesPerVariable: Infinity, simd: true };

/** Whether a step of these variables runs as the kernel (wasm, and small enough variables on average for its loop). */
export function adamKernelFits(xs: readonly tf.Tensor[]): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const values = xs.reduce((n, x) => n + x.size, 0);
  const limit = simdLoop((tf.backend() as unknown as WasmBackendView).wasm) ? adamKernelChoice.simdValuesPerVariable : adamKernelChoice.valuesPerVariable;
  return values < limit * xs.length;
}

/** gemm.wat's exports when the kernel's loop runs there (chosen, and the lab's module runs on this backend), else null. */
function simdLoop(wasm: WasmBackendView['wasm']) {
  return adamKernelChoice.simd ? wasmGemmFor(wasm) : null;
}

/** Throws, naming the problem, unless every gradient and moment has its variable's shape (and K members for a population). */
export function checkAdamInputs(xs: readonly tf.Tensor[], gs: readonly tf.Tensor[], ms: readonly tf.Tensor[], vs: readonly tf.Tensor[], size: AdamStepSize): void {
  const n = xs.length;
  if (gs.length !== n || ms.length !== n || vs.length !== n) throw new Error(`Adam kernel: ${n} variables but ${gs.length} gradients, ${ms.length} first and ${vs.length} second moments`);
  xs.forEach((x, i) => {
    for (const t of [gs[i], ms[i], vs[i]]) if (t.shape.join() !== x.shape.join()) throw new Error(`Adam kernel: variable ${i} is ${x.shape.join('x')}, its gradient or moment ${t.shape.join('x')}`);
    if ('lr' in size && x.shape[0] !== size.lr.shape[0]) throw new Error(`Adam kernel: variable ${i} has ${x.shape[0]} members, the learning rates ${size.lr.shape[0]}`);
  });
}

let registered = false;

/** One Adam step of every variable as one kernel (wasm only): the new values and moments, and the gradient norms. */
export function adamKernel(xs: readonly tf.Tensor[], gs: readonly tf.Tensor[], ms: readonly tf.Tensor[], vs: readonly tf.Tensor[], c: AdamConstants, size: AdamStepSize): AdamKernelStep {
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: adamKernelFunc as unknown as tf.KernelFunc });
  }
  checkAdamInputs(xs, gs, ms, vs, size);
  const n = xs.length;
  const inputs: Record<string, tf.Tensor> = 'lr' in size ? { lr: size.lr } : {};
  xs.forEach((x, i) => Object.assign(inputs, { [`x${i}`]: x, [`g${i}`]: gs[i], [`m${i}`]: ms[i], [`v${i}`]: vs[i] }));
  const lone = 'lr' in size ? {} : { step: size.step, decay: size.decay ?? null };
  const attrs = { count: n, ...c, ...lone, clipNorm: size.clipNorm ?? null };
  const out = tf.engine().runKernel(KERNEL, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return { x: out.slice(0, n), m: out.slice(n, 2 * n), v: out.slice(2 * n, 3 * n), gradNorm: out[3 * n] };
}

const f = Math.fround;

function adamKernelFunc({ inputs, attrs, backend }: WasmKernelArgs): tf.TensorInfo[] {
  const wasm = backend as WasmBackendView;
  const n = Number(attrs.count);
  const [b1, b2, eps] = [f(Number(attrs.b1)), f(Number(attrs.b2)), f(Number(attrs.eps))];
  // tf.mul(g, 1 - b1) multiplies by the float32 nearest the double 1 - b1.
  const [c1, c2] = [f(1 - Number(attrs.b1)), f(1 - Number(attrs.b2))];
  const [bc1, sqrtBc2] = [f(Number(attrs.bc1)), f(Number(attrs.sqrtBc2))];
  const perMember = inputs.lr !== undefined;
  const members = perMember ? inputs.lr.shape[0] : 1;
  const decay = attrs.decay == null ? null : f(Number(attrs.decay));
  const clipNorm = attrs.clipNorm == null ? null : f(Number(attrs.clipNorm));

  const outputs = [
    ...['x', 'm', 'v'].flatMap((part) => Array.from({ length: n }, (_, i) => wasm.makeOutput(inputs[`${part}${i}`].shape.slice(), 'float32'))),
    wasm.makeOutput(perMember ? [members] : [], 'float32'),
  ];
  // Views after every allocation: one may grow (and so replace) the heap.
  const heap = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
  const step = perMember ? Array.from(heap(inputs.lr), (r) => f(r / bc1)) : [f(Number(attrs.step))];
  // Clipping needs the norms before the step: tf.mul(g, min(1, clipNorm / (norm + 1e-6))). Without it the step's own
  // loop sums the squares on the way (one pass over the gradients, not two).
  const clipNorms = clipNorm === null ? null : gradientNorms(Array.from({ length: n }, (_, i) => heap(inputs[`g${i}`])), members);
  const scale = clipNorms && Array.from(clipNorms, (norm) => Math.min(1, f(clipNorm! / f(norm + f(1e-6)))));
  const squares = new Float64Array(members); // each value a float32: the running sum over variables
  // The same operations with 128-bit SIMD in the lab's wasm module (gemm.wat's adamStep), where it runs: called with
  // heap offsets, no views or arrays per variable (their making cost more than the loop at a few thousand values).
  const simd = simdLoop(wasm.wasm);
  const at = (t: tf.TensorInfo) => heapOffset(wasm, t);

  for (let i = 0; i < n; i++) {
    const size = tf.util.sizeFromShape(inputs[`x${i}`].shape) / members;
    if (simd) {
      const [x, g, m, v] = [at(inputs[`x${i}`]), at(inputs[`g${i}`]), at(inputs[`m${i}`]), at(inputs[`v${i}`])];
      const [x1, m1, v1] = [at(outputs[i]), at(outputs[n + i]), at(outputs[2 * n + i])];
      for (let k = 0; k < members; k++) {
        const o = k * size * 4;
        const sq = simd.adamStep(x + o, g + o, m + o, v + o, x1 + o, m1 + o, v1 + o, size, step[k], scale ? scale[k] : 1, decay ?? 1, b1, c1, b2, c2, eps, sqrtBc2);
        squares[k] = f(squares[k] + sq);
      }
      continue;
    }
    const g = heap(inputs[`g${i}`]);
    const [x, m, v] = ['x', 'm', 'v'].map((p) => heap(inputs[`${p}${i}`]));
    const [x1, m1, v1] = [outputs[i], outputs[n + i], outputs[2 * n + i]].map(heap);
    for (let k = 0; k < members; k++) {
      const s = step[k];
      const gScale = scale ? scale[k] : 1;
      let sq = 0;
      for (let j = k * size, end = j + size; j < end; j++) {
        const gj = scale ? f(g[j] * gScale) : g[j];
        const g2 = f(gj * gj);
        sq = f(sq + g2);
        const mj = f(f(m[j] * b1) + f(gj * c1));
        const vj = f(f(v[j] * b2) + f(g2 * c2));
        m1[j] = mj;
        v1[j] = vj;
        const xj = decay === null ? x[j] : f(x[j] * decay);
        x1[j] = f(xj - f(f(mj / f(f(f(Math.sqrt(vj)) / sqrtBc2) + eps)) * s));
      }
      squares[k] = f(squares[k] + sq);
    }
  }
  const norms = heap(outputs[3 * n]);
  if (clipNorms) norms.set(clipNorms);
  else for (let k = 0; k < members; k++) norms[k] = f(Math.sqrt(squares[k]));
  return outputs;
}

/** Each member's gradient norm: per variable a float32 sum of float32 squares in order, then those sums in order. */
function gradientNorms(gradients: Float32Array[], members: number): Float32Array {
  const squares = new Float64Array(members);
  for (const g of gradients) {
    const size = g.length / members;
    for (let k = 0; k < members; k++) {
      let sq = 0;
      for (let j = k * size, end = j + size; j < end; j++) sq = f(sq + f(g[j] * g[j]));
      squares[k] = f(squares[k] + sq);
    }
  }
  return Float32Array.from(squares, (s) => Math.sqrt(s));
}
