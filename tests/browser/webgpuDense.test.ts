import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dense } from '../../src/core/algos/nets';
import { trySetBackend } from '../../src/core/tf/backend';
import { setWebGpuDense, webgpuDenseTakes } from '../../src/core/tf/webgpuDense';
import { worstRelative } from './helpers/worstRelative';

// The dense layer as one WebGPU dispatch (core/tf/webgpuDense.ts: tfjs's fused matMul program and the lab's relu
// gradient) against the composite it replaces (BatchMatMul, Add, Relu), both on Chromium's WebGPU (SwiftShader here):
// the same outputs and gradients within float rounding, one kernel forward, and only the gradients asked for.
const REL = 1e-5;

const values = (shape: number[], seed: number) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, j) => Math.sin(seed * 7.1 + j * 1.37) * (1 + (j % 5))), shape);

/** Output and the gradients of sum(y * c) for x, w and b, through `dense` with the one-dispatch layer on or off. */
function layer(on: boolean, xShape: number[], wShape: number[], bShape: number[], activation: 'relu' | 'linear' | 'tanh'): tf.Tensor[] {
  setWebGpuDense(on);
  const [x, w, b] = [values(xShape, 1), values(wShape, 2), values(bShape, 3)];
  const c = values([...xShape.slice(0, -1), wShape[wShape.length - 1]], 4);
  const y = dense(x, w, b, activation);
  const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(dense(xx, ww, bb, activation), c)))([x, w, b]);
  tf.dispose([x, w, b, c]);
  return [y, ...grads];
}

const CASES = [
  { name: 'a lone layer, rank 2', x: [9, 7], w: [7, 6], b: [6] },
  { name: 'a population of 3, rank 3', x: [3, 9, 7], w: [3, 7, 6], b: [3, 1, 6] },
  { name: 'one output column', x: [3, 9, 64], w: [3, 64, 1], b: [3, 1, 1] },
  { name: "an ensemble's population, rank 4", x: [2, 3, 5, 4], w: [2, 3, 4, 6], b: [2, 3, 1, 6] },
];

describe('dense layer as one WebGPU dispatch', () => {
  beforeAll(async () => {
    const failure = await trySetBackend('webgpu');
    if (failure) throw new Error(`this test needs WebGPU in Chromium (--enable-unsafe-webgpu): ${failure}`);
  });
  afterEach(() => setWebGpuDense(true));

  for (const c of CASES) {
    for (const activation of ['relu', 'linear', 'tanh'] as const) {
      it(`${c.name}, ${activation}: output and gradients equal the composite`, async () => {
        const fused = layer(true, c.x, c.w, c.b, activation);
        const composite = layer(false, c.x, c.w, c.b, activation);
        expect(await worstRelative(fused, composite, REL, 'tensor')).toBeLessThan(REL);
        // relu zeroed some outputs, so the gradient's mask was exercised
        if (activation === 'relu') expect([...(await fused[0].data())].filter((v) => v === 0).length).toBeGreaterThan(0);
        tf.dispose([...fused, ...composite]);
      });
    }
  }

  it('runs an ensemble layer (rank 4) as one kernel between reshapes', async () => {
    const [x, w, b] = [values([2, 3, 5, 4], 1), values([2, 3, 4, 6], 2), values([2, 3, 1, 6], 3)];
    const info = await tf.profile(() => dense(x, w, b, 'relu'));
    expect((info.result as tf.Tensor).shape).toEqual([2, 3, 5, 6]);
    tf.dispose(info.result as tf.Tensor);
    expect(info.kernels.map((k) => k.name).filter((name) => name !== 'Reshape')).toEqual(['LabDenseWebGpu']);
    tf.dispose([x, w, b]);
  });

  it('runs one kernel forward where the composite ran three', async () => {
    const [x, w, b] = [values([3, 9, 7], 1), values([3, 7, 6], 2), values([3, 1, 6], 3)];
    const kernels = async (on: boolean) => {
      setWebGpuDense(on);
      const info = await tf.profile(() => dense(x, w, b, 'relu'));
      tf.dispose(info.result as tf.Tensor);
      return info.kernels.map((k) => k.name);
    };
    expect(await kernels(true)).toEqual(['LabDenseWebGpu']);
    expect(await kernels(false)).toEqual(['BatchMatMul', 'Add', 'Relu']);
    tf.dispose([x, w, b]);
  });

  it('computes only the gradients asked for: w alone takes one product, x and w two', async () => {
    const [x, w, b] = [values([3, 9, 7], 1), values([3, 7, 6], 2), values([3, 1, 6], 3)];
    const products = async (f: () => tf.Tensor[]) => {
      const info = await tf.profile(() => f());
      tf.dispose(info.result as tf.Tensor[]);
      return info.kernels.filter((k) => k.name === 'BatchMatMul').length;
    };
    const loss = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(dense(xx, ww, b, 'relu'));
    expect(await products(() => [tf.grad((ww: tf.Tensor) => loss(x, ww))(w)])).toBe(1);
    expect(await products(() => tf.grads(loss)([x, w]))).toBe(2);
    tf.dispose([x, w, b]);
  });

  it('a second-order gradient (a gradient penalty through relu) equals the composite', async () => {
    const penalty = (on: boolean) => {
      setWebGpuDense(on);
      const [x, w, b] = [values([2, 8, 5], 1), values([2, 5, 4], 2), values([2, 1, 4], 3)];
      const g = tf.grad((ww: tf.Tensor) => {
        const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(dense(xx, ww, b, 'relu'))))(x);
        return tf.sum(tf.square(dx));
      })(w);
      tf.dispose([x, w, b]);
      return g;
    };
    const [fused, composite] = [penalty(true), penalty(false)];
    expect(await worstRelative([fused], [composite], REL, 'tensor')).toBeLessThan(REL);
    tf.dispose([fused, composite]);
  });

  it('NaN in the input reaches the output and the gradients as in the composite', async () => {
    const run = async (on: boolean) => {
      setWebGpuDense(on);
      const x = tf.tensor2d([[NaN, 1], [2, -3]]);
      const [w, b] = [tf.tensor2d([[1, -1], [0.5, 2]]), tf.tensor1d([0.1, -0.2])];
      const [y, dw] = [dense(x, w, b, 'relu'), tf.grad((ww: tf.Tensor) => tf.sum(dense(x, ww, b, 'relu')))(w)];
      const out = [[...(await y.data())], [...(await dw.data())]].map((a) => a.map((v) => (Number.isNaN(v) ? 'NaN' : v.toFixed(5))));
      tf.dispose([x, w, b, y, dw]);
      return out;
    };
    const fused = await run(true);
    expect(fused[0].slice(0, 2)).toEqual(['NaN', 'NaN']);
    expect(fused).toEqual(await run(false));
  });

  it('leaves other shapes to the composite and keeps the tensor count flat', async () => {
    const shared = [values([3, 5, 4], 1), values([3, 4, 6], 2), values([6], 3)] as const;
    expect(webgpuDenseTakes(...shared)).toBe(false); // a bias shared by the members
    const mismatched = [values([2, 3, 5, 4], 1), values([3, 2, 4, 6], 2), values([2, 3, 1, 6], 3)] as const;
    expect(webgpuDenseTakes(...mismatched)).toBe(false); // leading axes that differ
    tf.dispose([...shared, ...mismatched]);
    const [x, w, b] = [values([3, 9, 7], 1), values([3, 7, 6], 2), values([3, 1, 6], 3)];
    const step = () => tf.tidy(() => tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(dense(xx, ww, bb, 'relu')))([x, w, b]));
    tf.dispose(step());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) tf.dispose(step());
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b]);
  });
});
