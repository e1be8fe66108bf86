import { describe, expect, it } from 'vitest';
import { expandSweep, MAX_SWEEP_RUNS, parseSweepValues, type SweepSpec } from '../../src/core/experiments/sweep';
import { HyperparameterError, type HyperParam } from '../../src/core/run/hyperparameters';
import { runSchema } from '../../src/core/run/runSettings';

const lr: HyperParam = { key: 'lr', label: 'learning rate', help: '', kind: 'number', default: 3e-4, min: 1e-6, max: 1, log: true, live: true };
const beta: HyperParam = { key: 'beta', label: 'beta', help: '', kind: 'number', default: 3, min: 0, max: 100, live: true };
const batch: HyperParam = { key: 'batchSize', label: 'batch size', help: '', kind: 'int', default: 256, min: 1, max: 8192, live: true };
const double: HyperParam = { key: 'double', label: 'double DQN', help: '', kind: 'bool', default: false, live: true };
const hidden: HyperParam = { key: 'hidden', label: 'hidden sizes', help: '', kind: 'choice', default: '256,256', choices: ['64,64', '256,256', '256,256,256'], live: false };
const schema: HyperParam[] = [lr, beta, batch, double, hidden, ...runSchema];
const base = { lr: 3e-4, beta: 3, batchSize: 256, double: false, hidden: '256,256', seed: 10, updatesPerEval: 250, evalEpisodes: 5, maxUpdates: 20000 };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

describe('grid sweeps', () => {
  it('expands 2x2 with 2 seeds into 8 runs, first param slowest, seed-major', () => {
    const spec: SweepSpec = { mode: 'grid', params: [{ key: 'lr', values: [1e-4, 1e-3] }, { key: 'beta', values: [1, 10] }], seeds: 2, seed: 0 };
    const { points, runs } = expandSweep(spec, schema, base);
    expect(points).toEqual([
      { index: 0, values: { lr: 1e-4, beta: 1 } },
      { index: 1, values: { lr: 1e-4, beta: 10 } },
      { index: 2, values: { lr: 1e-3, beta: 1 } },
      { index: 3, values: { lr: 1e-3, beta: 10 } },
    ]);
    expect(runs).toHaveLength(8);
    expect(runs.map((r) => [r.point, r.seedIndex, r.hyperparameters.seed])).toEqual([
      [0, 0, 10], [1, 0, 10], [2, 0, 10], [3, 0, 10],
      [0, 1, 11], [1, 1, 11], [2, 1, 11], [3, 1, 11],
    ]);
    expect(runs[5].hyperparameters).toEqual({ ...base, lr: 1e-4, beta: 10, seed: 11 });
  });

  it('canonicalises values and checks each against the schema, naming the key', () => {
    const { points } = expandSweep({ mode: 'grid', params: [{ key: 'lr', values: ['1e-3' as unknown as number] }], seeds: 1, seed: 0 }, schema, base);
    expect(points[0].values.lr).toBe(1e-3);
    const bad = (): unknown => expandSweep({ mode: 'grid', params: [{ key: 'lr', values: [1e-3, 5] }], seeds: 1, seed: 0 }, schema, base);
    expect(bad).toThrow(HyperparameterError);
    expect(bad).toThrow('learning rate (lr) must be between 1e-6 and 1, got 5');
    try {
      bad();
    } catch (e) {
      expect((e as HyperparameterError).key).toBe('lr');
    }
  });

  it('refuses too many runs, saying how many were asked', () => {
    const values = Array.from({ length: 21 }, (_, i) => i + 1);
    expect(() => expandSweep({ mode: 'grid', params: [{ key: 'batchSize', values }, { key: 'beta', values: [1, 2, 3, 4, 5] }], seeds: 2, seed: 0 }, schema, base)).toThrow(
      `this sweep asks for 210 runs (21 × 5 = 105 configurations × 2 seeds); at most ${MAX_SWEEP_RUNS}`,
    );
    expect(() => expandSweep({ mode: 'random', params: [{ key: 'lr' }], samples: 101, seeds: 2, seed: 0 }, schema, base)).toThrow(/asks for 202 runs/);
    expect(expandSweep({ mode: 'random', params: [{ key: 'lr' }], samples: 100, seeds: 2, seed: 0 }, schema, base).runs).toHaveLength(200);
  });

  it('gives clear errors for duplicate, unknown and empty params, bad seeds and the seed key', () => {
    const grid = (params: SweepSpec['params'], seeds = 1): unknown => expandSweep({ mode: 'grid', params, seeds, seed: 0 }, schema, base);
    expect(() => grid([{ key: 'lr', values: [1e-3] }, { key: 'lr', values: [1e-4] }])).toThrow('"lr" is swept twice');
    expect(() => grid([{ key: 'lrr', values: [1e-3] }])).toThrow(/no hyperparameter "lrr" \(known: lr, beta/);
    expect(() => grid([{ key: 'lr', values: [] }])).toThrow('learning rate (lr): the list of values is empty');
    expect(() => grid([{ key: 'lr' }])).toThrow('learning rate (lr): a grid needs a list of values');
    expect(() => grid([{ key: 'lr', values: [1e-3, 1e-3] }])).toThrow('lists 1e-3 twice');
    expect(() => grid([{ key: 'lr', values: [1e-3] }], 0)).toThrow('seeds per configuration must be a whole number of at least 1, got 0');
    expect(() => grid([{ key: 'lr', values: [1e-3] }], 1.5)).toThrow(/seeds per configuration/);
    expect(() => grid([{ key: 'seed', values: [1, 2] }])).toThrow(/more seeds per configuration/);
    // No params: one configuration, repeated over seeds.
    expect(expandSweep({ mode: 'grid', params: [], seeds: 3, seed: 0 }, schema, base).runs.map((r) => r.hyperparameters.seed)).toEqual([10, 11, 12]);
  });
});

describe('random sweeps', () => {
  it('draws log-uniformly in range, deterministically per seed', () => {
    const spec: SweepSpec = { mode: 'random', params: [{ key: 'lr', min: 1e-5, max: 1e-1 }], samples: 100, seeds: 1, seed: 7 };
    const draw = (seed: number): number[] => expandSweep({ ...spec, seed }, schema, base).points.map((p) => p.values.lr as number);
    const a = draw(7);
    expect(a).toEqual(draw(7));
    expect(a).not.toEqual(draw(8));
    expect(a.every((v) => v >= 1e-5 && v <= 1e-1)).toBe(true);
    // Log-uniform: the median is near the geometric mean 1e-3 (a linear draw would put it near 5e-2).
    const many = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap(draw);
    expect(Math.abs(Math.log10(median(many)) + 3)).toBeLessThan(0.3);
    // A quarter of the draws in each decade.
    const low = many.filter((v) => v < 1e-4).length / many.length;
    expect(low).toBeGreaterThan(0.18);
    expect(low).toBeLessThan(0.32);
  });

  it('uses the schema range by default, linear where not log, and can be forced to log', () => {
    const betas = expandSweep({ mode: 'random', params: [{ key: 'beta' }], samples: 200, seeds: 1, seed: 1 }, schema, base).points.map((p) => p.values.beta as number);
    expect(betas.every((v) => v >= 0 && v <= 100)).toBe(true);
    expect(median(betas)).toBeGreaterThan(35);
    expect(median(betas)).toBeLessThan(65);
    expect(() => expandSweep({ mode: 'random', params: [{ key: 'beta', log: true }], samples: 2, seeds: 1, seed: 1 }, schema, base)).toThrow('beta (beta): a log-scale range needs a minimum above 0, got 0');
    expect(() => expandSweep({ mode: 'random', params: [{ key: 'beta', min: 50, max: 500 }], samples: 2, seeds: 1, seed: 1 }, schema, base)).toThrow(/between 0 and 100, got 500/);
    expect(() => expandSweep({ mode: 'random', params: [{ key: 'beta', min: 5, max: 1 }], samples: 2, seeds: 1, seed: 1 }, schema, base)).toThrow(/minimum 5 is above its maximum 1/);
  });

  it('rounds ints, draws choices and bools from the schema, and keeps earlier points when more are asked', () => {
    const spec: SweepSpec = { mode: 'random', params: [{ key: 'batchSize', min: 16, max: 1024, log: true }, { key: 'hidden' }, { key: 'double' }], samples: 60, seeds: 1, seed: 3 };
    const { points } = expandSweep(spec, schema, base);
    for (const p of points) {
      expect(Number.isInteger(p.values.batchSize)).toBe(true);
      expect(p.values.batchSize).toBeGreaterThanOrEqual(16);
      expect(p.values.batchSize).toBeLessThanOrEqual(1024);
      expect(hidden.choices).toContain(p.values.hidden);
      expect(typeof p.values.double).toBe('boolean');
    }
    expect(new Set(points.map((p) => p.values.hidden)).size).toBe(3);
    expect(new Set(points.map((p) => p.values.double)).size).toBe(2);
    const more = expandSweep({ ...spec, samples: 80 }, schema, base).points;
    expect(more.slice(0, 60)).toEqual(points);
    // Linear ints: every whole number in a small range turns up, ends included.
    const small = expandSweep({ mode: 'random', params: [{ key: 'batchSize', min: 1, max: 4 }], samples: 100, seeds: 1, seed: 2 }, schema, base).points.map((p) => p.values.batchSize);
    expect(new Set(small)).toEqual(new Set([1, 2, 3, 4]));
  });

  it('draws among given values, and refuses a range on a choice or a missing sample count', () => {
    const { points } = expandSweep({ mode: 'random', params: [{ key: 'lr', values: [1e-4, 1e-3] }], samples: 20, seeds: 1, seed: 0 }, schema, base);
    expect(new Set(points.map((p) => p.values.lr))).toEqual(new Set([1e-4, 1e-3]));
    expect(() => expandSweep({ mode: 'random', params: [{ key: 'hidden', min: 1 }], samples: 2, seeds: 1, seed: 0 }, schema, base)).toThrow(/choice parameter: it has no range/);
    expect(() => expandSweep({ mode: 'random', params: [{ key: 'lr' }], seeds: 1, seed: 0 }, schema, base)).toThrow(/samples \(configurations\) must be a whole number/);
    expect(() => expandSweep({ mode: 'random', params: [], samples: 3, seeds: 1, seed: 0 }, schema, base)).toThrow(/at least one hyperparameter/);
  });
});

describe('parseSweepValues', () => {
  it('parses lists of numbers, bools and choice names', () => {
    expect(parseSweepValues(lr, '1e-4, 3e-4, 1e-3')).toEqual([1e-4, 3e-4, 1e-3]);
    expect(parseSweepValues(lr, ' 1e-4 3e-4,1e-3, ')).toEqual([1e-4, 3e-4, 1e-3]);
    expect(parseSweepValues(batch, '64,128,256')).toEqual([64, 128, 256]);
    expect(parseSweepValues(double, 'true,False')).toEqual([true, false]);
    expect(parseSweepValues(hidden, '64,64, 256,256,256')).toEqual(['64,64', '256,256,256']);
    expect(parseSweepValues(hidden, '256,256; 64,64')).toEqual(['256,256', '64,64']);
  });

  it('parses ranges, log-spaced where the schema says log, else linear', () => {
    expect(parseSweepValues(lr, '1e-4..1e-2 x5')).toEqual([1e-4, 3.16227766017e-4, 1e-3, 3.16227766017e-3, 1e-2]);
    expect(parseSweepValues(beta, '0..10 x5')).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(parseSweepValues(batch, '32..1024 x6')).toEqual([32, 230, 429, 627, 826, 1024]);
    expect(parseSweepValues({ ...batch, log: true }, '32..1024 x6')).toEqual([32, 64, 128, 256, 512, 1024]);
    expect(parseSweepValues(beta, '1 .. 3 ×3')).toEqual([1, 2, 3]);
  });

  it('names the key and the bad item', () => {
    expect(() => parseSweepValues(lr, '1e-4, abc, 1e-3')).toThrow('learning rate (lr): bad item "abc": learning rate (lr) must be a finite number, got "abc"');
    expect(() => parseSweepValues(lr, '1e-4, 5')).toThrow('bad item "5"');
    expect(() => parseSweepValues(batch, '64, 12.5')).toThrow('bad item "12.5": batch size (batchSize) must be a whole number');
    expect(() => parseSweepValues(double, 'true, maybe')).toThrow('double DQN (double): bad item "maybe"');
    expect(() => parseSweepValues(hidden, '64,64, 3,3')).toThrow('bad item "3"');
    expect(() => parseSweepValues(lr, '   ')).toThrow('learning rate (lr): no values given');
    expect(() => parseSweepValues(lr, '1e-3, 0.001')).toThrow('lists 1e-3 twice');
    expect(() => parseSweepValues(lr, '1e-4..2 x3')).toThrow('bad item "2"');
    expect(() => parseSweepValues(lr, '1e-4..1e-2 x1')).toThrow('bad item "x1"');
    expect(() => parseSweepValues(batch, '1..3 x5')).toThrow('gives only 3 different whole numbers (1, 2, 3)');
    try {
      parseSweepValues(lr, 'abc');
    } catch (e) {
      expect(e).toBeInstanceOf(HyperparameterError);
      expect((e as HyperparameterError).key).toBe('lr');
    }
  });
});
