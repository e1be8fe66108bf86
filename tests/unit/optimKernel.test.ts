import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../src/core/algos/optim';
import { adamKernelChoice } from '../../src/core/tf/wasmAdam';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));
const chosen = { ...adamKernelChoice };
afterEach(() => {
  Object.assign(adamKernelChoice, chosen);
});

// Seeds start at 1: tfjs draws a random seed for 0.
/** A 64x64 hidden layer, its bias, a head and a scalar (a temperature), as the lone algorithms hold them. */
const SHAPES = [[3, 64], [64], [64, 64], [64], [64, 1], [1], []];

type Options = ConstructorParameters<typeof Adam>[2];

interface Trace {
  /** Every variable and moment, and the gradient norm and loss, after each step. */
  steps: Float32Array[][];
  kernels: Set<string>;
}

/**
 * Trains a small regression net with the lone Adam for `steps` steps, with the kernel (`kernel`) or the tf ops, and
 * returns every value after each step and the kernels it ran. The loss has tiny, large and zero gradients.
 */
async function train(kernel: boolean, options: Options, steps: number, lr = 3e-3): Promise<Trace> {
  adamKernelChoice.valuesPerVariable = adamKernelChoice.simdValuesPerVariable = kernel ? Infinity : 0;
  const xs = SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.3, 'float32', i + 1)));
  const adam = new Adam(xs, lr, options);
  const input = tf.randomNormal([32, 3], 0, 1, 'float32', 99);
  const target = tf.randomNormal([32, 1], 0, 10, 'float32', 98);
  const loss = () => {
    const h1 = tf.relu(tf.add(tf.matMul(input, xs[0]), xs[1]));
    const h2 = tf.relu(tf.add(tf.matMul(h1, xs[2]), xs[3]));
    const out = tf.add(tf.matMul(h2, xs[4]), xs[5]);
    // The scalar's gradient is tiny (1e-6 scale), so its moments round differently from the weights'.
    return tf.add(tf.mean(tf.square(tf.sub(out, target))), tf.mul(1e-6, tf.square(xs[6]))) as tf.Scalar;
  };
  const trace: Trace = { steps: [], kernels: new Set() };
  for (let t = 0; t < steps; t++) {
    const profile = await tf.profile(async () => {
      const [l, norm] = tf.tidy(() => {
        const r = adam.minimize(loss);
        return [r.loss, r.gradNorm];
      });
      const state = await adam.state();
      trace.steps.push([...(await Promise.all(xs.map((x) => x.data() as Promise<Float32Array>))), ...state.m.map((m) => m.values), ...state.v.map((v) => v.values), (await norm.data()) as Float32Array, (await l.data()) as Float32Array]);
      tf.dispose([l, norm]);
    });
    for (const k of profile.kernelNames) trace.kernels.add(k);
  }
  adam.dispose();
  tf.dispose([...xs, input, target]);
  return trace;
}

function expectSameBits(got: Trace, want: Trace): void {
  expect(got.steps.length).toBe(want.steps.length);
  got.steps.forEach((values, t) =>
    values.forEach((v, i) => {
      // Compared as the bit patterns, so -0 and 0 (or two NaNs) count as different.
      expect(Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length)), `value ${i} after step ${t + 1}`).toEqual(Array.from(new Uint32Array(want.steps[t][i].buffer, want.steps[t][i].byteOffset, want.steps[t][i].length)));
    }),
  );
}

describe('lone Adam as one wasm kernel', () => {
  it('gives the bits of the tf-op step over several steps, gradient norm included, and learns', async () => {
    const [kernel, ops] = [await train(true, {}, 6), await train(false, {}, 6)];
    expect(kernel.kernels.has('LabAdam')).toBe(true);
    expect(ops.kernels.has('LabAdam')).toBe(false);
    expectSameBits(kernel, ops);
    const loss = (t: Trace, step: number) => t.steps[step][t.steps[step].length - 1][0];
    expect(loss(kernel, 5)).toBeLessThan(loss(kernel, 0));
  });

  it('matches with global-norm clipping (active and slack), weight decay, and other betas and epsilon', async () => {
    // The gradient norm of this loss is in the tens: clipNorm 0.5 scales every step, 1e6 never does.
    for (const options of [{ clipNorm: 0.5 }, { clipNorm: 1e6 }, { weightDecay: 1e-2 }, { beta1: 0.5, beta2: 0.99, epsilon: 1e-5, clipNorm: 10, weightDecay: 1e-4 }]) {
      const [kernel, ops] = [await train(true, options, 4), await train(false, options, 4)];
      expect(kernel.kernels.has('LabAdam'), JSON.stringify(options)).toBe(true);
      expectSameBits(kernel, ops);
    }
  });

  it('reports the gradient norm before clipping, computed by hand', async () => {
    adamKernelChoice.valuesPerVariable = Infinity;
    const x = [tf.variable(tf.zeros([2])), tf.variable(tf.zeros([]))];
    const adam = new Adam(x, 0.1, { clipNorm: 1 });
    // d/dx of 3*x0 + 4*x1 (vector) and 12*x2: gradients [3, 4] and 12, norm sqrt(9 + 16 + 144) = 13.
    const { gradNorm } = tf.tidy(() => adam.minimize(() => tf.add(tf.sum(tf.mul(tf.tensor1d([3, 4]), x[0])), tf.mul(12, x[1])) as tf.Scalar));
    expect(await gradNorm.data()).toEqual(new Float32Array([13]));
    // First Adam step: -lr * sign(g) whatever the clipping scale (the moments' ratio cancels it).
    expect(Array.from(await x[0].data()).map((v) => Number(v.toFixed(5)))).toEqual([-0.1, -0.1]);
    tf.dispose([gradNorm, ...x]);
    adam.dispose();
  });

  it('is not used off wasm, nor for large variables while its loop runs in JavaScript (its SIMD loop takes every size)', async () => {
    await useBackend('cpu');
    try {
      const trace = await train(true, {}, 1);
      expect(trace.kernels.has('LabAdam')).toBe(false);
    } finally {
      await useBackend('wasm');
    }
    Object.assign(adamKernelChoice, chosen);
    const big = [tf.variable(tf.zeros([128, 128]))];
    const adam = new Adam(big, 0.1);
    const kernelsOfStep = async () => (await tf.profile(() => tf.dispose(tf.tidy(() => Object.values(adam.minimize(() => tf.sum(big[0]) as tf.Scalar)))))).kernelNames;
    expect(await kernelsOfStep()).toContain('LabAdam');
    adamKernelChoice.simd = false;
    expect(await kernelsOfStep()).not.toContain('LabAdam');
    adam.dispose();
    tf.dispose(big);
  });
});
