// The wasm Sum over the second-to-last axis (a bias gradient's column sums) runs in gemm.wat's sumRows: the same bits
// as tfjs-wasm's own Sum for every shape, keepDims and axis spelling; other sums untouched.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { setWasmColumnSums } from '../../src/core/tf/wasmColumnSums';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));
afterEach(() => setWasmColumnSums(true));

const rng = new Rng(3);
/** Values of mixed magnitude and sign, so a different summation order would show in the last bits. */
const random = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 1) * 10 ** rng.uniform(-3, 3)), shape);

async function bothWays(f: () => tf.Tensor): Promise<[number[], number[], number[]]> {
  setWasmColumnSums(true);
  const mine = f();
  setWasmColumnSums(false);
  const theirs = f();
  setWasmColumnSums(true);
  const result: [number[], number[], number[]] = [Array.from(await mine.data()), Array.from(await theirs.data()), mine.shape];
  expect(mine.shape).toEqual(theirs.shape);
  tf.dispose([mine, theirs]);
  return result;
}

describe('column sums on wasm', () => {
  const shapes = [[256, 64], [8, 256, 64], [8, 256, 1], [8, 256, 3], [3, 5, 17], [2, 3, 7, 6], [1, 1], [4, 1, 33], [8, 256, 256]];
  for (const shape of shapes) {
    it(`sums ${shape.join('x')} over its second-to-last axis to tfjs's bits`, async () => {
      const x = random(shape);
      for (const axis of [shape.length - 2, -2, [shape.length - 2]]) {
        for (const keepDims of [false, true]) {
          const [mine, theirs, outShape] = await bothWays(() => tf.sum(x, axis, keepDims));
          expect(mine).toEqual(theirs);
          const want = keepDims ? [...shape.slice(0, -2), 1, shape[shape.length - 1]] : [...shape.slice(0, -2), shape[shape.length - 1]];
          expect(outShape).toEqual(want);
        }
      }
      // By hand for one column.
      const values = await x.data();
      const [rows, cols] = shape.slice(-2);
      let s = 0;
      for (let i = 0; i < rows; i++) s = Math.fround(s + values[i * cols]);
      expect((await tf.sum(x, -2).data())[0]).toBe(s);
      x.dispose();
    });
  }

  it('gives a broadcast bias add its gradient with the same bits, and leaves other sums and tensors alone', async () => {
    const z = random([8, 256, 64]);
    const b = random([8, 1, 64]);
    const dy = random([8, 256, 64]);
    const grad = () => tf.grad((bias: tf.Tensor) => tf.sum(tf.mul(tf.add(z, bias), dy)))(b);
    const [mine, theirs, shape] = await bothWays(grad);
    expect(shape).toEqual([8, 1, 64]);
    expect(mine).toEqual(theirs);
    const before = tf.memory().numTensors;
    for (const [axis, keepDims] of [[-1, false], [0, false], [[0, 1], true], [undefined, false]] as const) {
      const [m, t] = await bothWays(() => tf.sum(z, axis as number | number[] | undefined, keepDims));
      expect(m).toEqual(t);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, b, dy]);
  });
});
