import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setWasmStridedSlices } from '../../src/core/tf/wasmSlices';
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

describe('wasm Slice and SplitV copy strided slices row by row', () => {
  const cases: [string, number[], number[], number[]][] = [
    ['the action column of a critic input', [8, 256, 4], [0, 0, 3], [8, 256, 1]],
    ['the observation columns', [8, 256, 4], [0, 0, 0], [8, 256, 3]],
    ['an inner block of a rank-4 tensor', [3, 4, 5, 6], [1, 1, 2, 0], [2, 2, 3, 6]],
    ['wide rows (copied as subarrays)', [3, 4, 40], [1, 0, 2], [2, 4, 30]],
    ['a middle axis', [5, 7, 3], [0, 2, 0], [5, 3, 3]],
    ['a matrix column', [6, 5], [1, 4], [4, 1]],
  ];
  for (const [name, shape, begin, size] of cases) {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      it(`matches the cpu backend: ${name} (${dtype})`, async () => {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = tf.tensor(Array.from({ length: n }, (_, i) => (dtype === 'bool' ? Number(i % 3 === 0) : i * 1.5 - 7)), shape, dtype);
        const y = tf.slice(x, begin, size);
        const want = await onCpu([x], ([t]) => tf.slice(t, begin, size));
        expect(y.shape).toEqual(want.shape);
        expect(Array.from(await y.data())).toEqual(want.values);
        tf.dispose([x, y]);
      });
    }
  }

  it('splits along every axis as the cpu backend does, with sizes or a count', async () => {
    const x = tf.tensor(Array.from({ length: 4 * 6 * 4 }, (_, i) => i - 40.25), [4, 6, 4]);
    for (const [split, axis] of [[[3, 1], -1], [[1, 2, 3], 1], [2, 0], [[1, -1], 2]] as [number[] | number, number][]) {
      const pieces = tf.split(x, split, axis);
      const want = await Promise.all(
        pieces.map((_, i) => onCpu([x], ([t]) => tf.split(t, split, axis)[i])),
      );
      setWasmStridedSlices(false); // tfjs-wasm's own SplitV, as benches compare
      const theirs = tf.split(x, split, axis);
      setWasmStridedSlices(true);
      for (const [i, piece] of pieces.entries()) {
        expect(piece.shape).toEqual(want[i].shape);
        expect(Array.from(await piece.data())).toEqual(want[i].values);
        expect(Array.from(await theirs[i].data())).toEqual(want[i].values);
      }
      tf.dispose([...pieces, ...theirs]);
    }
    x.dispose();
  });

  it('gives a concat its gradient back through SplitV', async () => {
    const [a, b] = [tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]), tf.tensor3d([7, 8], [1, 2, 1])];
    const w = tf.tensor3d([1, -1, 2, -2, 3, -3, 4, -4], [1, 2, 4]);
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.concat([x, y], -1), w)))([a, b]);
    expect(Array.from(await ga.data())).toEqual([1, -1, 2, 3, -3, 4]);
    expect(Array.from(await gb.data())).toEqual([-2, -4]);
    tf.dispose([a, b, w, ga, gb]);
  });
});
