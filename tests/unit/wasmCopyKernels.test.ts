import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

interface WasmBackend {
  numDataIds(): number;
  refCount(dataId: object): number;
}
const backend = () => tf.backend() as unknown as WasmBackend;

/** The same op on the plain-JavaScript cpu backend, as the reference. */
async function onCpu(inputs: tf.Tensor[], op: (xs: tf.Tensor[]) => tf.Tensor): Promise<{ values: number[]; shape: number[] }> {
  const data = await Promise.all(inputs.map((t) => t.data()));
  await tf.setBackend('cpu');
  const out = tf.tidy(() => {
    const y = op(inputs.map((t, i) => tf.tensor(data[i], t.shape, t.dtype)));
    return { values: Array.from(y.dataSync()), shape: y.shape };
  });
  await tf.setBackend('wasm');
  return out;
}

describe('wasm Identity and same-dtype Cast share the buffer', () => {
  it('clone and cast to float32 hold the same values and outlive their source', async () => {
    const x = tf.tensor2d([[1.5, -2], [0, 3]]);
    const copy = tf.clone(x);
    const cast = tf.cast(x, 'float32');
    expect(backend().refCount(x.dataId)).toBe(3);
    x.dispose();
    expect(Array.from(await copy.data())).toEqual([1.5, -2, 0, 3]);
    expect(Array.from(await cast.data())).toEqual([1.5, -2, 0, 3]);
    tf.dispose([copy, cast]);
  });

  it('a cast to another dtype still converts', async () => {
    const x = tf.tensor1d([1.7, -2.2, 0]);
    expect(Array.from(await tf.cast(x, 'int32').data())).toEqual([1, -2, 0]);
    x.dispose();
  });

  it('gradients (which clone every saved tensor) equal the cpu backend and free every buffer', async () => {
    const w = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 7));
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 8);
    const loss = () => tf.sum(tf.square(tf.relu(tf.matMul(x, w)))) as tf.Scalar;
    const tensors = tf.memory().numTensors;
    const ids = backend().numDataIds();
    const grad = tf.tidy(() => tf.variableGrads(loss, [w]).grads[w.name]);
    const want = await onCpu([x, w], ([xc, wc]) => tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.matMul(xc, v)))))(wc));
    const got = Array.from(await grad.data());
    got.forEach((g, i) => expect(g).toBeCloseTo(want.values[i], 4));
    grad.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend().numDataIds()).toBe(ids);
    tf.dispose([w, x]);
  });
});

describe('wasm Concat copies narrow rows in one loop', () => {
  const cases: [string, number[][], number][] = [
    ['a critic input: observations and actions of a population', [[3, 5, 3], [3, 5, 1]], 2],
    ['three inputs on the middle axis', [[2, 1, 4], [2, 3, 4], [2, 2, 4]], 1],
    ['wide rows (the original path)', [[2, 40], [2, 50]], 1],
    ['the first axis', [[2, 3], [1, 3]], 0],
    ['a negative axis', [[4, 2], [4, 3]], -1],
  ];
  for (const [name, shapes, axis] of cases) {
    it(`matches the cpu backend: ${name}`, async () => {
      const xs = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 20 + i));
      const got = tf.concat(xs, axis);
      const want = await onCpu(xs, (ts) => tf.concat(ts, axis));
      expect(got.shape).toEqual(want.shape);
      expect(Array.from(await got.data())).toEqual(want.values);
      tf.dispose([...xs, got]);
    });
  }

  it('keeps int32 values and skips empty inputs', async () => {
    const a = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
    const empty = tf.zeros([2, 0], 'int32');
    const b = tf.tensor2d([[5], [6]], [2, 1], 'int32');
    const got = tf.concat([a, empty, b], 1);
    expect(got.dtype).toBe('int32');
    expect(await got.array()).toEqual([[1, 2, 5], [3, 4, 6]]);
    tf.dispose([a, empty, b, got]);
  });

  it('names mismatched shapes', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 3]);
    expect(() => tf.concat([a, b], 1)).toThrow(/does not match the shape of the rest/);
    tf.dispose([a, b]);
  });
});
