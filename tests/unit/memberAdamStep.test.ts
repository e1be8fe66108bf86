import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adamStepKernel, adamStepOps, type AdamConstants, type AdamStep } from '../../src/core/population/memberAdamStep';
import { clipMemberGradients } from '../../src/core/population/memberClip';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const K = 3;
/** A weight, a bias and a per-member scalar, as a population's networks and temperatures hold them. */
const SHAPES = [
  [K, 5, 4],
  [K, 1, 4],
  [K, 1],
];

function constants(t: number): AdamConstants {
  return { b1: 0.9, b2: 0.999, eps: 1e-8, bc1: 1 - 0.9 ** t, sqrtBc2: Math.sqrt(1 - 0.999 ** t) };
}

async function values(step: AdamStep): Promise<Float32Array[]> {
  return Promise.all([...step.x, ...step.m, ...step.v, step.gradNorm].map((t) => t.data() as Promise<Float32Array>));
}

describe('MemberAdam step as one wasm kernel', () => {
  it('gives the bits of the tf-op step over several steps, with a learning rate per member', async () => {
    const lr = tf.tensor1d([1e-3, 3e-4, 0.05]);
    let xs = SHAPES.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', i));
    let [mk, vk, mo, vo] = [0, 1, 2, 3].map(() => SHAPES.map((s) => tf.zeros(s)));
    let xo = xs.map((x) => tf.clone(x));
    for (let t = 1; t <= 5; t++) {
      // Gradients with tiny, huge and exactly-zero values, which round differently.
      const gs = SHAPES.map((s, i) => tf.tidy(() => tf.mul(tf.randomNormal(s, 0, 1, 'float32', 100 * t + i), tf.tensor(i === 0 ? 1e-6 : i === 1 ? 1e3 : 0))));
      const kernel = adamStepKernel(lr, xs, gs, mk, vk, constants(t));
      const ops = adamStepOps(lr, xo, gs, mo, vo, constants(t));
      const [got, want] = [await values(kernel), await values(ops)];
      got.forEach((g, i) => expect(Array.from(g), `output ${i} at step ${t}`).toEqual(Array.from(want[i])));
      tf.dispose([...gs, ...xs, ...mk, ...vk, ...xo, ...mo, ...vo, kernel.gradNorm, ops.gradNorm]);
      [xs, mk, vk, xo, mo, vo] = [kernel.x, kernel.m, kernel.v, ops.x, ops.m, ops.v];
    }
    // The step moved the weights (members with a non-zero gradient).
    const first = (await xs[0].data())[0];
    expect(first).not.toBe((await tf.randomNormal(SHAPES[0], 0, 1, 'float32', 0).data())[0]);
    tf.dispose([lr, ...xs, ...mk, ...vk, ...xo, ...mo, ...vo]);
  });

  it('clips each member\'s gradients inside the kernel as clipMemberGradients does before the tf-op step, reporting the norms before clipping', async () => {
    const lr = tf.tensor1d([1e-3, 3e-4, 0.05]);
    const xs = SHAPES.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', i));
    const zeros = () => SHAPES.map((s) => tf.zeros(s));
    // Member 0's gradients far above the clip norm, member 1's below it, member 2's near it.
    const scales = tf.tensor1d([100, 0.01, 0.4]);
    const gs = SHAPES.map((s, i) => tf.mul(tf.randomNormal(s, 0, 1, 'float32', 50 + i), tf.reshape(scales, [K, ...s.slice(1).map(() => 1)])));
    const clip = clipMemberGradients(gs, 0.5);
    const kernel = adamStepKernel(lr, xs, gs, zeros(), zeros(), constants(1), 0.5);
    const ops = adamStepOps(lr, xs, clip.clipped, zeros(), zeros(), constants(1));
    const [got, want] = [await values(kernel), await values({ ...ops, gradNorm: clip.gradNorm })];
    got.forEach((g, i) => expect(Array.from(g), `output ${i}`).toEqual(Array.from(want[i])));
    const norms = Array.from(await kernel.gradNorm.data());
    expect(norms[0]).toBeGreaterThan(10);
    expect(norms[1]).toBeLessThan(0.5);
    // Clipping changed member 0's step and left member 1's: its moments are those of the unclipped gradients.
    const unclipped = adamStepKernel(lr, xs, gs, zeros(), zeros(), constants(1));
    const [m1, m0] = [await kernel.m[0].data(), await unclipped.m[0].data()];
    const slice = m1.length / K;
    expect(Array.from(m1.subarray(slice, 2 * slice))).toEqual(Array.from(m0.subarray(slice, 2 * slice)));
    expect(Array.from(m1.subarray(0, slice))).not.toEqual(Array.from(m0.subarray(0, slice)));
  });

  it('matches the gradient norm per member computed by hand', async () => {
    const lr = tf.tensor1d([0.1, 0.1]);
    const x = [tf.zeros([2, 2]), tf.zeros([2, 1])];
    const g = [tf.tensor2d([[3, 0], [1, 1]]), tf.tensor2d([[4], [1]])];
    const zeros = () => [tf.zeros([2, 2]), tf.zeros([2, 1])];
    const step = adamStepKernel(lr, x, g, zeros(), zeros(), constants(1));
    // Member 0: sqrt(9 + 16) = 5; member 1: sqrt(1 + 1 + 1).
    expect(Array.from(await step.gradNorm.data())).toEqual([5, Math.fround(Math.sqrt(3))]);
    // First step of Adam: x - lr * g / (|g| + eps) = -lr * sign(g) where g != 0.
    expect(Array.from(await step.x[0].data()).map((v) => Number(v.toFixed(6)))).toEqual([-0.1, 0, -0.1, -0.1]);
    tf.dispose([lr, ...x, ...g, ...step.x, ...step.m, ...step.v, step.gradNorm]);
  });

  it('names the mismatch when shapes disagree', () => {
    const lr = tf.tensor1d([0.1, 0.1]);
    const x = tf.zeros([2, 3]);
    expect(() => adamStepKernel(lr, [x], [tf.zeros([2, 4])], [x], [x], constants(1))).toThrow(/variable 0 is 2x3, its gradient or moment 2x4/);
    expect(() => adamStepKernel(tf.tensor1d([0.1]), [x], [x], [x], [x], constants(1))).toThrow(/variable 0 has 2 members, the learning rates 1/);
    expect(() => adamStepKernel(lr, [x], [], [x], [x], constants(1))).toThrow(/1 variables but 0 gradients/);
  });

  it('leaves no tensor behind beyond its outputs', () => {
    const lr = tf.tensor1d([0.1, 0.2]);
    const x = tf.ones([2, 8, 8]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const s = adamStepKernel(lr, [x], [x], [x], [x], constants(i + 1));
      tf.dispose([...s.x, ...s.m, ...s.v, s.gradNorm]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([lr, x]);
  });
});
