// MemberAdam's step (Kingma & Ba 2015, Algorithm 1, with PyTorch's bias correction as algos/optim.ts) for every
// variable of one optimizer and every member, and the per-member gradient norms. As tf ops (adamStepOps, every
// backend) a step is 14 kernels per variable and the norm 2 more: 390 kernels per IQL update, 4.8 ms for a population
// of 8 at 64x64, nearly all of it per-kernel overhead on tensors of a few thousand values. On wasm it is one kernel
// (tf/wasmAdam.ts, shared with the lone runs' Adam) that gives the same bits (tests/unit/memberAdamStep.test.ts); on
// webgpu four WebGPU programs per variable (tf/webgpuAdam.ts) that agree within float rounding.
import * as tf from '@tensorflow/tfjs';
import { adamKernel, adamKernelFits, type AdamConstants } from '../tf/wasmAdam';
import { webgpuAdamFits, webgpuAdamStep } from '../tf/webgpuAdam';
import { clipMemberGradients } from './memberClip';

export { adamKernelChoice, type AdamConstants } from '../tf/wasmAdam';

export interface AdamStep {
  x: tf.Tensor[];
  m: tf.Tensor[];
  v: tf.Tensor[];
  /** [K]: each member's gradient norm over all the variables. */
  gradNorm: tf.Tensor1D;
}

/**
 * One Adam step of every variable for every member: the new values and moments, and the gradient norms (before
 * clipping). `lr` [K] is each member's learning rate; every variable, gradient and moment is [K, ...]; `clipNorm`
 * scales each member's gradients to at most that global norm first (memberClip.ts). One kernel on wasm (clipping
 * included), four WebGPU programs per variable on webgpu, tf ops elsewhere.
 */
export function memberAdamStep(lr: tf.Tensor1D, xs: tf.Tensor[], gs: tf.Tensor[], ms: tf.Tensor[], vs: tf.Tensor[], c: AdamConstants, clipNorm?: number): AdamStep {
  if (adamKernelFits(xs)) return adamStepKernel(lr, xs, gs, ms, vs, c, clipNorm);
  const clip = clipNorm === undefined ? null : clipMemberGradients(gs, clipNorm);
  const grads = clip ? clip.clipped : gs;
  const step = webgpuAdamFits() ? asStep(webgpuAdamStep(xs, grads, ms, vs, c, { lr })) : adamStepOps(lr, xs, grads, ms, vs, c);
  return clip ? { ...step, gradNorm: clip.gradNorm } : step;
}

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

/** The step as one wasm kernel (the same values as adamStepOps, after clipMemberGradients when clipping, bit for bit). */
export function adamStepKernel(lr: tf.Tensor1D, xs: tf.Tensor[], gs: tf.Tensor[], ms: tf.Tensor[], vs: tf.Tensor[], c: AdamConstants, clipNorm?: number): AdamStep {
  return asStep(adamKernel(xs, gs, ms, vs, c, { lr, clipNorm }));
}

const asStep = (out: ReturnType<typeof adamKernel>): AdamStep => ({ ...out, gradNorm: out.gradNorm as tf.Tensor1D });
