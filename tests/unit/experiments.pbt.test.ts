import { describe, expect, it } from 'vitest';
import { buildLineage, defaultPbtSettings, pbtExploitExplore, pbtKeys, truncationCount, validatePbtSettings, type LineageEvent, type PbtMember, type PbtSettings } from '../../src/core/experiments/pbt';
import { HyperparameterError, type HyperParam } from '../../src/core/run/hyperparameters';
import { runSchema } from '../../src/core/run/runSettings';
import { Rng } from '../../src/core/rng';

const lr: HyperParam = { key: 'lr', label: 'learning rate', help: '', kind: 'number', default: 3e-4, min: 1e-6, max: 1e-3, log: true, live: true };
const beta: HyperParam = { key: 'beta', label: 'beta', help: '', kind: 'number', default: 3, min: 0, max: 10, live: true };
const delay: HyperParam = { key: 'policyDelay', label: 'policy delay', help: '', kind: 'int', default: 5, min: 1, max: 10, live: true };
const gamma: HyperParam = { key: 'gamma', label: 'discount', help: '', kind: 'number', default: 0.99, min: 0, max: 0.9999, live: false };
const batch: HyperParam = { key: 'batchSize', label: 'batch size', help: '', kind: 'int', default: 256, min: 1, max: 8192, live: true };
const double: HyperParam = { key: 'double', label: 'double DQN', help: '', kind: 'bool', default: false, live: true };
const schema: HyperParam[] = [lr, beta, delay, gamma, batch, double, ...runSchema];

const settings = (patch: Partial<PbtSettings> = {}): PbtSettings => ({ ...defaultPbtSettings(schema), ...patch });
// Scores 0..7 shuffled: members 5 and 2 are the worst, 6 and 0 the best.
const scores = [7, 4, 1, 3, 5, 0, 6, 2];
const population = (): PbtMember[] =>
  scores.map((score, member) => ({ member, score, hyperparameters: { lr: 1e-4 * (member + 1), beta: member + 0.5, policyDelay: 5, gamma: 0.99, batchSize: 256, double: false, seed: member } }));

describe('PBT keys and settings', () => {
  it('explores live bounded numbers of the algorithm, not run settings, batch size or ints', () => {
    expect(pbtKeys(schema)).toEqual(['lr', 'beta']);
    expect(defaultPbtSettings(schema)).toEqual({ members: 8, interval: 5000, quantile: 0.25, mode: 'perturb', factors: [0.8, 1.2], resampleProbability: 0, keys: ['lr', 'beta'] });
  });

  it('validates, naming the bad field or key', () => {
    expect(() => validatePbtSettings(settings(), schema)).not.toThrow();
    expect(() => validatePbtSettings(settings({ keys: ['lr', 'policyDelay'] }), schema)).not.toThrow();
    expect(() => validatePbtSettings(settings({ members: 1 }), schema)).toThrow(/at least 2 members/);
    expect(() => validatePbtSettings(settings({ interval: 0 }), schema)).toThrow(/interval/);
    expect(() => validatePbtSettings(settings({ quantile: 0.6 }), schema)).toThrow(/quantile must be above 0 and at most 0.5, got 0.6/);
    expect(() => validatePbtSettings(settings({ factors: [0.8, -1] }), schema)).toThrow(/factors must be two positive numbers/);
    expect(() => validatePbtSettings(settings({ resampleProbability: 2 }), schema)).toThrow(/resample probability/);
    expect(() => validatePbtSettings(settings({ keys: ['gamma'] }), schema)).toThrow('discount (gamma) cannot change while a run trains');
    expect(() => validatePbtSettings(settings({ keys: ['double'] }), schema)).toThrow(/not a number/);
    expect(() => validatePbtSettings(settings({ keys: ['nope'] }), schema)).toThrow(HyperparameterError);
    expect(() => validatePbtSettings(settings({ keys: ['lr', 'lr'] }), schema)).toThrow('"lr" is explored twice');
    try {
      validatePbtSettings(settings({ quantile: 0 }), schema);
    } catch (e) {
      expect((e as { field: string }).field).toBe('quantile');
    }
  });

  it('cuts floor(n x quantile) at each end, at least one, at most half', () => {
    expect(truncationCount(8, 0.25)).toBe(2);
    expect(truncationCount(10, 0.3)).toBe(3);
    expect(truncationCount(3, 0.25)).toBe(1);
    expect(truncationCount(2, 0.5)).toBe(1);
    expect(truncationCount(20, 0.2)).toBe(4);
  });
});

describe('pbtExploitExplore', () => {
  it('the bottom quarter copies the top quarter and perturbs by x0.8 or x1.2', () => {
    const members = population();
    for (let seed = 0; seed < 20; seed++) {
      const decisions = pbtExploitExplore(members, settings(), schema, new Rng(seed));
      expect(decisions.map((d) => d.target)).toEqual([2, 5]);
      for (const d of decisions) {
        expect([0, 6]).toContain(d.source);
        const src = members[d.source].hyperparameters;
        for (const key of ['lr', 'beta']) {
          const ratio = (d.values[key] as number) / (src[key] as number);
          const clamped = d.values[key] === (key === 'lr' ? lr.max : beta.max);
          expect(clamped || Math.abs(ratio - 0.8) < 1e-9 || Math.abs(ratio - 1.2) < 1e-9).toBe(true);
        }
        expect(Object.keys(d.values)).toEqual(['lr', 'beta']);
        const target = members[d.target].hyperparameters;
        for (const c of d.changes) {
          expect(c.from).toBe(target[c.key]);
          expect(c.to).toBe(d.values[c.key]);
        }
      }
    }
  });

  it('uses both factors and both sources over many draws', () => {
    const members = population();
    const ratios = new Set<number>();
    const sources = new Set<number>();
    const rng = new Rng(1);
    for (let i = 0; i < 50; i++) {
      for (const d of pbtExploitExplore(members, settings({ keys: ['beta'] }), schema, rng)) {
        sources.add(d.source);
        ratios.add(Math.round(((d.values.beta as number) / (members[d.source].hyperparameters.beta as number)) * 10) / 10);
      }
    }
    expect(sources).toEqual(new Set([0, 6]));
    expect(ratios).toEqual(new Set([0.8, 1.2]));
  });

  it('clamps to the schema range and rounds ints', () => {
    // Both top members sit at lr's maximum: x1.2 must clamp to it.
    const members = population().map((m) => ({ ...m, hyperparameters: { ...m.hyperparameters, lr: 1e-3, policyDelay: 9 } }));
    const seen = new Set<number>();
    for (let seed = 0; seed < 30; seed++) {
      for (const d of pbtExploitExplore(members, settings({ keys: ['lr', 'policyDelay'] }), schema, new Rng(seed))) {
        expect(d.values.lr === 1e-3 || Math.abs((d.values.lr as number) - 8e-4) < 1e-15).toBe(true);
        expect([7, 10]).toContain(d.values.policyDelay); // round(9 x 0.8) = 7; round(9 x 1.2) = 11, clamped to 10
        seen.add(d.values.policyDelay as number);
      }
    }
    expect(seen).toEqual(new Set([7, 10]));
  });

  it('resamples within the schema range, log-uniformly where log', () => {
    const lrs: number[] = [];
    const rng = new Rng(5);
    for (let i = 0; i < 300; i++) {
      for (const d of pbtExploitExplore(population(), settings({ mode: 'resample', keys: ['lr', 'beta', 'policyDelay'] }), schema, rng)) {
        expect(d.values.lr).toBeGreaterThanOrEqual(1e-6);
        expect(d.values.lr).toBeLessThanOrEqual(1e-3);
        expect(d.values.beta).toBeGreaterThanOrEqual(0);
        expect(d.values.beta).toBeLessThanOrEqual(10);
        expect(Number.isInteger(d.values.policyDelay)).toBe(true);
        lrs.push(d.values.lr as number);
      }
    }
    const sorted = [...lrs].sort((a, b) => a - b);
    // Geometric mean of 1e-6 and 1e-3 is about 3.2e-5.
    expect(Math.abs(Math.log10(sorted[sorted.length >> 1]) - Math.log10(Math.sqrt(1e-9)))).toBeLessThan(0.25);
  });

  it('mixes in resampling with resampleProbability', () => {
    const rng = new Rng(2);
    let perturbed = 0;
    let other = 0;
    for (let i = 0; i < 200; i++) {
      for (const d of pbtExploitExplore(population(), settings({ keys: ['beta'], resampleProbability: 0.5 }), schema, rng)) {
        const ratio = (d.values.beta as number) / (population()[d.source].hyperparameters.beta as number);
        if (Math.abs(ratio - 0.8) < 1e-9 || Math.abs(ratio - 1.2) < 1e-9) perturbed++;
        else other++;
      }
    }
    expect(perturbed / (perturbed + other)).toBeGreaterThan(0.4);
    expect(perturbed / (perturbed + other)).toBeLessThan(0.6);
  });

  it('leaves unscored members alone and needs two scored members', () => {
    const members = population().map((m) => (m.member === 5 || m.member === 0 ? { ...m, score: null } : m));
    // Scored: 1:4 2:1 3:3 4:5 6:6 7:2 -> six members, cut 1: member 2 copies member 6.
    const decisions = pbtExploitExplore(members, settings(), schema, new Rng(0));
    expect(decisions.map((d) => [d.target, d.source])).toEqual([[2, 6]]);
    const one = population().map((m) => (m.member === 3 ? m : { ...m, score: null }));
    expect(pbtExploitExplore(one, settings(), schema, new Rng(0))).toEqual([]);
    expect(pbtExploitExplore([], settings(), schema, new Rng(0))).toEqual([]);
  });

  it('ranks a NaN score last and breaks ties by member index', () => {
    const members = population().map((m) => ({ ...m, score: m.member === 0 ? NaN : 1 }));
    const decisions = pbtExploitExplore(members, settings(), schema, new Rng(0));
    // Top: members 1 and 2 (ties, lowest index); bottom: 7 and the NaN member 0.
    expect(decisions.map((d) => d.target)).toEqual([0, 7]);
    for (const d of decisions) expect([1, 2]).toContain(d.source);
  });

  it('is deterministic for a given Rng', () => {
    const a = pbtExploitExplore(population(), settings({ resampleProbability: 0.3 }), schema, new Rng(42));
    const b = pbtExploitExplore(population(), settings({ resampleProbability: 0.3 }), schema, new Rng(42));
    expect(a).toEqual(b);
    const runs = new Set(Array.from({ length: 10 }, (_, s) => JSON.stringify(pbtExploitExplore(population(), settings(), schema, new Rng(s)))));
    expect(runs.size).toBeGreaterThan(1);
  });

  it('names a member that lacks an explored value', () => {
    const members = population();
    delete (members[6].hyperparameters as Record<string, unknown>).beta;
    delete (members[0].hyperparameters as Record<string, unknown>).beta;
    expect(() => pbtExploitExplore(members, settings(), schema, new Rng(0))).toThrow(/member (0|6) has no number for beta \(beta\)/);
  });
});

describe('buildLineage', () => {
  it('records copies and each key’s own schedule', () => {
    const initial = [
      { lr: 1e-3, beta: 1 },
      { lr: 3e-4, beta: 2 },
      { lr: 1e-4, beta: 3 },
    ];
    const events: LineageEvent[] = [
      // Out of order on purpose: buildLineage sorts by update.
      { update: 2000, target: 2, source: 1, changes: [{ key: 'lr', from: 1.2e-3, to: 2.4e-4 }] },
      { update: 1000, target: 2, source: 0, changes: [{ key: 'lr', from: 1e-4, to: 1.2e-3 }, { key: 'beta', from: 3, to: 0.8 }] },
      { update: 1000, target: 1, source: 0, changes: [{ key: 'beta', from: 2, to: 1.2 }, { key: 'other', from: 0, to: 1 }] },
      // A copy that changes nothing adds a copy but no schedule point.
      { update: 3000, target: 1, source: 0, changes: [] },
    ];
    const lineage = buildLineage(initial, events, ['lr', 'beta']);
    expect(lineage[0]).toEqual({ member: 0, copies: [], schedule: { lr: [{ update: 0, value: 1e-3 }], beta: [{ update: 0, value: 1 }] } });
    expect(lineage[1]).toEqual({
      member: 1,
      copies: [{ update: 1000, source: 0 }, { update: 3000, source: 0 }],
      schedule: { lr: [{ update: 0, value: 3e-4 }], beta: [{ update: 0, value: 2 }, { update: 1000, value: 1.2 }] },
    });
    expect(lineage[2]).toEqual({
      member: 2,
      copies: [{ update: 1000, source: 0 }, { update: 2000, source: 1 }],
      schedule: {
        lr: [{ update: 0, value: 1e-4 }, { update: 1000, value: 1.2e-3 }, { update: 2000, value: 2.4e-4 }],
        beta: [{ update: 0, value: 3 }, { update: 1000, value: 0.8 }],
      },
    });
  });

  it('refuses events naming members outside the population and keys without a start', () => {
    expect(() => buildLineage([{ lr: 1 }], [{ update: 5, target: 3, source: 0, changes: [] }], ['lr'])).toThrow(/targets member 3, but the population has 1 members/);
    expect(() => buildLineage([{ lr: 1 }], [], ['beta'])).toThrow(/member 0 has no initial value for "beta"/);
  });
});
