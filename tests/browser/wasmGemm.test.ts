import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { configureWasm } from '../../src/core/tf/backend';
import type { WasmBackendView } from '../../src/core/tf/wasmBackendView';
import { wasmGemmFor } from '../../src/core/tf/wasmGemm';
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
