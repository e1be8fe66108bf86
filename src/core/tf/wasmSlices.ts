// tfjs-backend-wasm 4.22's Slice kernel reads its whole input (a copy of the wasm heap range) even for a contiguous
// slice, and Unpack slices once per output: unstacking K members of a [K, ...] tensor copied the whole tensor K times
// (measured: 3.9 s of 5 s per update for a population of 32 at 64x64). These replacements copy only the slice's own
// range when it is contiguous, and defer to the original kernel otherwise; results are identical.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendView, WasmKernelArgs } from './wasmBackendView';

let installed = false;

/** Registers the range-reading Slice and Unpack for the wasm backend (once; safe before the backend starts). */
export function installWasmSlices(): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel('Slice', 'wasm');
  if (!original) return;
  const originalSlice = original.kernelFunc as (args: WasmKernelArgs) => tf.TensorInfo;

  const slice = (args: WasmKernelArgs): tf.TensorInfo => {
    const x = args.inputs.x;
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs.begin as number[], args.attrs.size as number[]);
    if (x.dtype === 'string' || !tf.slice_util.isSliceContinous(x.shape, begin, size)) return originalSlice(args);
    const backend = args.backend as WasmBackendView;
    const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
    const out = backend.makeOutput(size, x.dtype);
    backend.typedArrayFromHeap(out).set(backend.readSync(x.dataId, offset, offset + tf.util.sizeFromShape(size)));
    return out;
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

  for (const [name, kernelFunc] of [['Slice', slice], ['Unpack', unpack]] as const) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
