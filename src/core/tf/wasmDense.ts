// A dense layer act(x w + b) on wasm as one kernel where the lab's GEMM runs (core/tf/wasmGemm.ts): the product, then
// gemm.wat's `biasAct` adds the bias and applies relu while the output is still in cache. tfjs ran three kernels (the
// product, Add, Relu), each a pass over [K, 256, 64] values plus tfjs's per-kernel bookkeeping, and relu's gradient two
// more (Step, Multiply); here it is one (`reluGrad`, read from the layer's output). A population update at the teaching
// size runs dozens of such layers (bench/README.md, "A dense layer as one kernel").
// The same float32 operations in the same order as the three kernels, so the same bits (tests/unit/wasmDense.test.ts).
// Taken: rank 2 with a bias [out] (a lone run's MLP), and rank 3 or more with a bias [...lead, 1, out] (a population's
// [K, 1, out], an ensemble's [N, 1, out] or [K, N, 1, out]), float32. Everything else, and every other backend, is
// the composite (core/algos/nets.ts's dense).
import * as tf from '@tensorflow/tfjs';
import { denseShapesFit, registerDenseGradients } from './denseLayerKernel';
import { product } from './explicitTransposeMatMul';
import { heapOffset, type WasmBackendView, type WasmKernelArgs } from './wasmBackendView';
import { gemmTakesColumns, wasmReadsTransposes } from './wasmBatchMatMul';
import { gemmInPlace, wasmGemmFor, type GemmExports } from './wasmGemm';

const DENSE = 'LabDense';
const RELU_GRAD = 'LabReluGrad';
const BYTES = 4;
let registered = false;
let enabled = true;

/** Turns the one-kernel layer on or off (benches compare the two in one process; off: the composite everywhere). */
export function setWasmDense(on: boolean): void {
  enabled = on;
}

function gemmOf(backend: WasmBackendView, kernel: string): GemmExports {
  const gemm = wasmGemmFor(backend.wasm);
  if (!gemm) throw new Error(`${kernel}: the lab's wasm module cannot run on this backend (shared memory or no SIMD)`);
  return gemm;
}

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: DENSE,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs) => {
      const { x, w, b } = args.inputs;
      const backend = args.backend as WasmBackendView;
      const gemm = gemmOf(backend, DENSE);
      const lead = x.shape.slice(0, -2);
      const [n, m] = x.shape.slice(-2);
      const p = w.shape[w.shape.length - 1];
      const batch = tf.util.sizeFromShape(lead);
      const out = backend.makeOutput([...lead, n, p], 'float32');
      if (batch > 0 && n > 0) {
        gemmInPlace(backend, gemm, { batch, n, m, p }, x, w, out, false, false);
        gemm.biasAct(heapOffset(backend, out), heapOffset(backend, b), batch, n, p, b.shape.length === 1 ? 0 : p * BYTES, args.attrs.relu ? 1 : 0);
      }
      return out;
    }) as unknown as tf.KernelFunc,
  });
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs) => {
      const { dy, y } = args.inputs;
      const backend = args.backend as WasmBackendView;
      const out = backend.makeOutput(dy.shape, 'float32');
      const count = tf.util.sizeFromShape(dy.shape);
      if (count > 0) gemmOf(backend, RELU_GRAD).reluGrad(heapOffset(backend, dy), heapOffset(backend, y), heapOffset(backend, out), count);
      return out;
    }) as unknown as tf.KernelFunc,
  });
  registerDenseGradients({ dense: DENSE, reluGrad: RELU_GRAD }, product);
}

/** Whether this layer can run as one wasm kernel now (see the header for what is taken). */
export function wasmDenseTakes(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): boolean {
  return enabled && denseShapesFit(x, w, b) && x.shape[x.rank - 1] > 0 && gemmTakesColumns(w.shape[w.rank - 1]) && wasmReadsTransposes();
}

/** act(x w + b) as one wasm kernel; call only where wasmDenseTakes says so. */
export function wasmDense<T extends tf.Tensor>(x: T, w: tf.Tensor, b: tf.Tensor, relu: boolean): T {
  register();
  return tf.engine().runKernel(DENSE, { x, w, b } as unknown as tf.NamedTensorMap, { relu } as unknown as tf.NamedAttrMap) as T;
}
