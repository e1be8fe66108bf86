import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/algos/registry';
import type { Dataset } from '../../src/core/data/dataset';
import { PopulationTrainer, type PopulationConfig } from '../../src/core/population/populationTrainer';
import { populationAlgorithms, populationDef } from '../../src/core/population/registry';
import { Trainer, type TrainerCheckpoint } from '../../src/core/run/trainer';
import { offlineData, train } from './helpers/algoRuns';
import { trainPopulation } from './helpers/populationRuns';
import { maxRelDiff } from './helpers/maxRelDiff';
import { smallNetworks } from './helpers/smallNetworks';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const cartpole = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 1000);
const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 1000);
const small = { hidden: '32,32', batchSize: 16 };
/** Each algorithm's networks at a unit test's size, batches of 16. */
function smallFor(algorithmId: string): Record<string, unknown> {
  return { ...smallNetworks(algorithmId), batchSize: 16 };
}

/** The datasets each population algorithm is checked on: discrete and continuous where it handles both. */
function datasetsFor(algorithmId: string): [string, Dataset][] {
  const actions = getAlgorithm(algorithmId).actions;
  return [...(actions.includes('discrete') ? [['CartPole', cartpole] as [string, Dataset]] : []), ...(actions.includes('continuous') ? [['Pendulum', pendulum] as [string, Dataset]] : [])];
}

/** Per-member settings that differ where the algorithm lets them (a sweep's worth of variety), on top of `smallFor`. */
function memberSettings(algorithmId: string, k: number): Record<string, unknown> {
  const def = populationDef(algorithmId)!;
  const schema = getAlgorithm(algorithmId).hyperparameters;
  const out: Record<string, unknown> = { ...smallFor(algorithmId), seed: 11 + 7 * k };
  for (const key of def.memberKeys) {
    const p = schema.find((q) => q.key === key);
    if (!p || p.kind !== 'number') continue;
    const def0 = Number(p.default);
    // Nudge the default inside its range, differently for each member.
    const nudged = def0 * (1 + 0.2 * k) * (k % 2 === 0 ? 1 : 0.9);
    out[key] = Math.min(p.max ?? Infinity, Math.max(p.min ?? -Infinity, nudged));
  }
  return out;
}

function expectSameWeights(got: TrainerCheckpoint, want: TrainerCheckpoint, tolerance: number): void {
  expect(Object.keys(got.agent.weights).sort()).toEqual(Object.keys(want.agent.weights).sort());
  for (const [name, w] of Object.entries(want.agent.weights)) {
    expect(got.agent.weights[name].shape, name).toEqual(w.shape);
    expect(maxRelDiff(got.agent.weights[name].values, w.values), name).toBeLessThanOrEqual(tolerance);
  }
  expect(got.optimizers!.length).toBe(want.optimizers!.length);
  got.optimizers!.forEach((o, i) => {
    expect(o.t).toBe(want.optimizers![i].t);
    o.m.forEach((m, j) => expect(maxRelDiff(m.values, want.optimizers![i].m[j].values), `optimizer ${i} m${j}`).toBeLessThanOrEqual(tolerance));
  });
}

/**
 * How far member k may drift from its lone run in 6 updates (relative, as maxRelDiff). EDAC's diversity loss divides by
 * the norms of grad_a Q, which start near zero (output layers from U(-3e-3, 3e-3)), and so magnifies the float32
 * rounding of the per-member learning rates and tau held on the device (a lone run rounds lr / bias correction from
 * doubles): measured 2.6e-3 on one critic Adam moment entry with these settings, 5e-7 when the learning rates and tau
 * are powers of two (exact in float32).
 */
const TOLERANCE: Record<string, number> = { edac: 5e-3 };

/**
 * Live keys that change how a policy acts but not its update (the Decision Transformer's target return conditions its
 * evaluation episodes): population.dt.test.ts checks a live change of it on the member's evaluations instead.
 */
const ACTING_ONLY: Record<string, string[]> = { dt: ['targetReturn'] };

describe.each(populationAlgorithms())('%s population', (algorithmId) => {
  const tolerance = TOLERANCE[algorithmId] ?? 2e-3;
  const cases = datasetsFor(algorithmId).map(([envName, dataset]) => [envName, dataset, 3] as [string, Dataset, number]);
  cases.push([cases[0][0], cases[0][1], 1]); // a population of one (its layers take another path on wasm)
  for (const [envName, dataset, K] of cases) {
    it(`member k of ${K} equals a lone run with member k's seed and settings, update by update (${envName})`, async () => {
      const UPDATES = 6;
      const members = Array.from({ length: K }, (_, k) => memberSettings(algorithmId, k));
      const population = new PopulationTrainer({ dataset, algorithmId, members });
      let rows: number[][];
      let memberCheckpoints: TrainerCheckpoint[];
      try {
        rows = await trainPopulation(population, UPDATES);
        memberCheckpoints = await population.checkpoints();
      } finally {
        population.dispose();
      }
      for (let k = 0; k < K; k++) {
        const lone = new Trainer({ dataset, algorithmId, hyperparameters: members[k] });
        try {
          const m = await train(lone, UPDATES);
          expect(m.names).toEqual(population.agent.metricNames);
          expect(maxRelDiff(rows[k], m.values), `member ${k} metrics`).toBeLessThan(tolerance);
          expectSameWeights(memberCheckpoints[k], await lone.checkpoint(), tolerance);
        } finally {
          lone.dispose();
        }
      }
    });
  }

  it('every live key changes the update: a per-member key only its member, a shared key every member', async () => {
    const [, dataset] = datasetsFor(algorithmId).at(-1)!;
    const algo = getAlgorithm(algorithmId);
    // Settings under which a key can matter within a few updates: Double DQN picks a' with the online net, which only
    // differs from the target's choice once the online net has moved and the target lags behind it.
    // XQL's exponent clip only acts once some z = (Q - V) / beta exceeds it: a low clip and a small beta.
    // The Decision Transformer's weight decay moves weights by lr * decay per update: below float32's resolution during
    // its default 1,000-update warmup (lr 1e-7 at first), so it is tested past the warmup at a larger rate.
    const context: Record<string, Record<string, unknown>> = { double: { targetPeriod: 50, lr: 0.01 }, maxClip: { maxClip: 0.5, beta: 0.1 }, ...(algorithmId === 'dt' ? { weightDecay: { weightDecay: 0.01, warmup: 1, lr: 0.01 } } : {}) };
    // A key active only under other settings (CQL's target gap needs Lagrange on) is tested under them.
    const settingsFor = (key: string) => ({ ...algo.hyperparameters.find((q) => q.key === key)?.activeWhen, ...context[key] });
    const base = (key?: string): PopulationConfig => ({ dataset, algorithmId, members: [0, 1].map((k) => ({ ...smallFor(algorithmId), ...(key ? settingsFor(key) : {}), seed: 3 + k })) });
    const unchanged = async (key: string) => {
      const reference = new PopulationTrainer(base(key));
      try {
        await trainPopulation(reference, 3);
        return await trainPopulation(reference, 4);
      } finally {
        reference.dispose();
      }
    };
    const live = algo.hyperparameters.filter((p) => p.live && !ACTING_ONLY[algorithmId]?.includes(p.key));
    expect(live.length).toBeGreaterThan(1); // BC has two: its learning rate and the batch size
    for (const p of live) {
      const plain = await unchanged(p.key);
      const start = Number(settingsFor(p.key)[p.key] ?? p.default);
      const up = Math.min(p.max ?? Infinity, start * 3 || 0.5); // a default at its maximum (f-DVL's lambda 1) goes down instead
      const changedValue = p.kind === 'bool' ? !p.default : p.kind === 'choice' ? p.choices!.find((c) => c !== p.default)! : p.kind === 'int' ? Number(p.default) + 2 : up !== start ? up : Math.max(p.min ?? -Infinity, start / 3);
      const pop = new PopulationTrainer(base(p.key));
      try {
        await trainPopulation(pop, 3);
        const perMember = !pop.shared.includes(p.key);
        if (perMember) pop.setMemberHyperparameters(1, { [p.key]: changedValue });
        else pop.setSharedHyperparameters({ [p.key]: changedValue });
        const after = await trainPopulation(pop, 4);
        expect(after[1], `${p.key} changed member 1's update`).not.toEqual(plain[1]);
        if (perMember) expect(after[0], `${p.key} left member 0 alone`).toEqual(plain[0]);
        else expect(after[0], `${p.key} (shared) changed member 0's update`).not.toEqual(plain[0]);
      } finally {
        pop.dispose();
      }
    }
  });

  it('PBT exploit copies exactly one member\'s weights and optimizer state, and applies the explored values', async () => {
    const [, dataset] = datasetsFor(algorithmId).at(-1)!;
    const pop = new PopulationTrainer({ dataset, algorithmId, members: [0, 1, 2].map((k) => ({ ...smallFor(algorithmId), seed: 20 + k })) });
    try {
      await trainPopulation(pop, 5);
      const before = await pop.checkpoints();
      // An explored learning rate unlike the default (ReBRAC's is 1e-3), so the exploit records a change.
      const lr = populationDef(algorithmId)!.memberKeys.includes('lr') ? { lr: 3 * Number(getAlgorithm(algorithmId).hyperparameters.find((p) => p.key === 'lr')!.default) } : {};
      const events = pop.exploit(0, 2, lr, 'PBT: copied member 0');
      expect(events.map((e) => [e.key, e.to, e.source])).toEqual(Object.entries(lr).map(([k, v]) => [k, v, 'PBT: copied member 0']));
      const after = await pop.checkpoints();
      expectSameWeights(after[2], before[0], 0); // bit for bit
      expectSameWeights(after[0], before[0], 0);
      expectSameWeights(after[1], before[1], 0);
      expect(after[2].hyperparameters.seed).toBe(22); // member 2 keeps its own run's identity
      expect(() => pop.exploit(0, 3, {}, 'x')).toThrow(/member 3 is outside the population of 3/);
    } finally {
      pop.dispose();
    }
  });

  it('tensor count stays flat over a long population run', async () => {
    const [, dataset] = datasetsFor(algorithmId).at(-1)!;
    const pop = new PopulationTrainer({ dataset, algorithmId, members: [0, 1, 2, 3].map((k) => ({ ...smallFor(algorithmId), batchSize: 8, seed: k })) });
    try {
      await trainPopulation(pop, 10);
      const before = tf.memory().numTensors;
      await trainPopulation(pop, 150);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      pop.dispose();
    }
  });
});

describe('population evaluation', () => {
  it('evaluates every member in one batched pass with the episodes a lone run of its seed would play', async () => {
    const dataset = { ...offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 1000), envId: 'CartPole-v1' };
    const members = [0, 1].map((k) => ({ ...small, seed: 5 + k, evalEpisodes: 2 }));
    const pop = new PopulationTrainer({ dataset, algorithmId: 'iql', members });
    let results;
    try {
      await trainPopulation(pop, 5);
      results = await pop.evaluate([0, 1]);
    } finally {
      pop.dispose();
    }
    for (let k = 0; k < 2; k++) {
      const lone = new Trainer({ dataset, algorithmId: 'iql', hyperparameters: members[k] });
      try {
        await train(lone, 5);
        const want = await lone.evaluate();
        expect(results[k]!.returns).toEqual(want.returns);
        expect(results[k]!.episode.actions).toEqual(want.episode.actions);
        expect(results[k]!.update).toBe(5);
      } finally {
        lone.dispose();
      }
    }
  });
});

describe('population boundaries', () => {
  it('refuses members that differ in a shared key, naming it', () => {
    expect(() => new PopulationTrainer({ dataset: pendulum, algorithmId: 'iql', members: [{ hidden: '32,32' }, { hidden: '64,64' }] })).toThrow(/must share hidden sizes \(hidden\): member 0 has 32,32, member 1 has 64,64/);
  });

  it('refuses a live change of a shared key for one member', () => {
    const pop = new PopulationTrainer({ dataset: pendulum, algorithmId: 'iql', members: [{ ...small }, { ...small, seed: 1 }] });
    try {
      expect(() => pop.setMemberHyperparameters(0, { batchSize: 32 })).toThrow(/batch size \(batchSize\) is shared by every member/);
      expect(pop.hyperparameters(0).batchSize).toBe(16);
    } finally {
      pop.dispose();
    }
  });
});
