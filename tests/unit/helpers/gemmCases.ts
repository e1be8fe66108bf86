import * as tf from '@tensorflow/tfjs';
import type { WasmBackendView } from '../../../src/core/tf/wasmBackendView';
import { setWasmProducts } from '../../../src/core/tf/wasmBatchMatMul';
import { gemmInPlace, wasmGemmFor, type LaidOutProduct } from '../../../src/core/tf/wasmGemm';

/** A batched product op(A) op(B): batch elements of [n, m] x [m, p]. */
export type GemmCase = LaidOutProduct;

/**
 * Shapes for the lab's wasm GEMM: the 4x8 blocks with 4- and 1-3-wide column tails and 1-3-row tails, one-column
 * outputs (value heads) and two- or three-column ones (padded to four) in every layout, inner sizes 1..256, K = 1 and 8, and the products of a 64x64 MLP's forward
 * pass and gradients at batch 256 (x W, dY W^T, X^T dY).
 */
export function gemmCases(): GemmCase[] {
  const cases: GemmCase[] = [];
  const flags = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;
  for (const [transposeA, transposeB] of flags) {
    for (const batch of [1, 8]) {
      for (const [n, m, p] of [[1, 1, 1], [4, 8, 8], [5, 3, 7], [7, 1, 13], [9, 17, 12], [3, 256, 64], [13, 8, 1], [256, 64, 1], [2, 5, 3], [256, 64, 2], [6, 9, 3], [17, 23, 31]]) {
        cases.push({ batch, n, m, p, transposeA, transposeB });
      }
    }
  }
  for (const batch of [1, 8]) {
    cases.push({ batch, n: 256, m: 64, p: 64, transposeA: false, transposeB: false }); // x W
    cases.push({ batch, n: 256, m: 64, p: 64, transposeA: false, transposeB: true }); // dY W^T
    cases.push({ batch, n: 64, m: 256, p: 64, transposeA: true, transposeB: false }); // X^T dY
    cases.push({ batch, n: 4, m: 256, p: 64, transposeA: true, transposeB: false }); // first layer's X^T dY
    cases.push({ batch, n: 64, m: 256, p: 1, transposeA: true, transposeB: false }); // value head's X^T dY
  }
  return cases;
}

export const caseName = (c: GemmCase): string => `${c.batch}x[${c.n},${c.m}]${c.transposeA ? '^T' : ''} x [${c.m},${c.p}]${c.transposeB ? '^T' : ''}`;

/** Seeded operands of a case, in their stored layouts. */
export function operands(c: GemmCase, seed: number): [tf.Tensor3D, tf.Tensor3D] {
  const a = tf.randomUniform(c.transposeA ? [c.batch, c.m, c.n] : [c.batch, c.n, c.m], -1, 1, 'float32', seed) as tf.Tensor3D;
  const b = tf.randomUniform(c.transposeB ? [c.batch, c.p, c.m] : [c.batch, c.m, c.p], -1, 1, 'float32', seed + 1) as tf.Tensor3D;
  return [a, b];
}

/** The product in float64 and, per element, sum_l |A_il B_lj| (the scale of float32 rounding in the sum). */
export function reference(c: GemmCase, a: Float32Array, b: Float32Array): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(c.batch * c.n * c.p);
  const scale = new Float64Array(value.length);
  for (let t = 0; t < c.batch; t++) {
    for (let i = 0; i < c.n; i++) {
      for (let j = 0; j < c.p; j++) {
        let sum = 0;
        let abs = 0;
        for (let l = 0; l < c.m; l++) {
          const x = a[t * c.n * c.m + (c.transposeA ? l * c.n + i : i * c.m + l)];
          const y = b[t * c.m * c.p + (c.transposeB ? j * c.m + l : l * c.p + j)];
          sum += x * y;
          abs += Math.abs(x * y);
        }
        value[(t * c.n + i) * c.p + j] = sum;
        scale[(t * c.n + i) * c.p + j] = abs;
      }
    }
  }
  return { value, scale };
}

/** The largest |got - want| / (sum_l |A_il B_lj| + 1e-30) over the elements. */
export function worstError(got: ArrayLike<number>, want: Float64Array, scale: Float64Array): number {
  if (got.length !== want.length) throw new Error(`got ${got.length} values, want ${want.length}`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (scale[i] + 1e-30));
  return worst;
}

/** The lab's GEMM called directly (every shape, also those BatchMatMul leaves to XNNPACK) on the wasm backend. */
export function gemmProduct(c: GemmCase, a: tf.Tensor, b: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as WasmBackendView;
  const gemm = wasmGemmFor(backend.wasm);
  if (!gemm) throw new Error('the lab GEMM does not run on this backend');
  const out = backend.makeOutput([c.batch, c.n, c.p], 'float32');
  try {
    gemmInPlace(backend, gemm, c, a, b, out, c.transposeA, c.transposeB);
    return Float32Array.from(backend.readSync(out.dataId));
  } finally {
    backend.disposeData(out.dataId);
  }
}

/** One case through the lab's GEMM and through tfjs's XNNPACK path on the wasm backend: both products and the reference. */
export function productsOf(c: GemmCase, seed: number): { gemm: Float32Array; xnnpack: Float32Array; value: Float64Array; scale: Float64Array } {
  const [a, b] = operands(c, seed);
  try {
    setWasmProducts('xnnpack');
    const xnnpack = tf.tidy(() => tf.matMul(a, b, c.transposeA, c.transposeB).dataSync() as Float32Array);
    return { gemm: gemmProduct(c, a, b), xnnpack, ...reference(c, a.dataSync() as Float32Array, b.dataSync() as Float32Array) };
  } finally {
    setWasmProducts('lab-gemm');
    a.dispose();
    b.dispose();
  }
}
