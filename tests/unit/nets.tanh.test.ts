// Tanh hidden layers on wasm go through 2 sigmoid(2x) - 1 (algos/nets.ts hiddenActivation: tfjs-wasm's Tanh is slow);
// values and gradients must be tf.tanh's within float rounding, saturated inputs included.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hiddenActivation } from '../../src/core/algos/nets';
import { maxAbsDiff } from './helpers/maxAbsDiff';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

describe('tanh hidden layers on wasm', () => {
  it('give tf.tanh\'s values and gradients within 1e-6, from the linear range to saturation', async () => {
    // -31.45 to 31.45 in steps of 0.1, as a population's [K, n, hidden] activations.
    const x = tf.reshape(tf.linspace(-31.45, 31.45, 630), [3, 7, 30]);
    const weights = tf.randomUniform(x.shape, -1, 1, 'float32', 7);
    const loss = (f: (z: tf.Tensor) => tf.Tensor) => (z: tf.Tensor) => tf.sum(tf.mul(f(z), weights));
    expect(await maxAbsDiff(hiddenActivation(x, 'tanh'), tf.tanh(x))).toBeLessThan(1e-6);
    const got = tf.grad(loss((z) => hiddenActivation(z, 'tanh')))(x);
    const want = tf.grad(loss(tf.tanh))(x);
    expect(await maxAbsDiff(got, want)).toBeLessThan(1e-6);
    // Not a trivial gradient: about the weight at x = 0.05 (1 - tanh^2 = 0.9975), vanishing in saturation.
    const [g, w] = [await got.data(), await weights.data()];
    expect(Math.abs(g[315] - w[315])).toBeLessThan(0.003);
    expect(Math.abs(g[315])).toBeGreaterThan(1e-3);
    expect(Math.abs(g[0])).toBeLessThan(1e-6);
    tf.dispose([x, weights, got, want]);
  });
});
