// The wasm backend's Sum, for one case taken over: a sum over the second-to-last axis of a float32 tensor ([..., n, c]
// -> [..., c]), which is what tfjs's gradient of a broadcast bias add asks for (x w + b with b [c] or [K, 1, c]). tfjs-wasm
// transposes the reduced axis innermost first and then reduces; gemm.wat's `sumRows` reads the rows in place with SIMD,
// each column summed over the rows in order from 0, the order of tfjs's scalar loop (the same bits; tested). Every
// other Sum, and every Sum where the lab's wasm module cannot run (the threaded build's shared memory), is tfjs's.
import * as tf from '@tensorflow/tfjs';
import { heapOffset, type WasmBackendView, type WasmKernel, type WasmKernelArgs } from './wasmBackendView';
import { wasmGemmFor } from './wasmGemm';

let installed = false;
let enabled = true;

/** Turns the column sums on or off (benches compare the two in one process). */
export function setWasmColumnSums(on: boolean): void {
  enabled = on;
}

/** The reduced axes of a Sum's attrs, non-negative and sorted. */
function reducedAxes(axis: unknown, rank: number): number[] {
  const list = Array.isArray(axis) ? axis.map(Number) : axis === undefined || axis === null ? [...Array(rank).keys()] : [Number(axis)];
  return list.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
}

/** Registers the Sum replacement for the wasm backend (once; safe before the backend starts). */
export function installWasmColumnSums(): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel('Sum', 'wasm');
  if (!original) return;
  const originalSum = original.kernelFunc as unknown as WasmKernel;

  const sum = (args: WasmKernelArgs): tf.TensorInfo => {
    const { x } = args.inputs;
    const rank = x.shape.length;
    const axes = reducedAxes(args.attrs.axis, rank);
    const backend = args.backend as WasmBackendView;
    const gemm = enabled && x.dtype === 'float32' && rank >= 2 && axes.length === 1 && axes[0] === rank - 2 ? wasmGemmFor(backend.wasm) : null;
    const [rows, cols] = x.shape.slice(-2);
    if (!gemm || rows === 0 || cols === 0) return originalSum(args);
    const lead = x.shape.slice(0, -2);
    const out = backend.makeOutput(args.attrs.keepDims ? [...lead, 1, cols] : [...lead, cols], 'float32');
    const at = (t: tf.TensorInfo) => heapOffset(backend, t);
    const batch = tf.util.sizeFromShape(lead);
    if (batch > 0) gemm.sumRows(at(x), at(out), batch, rows, cols);
    return out;
  };

  tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: sum as unknown as tf.KernelFunc });
}
