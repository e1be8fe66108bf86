import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trySetBackend } from '../../src/core/tf/backend';
import { polyakAverage, setPolyakKernel } from '../../src/core/tf/polyak';

// Polyak averaging as one WebGPU dispatch per variable (core/tf/webgpuPolyak.ts) against the tf ops, on Chromium's
// WebGPU (SwiftShader here): the same values within float rounding (a multiply and add may be fused), for a lone rate
// and per-member rates, one kernel per variable, and no tensors left behind.
const values = (shape: number[], seed: number) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, j) => Math.sin(seed * 7.1 + j * 1.37) * (1 + (j % 5))), shape);

/** Targets after three averagings toward sources, with the program on or off. */
async function averaged(on: boolean, shapes: number[][], tau: number | number[]): Promise<Float32Array[]> {
  setPolyakKernel(on);
  const targets = shapes.map((s, i) => tf.variable(values(s, i + 1)));
  const sources = shapes.map((s, i) => tf.variable(values(s, i + 11)));
  const rate = typeof tau === 'number' ? tau : tf.tensor1d(tau);
  for (let i = 0; i < 3; i++) polyakAverage(targets, sources, rate);
  const out = await Promise.all(targets.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose([...targets, ...sources, ...(typeof rate === 'number' ? [] : [rate])]);
  return out;
}

function worstDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => x.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j]) / (Math.abs(b[i][j]) + 1e-6)))));
  return worst;
}

describe('Polyak averaging on WebGPU', () => {
  beforeAll(async () => {
    const failure = await trySetBackend('webgpu');
    if (failure) throw new Error(`this test needs WebGPU in Chromium (--enable-unsafe-webgpu): ${failure}`);
  });
  afterEach(() => setPolyakKernel(true));

  it('a lone rate gives the tf ops values (tau 0.005 and 0.9)', async () => {
    for (const tau of [0.005, 0.9]) {
      const shapes = [[7, 5], [5], [64, 3]];
      const [program, ops] = [await averaged(true, shapes, tau), await averaged(false, shapes, tau)];
      expect(worstDifference(program, ops)).toBeLessThan(1e-6);
      // and it moved the targets: not the starting values
      expect(Math.abs(program[0][1] - (await values([7, 5], 1).data())[1])).toBeGreaterThan(1e-4);
    }
  });

  it('per-member rates average each member by its own rate', async () => {
    const shapes = [[3, 7, 5], [3, 1, 5]];
    const tau = [0.005, 0.5, 1];
    const [program, ops] = [await averaged(true, shapes, tau), await averaged(false, shapes, tau)];
    expect(worstDifference(program, ops)).toBeLessThan(1e-6);
    // member 2 (tau 1) became its source exactly; member 0 barely moved
    const source = await values([3, 7, 5], 11).data();
    expect(Array.from(program[0].slice(70, 105))).toEqual(Array.from(source.slice(70, 105)));
  });

  it('runs one kernel per variable and keeps the tensor count flat', async () => {
    const targets = [[4, 3], [3]].map((s, i) => tf.variable(values(s, i + 1)));
    const sources = [[4, 3], [3]].map((s, i) => tf.variable(values(s, i + 5)));
    const info = await tf.profile(() => polyakAverage(targets, sources, 0.01));
    expect(info.kernels.map((k) => k.name)).toEqual(['LabPolyakWebGpu', 'LabPolyakWebGpu']);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) polyakAverage(targets, sources, 0.01);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...targets, ...sources]);
  });
});
