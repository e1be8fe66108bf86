// tfjs-backend-wasm 4.22 concatenates along an inner axis row by row with a typed-array subarray and set per row and
// input. A critic's input [observation, action] of a population of 8 is 2 x 2,048 rows of 3 and 1 values: 4,096
// subarray objects and set calls, 256 us for 32 KB (three per IQL update). This replacement copies narrow rows value
// by value in one loop, and wide rows as the original does; the values are the same copies. Strings keep the original.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendView, WasmKernel, WasmKernelArgs } from './wasmBackendView';

type ConcatArgs = WasmKernelArgs<tf.TensorInfo[]>;
type ConcatKernel = WasmKernel<tf.TensorInfo[]>;

/** Rows shorter than this are copied value by value (a call per row costs more than the copy). */
const NARROW = 32;

let installed = false;

/** Registers the concat for the wasm backend (once; safe before the backend starts). */
export function installWasmConcat(): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel('Concat', 'wasm');
  if (!original) return;
  const originalConcat = original.kernelFunc as unknown as ConcatKernel;

  const concat = (args: ConcatArgs): tf.TensorInfo => {
    const inputs = args.inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    if (inputs.length < 2 || inputs[0].dtype === 'string') return originalConcat(args);
    const axis = tf.util.parseAxisParam(args.attrs.axis as number, args.inputs[0].shape)[0];
    tf.backend_util.assertParamsConsistent(args.inputs.map((t) => t.shape), axis);
    const backend = args.backend as WasmBackendView;
    const out = backend.makeOutput(tf.backend_util.computeOutShape(args.inputs.map((t) => t.shape), axis), args.inputs[0].dtype);
    const rows = tf.util.sizeFromShape(inputs[0].shape.slice(0, axis));
    const widths = inputs.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
    const outWidth = widths.reduce((a, b) => a + b, 0);
    // Views after makeOutput: an allocation may grow (and so replace) the heap.
    const target = backend.typedArrayFromHeap(out);
    let column = 0;
    inputs.forEach((t, i) => {
      const source = backend.typedArrayFromHeap(t);
      copyColumns(source, target, rows, widths[i], outWidth, column);
      column += widths[i];
    });
    return out;
  };

  tf.unregisterKernel('Concat', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: concat as unknown as tf.KernelFunc });
}

/** target[r, column + j] = source[r, j] for a source of `rows` x `width` in a target `outWidth` wide. */
export function copyColumns(source: ArrayLike<number>, target: Float32Array | Int32Array | Uint8Array, rows: number, width: number, outWidth: number, column: number): void {
  if (width < NARROW) {
    for (let r = 0, s = 0, t = column; r < rows; r++, t += outWidth) {
      for (let j = 0; j < width; j++) target[t + j] = source[s++];
    }
    return;
  }
  const src = source as Float32Array;
  for (let r = 0; r < rows; r++) target.set(src.subarray(r * width, (r + 1) * width), r * outWidth + column);
}
