import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trySetBackend } from '../../src/core/tf/backend';
import { useWebGpuWriteBufferUploads } from '../../src/core/tf/webgpuUploads';

// The lab's uploads of CPU tensors on WebGPU (core/tf/webgpuUploads.ts, queue.writeBuffer) against tfjs's own (a mapped
// staging buffer per upload), on Chromium's real WebGPU: the same values, no staging buffers, and a pooled buffer that
// pending commands still read is never overwritten.
describe('WebGPU uploads by queue.writeBuffer', () => {
  let mapped = 0;
  beforeAll(async () => {
    const failure = await trySetBackend('webgpu');
    if (failure) throw new Error(`this test needs WebGPU in Chromium (--enable-unsafe-webgpu): ${failure}`);
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const createBuffer = device.createBuffer.bind(device);
    device.createBuffer = (d: GPUBufferDescriptor) => {
      if (d.mappedAtCreation) mapped += 1;
      return createBuffer(d);
    };
  });
  afterAll(() => useWebGpuWriteBufferUploads());

  // From 1,000 values (WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD) an op on CPU tensors runs on the GPU, so they are uploaded.
  const N = 1200;
  const floats = (seed: number) => Array.from({ length: N }, (_, j) => (j % 7 === 0 ? -0 : (seed + 1) * (j - 600.25) * (j % 3 === 0 ? 1e-9 : 1e3)));

  /** Uploads of each dtype, and a JS number given to an op on a GPU tensor, read back after ops on the GPU. */
  const work = async (seed: number) => {
    const f = tf.tensor2d(floats(seed), [3, N / 3]);
    const i = tf.tensor1d(Array.from({ length: N }, (_, j) => (j === 0 ? 2147483647 : (seed + 1) * (j - 600))), 'int32');
    const b = tf.tensor1d(Array.from({ length: N }, (_, j) => (j + seed) % 3 === 0), 'bool');
    const out = tf.tidy(() => [tf.add(tf.mul(f, 0.5), 1), tf.add(i, 1), tf.where(b, tf.cast(i, 'float32'), tf.fill([N], -1)), tf.logicalNot(b)]);
    const values = await Promise.all(out.map((t) => t.data()));
    tf.dispose([f, i, b, ...out]);
    return values.map((v) => [...v]);
  };

  it('gives the same values as tfjs uploads and creates no staging buffers', async () => {
    useWebGpuWriteBufferUploads(false);
    const before = mapped;
    const staging = [await work(1), await work(2)];
    expect(mapped - before, 'tfjs itself uploads through mapped buffers').toBeGreaterThan(0);
    useWebGpuWriteBufferUploads(true);
    await work(0); // the buffer pool now holds buffers of every size, as in steady training
    const pooled = mapped;
    const written = [await work(1), await work(2)];
    expect(written).toEqual(staging);
    expect(written[1][0].slice(0, 3)).toEqual([1, Math.fround(3 * -599.25 * 1e3) * 0.5 + 1, Math.fround(3 * -598.25 * 1e3) * 0.5 + 1]);
    expect(mapped - pooled, 'mapped buffers created by writeBuffer uploads').toBe(0);
  });

  it('never overwrites a pooled buffer that recorded commands still read', async () => {
    useWebGpuWriteBufferUploads(true);
    const results: tf.Tensor[] = [];
    // Each round: upload, record an op that reads the upload, dispose the upload (its buffer goes back to the pool only
    // after the next submit) and upload new values of the same size at once, all in one command batch.
    for (let round = 0; round < 40; round++) {
      const x = tf.tensor1d(Array.from({ length: N }, (_, j) => round * 1000 + j));
      results.push(tf.mul(x, 2));
      x.dispose();
    }
    const values = await Promise.all(results.map((t) => t.data()));
    values.forEach((v, round) => expect([...v].slice(0, 3), `round ${round}`).toEqual([2 * round * 1000, 2 * (round * 1000 + 1), 2 * (round * 1000 + 2)]));
    tf.dispose(results);
  });
});
