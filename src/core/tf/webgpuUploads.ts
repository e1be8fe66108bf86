// Uploads of CPU tensors on tfjs-backend-webgpu by queue.writeBuffer. tfjs 4.22 uploads a CPU tensor (a batch, and
// every JS number an op is given, e.g. tf.mul(x, 0.9)) into a pooled buffer through a new mapped staging buffer that
// it destroys after the next submit, and ends the compute pass to copy it. A population update of IQL made 219 such
// uploads; on an H100 through Dawn/Vulkan each update then spent most of its time creating and freeing those staging
// buffers (bench/README.md, "WebGPU on a real GPU"). queue.writeBuffer copies through Dawn's own staging ring: no
// buffer is created and the pass stays open.
//
// Ordering: writeBuffer runs on the queue when called, before the commands still being recorded, whereas the staging
// copy ran inside them. That is safe for a buffer taken from the pool: tfjs returns a buffer to the pool only once
// every command that used it has been submitted (tensorDataPendingDisposal), and later submissions run after the write.
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

type DataId = Parameters<WebGPUBackend['uploadToGPU']>[0];

const original = WebGPUBackend.prototype.uploadToGPU;
const STORAGE_COPY_SRC_COPY_DST = 0x80 | 0x04 | 0x08; // GPUBufferUsage.STORAGE | COPY_SRC | COPY_DST, as tfjs's own

function uploadByWriteBuffer(this: WebGPUBackend, dataId: DataId): void {
  const data = this.tensorMap.get(dataId);
  const count = tf.util.sizeFromShape(data.shape);
  // Anything but a plain float32/int32/bool upload (already on the GPU, complex, empty) goes the original way.
  if (data.resource != null || data.values == null || count === 0 || !['float32', 'int32', 'bool'].includes(data.dtype)) {
    original.call(this, dataId);
    return;
  }
  const values = data.values as ArrayLike<number>;
  // The GPU holds bool and int32 as 32-bit integers, float32 as floats (tfjs's GPUBytesPerElement: 4 bytes each).
  const words = data.dtype === 'float32' ? (values instanceof Float32Array ? values : Float32Array.from(values)) : values instanceof Int32Array ? values : Int32Array.from(values);
  const buffer = this.bufferManager.acquireBuffer(4 * count, STORAGE_COPY_SRC_COPY_DST);
  this.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, 4 * count);
  data.values = null as unknown as typeof data.values; // as tfjs does: the GPU copy is the only one now
  data.resource = buffer;
}

/** Uploads by queue.writeBuffer (`on`), or tfjs's own staging copies again. For every WebGPU backend of this page. */
export function useWebGpuWriteBufferUploads(on = true): void {
  WebGPUBackend.prototype.uploadToGPU = on ? uploadByWriteBuffer : original;
}
