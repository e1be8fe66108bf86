// Polyak averaging of target networks (core/tf/polyak.ts): on wasm one kernel for all variables, the same bits as the
// tf ops it replaced (a lone rate, and one rate per member); the ops elsewhere; mismatched networks named.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { polyakAverage, setPolyakKernel } from '../../src/core/tf/polyak';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));
afterAll(() => useBackend('wasm'));

const rng = new Rng(5);
const random = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 1)), shape);
const SHAPES = [[3, 3, 64], [3, 64, 64], [3, 1, 64], [3, 64, 1], [3, 1, 1], [3, 5, 7, 2]];

/** The reference: the ops the networks ran before, per variable. */
function byOps(target: tf.Tensor, online: tf.Tensor, tau: number | tf.Tensor1D): tf.Tensor {
  if (typeof tau === 'number') return tf.add(tf.mul(online, tau), tf.mul(target, 1 - tau));
  const t = tf.reshape(tau, [-1, ...target.shape.slice(1).map(() => 1)]);
  return tf.add(tf.mul(online, t), tf.mul(target, tf.sub(1, t)));
}

async function averagedBothWays(tau: number | tf.Tensor1D): Promise<void> {
  const online = SHAPES.map((s) => tf.variable(random(s)));
  const targets = SHAPES.map((s) => tf.variable(random(s)));
  const want = await Promise.all(targets.map(async (t, i) => Array.from(await tf.tidy(() => byOps(t, online[i], tau)).data())));
  const before = tf.memory().numTensors;
  const info = await tf.profile(() => {
    polyakAverage(targets, online, tau);
    return tf.scalar(0);
  });
  tf.dispose(info.result as tf.Tensor);
  if (tf.getBackend() === 'wasm') expect(info.kernels.map((k) => k.name).filter((n) => n !== 'Reshape')).toEqual(['LabPolyak']);
  expect(tf.memory().numTensors).toBe(before);
  for (const [i, t] of targets.entries()) expect(Array.from(await t.data())).toEqual(want[i]);
  tf.dispose([...online, ...targets]);
}

describe('Polyak averaging', () => {
  it('with one rate (a lone run): one wasm kernel, the same bits as the ops', async () => {
    await averagedBothWays(0.005);
    await averagedBothWays(0.9); // where 1 - tau in double and in float32 round apart
  });
  it('with a rate per member: one wasm kernel, the same bits as the ops', async () => {
    const tau = tf.tensor1d([0.005, 0.7, 1]);
    await averagedBothWays(tau);
    tau.dispose();
  });
  it('runs the ops where the kernel is turned off (benches) and on the cpu backend', async () => {
    setPolyakKernel(false);
    const [t, o] = [tf.variable(tf.ones([2, 3])), tf.variable(tf.zeros([2, 3]))];
    const info = await tf.profile(() => {
      polyakAverage([t], [o], 0.25);
      return tf.scalar(0);
    });
    tf.dispose(info.result as tf.Tensor);
    setPolyakKernel(true);
    expect(info.kernels.map((k) => k.name)).not.toContain('LabPolyak');
    expect(Array.from(await t.data())).toEqual([0.75, 0.75, 0.75, 0.75, 0.75, 0.75]);
    tf.dispose([t, o]);
    await useBackend('cpu');
    await averagedBothWays(0.25);
  });
  it('names mismatched networks', () => {
    const [a, b] = [tf.variable(tf.zeros([2, 3]), true, 'target/w0'), tf.variable(tf.zeros([3, 2]), true, 'online/w0')];
    expect(() => polyakAverage([a], [b], 0.1)).toThrow(/target\/w0 is 2x3, online online\/w0 3x2/);
    expect(() => polyakAverage([a], [], 0.1)).toThrow(/1 target variables but 0 online/);
    tf.dispose([a, b]);
  });
});
