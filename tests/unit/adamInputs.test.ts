import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { checkAdamInputs } from '../../src/core/tf/wasmAdam';

// The inputs check that the wasm kernel and the WebGPU programs of Adam share (core/tf/wasmAdam.ts, webgpuAdam.ts):
// every mismatch is named, since either would otherwise read past a buffer or mix members.
describe('Adam kernel inputs', () => {
  const x = [tf.zeros([3, 5, 7]), tf.zeros([3, 1, 7])];
  const lr = { lr: tf.tensor1d([1e-3, 1e-3, 1e-3]) };

  it('accepts gradients and moments shaped like their variables', () => {
    expect(() => checkAdamInputs(x, x, x, x, lr)).not.toThrow();
    expect(() => checkAdamInputs(x, x, x, x, { step: 1e-3 })).not.toThrow();
  });

  it('names a missing gradient or moment', () => {
    expect(() => checkAdamInputs(x, x.slice(1), x, x, lr)).toThrow('Adam kernel: 2 variables but 1 gradients, 2 first and 2 second moments');
  });

  it('names the variable whose gradient or moment has another shape', () => {
    expect(() => checkAdamInputs(x, x, [x[0], tf.zeros([3, 7])], x, lr)).toThrow('Adam kernel: variable 1 is 3x1x7, its gradient or moment 3x7');
  });

  it('names a member count that differs from the learning rates', () => {
    expect(() => checkAdamInputs(x, x, x, x, { lr: tf.tensor1d([1e-3, 1e-3]) })).toThrow('Adam kernel: variable 0 has 3 members, the learning rates 2');
  });
});
