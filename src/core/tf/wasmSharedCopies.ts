// tfjs-backend-wasm 4.22's Identity, and its Cast to the same dtype, copy the whole tensor into new heap memory. The
// engine runs Identity for every tensor a gradient saves (engine.saveTensorsForBackwardMode: keep(clone(x))), and
// tfjs-core's Relu gradient casts float32 to float32: 117 copies per IQL update, 1.9 of 40 ms kernel time for a
// population of 8 at 64x64. Tensor data is immutable, so the cpu and webgl backends share the buffer and count
// references instead; these replacements do the same on wasm (the backend already counts references for Reshape).
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendView, WasmKernel, WasmKernelArgs } from './wasmBackendView';

let installed = false;

/** Another reference to x's buffer, as a tensor info of `dtype`. */
function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as WasmBackendView).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/** Registers the sharing Identity and same-dtype Cast for the wasm backend (once; safe before the backend starts). */
export function installWasmSharedCopies(): void {
  if (installed) return;
  installed = true;
  const identity = tf.getKernel('Identity', 'wasm');
  const cast = tf.getKernel('Cast', 'wasm');
  if (!identity || !cast) return;
  const copyIdentity = identity.kernelFunc as unknown as WasmKernel;
  const copyCast = cast.kernelFunc as unknown as WasmKernel;

  // Strings live outside the heap; the original handles them.
  const sharedIdentity = (args: WasmKernelArgs) => (args.inputs.x.dtype === 'string' ? copyIdentity(args) : share(args.inputs.x, args.backend));
  const sharedCast = (args: WasmKernelArgs) => (args.attrs.dtype === args.inputs.x.dtype && args.inputs.x.dtype !== 'string' ? share(args.inputs.x, args.backend) : copyCast(args));

  for (const [kernel, kernelFunc] of [[identity, sharedIdentity], [cast, sharedCast]] as const) {
    tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({ ...kernel, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
