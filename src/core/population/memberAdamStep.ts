// MemberAdam's step (Kingma & Ba 2015, Algorithm 1, with PyTorch's bias correction as algos/optim.ts) for every
// variable of one optimizer and every member, and the per-member gradient norms. As tf ops (adamStepOps, every
// backend) a step is 14 kernels per variable and the norm 2 more: 390 kernels per IQL update, 4.8 ms for a population
// of 8 at 64x64, nearly all of it per-kernel overhead on tensors of a few thousand values. On wasm it is one kernel,
// one pass in JavaScript over the heap. Every operation there is the float32 operation the tf ops perform
// (Math.fround after each double-precision +, -, *, / or sqrt gives the correctly rounded float32 result), in the same
// order, so both give the same bits (tests/unit/memberAdamStep.test.ts).
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendView, WasmKernelArgs } from '../tf/wasmBackendView';

export const MEMBER_ADAM_KERNEL = 'LabMemberAdam';

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

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: MEMBER_ADAM_KERNEL, backendName: 'wasm', kernelFunc: memberAdamKernel as unknown as tf.KernelFunc });
}

export interface AdamStep {
  x: tf.Tensor[];
  m: tf.Tensor[];
  v: tf.Tensor[];
  /** [K]: each member's gradient norm over all the variables. */
  gradNorm: tf.Tensor1D;
}

/**
 * One Adam step of every variable for every member: the new values and moments, and the gradient norms. `lr` [K] is
 * each member's learning rate; every variable, gradient and moment is [K, ...]. One kernel on wasm, tf ops elsewhere.
 */
export function memberAdamStep(lr: tf.Tensor1D, xs: tf.Tensor[], gs: tf.Tensor[], ms: tf.Tensor[], vs: tf.Tensor[], c: AdamConstants): AdamStep {
  const values = xs.reduce((n, x) => n + x.size, 0);
  const kernel = tf.getBackend() === 'wasm' && values < adamKernelChoice.valuesPerVariable * xs.length;
  return kernel ? adamStepKernel(lr, xs, gs, ms, vs, c) : adamStepOps(lr, xs, gs, ms, vs, c);
}

/**
 * Where the kernel is used: while the variables hold fewer values on average than this. Scalar JavaScript costs about
 * 10-16 ns a value against the ops' 6.5 ns plus about 100 us of per-kernel overhead per variable (measured in Node on
 * the 2-core machine: 72,720 values in 12 variables 1.6 against 1.9 ms, 290,880 values 4.5 against 3.7 ms). Both give
 * the same bits, so this only moves time; benches set it to 0 or Infinity to compare the two.
 */
export const adamKernelChoice = { valuesPerVariable: 8192 };

/** The step as tf ops, on any backend (the reference the kernel matches). */
export function adamStepOps(lr: tf.Tensor1D, xs: tf.Tensor[], gs: tf.Tensor[], ms: tf.Tensor[], vs: tf.Tensor[], c: AdamConstants): AdamStep {
  const gradNorm = tf.sqrt(tf.sum(tf.stack(gs.map((g) => tf.sum(tf.square(g), g.shape.slice(1).map((_, i) => i + 1)))), 0)) as tf.Tensor1D;
  const out: AdamStep = { x: [], m: [], v: [], gradNorm };
  xs.forEach((x, i) => {
    const step = tf.reshape(tf.div(lr, c.bc1), [-1, ...x.shape.slice(1).map(() => 1)]);
    const m = tf.add(tf.mul(ms[i], c.b1), tf.mul(gs[i], 1 - c.b1));
    const v = tf.add(tf.mul(vs[i], c.b2), tf.mul(tf.square(gs[i]), 1 - c.b2));
    out.m.push(m);
    out.v.push(v);
    out.x.push(tf.sub(x, tf.mul(tf.div(m, tf.add(tf.div(tf.sqrt(v), c.sqrtBc2), c.eps)), step)));
  });
  return out;
}

/** The step as one wasm kernel (the same values as adamStepOps, bit for bit). */
export function adamStepKernel(lr: tf.Tensor1D, xs: tf.Tensor[], gs: tf.Tensor[], ms: tf.Tensor[], vs: tf.Tensor[], c: AdamConstants): AdamStep {
  register();
  const n = xs.length;
  if (gs.length !== n || ms.length !== n || vs.length !== n) throw new Error(`adamStepKernel: ${n} variables but ${gs.length} gradients, ${ms.length} first and ${vs.length} second moments`);
  const inputs: Record<string, tf.Tensor> = { lr };
  xs.forEach((x, i) => {
    for (const t of [gs[i], ms[i], vs[i]]) if (t.shape.join() !== x.shape.join()) throw new Error(`adamStepKernel: variable ${i} is ${x.shape.join('x')}, its gradient or moment ${t.shape.join('x')}`);
    if (x.shape[0] !== lr.shape[0]) throw new Error(`adamStepKernel: variable ${i} has ${x.shape[0]} members, the learning rates ${lr.shape[0]}`);
    Object.assign(inputs, { [`x${i}`]: x, [`g${i}`]: gs[i], [`m${i}`]: ms[i], [`v${i}`]: vs[i] });
  });
  const out = tf.engine().runKernel(MEMBER_ADAM_KERNEL, inputs as unknown as tf.NamedTensorMap, { count: n, ...c } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return { x: out.slice(0, n), m: out.slice(n, 2 * n), v: out.slice(2 * n, 3 * n), gradNorm: out[3 * n] as tf.Tensor1D };
}

function memberAdamKernel({ inputs, attrs, backend }: WasmKernelArgs): tf.TensorInfo[] {
  const wasm = backend as WasmBackendView;
  const n = Number(attrs.count);
  const f = Math.fround;
  const [b1, b2, eps] = [f(Number(attrs.b1)), f(Number(attrs.b2)), f(Number(attrs.eps))];
  // tf.mul(g, 1 - b1) multiplies by the float32 nearest the double 1 - b1.
  const [c1, c2] = [f(1 - Number(attrs.b1)), f(1 - Number(attrs.b2))];
  const [bc1, sqrtBc2] = [f(Number(attrs.bc1)), f(Number(attrs.sqrtBc2))];
  const members = inputs.lr.shape[0];

  const outputs = [...['x', 'm', 'v'].flatMap((part) => Array.from({ length: n }, (_, i) => wasm.makeOutput(inputs[`${part}${i}`].shape.slice(), 'float32'))), wasm.makeOutput([members], 'float32')];
  // Views after every allocation: one may grow (and so replace) the heap.
  const heap = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
  const lr = heap(inputs.lr);
  const step = Array.from(lr, (r) => f(r / bc1));
  const squares = new Float64Array(members); // each value a float32: the running sum over variables

  for (let i = 0; i < n; i++) {
    const [x, g, m, v] = ['x', 'g', 'm', 'v'].map((p) => heap(inputs[`${p}${i}`]));
    const [x1, m1, v1] = [outputs[i], outputs[n + i], outputs[2 * n + i]].map(heap);
    const size = x.length / members;
    for (let k = 0; k < members; k++) {
      const s = step[k];
      let sq = 0;
      for (let j = k * size, end = j + size; j < end; j++) {
        const gj = g[j];
        const g2 = f(gj * gj);
        sq = f(sq + g2);
        const mj = f(f(m[j] * b1) + f(gj * c1));
        const vj = f(f(v[j] * b2) + f(g2 * c2));
        m1[j] = mj;
        v1[j] = vj;
        x1[j] = f(x[j] - f(f(mj / f(f(f(Math.sqrt(vj)) / sqrtBc2) + eps)) * s));
      }
      squares[k] = f(squares[k] + sq);
    }
  }
  const norms = heap(outputs[3 * n]);
  for (let k = 0; k < members; k++) norms[k] = f(Math.sqrt(squares[k]));
  return outputs;
}
