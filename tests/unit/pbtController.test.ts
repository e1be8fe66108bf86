import { describe, expect, it } from 'vitest';
import type { EvaluationPoint } from '../../src/core/experiments/types';
import type { HyperParam } from '../../src/core/run/hyperparameters';
import { Rng } from '../../src/core/rng';
import { initialValues, NEAR_FACTOR, nextDue, ready, scoreOf } from '../../src/app/store/pbtReady';

const lr: HyperParam = { key: 'lr', label: 'learning rate', help: '', kind: 'number', default: 3e-4, min: 1e-6, max: 1, log: true, live: true };
const beta: HyperParam = { key: 'beta', label: 'beta', help: '', kind: 'number', default: 3, min: 0, max: 100, live: true };
const expectile: HyperParam = { key: 'expectile', label: 'expectile', help: '', kind: 'number', default: 0.7, min: 0.5, max: 0.999, live: true };

const evaluation = (update: number, meanReturn = 10, normalizedScore: number | null = null): EvaluationPoint => ({ update, wallMs: 0, meanReturn, stdReturn: 0, normalizedScore });

describe('PBT readiness', () => {
  it('is due at the next multiple of K after the last step', () => {
    expect(nextDue(0, 100)).toBe(100);
    expect(nextDue(99, 100)).toBe(100);
    expect(nextDue(100, 100)).toBe(200);
    expect(nextDue(250, 100)).toBe(300);
  });

  it('waits for the multiple, then for an evaluation after the last step', () => {
    // Evaluated at 50 and 100, K = 100, no step yet.
    expect(ready(99, 100, 0, [evaluation(50)])).toBe(false);
    expect(ready(100, 100, 0, [evaluation(50), evaluation(100)])).toBe(true);
    // Past the multiple, but the only evaluation is from before the last step: not yet.
    expect(ready(230, 100, 100, [evaluation(100)])).toBe(false);
    expect(ready(230, 100, 100, [evaluation(100), evaluation(200)])).toBe(true);
    // An evaluation at the very update of the last step scored the weights before the copy.
    expect(ready(300, 100, 300, [evaluation(300)])).toBe(false);
    expect(ready(400, 100, 300, [evaluation(300)])).toBe(false);
    expect(ready(400, 100, 300, [evaluation(300), evaluation(400)])).toBe(true);
  });

  it('with evaluations rarer than K, steps at the first evaluation after each multiple', () => {
    // K = 100, evaluations every 250: ready at 250 (last step 0), then at 500 (next due 300, evaluated at 500).
    expect(ready(250, 100, 0, [evaluation(250)])).toBe(true);
    expect(ready(320, 100, 250, [evaluation(250)])).toBe(false);
    expect(ready(500, 100, 250, [evaluation(250), evaluation(500)])).toBe(true);
  });

  it('is never ready without an evaluation', () => {
    expect(ready(10_000, 100, 0, [])).toBe(false);
  });
});

describe('PBT score', () => {
  it('is the latest evaluation: normalized score where there is one, else the mean return', () => {
    expect(scoreOf({ status: 'running', evaluations: [evaluation(100, 50, 20), evaluation(200, 80, 35.5)] })).toBe(35.5);
    expect(scoreOf({ status: 'running', evaluations: [evaluation(100, 50), evaluation(200, -12)] })).toBe(-12);
    // 0 is a score, not a missing one.
    expect(scoreOf({ status: 'finished', evaluations: [evaluation(100, 50, 0)] })).toBe(0);
  });

  it("after a copy, is the source's score until the member is evaluated again", () => {
    const copied = { update: 300, score: 42 };
    // Its latest evaluation (at 300, before the copy) scored the weights it threw away.
    expect(scoreOf({ status: 'running', evaluations: [evaluation(250, 5), evaluation(300, 7)] }, copied)).toBe(42);
    expect(scoreOf({ status: 'running', evaluations: [] }, copied)).toBe(42);
    expect(scoreOf({ status: 'running', evaluations: [evaluation(300, 7), evaluation(350, 9)] }, copied)).toBe(9);
    expect(scoreOf({ status: 'running', evaluations: [evaluation(250, 5)] }, { update: 300, score: null })).toBeNull();
    expect(scoreOf({ status: 'failed', evaluations: [evaluation(250, 5)] }, copied)).toBeNull();
  });

  it('is null before the first evaluation and for a failed run', () => {
    expect(scoreOf({ status: 'queued', evaluations: [] })).toBeNull();
    expect(scoreOf({ status: 'failed', evaluations: [evaluation(100, 500)] })).toBeNull();
  });
});

describe('PBT starting values', () => {
  const form = { lr: 3e-4, beta: 3, expectile: 0.7, seed: 0 };

  it('keeps the form values in "form" mode', () => {
    expect(initialValues([lr, beta], form, 'form', new Rng(1))).toEqual({ lr: 3e-4, beta: 3 });
  });

  it('draws within the schema range, and log-uniformly where log', () => {
    const rng = new Rng(7);
    const draws = Array.from({ length: 400 }, () => initialValues([lr, beta, expectile], form, 'sample', rng));
    for (const d of draws) {
      expect(d.lr).toBeGreaterThanOrEqual(1e-6);
      expect(d.lr).toBeLessThanOrEqual(1);
      expect(d.beta).toBeGreaterThanOrEqual(0);
      expect(d.beta).toBeLessThanOrEqual(100);
      expect(d.expectile).toBeGreaterThanOrEqual(0.5);
      expect(d.expectile).toBeLessThanOrEqual(0.999);
    }
    // Log-uniform over six decades: about half the draws below 1e-3 (a uniform draw would put 0.1% there).
    const below = draws.filter((d) => Number(d.lr) < 1e-3).length / draws.length;
    expect(below).toBeGreaterThan(0.38);
    expect(below).toBeLessThan(0.62);
  });

  it('draws near the form values, cut to the schema range, in "near" mode', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const d = initialValues([lr, beta, expectile], form, 'near', rng);
      expect(d.lr).toBeGreaterThanOrEqual(Number((3e-4 / NEAR_FACTOR).toPrecision(3)));
      expect(d.lr).toBeLessThanOrEqual(Number((3e-4 * NEAR_FACTOR).toPrecision(3)));
      // beta 3 ± 10% of 0..100, cut at 0.
      expect(d.beta).toBeGreaterThanOrEqual(0);
      expect(d.beta).toBeLessThanOrEqual(13);
      // expectile 0.7 ± 0.0499: 0.6501 .. 0.7499.
      expect(d.expectile).toBeGreaterThanOrEqual(0.65);
      expect(d.expectile).toBeLessThanOrEqual(0.75);
    }
  });

  it('is the same for the same seed, and rounds to three significant digits', () => {
    const a = initialValues([lr, beta], form, 'near', new Rng(11));
    const b = initialValues([lr, beta], form, 'near', new Rng(11));
    expect(a).toEqual(b);
    expect(Number(Number(a.beta).toPrecision(3))).toBe(a.beta);
    expect(Number(Number(a.lr).toPrecision(3))).toBe(a.lr);
  });
});
