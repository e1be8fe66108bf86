// Pieces shared by the lab's own WebGPU programs (core/tf/webgpuAdam.ts, webgpuDense.ts, webgpuPolyak.ts): the
// elementwise layout, uniform values, and registering a program as a tfjs kernel so tf.profile and the engine see
// every dispatch and own every output.
import * as tf from '@tensorflow/tfjs';
import { webgpu_util, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Elementwise over a flat output, one thread per value (tfjs's own layout for elementwise programs). */
export function elementwise(outputShape: number[]): Pick<WebGPUProgram, 'outputShape' | 'dispatchLayout' | 'dispatch' | 'workgroupSize' | 'size'> {
  const workgroupSize: [number, number, number] = [64, 1, 1];
  const dispatchLayout = webgpu_util.flatDispatchLayout(outputShape);
  return { outputShape, dispatchLayout, dispatch: webgpu_util.computeDispatch(dispatchLayout, outputShape, workgroupSize), workgroupSize, size: true };
}

export const f32 = (x: number) => ({ type: 'float32', data: [x] });
export const i32 = (x: number) => ({ type: 'int32', data: [x] });

export interface WebGpuKernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs: Record<string, unknown>;
}

/** Registers each kernel for the webgpu backend the first time it is called; later calls do nothing. */
export function webgpuKernels(kernels: Record<string, (a: WebGpuKernelArgs) => tf.TensorInfo>): () => void {
  let registered = false;
  return () => {
    if (registered) return;
    registered = true;
    for (const [kernelName, kernelFunc] of Object.entries(kernels)) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  };
}
