import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmBackendView } from '../../src/core/tf/wasmBackendView';
import { setWasmProducts } from '../../src/core/tf/wasmBatchMatMul';
import { setWasmFusedMultiplyAdd, wasmGemmFor, wasmGemmFusesMultiplyAdd } from '../../src/core/tf/wasmGemm';
import { caseName, gemmCases, productsOf, reference, worstError, type GemmCase } from './helpers/gemmCases';
import { useBackend } from './helpers/tfNode';

// The lab's wasm GEMM (src/core/tf/gemm.wat) against a float64 product and tfjs's own XNNPACK product, on the wasm
// backend in Node: errors are measured per element against sum_l |A_il B_lj|, the size float32 rounding scales with.
beforeAll(() => useBackend('wasm'));

describe('the lab wasm GEMM', () => {
  it('binds to the backend memory in Node (single-thread SIMD build)', () => {
    expect(wasmGemmFor((tf.backend() as unknown as WasmBackendView).wasm)).not.toBeNull();
  });

  it.each(gemmCases().map((c, i) => [caseName(c), c, i] as const))('%s matches float64 and XNNPACK to float precision', (_, c, i) => {
    const { gemm, xnnpack, value, scale } = productsOf(c, 100 + i);
    expect(worstError(gemm, value, scale)).toBeLessThan(1e-5);
    expect(worstError(gemm, Float64Array.from(xnnpack), scale)).toBeLessThan(1e-5);
  });

  it('runs the fused module in Node (relaxed SIMD on, as in Chromium), and the baseline one when asked', () => {
    expect(wasmGemmFusesMultiplyAdd()).toBe(true);
    setWasmFusedMultiplyAdd(false);
    expect(wasmGemmFusesMultiplyAdd()).toBe(false);
    setWasmFusedMultiplyAdd(true);
  });

  // One rounding per step where c + a*b is one relaxed_madd (x86-64 with FMA3, as every machine here), two as written.
  // a*b of two float32 values is exact in float64, so fround(c + a*b) is the fused step (a float64 sum landing
  // exactly between two float32 values would round twice; none does in these cases, which are fixed).
  describe.each([
    ['fused', true, (c: number, a: number, b: number) => Math.fround(c + a * b)],
    ['baseline', false, (c: number, a: number, b: number) => Math.fround(c + Math.fround(a * b))],
  ] as const)('%s module', (_, fused, madd) => {
    beforeAll(() => setWasmFusedMultiplyAdd(fused));
    afterAll(() => setWasmFusedMultiplyAdd(true));

    it('rounds c + a*b once when fused, twice when not (a product whose low bits the second rounding drops)', () => {
      // -1 + (1 + 2^-12)^2 = 2^-11 + 2^-24 exactly; rounding the product first to float32 loses the 2^-24.
      const e = 2 ** -12;
      const a = tf.tensor2d([[-1, 1 + e]]);
      const b = tf.tensor2d([[1, 1, 1, 1], [1 + e, 1 + e, 1 + e, 1 + e]]);
      const got = tf.matMul(a, b).dataSync();
      expect(Array.from(got)).toEqual(Array(4).fill(fused ? 2 ** -11 + 2 ** -24 : 2 ** -11));
      tf.dispose([a, b]);
    });

    it('sums each element in order, as c = c + a*b in float32 (bit for bit, blocks and tails)', () => {
      const c: GemmCase = { batch: 2, n: 6, m: 37, p: 11, transposeA: true, transposeB: true };
      const [a, b] = [tf.randomNormal([2, 37, 6], 0, 1, 'float32', 3), tf.randomNormal([2, 11, 37], 0, 1, 'float32', 4)];
      const got = tf.matMul(a, b, true, true).dataSync();
      const [x, y] = [a.dataSync(), b.dataSync()];
      for (let t = 0; t < c.batch; t++) {
        for (let i = 0; i < c.n; i++) {
          for (let j = 0; j < c.p; j++) {
            let sum = 0;
            for (let l = 0; l < c.m; l++) sum = madd(sum, x[t * 222 + l * 6 + i], y[t * 407 + j * 37 + l]);
            expect(got[(t * 6 + i) * 11 + j]).toBe(sum);
          }
        }
      }
      tf.dispose([a, b]);
    });

    it('sums two- and three-column products in order too (B padded to four columns), and is what tf.matMul runs', () => {
      for (const p of [2, 3]) {
        const [n, m] = [9, 21];
        const [a, b] = [tf.randomNormal([n, m], 0, 1, 'float32', 8), tf.randomNormal([p, m], 0, 1, 'float32', 9)];
        const got = tf.matMul(a, b, false, true).dataSync();
        const [x, y] = [a.dataSync(), b.dataSync()];
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < p; j++) {
            let sum = 0;
            for (let l = 0; l < m; l++) sum = madd(sum, x[i * m + l], y[j * m + l]);
            expect(got[i * p + j]).toBe(sum);
          }
        }
        tf.dispose([a, b]);
      }
    });

    it('is what tf.matMul runs on wasm for one output column: four partial sums over l (vector), then a scalar tail', () => {
      const [m, rows] = [38, 5];
      const [a, b] = [tf.randomNormal([rows, m], 0, 1, 'float32', 5), tf.randomNormal([m, 1], 0, 1, 'float32', 6)];
      const got = tf.matMul(a, b).dataSync();
      const [x, y] = [a.dataSync(), b.dataSync()];
      const f = Math.fround;
      for (let i = 0; i < rows; i++) {
        const lanes = [0, 0, 0, 0];
        let l = 0;
        for (; l + 4 <= m; l += 4) for (let q = 0; q < 4; q++) lanes[q] = madd(lanes[q], x[i * m + l + q], y[l + q]);
        let sum = f(f(lanes[0] + lanes[1]) + f(lanes[2] + lanes[3]));
        for (; l < m; l++) sum = f(sum + f(x[i * m + l] * y[l])); // the scalar tail is never fused
        expect(got[i]).toBe(sum);
      }
      tf.dispose([a, b]);
    });
  });

  it('leaves no tensor or heap bytes behind (the transposed-B copy is released)', () => {
    const [a, b] = [tf.ones([8, 64, 32]), tf.ones([8, 48, 32])];
    tf.matMul(a, b, false, true).dispose();
    const before = tf.memory();
    for (let r = 0; r < 3; r++) tf.matMul(a, b, false, true).dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([a, b]);
  });

  it('reads the right bytes after the backend memory grew', () => {
    const memory = (tf.backend() as unknown as WasmBackendView).wasm.asm!.memory!;
    const size = memory.buffer.byteLength;
    const big = tf.zeros([size / 4 + 1024]); // more than the heap had: it must grow
    expect(memory.buffer.byteLength).toBeGreaterThan(size);
    const c: GemmCase = { batch: 8, n: 33, m: 20, p: 9, transposeA: false, transposeB: false };
    const { gemm, value, scale } = productsOf(c, 7);
    expect(worstError(gemm, value, scale)).toBeLessThan(1e-5);
    big.dispose();
  });

  it('does not bind to a shared memory (the threaded build), so BatchMatMul keeps the XNNPACK path there', () => {
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    const threadedModule = { asm: { memory: shared }, cwrap: () => () => undefined, tfjs: { registerTensor: () => undefined, disposeData: () => undefined } };
    expect(wasmGemmFor(threadedModule)).toBeNull();
  });

  it('names a choice it does not know', () => {
    expect(() => setWasmProducts('blas' as 'xnnpack')).toThrow(/unknown choice "blas"/);
  });
});

// reference() is what the cases are judged by: check it on a product worked by hand.
it('the float64 reference multiplies as written by hand', () => {
  const c: GemmCase = { batch: 1, n: 2, m: 3, p: 2, transposeA: false, transposeB: true };
  const { value, scale } = reference(c, Float32Array.from([1, 2, 3, 4, 5, 6]), Float32Array.from([1, 0, -1, 2, 1, 0]));
  expect(Array.from(value)).toEqual([-2, 4, -2, 13]);
  expect(Array.from(scale)).toEqual([4, 4, 10, 13]);
});
