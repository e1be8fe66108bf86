// A dense layer act(x w + b) as one wasm kernel (core/tf/wasmDense.ts): the same bits as tfjs's product, Add and Relu,
// forward and for every gradient (first and second order), for a lone run's layers, a population's and an ensemble's; layers it does
// not take run as before; NaN stays NaN.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dense, matMulFastGrad } from '../../src/core/algos/nets';
import { Rng } from '../../src/core/rng';
import { setWasmNarrowProducts, setWasmProducts } from '../../src/core/tf/wasmBatchMatMul';
import { setWasmDense } from '../../src/core/tf/wasmDense';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));
afterEach(() => {
  setWasmProducts('lab-gemm');
  setWasmNarrowProducts(true);
  setWasmDense(true);
});

const rng = new Rng(11);
const random = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 1)), shape);

/** What the layer was before: tfjs's kernels one by one. */
function composite(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, relu: boolean): tf.Tensor {
  const z = tf.add(matMulFastGrad(x, w), b);
  return relu ? tf.relu(z) : z;
}

/** The layer's output and the gradients of sum(y * dy) with respect to x, w and b. */
function outputAndGradients(layer: typeof composite, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, dy: tf.Tensor, relu: boolean): tf.Tensor[] {
  return tf.tidy(() => {
    const y = layer(x, w, b, relu);
    const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layer(xx, ww, bb, relu), dy)))([x, w, b]);
    return [y, ...grads];
  });
}

async function values(ts: tf.Tensor[]): Promise<number[][]> {
  const out = await Promise.all(ts.map(async (t) => Array.from(await t.data())));
  tf.dispose(ts);
  return out;
}

const fused = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, relu: boolean) => dense(x, w, b, relu ? 'relu' : 'linear');

/** Kernel names one call of f runs. */
async function kernelsOf(f: () => tf.Tensor): Promise<string[]> {
  const info = await tf.profile(f);
  tf.dispose(info.result as tf.Tensor);
  return info.kernels.map((k) => k.name);
}

describe('a dense layer as one wasm kernel', () => {
  // [x shape, w shape, b shape]: lone layers (rank 2, bias [out]) and population layers (rank 3, bias [K, 1, out]).
  const cases: [number[], number[], number[]][] = [
    [[256, 3], [3, 64], [64]],
    [[256, 64], [64, 64], [64]],
    [[256, 64], [64, 1], [1]],
    [[256, 64], [64, 2], [2]],
    [[7, 5], [5, 6], [6]],
    [[8, 256, 3], [8, 3, 64], [8, 1, 64]],
    [[8, 256, 64], [8, 64, 64], [8, 1, 64]],
    [[4, 256, 64], [4, 64, 1], [4, 1, 1]],
    [[8, 256, 64], [8, 64, 3], [8, 1, 3]],
    [[3, 5, 7], [3, 7, 5], [3, 1, 5]],
    // An ensemble's layers: [N, B, in] and a population of ensembles [K, N, B, in].
    [[2, 3, 16, 5], [2, 3, 5, 8], [2, 3, 1, 8]],
  ];
  for (const [xs, ws, bs] of cases) {
    for (const relu of [true, false]) {
      it(`${xs.join('x')} * ${ws.join('x')} + ${bs.join('x')}${relu ? ', relu' : ''}: the same bits as tfjs's kernels, output and gradients`, async () => {
        const [x, w, b] = [random(xs), random(ws), random(bs)];
        const dy = random([...xs.slice(0, -1), ws[ws.length - 1]]);
        const mine = await values(outputAndGradients(fused, x, w, b, dy, relu));
        const theirs = await values(outputAndGradients(composite, x, w, b, dy, relu));
        mine.forEach((m, i) => expect(m).toEqual(theirs[i]));
        if (relu) expect(mine[0].some((v) => v === 0) && mine[0].some((v) => v > 0)).toBe(true); // both sides of relu
        const kernels = await kernelsOf(() => fused(x, w, b, relu));
        expect(kernels).toEqual(['LabDense']);
        tf.dispose([x, w, b, dy]);
      });
    }
  }

  it('passes second-order gradients through relu as tfjs does (a gradient penalty on the input gradient)', async () => {
    const [x, w1, b1, w2, b2] = [random([8, 32, 3]), random([8, 3, 16]), random([8, 1, 16]), random([8, 16, 1]), random([8, 1, 1])];
    const penaltyGrads = (layer: typeof composite) =>
      tf.tidy(() =>
        tf.grads((a: tf.Tensor, c: tf.Tensor) => {
          const inputGrad = tf.grad((xx: tf.Tensor) => tf.sum(layer(layer(xx, a, b1, true), c, b2, false)))(x);
          return tf.sum(tf.square(inputGrad));
        })([w1, w2]),
      );
    const mine = await values(penaltyGrads(fused));
    const theirs = await values(penaltyGrads(composite));
    mine.forEach((m, i) => expect(m).toEqual(theirs[i]));
    expect(mine[0].some((v) => v !== 0)).toBe(true);
    tf.dispose([x, w1, b1, w2, b2]);
  });

  it('keeps NaN as NaN and turns -0 into +0, as tfjs Relu, and its gradient is NaN there as tfjs Step makes it', async () => {
    const x = tf.tensor2d([1, 1], [2, 1]);
    const w = tf.tensor2d([NaN, -0, 0, -1, 2], [1, 5]);
    const b = tf.tensor1d([0, -0, -0, 0, 0]);
    const dy = tf.tensor2d([1, -1, 1, -1, 3, 2, -2, 2, -2, 3], [2, 5]);
    const mine = await values(outputAndGradients(fused, x, w, b, dy, true));
    const theirs = await values(outputAndGradients(composite, x, w, b, dy, true));
    expect(mine[0]).toEqual([NaN, 0, 0, 0, 2, NaN, 0, 0, 0, 2]);
    mine.forEach((m, i) => expect(m).toEqual(theirs[i]));
    tf.dispose([x, w, b, dy]);
  });

  it('leaves the layers it does not take to tfjs (a bias shared by all members, a batch of weights it does not match, XNNPACK products, off)', async () => {
    const cases: [tf.Tensor, tf.Tensor, tf.Tensor][] = [
      [random([8, 256, 64]), random([8, 64, 4]), random([4])],
      [random([8, 256, 64]), random([8, 64, 4]), random([1, 1, 4])],
    ];
    for (const [x, w, b] of cases) {
      expect(await kernelsOf(() => fused(x, w, b, true))).not.toContain('LabDense');
      expect(await values([fused(x, w, b, true)])).toEqual(await values([composite(x, w, b, true)]));
      tf.dispose([x, w, b]);
    }
    const [x, w, b] = [random([256, 64]), random([64, 8]), random([8])];
    setWasmDense(false); // as benches turn it off
    expect(await kernelsOf(() => fused(x, w, b, true))).toEqual(['LabMatMulExplicitTranspose', 'Add', 'Relu']);
    setWasmDense(true);
    const [x2, w2, b2] = [random([256, 64]), random([64, 2]), random([2])];
    setWasmNarrowProducts(false); // 2-3 columns back on XNNPACK, as benches compare
    expect(await kernelsOf(() => fused(x2, w2, b2, true))).not.toContain('LabDense');
    setWasmNarrowProducts(true);
    expect(await kernelsOf(() => fused(x2, w2, b2, true))).toEqual(['LabDense']);
    tf.dispose([x2, w2, b2]);
    setWasmProducts('xnnpack');
    expect(await kernelsOf(() => fused(x, w, b, true))).not.toContain('LabDense');
    tf.dispose([x, w, b]);
  });

  it('leaks no tensors over repeated forward and backward passes', async () => {
    const [x, w, b, dy] = [random([8, 64, 16]), random([8, 16, 16]), random([8, 1, 16]), random([8, 64, 16])];
    tf.dispose(outputAndGradients(fused, x, w, b, dy, true));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) tf.dispose(outputAndGradients(fused, x, w, b, dy, true));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, dy]);
  });
});
