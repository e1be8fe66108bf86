// The lab's float32 GEMM (gemm.wat: 128-bit SIMD, 4x8 register blocks) run on tfjs-backend-wasm's tensors in place:
// a second WebAssembly instance imports the backend's memory and reads the operands at their heap offsets, so the
// weights are neither copied nor packed per call (tfjs-wasm's XNNPACK path creates an operator and packs the right-hand
// matrix on every product; bench/README.md measured that at 14.5-16.8 GFLOP/s inside population updates). The same
// instance serves the module's other kernels (column sums, Adam's step, a dense layer's bias and relu, Polyak
// averaging).
// Transposed A is read through strides; transposed B is copied transposed once into a temporary tensor (m*p values
// against n*m*p multiply-adds), except when it is one column, whose values are contiguous either way. Two or three
// columns run as four (B padded with zeros).
import * as tf from '@tensorflow/tfjs';
import gemmBytes from '#gemm-bytes';
import { heapOffset, type WasmBackendView, type WasmModule } from './wasmBackendView';

export interface GemmExports {
  gemm(a: number, sai: number, sal: number, sa: number, b: number, sbl: number, sb: number, c: number, batch: number, n: number, m: number, p: number): void;
  transpose(src: number, dst: number, batch: number, rows: number, cols: number): void;
  sumRows(src: number, dst: number, batch: number, rows: number, cols: number): void;
  biasAct(c: number, bias: number, batch: number, rows: number, cols: number, biasStride: number, relu: number): void;
  reluGrad(dy: number, y: number, dst: number, count: number): void;
  copyColumns(src: number, srcCols: number, dst: number, dstCols: number, rows: number, cols: number): void;
  lerp(src: number, dst: number, out: number, count: number, t: number, u: number): void;
  adamStep(x: number, g: number, m: number, v: number, x1: number, m1: number, v1: number, count: number, step: number, gScale: number, decay: number, b1: number, c1: number, b2: number, c2: number, eps: number, sqrtBc2: number): number;
}

const BYTES = 4;
type Variant = 'fusedMultiplyAdd' | 'baseline';
const instances = new WeakMap<WasmModule, Partial<Record<Variant, GemmExports | null>>>();
const compiled: Partial<Record<Variant, WebAssembly.Module | null>> = {};
let fusedMultiplyAddWanted = true;

/**
 * Whether products may run the module built with relaxed SIMD's fused multiply-add (one rounding per c + a*b, and
 * 15-30% more GFLOP/s measured on an AVX-512 machine, bench/README.md) where the engine compiles it: Chromium 114+,
 * Node with --experimental-wasm-relaxed-simd. Elsewhere, or off, the baseline-SIMD module (two roundings, as XNNPACK).
 * Benches switch it to compare the two in one process.
 */
export function setWasmFusedMultiplyAdd(on: boolean): void {
  fusedMultiplyAddWanted = on;
}

/** Whether wasmGemmFor's module is the fused one now (the engine took it and it is wanted). */
export function wasmGemmFusesMultiplyAdd(): boolean {
  return fusedMultiplyAddWanted && compile('fusedMultiplyAdd') !== null;
}

/**
 * The GEMM bound to this backend's memory, or null where it cannot run: the threaded build's shared memory (the
 * module imports a plain one), an engine without SIMD, or a main thread that refuses to compile synchronously.
 */
export function wasmGemmFor(wasm: WasmModule): GemmExports | null {
  const variant: Variant = wasmGemmFusesMultiplyAdd() ? 'fusedMultiplyAdd' : 'baseline';
  let bound = instances.get(wasm);
  if (!bound) instances.set(wasm, (bound = {}));
  let gemm = bound[variant];
  if (gemm !== undefined) return gemm;
  const module = compile(variant);
  gemm = null;
  if (module && wasm.asm?.memory) {
    try {
      gemm = new WebAssembly.Instance(module, { tfjs: { memory: wasm.asm.memory } }).exports as unknown as GemmExports;
    } catch {
      gemm = null; // a shared memory does not match the module's import
    }
  }
  bound[variant] = gemm;
  return gemm;
}

function compile(variant: Variant): WebAssembly.Module | null {
  if (compiled[variant] === undefined) {
    try {
      compiled[variant] = new WebAssembly.Module(gemmBytes[variant] as BufferSource);
    } catch {
      compiled[variant] = null; // no SIMD, or (the fused one) no relaxed SIMD
    }
  }
  return compiled[variant]!;
}

/** Sizes of a batched product op(A) op(B): `batch` elements of [n, m] x [m, p]. */
export interface ProductShape {
  batch: number;
  n: number;
  m: number;
  p: number;
}

/** A product with its operands' layouts (op(A) = A^T when transposeA). */
export interface LaidOutProduct extends ProductShape {
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * out[t] = op(a[t]) op(b[t]) for every batch element t, in place on the backend's heap. `a` holds [batch, n, m]
 * ([batch, m, n] if transposeA), `b` [batch, m, p] ([batch, p, m] if transposeB), `out` [batch, n, p]; all float32,
 * every size at least 1.
 */
export function gemmInPlace(backend: WasmBackendView, gemm: GemmExports, shape: ProductShape, a: tf.TensorInfo, b: tf.TensorInfo, out: tf.TensorInfo, transposeA: boolean, transposeB: boolean): void {
  const { batch, n, m, p } = shape;
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  // A(i, l) at a + i*sai + l*sal.
  const [sai, sal] = transposeA ? [BYTES, n * BYTES] : [m * BYTES, BYTES];
  const sa = n * m * BYTES;
  if (p === 1) {
    // One column of B is contiguous in both layouts. With A transposed its columns are contiguous too, so the
    // product is computed as out^T = b^T a^T (the same memory as out): one row of 4x8 blocks instead of n strided dots.
    if (transposeA) gemm.gemm(at(b), BYTES, BYTES, m * BYTES, at(a), sal, sa, at(out), batch, 1, m, n);
    else gemm.gemm(at(a), sai, sal, sa, at(b), BYTES, m * BYTES, at(out), batch, n, m, 1);
    return;
  }
  let right = b;
  if (transposeB) {
    right = backend.makeOutput([batch, m, p], 'float32');
    gemm.transpose(at(b), at(right), batch, p, m);
  }
  const scratch: tf.TensorInfo[] = right === b ? [] : [right];
  try {
    if (p >= 4) {
      gemm.gemm(at(a), sai, sal, sa, at(right), p * BYTES, m * p * BYTES, at(out), batch, n, m, p);
      return;
    }
    // Two or three columns (a 2-action Q head, SAC's mean and log std): B padded to 4 columns with zeros, the
    // 4-column block into a scratch output, its first p columns copied out. Each element is the block's in-order sum;
    // as strided dots these products ran at half of XNNPACK's speed.
    const padded = backend.makeOutput([batch, m, 4], 'float32');
    const wide = backend.makeOutput([batch, n, 4], 'float32');
    scratch.push(padded, wide);
    gemm.copyColumns(at(right), p, at(padded), 4, batch * m, p);
    gemm.gemm(at(a), sai, sal, sa, at(padded), 4 * BYTES, m * 4 * BYTES, at(wide), batch, n, m, 4);
    gemm.copyColumns(at(wide), 4, at(out), p, batch * n, p);
  } finally {
    for (const t of scratch) backend.disposeData(t.dataId);
  }
}
