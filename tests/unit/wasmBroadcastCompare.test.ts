// Maximum, Minimum and the comparisons of operands with different shapes on wasm (core/tf/wasmBroadcastCompare.ts):
// the same values as tfjs-wasm's own kernels on the operands broadcast to one shape first (its equal-shape path, kept),
// NaN and signed zeros included; axes merged as planned.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { broadcastPlan, setWasmBroadcastCompare } from '../../src/core/tf/wasmBroadcastCompare';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const OPS = ['maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'] as const;
const SPECIAL = [NaN, -0, 0, 1.5, -1.5, 2, Infinity, -Infinity];

function values(n: number, dtype: 'float32' | 'int32', seed: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const k = (i * 7 + seed * 3) % 11;
    if (dtype === 'int32') return k - 5;
    return k < SPECIAL.length ? SPECIAL[k] : (k - 9) * 0.25;
  });
}

/** Values with -0 written as '-0', so that toEqual tells the zeros apart whatever the array type. */
const shown = async (t: tf.Tensor) => Array.from(await t.data()).map((v) => (Object.is(v, -0) ? '-0' : v));

describe('broadcasting Maximum, Minimum and comparisons on wasm', () => {
  const pairs: [number[], number[]][] = [
    [[4, 256, 1], [4, 1, 1]],
    [[4, 6, 5], [4, 1, 5]],
    [[3, 1, 5], [1, 4, 1]],
    [[1, 1, 1], [2, 3, 4]],
    [[2, 3], [3]],
    [[5], []],
    [[], [2, 2]],
  ];
  for (const [aShape, bShape] of pairs) {
    for (const dtype of ['float32', 'int32'] as const) {
      it(`${aShape.join('x') || 'scalar'} with ${bShape.join('x') || 'scalar'} (${dtype}) equals tfjs on broadcast operands`, async () => {
        const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
        const a = tf.tensor(values(size(aShape), dtype, 1), aShape, dtype);
        const b = tf.tensor(values(size(bShape), dtype, 2), bShape, dtype);
        const shape = tf.backend_util.assertAndGetBroadcastShape(aShape, bShape);
        const [fullA, fullB] = [tf.broadcastTo(a, shape), tf.broadcastTo(b, shape)];
        for (const op of OPS) {
          const f = tf[op] as (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;
          const [mine, theirs] = [f(a, b), f(fullA, fullB)];
          expect(mine.dtype).toBe(theirs.dtype);
          expect(mine.shape).toEqual(theirs.shape);
          expect(await shown(mine)).toEqual(await shown(theirs));
          tf.dispose([mine, theirs]);
        }
        // And tfjs's own broadcasting kernels (turned off, as benches do) give the same.
        setWasmBroadcastCompare(false);
        const theirs = tf.maximum(a, b);
        setWasmBroadcastCompare(true);
        const mine = tf.maximum(a, b);
        expect(await shown(mine)).toEqual(await shown(theirs));
        tf.dispose([a, b, fullA, fullB, mine, theirs]);
      });
    }
  }

  it('merges the axes both operands step alike', () => {
    expect(broadcastPlan([4, 256, 1], [4, 1, 1])).toEqual({ outShape: [4, 256, 1], sizes: [4, 256], aSteps: [256, 1], bSteps: [1, 0] });
    expect(broadcastPlan([8, 3, 5], [8, 3, 5].map(() => 1))).toEqual({ outShape: [8, 3, 5], sizes: [120], aSteps: [1], bSteps: [0] });
    expect(broadcastPlan([3, 1, 5], [1, 4, 1])).toEqual({ outShape: [3, 4, 5], sizes: [3, 4, 5], aSteps: [5, 0, 1], bSteps: [0, 1, 0] });
  });

  it('names shapes that do not broadcast', () => {
    expect(() => tf.maximum(tf.zeros([2, 3]), tf.zeros([4]))).toThrow(/2,3.*4|broadcast/i);
  });
});
