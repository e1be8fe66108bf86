// The parts of tfjs-backend-wasm 4.22's backend and kernel calls that the lab's own wasm kernels use, typed once here:
// the package exports neither the backend's internals nor the kernels' argument types.
import type * as tf from '@tensorflow/tfjs';

/** The emscripten module behind the backend (its exported C functions and tensor registry). */
export interface WasmModule {
  cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
  /** The module's exports; `memory` is the heap every tensor lives in. */
  asm?: { memory?: WebAssembly.Memory };
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

export interface WasmBackendView {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  readSync(dataId: object, start?: number, end?: number): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
  disposeData(dataId: object): boolean;
}

/** Where a tensor's values start on the backend's heap, in bytes (what the lab's wasm module reads and writes). */
export function heapOffset(backend: WasmBackendView, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** What a kernel function receives (inputs by name; Concat's are a list). */
export type WasmKernelArgs<I = Record<string, tf.TensorInfo>> = { inputs: I; attrs: Record<string, unknown>; backend: unknown };
export type WasmKernel<I = Record<string, tf.TensorInfo>> = (args: WasmKernelArgs<I>) => tf.TensorInfo;
