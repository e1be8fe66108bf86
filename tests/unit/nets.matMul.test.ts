import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { matMulFastGrad } from '../../src/core/algos/nets';
import { Rng } from '../../src/core/rng';
import { EXPLICIT_TRANSPOSE_KERNEL } from '../../src/core/tf/explicitTransposeMatMul';
import { setWasmProducts, wasmReadsTransposes, type WasmProducts } from '../../src/core/tf/wasmBatchMatMul';
import { maxAbsDiff } from './helpers/maxAbsDiff';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const rng = new Rng(7);
const random = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)), shape);

/** A loss through two products and a nonlinearity, so both gradients are non-trivial. */
const loss = (mm: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor) => tf.sum(tf.sin(mm(tf.tanh(mm(x, w1)), w2))) as tf.Scalar;
const plain = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b);
const fast = (a: tf.Tensor, b: tf.Tensor) => matMulFastGrad(a, b);

describe('matMulFastGrad on wasm', () => {
  for (const [name, lead] of [['matrices', []], ['a batch of matrices (population layers)', [3]]] as [string, number[]][]) {
    it(`has tfjs's own gradients for every input: ${name}`, async () => {
      const [x, w1, w2] = [random([...lead, 5, 4]), random([...lead, 4, 6]), random([...lead, 6, 2])];
      const want = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => loss(plain, a, b, c))([x, w1, w2]);
      const got = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => loss(fast, a, b, c))([x, w1, w2]);
      for (let i = 0; i < 3; i++) expect(await maxAbsDiff(got[i], want[i]), `gradient ${i}`).toBeLessThan(1e-5);
      expect(await maxAbsDiff(fast(x, w1), plain(x, w1))).toBe(0);
      tf.dispose([x, w1, w2, ...want, ...got]);
    });
  }

  // A gradient of a gradient (EDAC's diversity loss) differentiates the gradient's own products, which pass transpose
  // flags where the lab's GEMM reads transposes in place: every flag combination's gradient must be tf's.
  for (const products of ['lab-gemm', 'xnnpack'] as WasmProducts[]) {
    it(`has tfjs's second-order gradients (${products} products)`, async () => {
      setWasmProducts(products);
      try {
        expect(wasmReadsTransposes()).toBe(products === 'lab-gemm');
        const [x, w1, w2] = [random([3, 5, 4]), random([3, 4, 6]), random([3, 6, 2])];
        const inputGradNorm = (mm: typeof plain) => (b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(tf.grad((a: tf.Tensor) => loss(mm, a, b, c))(x))) as tf.Scalar;
        const want = tf.grads(inputGradNorm(plain))([w1, w2]);
        const got = tf.grads(inputGradNorm(fast))([w1, w2]);
        for (let i = 0; i < 2; i++) expect(await maxAbsDiff(got[i], want[i]), `gradient ${i}`).toBeLessThan(1e-5);
        tf.dispose([x, w1, w2, ...want, ...got]);
      } finally {
        setWasmProducts('lab-gemm');
      }
    });
  }

  it('computes only the gradients asked for: no input gradient of a first layer, no weight gradient of a frozen layer', async () => {
    const [x, w1, w2] = [random([5, 4]), random([4, 6]), random([6, 2])];
    /** Products run by one gradient computation, forward and backward (profiles one at a time: tf.profile is global). */
    const products = async (f: () => tf.Tensor | tf.Tensor[]) => (await tf.profile(() => tf.tidy(f))).kernels.filter((k) => k.name === EXPLICIT_TRANSPOSE_KERNEL).length;
    try {
      // Weights of both layers (a critic step): 2 forward, dW2, dH (to reach W1), dW1; never dX.
      expect(await products(() => tf.grads((b: tf.Tensor, c: tf.Tensor) => loss(fast, x, b, c))([w1, w2]))).toBe(5);
      // The input only, through frozen weights (an actor step through a critic): 2 forward, dH, dX; no dW.
      expect(await products(() => tf.grad((a: tf.Tensor) => loss(fast, a, w1, w2))(x))).toBe(4);
      // The last layer's weights only: 2 forward and dW2.
      expect(await products(() => tf.grad((c: tf.Tensor) => loss(fast, x, w1, c))(w2))).toBe(3);
    } finally {
      tf.dispose([x, w1, w2]);
    }
  });
});
