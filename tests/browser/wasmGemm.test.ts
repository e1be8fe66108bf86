import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { configureWasm } from '../../src/core/tf/backend';
import type { WasmBackendView } from '../../src/core/tf/wasmBackendView';
import { setWasmFusedMultiplyAdd, wasmGemmFor, wasmGemmFusesMultiplyAdd } from '../../src/core/tf/wasmGemm';
import { wasmFiles } from '../../workers/wasmFiles';
import { caseName, gemmCases, productsOf, worstError } from '../unit/helpers/gemmCases';

// In Chromium the GEMM's bytes come from the Vite plugin (scripts/wat.mjs), not from wabt at run time as in Node:
// the same cases as tests/unit/wasmGemm.test.ts, on the page's wasm backend.
beforeAll(async () => {
  configureWasm(wasmFiles);
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});

describe('the lab wasm GEMM in Chromium', () => {
  it('binds to the backend memory (single-thread SIMD build)', () => {
    expect(wasmGemmFor((tf.backend() as unknown as WasmBackendView).wasm)).not.toBeNull();
  });

  it('runs the module built with relaxed SIMD, which rounds c + a*b once (Chromium 114+ compiles it by default)', () => {
    expect(wasmGemmFusesMultiplyAdd()).toBe(true);
    // -1 + (1 + 2^-12)^2 = 2^-11 + 2^-24 exactly; the baseline module rounds the product first and loses the 2^-24.
    const e = 2 ** -12;
    const product = (fused: boolean) => {
      setWasmFusedMultiplyAdd(fused);
      const [a, b] = [tf.tensor2d([[-1, 1 + e]]), tf.tensor2d([[1, 1, 1, 1], [1 + e, 1 + e, 1 + e, 1 + e]])];
      const out = Array.from(tf.matMul(a, b).dataSync());
      tf.dispose([a, b]);
      return out;
    };
    expect(product(false)).toEqual(Array(4).fill(2 ** -11));
    expect(product(true)).toEqual(Array(4).fill(2 ** -11 + 2 ** -24));
  });

  it('matches float64 and XNNPACK to float precision on every case', () => {
    const failures: string[] = [];
    gemmCases().forEach((c, i) => {
      const { gemm, xnnpack, value, scale } = productsOf(c, 100 + i);
      const [toReference, toXnnpack] = [worstError(gemm, value, scale), worstError(gemm, Float64Array.from(xnnpack), scale)];
      if (!(toReference < 1e-5 && toXnnpack < 1e-5)) failures.push(`${caseName(c)}: ${toReference} / ${toXnnpack}`);
    });
    expect(failures).toEqual([]);
  });
});
