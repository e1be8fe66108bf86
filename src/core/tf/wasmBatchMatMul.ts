// The wasm backend's BatchMatMul, replaced. Where it can run (the single-thread SIMD build: a plain, non-shared memory)
// the lab's own GEMM takes every float32 product with the same batch axes (core/tf/wasmGemm.ts: 128-bit SIMD on the
// operands in place, all K members in one call, transposed operands read through strides or copied once): it is
// faster than tfjs's XNNPACK path for the products of lone runs and populations alike (bench/wasmGemm.bench.ts).
//
// Elsewhere, and after `setWasmProducts('xnnpack')` (benches compare the two), the path before it: tfjs-backend-wasm
// 4.22 sends a batched product ([K, n, m] x [K, m, p] with K > 1, or any transposed operand) through a plain blocked
// loop in C++, not through XNNPACK: only a batch of one without transposes takes the fast path
// (batch_mat_mul_impl.cc). Measured here: [8, 256, 256] x [8, 256, 256] 350 ms batched against 29 ms as 8 separate
// products. So every batch element runs through that fast path on views of the operands' memory: the element's range
// is registered under a temporary tensor id (no copy), multiplied as a [1, n, m] x [1, m, p] product straight into its
// range of the output, and the ids released again (which also deletes the XNNPACK operator the backend caches on the
// weights' id). Transposed operands are transposed once by the backend's own Transpose first.
// Either way one kernel serves the whole batch, which keeps tfjs's per-op overhead constant in K: that is what lets a
// population of K members (core/population) cost less than K runs.
import * as tf from '@tensorflow/tfjs';
import { heapOffset, type WasmBackendView, type WasmKernel, type WasmKernelArgs, type WasmModule } from './wasmBackendView';
import { gemmInPlace, wasmGemmFor } from './wasmGemm';

type WasmProduct = (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array, bRank: number, transposeA: number, transposeB: number, outId: number) => void;

const BYTES = 4;
let installed = false;
const products = new WeakMap<WasmModule, WasmProduct>();

/** Which products BatchMatMul runs on wasm: the lab's GEMM where it can run, or tfjs's XNNPACK path always. */
export type WasmProducts = 'lab-gemm' | 'xnnpack';
let productsChoice: WasmProducts = 'lab-gemm';

let narrowOnGemm = true;

/**
 * Whether products with two or three output columns run on the GEMM (B padded to four columns) or on XNNPACK as
 * before (benches compare the two in one process).
 */
export function setWasmNarrowProducts(onGemm: boolean): void {
  narrowOnGemm = onGemm;
}

/** Whether the lab's GEMM takes a product with p output columns (every p, unless 2-3 were sent back to XNNPACK). */
export function gemmTakesColumns(p: number): boolean {
  return p === 1 || p >= 4 || (p > 0 && narrowOnGemm);
}

/** Picks the product path (benches compare the two in one process; tests compare their values). */
export function setWasmProducts(choice: WasmProducts): void {
  if (choice !== 'lab-gemm' && choice !== 'xnnpack') throw new Error(`setWasmProducts: unknown choice "${String(choice)}" (lab-gemm or xnnpack)`);
  productsChoice = choice;
}

/** Whether wasm products now read transposed operands in place (the lab's GEMM is chosen and runs on this backend). */
export function wasmReadsTransposes(): boolean {
  return productsChoice === 'lab-gemm' && tf.getBackend() === 'wasm' && wasmGemmFor((tf.backend() as unknown as WasmBackendView).wasm) !== null;
}

/** Registers the batched product for the wasm backend (once; safe before the backend starts). */
export function installWasmBatchMatMul(): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!original || !transposeKernel) return;
  const originalProduct = original.kernelFunc as unknown as WasmKernel;
  const transpose = transposeKernel.kernelFunc as unknown as WasmKernel;

  const batchMatMul = (args: WasmKernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs;
    const transposeA = Boolean(args.attrs.transposeA);
    const transposeB = Boolean(args.attrs.transposeB);
    const batch = a.shape.slice(0, -2);
    const k = tf.util.sizeFromShape(batch);
    const sameBatch = a.shape.length === b.shape.length && batch.every((d, i) => d === b.shape[i]);
    const backend = args.backend as WasmBackendView;
    const gemm = productsChoice === 'lab-gemm' ? wasmGemmFor(backend.wasm) : null;
    if (gemm && a.dtype === 'float32' && b.dtype === 'float32' && sameBatch) {
      const [n, m] = transposeA ? [a.shape[a.shape.length - 1], a.shape[a.shape.length - 2]] : a.shape.slice(-2);
      const p = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
      if (k > 0 && n > 0 && m > 0 && gemmTakesColumns(p)) {
        const out = backend.makeOutput([...batch, n, p], 'float32');
        gemmInPlace(backend, gemm, { batch: k, n, m, p }, a, b, out, transposeA, transposeB);
        return out;
      }
    }
    // A batch of one without transposes is already fast; broadcasting and other dtypes keep the original.
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || !sameBatch || (k === 1 && !transposeA && !transposeB)) return originalProduct(args);
    const swap = (t: tf.TensorInfo): tf.TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      [perm[t.shape.length - 2], perm[t.shape.length - 1]] = [perm[t.shape.length - 1], perm[t.shape.length - 2]];
      return transpose({ inputs: { x: t }, attrs: { perm }, backend });
    };
    const left = transposeA ? swap(a) : a;
    const right = transposeB ? swap(b) : b;
    const [n, m] = left.shape.slice(-2);
    const p = right.shape[right.shape.length - 1];
    const out = backend.makeOutput([...batch, n, p], 'float32');
    multiplyEach(backend, k, [n, m, p], [left, right, out]);
    if (left !== a) backend.disposeData(left.dataId);
    if (right !== b) backend.disposeData(right.dataId);
    return out;
  };

  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: batchMatMul as unknown as tf.KernelFunc });
}

/** out[i] = left[i] x right[i] for i < k through the backend's XNNPACK path, on temporary ids viewing each slice. */
function multiplyEach(backend: WasmBackendView, k: number, [n, m, p]: number[], tensors: tf.TensorInfo[]): void {
  const product = productOf(backend.wasm);
  const sizes = [n * m, m * p, n * p];
  const offsets = tensors.map((t) => heapOffset(backend, t));
  const shapeBytes = (rows: number, cols: number) => new Uint8Array(new Int32Array([1, rows, cols]).buffer);
  const [aShape, bShape] = [shapeBytes(n, m), shapeBytes(m, p)];
  const { tfjs } = backend.wasm;
  for (let i = 0; i < k; i++) {
    const ids = sizes.map((size, j) => {
      const id = backend.dataIdNextNumber++;
      tfjs.registerTensor(id, size, offsets[j] + i * size * BYTES);
      return id;
    });
    try {
      product(ids[0], aShape, 3, ids[1], bShape, 3, 0, 0, ids[2]);
    } finally {
      for (const id of ids) tfjs.disposeData(id);
    }
  }
}

function productOf(wasm: WasmModule): WasmProduct {
  let product = products.get(wasm);
  if (!product) {
    product = wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']) as WasmProduct;
    products.set(wasm, product);
  }
  return product;
}
