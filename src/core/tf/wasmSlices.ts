// tfjs-backend-wasm 4.22's Slice kernel reads its whole input (a copy of the wasm heap range) even for a contiguous
// slice, and Unpack slices once per output: unstacking K members of a [K, ...] tensor copied the whole tensor K times
// (measured: 3.9 s of 5 s per update for a population of 32 at 64x64). These replacements copy only the slice's own
// range when it is contiguous. A strided slice (columns of [K, 256, 4]: a critic input's gradient split back into
// observation and action) took tfjs 55 us for 3,072 values, and its SplitV slices inside the kernel, 134 us for two
// pieces; here both copy the values row by row from the heap (about 3 us). Results are identical copies.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendView, WasmKernelArgs } from './wasmBackendView';

let installed = false;
let strided = true;

/** Turns the strided slices (and SplitV through them) on or off (benches compare the two; off: tfjs's kernels). */
export function setWasmStridedSlices(on: boolean): void {
  strided = on;
}

/** Registers the range-reading Slice and Unpack for the wasm backend (once; safe before the backend starts). */
export function installWasmSlices(): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel('Slice', 'wasm');
  if (!original) return;
  const originalSlice = original.kernelFunc as (args: WasmKernelArgs) => tf.TensorInfo;
  const originalSplitV = tf.getKernel('SplitV', 'wasm')?.kernelFunc as unknown as ((args: WasmKernelArgs) => tf.TensorInfo[]) | undefined;

  const slice = (args: WasmKernelArgs): tf.TensorInfo => {
    const x = args.inputs.x;
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs.begin as number[], args.attrs.size as number[]);
    const contiguous = tf.slice_util.isSliceContinous(x.shape, begin, size);
    if (x.dtype === 'string' || (!strided && !contiguous)) return originalSlice(args);
    const backend = args.backend as WasmBackendView;
    const out = backend.makeOutput(size, x.dtype);
    if (contiguous) {
      const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
      backend.typedArrayFromHeap(out).set(backend.readSync(x.dataId, offset, offset + tf.util.sizeFromShape(size)));
    } else if (tf.util.sizeFromShape(size) > 0) {
      copyStrided(bitsOf(backend.typedArrayFromHeap(x)), x.shape, begin, size, bitsOf(backend.typedArrayFromHeap(out)));
    }
    return out;
  };

  // tf.split: the pieces along one axis, each a slice (tfjs-wasm's SplitV slices inside the kernel, past ours).
  const splitV = (args: WasmKernelArgs): tf.TensorInfo[] => {
    if (!strided && originalSplitV) return originalSplitV(args);
    const x = args.inputs.x;
    const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, args.attrs.numOrSizeSplits as number[] | number, axis);
    const begin = x.shape.map(() => 0);
    return sizes.map((piece) => {
      const size = x.shape.slice();
      size[axis] = piece;
      const out = slice({ inputs: { x }, attrs: { begin: begin.slice(), size }, backend: args.backend });
      begin[axis] += piece;
      return out;
    });
  };

  const unpack = (args: WasmKernelArgs): tf.TensorInfo[] => {
    const value = args.inputs.value;
    let axis = Number(args.attrs.axis);
    if (axis < 0) axis += value.shape.length;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const begin = value.shape.map(() => 0);
    const size = value.shape.slice();
    size[axis] = 1;
    return Array.from({ length: value.shape[axis] }, (_, i) => {
      begin[axis] = i;
      const out = slice({ inputs: { x: value }, attrs: { begin: begin.slice(), size }, backend: args.backend });
      return { ...out, shape: outShape };
    });
  };

  for (const [name, kernelFunc] of [['Slice', slice], ['Unpack', unpack], ['SplitV', splitV]] as const) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}

type Values = Int32Array | Uint8Array;

/** 4-byte values as Int32Array (a bit copy; one array type keeps the copy loop fast), bools as they are. */
function bitsOf(a: Float32Array | Int32Array | Uint8Array): Values {
  return a instanceof Uint8Array ? a : new Int32Array(a.buffer, a.byteOffset, a.length);
}

/**
 * out = x[begin : begin + size] for a slice that is not one contiguous range: the trailing axes the slice takes whole
 * are merged into one run, and each run is copied from its offset in x (runs counted in row-major order).
 */
function copyStrided(x: Values, shape: number[], begin: number[], size: number[], out: Values): void {
  const strides = [...tf.util.computeStrides(shape), 1];
  let inner = shape.length - 1;
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  const run = size[inner] * strides[inner];
  const outer = size.slice(0, inner);
  const index = outer.map(() => 0);
  const base = begin.reduce((o, b, i) => o + b * strides[i], 0);
  const runs = tf.util.sizeFromShape(outer);
  let o = 0;
  for (let r = 0; r < runs; r++) {
    let at = base;
    for (let i = 0; i < inner; i++) at += index[i] * strides[i];
    if (run >= 16) out.set(x.subarray(at, at + run), o);
    else for (let j = 0; j < run; j++) out[o + j] = x[at + j];
    o += run;
    for (let i = inner - 1; i >= 0 && ++index[i] === outer[i]; i--) index[i] = 0;
  }
}
