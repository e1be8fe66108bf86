import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../src/core/algos/optim';
import { adamStepOps, memberAdamStep, type AdamStep } from '../../src/core/population/memberAdamStep';
import { populationForSpec, agentForSpec, type MeasureSpec } from '../../src/core/run/measure';
import { trySetBackend } from '../../src/core/tf/backend';
import { webgpuAdamChoice } from '../../src/core/tf/webgpuAdam';
import { worstRelative } from './helpers/worstRelative';

// Adam as the lab's WebGPU programs (core/tf/webgpuAdam.ts) against the tf ops it replaces, both on Chromium's WebGPU
// (SwiftShader here): the same moments, weights and gradient norms within float rounding, and fewer kernels per update.
// Tolerance: 1e-6 relative (plus 1e-12 absolute for values near zero). The two differ only where WGSL's division and
// sqrt are not correctly rounded, a multiply-add may be fused, and the norm sums in another order.
const REL = 1e-6;
/** The Adam step's own programs (the update also runs the lab's dense-layer and Polyak programs). */
const ADAM_KERNELS = ['LabSquaredNorms', 'LabAdamMoment', 'LabAdamWeights'];

/** Deterministic values of every sign and a spread of magnitudes. */
const values = (shape: number[], seed: number, scale = 1) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, j) => scale * Math.sin(seed * 7.1 + j * 1.37) * (1 + (j % 5))), shape);

describe('Adam as WebGPU programs', () => {
  beforeAll(async () => {
    const failure = await trySetBackend('webgpu');
    if (failure) throw new Error(`this test needs WebGPU in Chromium (--enable-unsafe-webgpu): ${failure}`);
  });
  afterEach(() => {
    webgpuAdamChoice.enabled = true;
  });

  it('a population step equals the tf ops (per-member learning rates, several steps)', async () => {
    const K = 3;
    // The last has 4,160 values a member: its norm sums with 256 threads, the others with 64.
    const shapes = [
      [K, 5, 7],
      [K, 1, 7],
      [K, 64, 65],
    ];
    const n = shapes.length;
    const lr = tf.tensor1d([1e-3, 3e-2, 0.2]);
    /** Four steps from the same start, with new gradients each step; the step's results of every step. */
    const run = (step: typeof memberAdamStep) => {
      let xs = shapes.map((s, i) => values(s, i + 1));
      let ms = shapes.map((s) => tf.zeros(s));
      let vs = shapes.map((s) => tf.zeros(s));
      const steps: AdamStep[] = [];
      for (let t = 1; t <= 4; t++) {
        const gs = shapes.map((s, i) => values(s, 10 * t + i, 10 ** (i - t)));
        const out = step(lr, xs, gs, ms, vs, { b1: 0.9, b2: 0.999, eps: 1e-8, bc1: 1 - 0.9 ** t, sqrtBc2: Math.sqrt(1 - 0.999 ** t) });
        steps.push(out);
        [xs, ms, vs] = [out.x, out.m, out.v];
      }
      return steps;
    };
    let shader: AdamStep[] = [];
    const profile = await tf.profile(() => {
      shader = run(memberAdamStep);
      return [];
    });
    const ops = run(adamStepOps);
    // Per step and variable: a squared norm, two moments, the weights; and nothing else.
    expect(profile.kernels.map((k) => k.name).sort()).toEqual(
      [...Array(4 * n).fill('LabSquaredNorms'), ...Array(4 * n * 2).fill('LabAdamMoment'), ...Array(4 * n).fill('LabAdamWeights')].sort(),
    );
    const worst: Record<string, number> = {};
    for (let t = 0; t < 4; t++) {
      expect(shader[t].gradNorm.shape).toEqual([K]);
      for (const part of ['x', 'm', 'v', 'gradNorm'] as const) {
        const error = await worstRelative(part === 'gradNorm' ? [shader[t].gradNorm] : shader[t][part], part === 'gradNorm' ? [ops[t].gradNorm] : ops[t][part], REL);
        expect(error, `step ${t + 1} ${part}`).toBeLessThanOrEqual(REL);
        worst[part] = Math.max(worst[part] ?? 0, error);
      }
    }
    console.log(JSON.stringify({ populationWorstRelative: worst }));
    // Each member moved by its own rate: on the first step Adam moves every value by about lr (m / sqrt(v) = sign(g)).
    const moved = await tf.sub(values(shapes[0], 1), shader[0].x[0]).abs().max([1, 2]).data();
    [1e-3, 3e-2, 0.2].forEach((rate, k) => expect(moved[k]).toBeCloseTo(rate, 5));
    tf.dispose([lr, ...[...shader, ...ops].flatMap((s) => [...s.x, ...s.m, ...s.v, s.gradNorm])]);
  });

  it('a lone Adam with weight decay and clipping equals the tf ops', async () => {
    const train = async (shader: boolean) => {
      webgpuAdamChoice.enabled = shader;
      const w = tf.variable(values([5, 7], 1, 0.3));
      const b = tf.variable(values([7], 2, 0.1));
      const inputs = values([9, 5], 3);
      const targets = values([9, 7], 4, 2);
      const adam = new Adam([w, b], 0.05, { weightDecay: 0.1, clipNorm: 0.5 });
      const norms: number[] = [];
      const kernels: string[][] = [];
      for (let t = 0; t < 5; t++) {
        const profile = await tf.profile(() => tf.tidy(() => adam.minimize(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(inputs, w), b), targets)))).gradNorm));
        const norm = profile.result as tf.Scalar;
        kernels.push(profile.kernels.map((k) => k.name));
        expect(norm.shape).toEqual([]);
        norms.push((await norm.data())[0]);
        norm.dispose();
      }
      const state = await adam.state();
      const weights = [w.clone(), b.clone()];
      tf.dispose([w, b, inputs, targets]);
      adam.dispose();
      return { norms, kernels, weights, moments: [...state.m, ...state.v].map((s) => tf.tensor(s.values, s.shape)) };
    };
    const ops = await train(false);
    const shader = await train(true);
    // Clipping is active (the norm above 0.5) in every step, so the clipped path is what is compared.
    ops.norms.forEach((n) => expect(n).toBeGreaterThan(0.5));
    shader.norms.forEach((n, t) => expect(Math.abs(n - ops.norms[t]) / ops.norms[t], `step ${t + 1} gradient norm`).toBeLessThanOrEqual(REL));
    const worst = { weights: await worstRelative(shader.weights, ops.weights, REL, 'tensor'), moments: await worstRelative(shader.moments, ops.moments, REL, 'tensor') };
    console.log(JSON.stringify({ loneWorstRelativeToTensorScale: worst }));
    expect(worst.weights, 'weights').toBeLessThanOrEqual(REL);
    expect(worst.moments, 'moments').toBeLessThanOrEqual(REL);
    expect(shader.kernels[0].filter((k) => k.startsWith('Lab')).sort()).toEqual(['LabAdamMoment', 'LabAdamMoment', 'LabAdamMoment', 'LabAdamMoment', 'LabAdamWeights', 'LabAdamWeights', 'LabSquaredNorms', 'LabSquaredNorms']);
    expect(ops.kernels[0].some((k) => k.startsWith('Lab'))).toBe(false);
    tf.dispose([...ops.weights, ...ops.moments, ...shader.weights, ...shader.moments]);
  });

  it('an IQL update takes fewer kernels, alone and as a population', async () => {
    const spec: MeasureSpec = { algorithmId: 'iql', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 8 } };
    const count = async (shader: boolean, members: number) => {
      webgpuAdamChoice.enabled = shader;
      const tensors = tf.memory().numTensors;
      const { agent, batch } = members === 0 ? agentForSpec(spec, 0) : populationForSpec(spec, members);
      const update = () => (agent.update as (b: typeof batch) => tf.Tensor)(batch);
      const profile = await tf.profile(update);
      const metrics = profile.result as tf.Tensor;
      const finite = [...(await metrics.data())].every(Number.isFinite);
      tf.dispose([metrics, ...Object.values(batch)]);
      agent.dispose();
      expect(tf.memory().numTensors, 'tensors left after an update and dispose').toBe(tensors);
      return { kernels: profile.kernels.length, lab: profile.kernels.filter((k) => ADAM_KERNELS.includes(k.name)).length, finite };
    };
    const counts = { lone: { ops: await count(false, 0), shader: await count(true, 0) }, population: { ops: await count(false, 3), shader: await count(true, 3) } };
    console.log(JSON.stringify({ iqlKernelsPerUpdate: counts }));
    for (const c of Object.values(counts)) {
      expect(c.ops.finite && c.shader.finite).toBe(true);
      expect(c.ops.lab).toBe(0);
      expect(c.shader.lab).toBeGreaterThan(0);
      // Each variable's Adam and norm kernels (15 alone, 17 in a population) become 4 (lab / 4 variables).
      expect(c.ops.kernels - c.shader.kernels).toBeGreaterThanOrEqual(11 * (c.shader.lab / 4));
    }
  });
});
