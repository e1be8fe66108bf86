import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

/** The same product on the plain-JavaScript cpu backend, as the reference. */
async function onCpu(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): Promise<Float32Array> {
  const [av, bv] = [await a.data(), await b.data()];
  await tf.setBackend('cpu');
  const out = tf.tidy(() => tf.matMul(tf.tensor(av, a.shape), tf.tensor(bv, b.shape), transposeA, transposeB).dataSync() as Float32Array);
  await tf.setBackend('wasm');
  return out;
}

describe('wasm batched matMul (every batch element through XNNPACK on a view of its memory)', () => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['a population layer', [8, 33, 17], [8, 17, 5], false, false],
    ['transposed left (a weight gradient)', [3, 9, 7], [3, 9, 4], true, false],
    ['transposed right (an input gradient)', [3, 9, 7], [3, 4, 7], false, true],
    ['both transposed, two batch axes', [2, 3, 5, 7], [2, 3, 4, 5], true, true],
    ['a 2-d product with a transposed operand', [6, 7], [4, 7], false, true],
  ];
  for (const [name, aShape, bShape, ta, tb] of cases) {
    it(`matches the cpu backend: ${name}`, async () => {
      const a = tf.randomNormal(aShape, 0, 1, 'float32', 3);
      const b = tf.randomNormal(bShape, 0, 1, 'float32', 4);
      const got = tf.matMul(a, b, ta, tb);
      const want = await onCpu(a, b, ta, tb);
      const values = await got.data();
      expect(values.length).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(values[i] - want[i]));
      expect(worst).toBeLessThan(1e-4);
      tf.dispose([a, b, got]);
    });
  }

  it('keeps every element apart: member k of the product depends only on member k of each operand', async () => {
    const a = tf.randomNormal([4, 6, 3], 0, 1, 'float32', 5);
    const b = tf.randomNormal([4, 3, 2], 0, 1, 'float32', 6);
    const whole = await tf.matMul(a, b).array();
    for (let k = 0; k < 4; k++) {
      const alone = await tf.matMul(tf.gather(a, k), tf.gather(b, k)).array();
      expect((whole as number[][][])[k].flat()).toEqual((alone as number[][]).flat().map((v) => expect.closeTo(v, 5)));
    }
  });

  it('leaves no tensor and no registered memory behind', () => {
    const a = tf.randomNormal([5, 16, 8]);
    const b = tf.randomNormal([5, 8, 4]);
    const tensors = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    for (let i = 0; i < 50; i++) tf.tidy(() => tf.matMul(a, b, true, true).dataSync());
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([a, b]);
  });
});
