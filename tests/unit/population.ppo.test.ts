// A PPO population of K members against K lone Trainers with the same seeds and settings: member k collects the same
// rollouts (the same actions, so the same episodes), shuffles the same minibatches and takes the same updates.
import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/algos/registry';
import { generateDataset } from '../../src/core/data/generate';
import type { Dataset } from '../../src/core/data/dataset';
import { OnlinePopulationTrainer } from '../../src/core/population/onlinePopulationTrainer';
import { ppoPopulation } from '../../src/core/population/ppo';
import { Trainer } from '../../src/core/run/trainer';
import { maxRelDiff } from './helpers/maxRelDiff';
import { alternatives } from './helpers/liveKeys';
import { expectFlatTensorCount, runLone, runPopulation, type Trace } from './helpers/onlineTraces';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

/** Only supply the environments and the observation statistics. */
const cartpole = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 500, seed: 3 });
const pendulum = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 200, seed: 3 });

// 32 env steps per rollout (16 steps x 2 copies), 2 epochs of 2 minibatches of 16: 4 updates per rollout.
const shared = { hidden: '32,32', numEnvs: 2, numSteps: 16, epochs: 2, batchSize: 16, updatesPerEval: 1e6, evalEpisodes: 2 };
const members = [
  { ...shared, seed: 5, lr: 3e-3, entCoef: 0.01 },
  { ...shared, seed: 9, lr: 1e-3, entCoef: 0, clipValue: true, gamma: 0.95, gaeLambda: 0.9 },
];

/** Trains a population and each member's lone run to `rollouts` rollouts and holds them against each other. */
async function expectMembersMatchLoneRuns(dataset: Dataset, settings: Record<string, unknown>[], rollouts: number): Promise<Trace[]> {
  const population = new OnlinePopulationTrainer({ dataset, algorithmId: 'ppo', members: settings.map((m) => ({ ...m, totalEnvSteps: 32 * rollouts })) });
  let traces: Trace[];
  try {
    traces = await runPopulation(population);
    expect(population.envSteps).toBe(32 * rollouts);
  } finally {
    population.dispose();
  }
  for (let k = 0; k < settings.length; k++) {
    const lone = new Trainer({ dataset, algorithmId: 'ppo', hyperparameters: { ...settings[k], totalEnvSteps: 32 * rollouts } });
    try {
      const want = await runLone(lone);
      expect(lone.envSteps).toBe(population.envSteps);
      expect(want.updates).toBe(4 * rollouts);
      expect(traces[k].updates).toBe(want.updates);
      // The same episodes: bit for bit with discrete actions; a Gaussian's actions carry the forward pass's float rounding.
      expect(traces[k].episodes.map((e) => [e.envSteps, e.length])).toEqual(want.episodes.map((e) => [e.envSteps, e.length]));
      expect(maxRelDiff(traces[k].episodes.map((e) => e.return), want.episodes.map((e) => e.return))).toBeLessThanOrEqual(dataset.discreteActions === null ? 1e-5 : 0);
      // Greedy evaluations at the start and at the end, on member k's own reset seeds.
      expect(traces[k].evaluations.map((e) => e[0])).toEqual([0, want.updates]);
      expect(maxRelDiff(traces[k].evaluations.flat(), want.evaluations.flat())).toBeLessThanOrEqual(dataset.discreteActions === null ? 1e-5 : 0);
      expect(maxRelDiff(traces[k].values, want.values), `member ${k} metrics`).toBeLessThan(2e-3);
    } finally {
      lone.dispose();
    }
  }
  // The members differ (seeds, rates, entropy bonus): not one run copied twice.
  expect(traces[0].values).not.toEqual(traces[1].values);
  return traces!;
}

describe('PPO population', () => {
  it('member k collects, shuffles and updates as a lone run with its seed and settings (CartPole, categorical policy)', async () => {
    const traces = await expectMembersMatchLoneRuns(cartpole, members, 16);
    expect(traces[0].episodes.length).toBeGreaterThan(10);
    expect(traces[0].episodes.map((e) => e.return)).not.toEqual(traces[1].episodes.map((e) => e.return));
  }, 60_000);

  it('member k matches its lone run on Pendulum too (Gaussian policy, learnt log std, time-limit bootstrap)', async () => {
    // 200-step episodes: 14 rollouts of 16 steps per copy, so the time limit cuts each copy's first episode in rollout 13.
    const traces = await expectMembersMatchLoneRuns(pendulum, members.map((m) => ({ ...m, numSteps: 16, normalizeStates: true })), 14);
    expect(traces[0].episodes.map((e) => e.length)).toEqual([200, 200]);
  }, 60_000);

  it('every live key changes the next updates: a per-member key only its member, a shared key every member', async () => {
    /** Each member's metrics over 8 updates after `at` updates, with `patch` applied then (to member 1, or to all if shared). */
    const metricsAfter = async (settings: Record<string, unknown>, at: number, patch: Record<string, unknown> | null) => {
      // Members at the defaults but seed and learning rate, so every alternative value is a change for member 1.
      const defaults = [{ ...shared, seed: 5, lr: 3e-3 }, { ...shared, seed: 9 }];
      const p = new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'ppo', members: defaults.map((m) => ({ ...m, ...settings, totalEnvSteps: 1e6 })) });
      try {
        await p.run(1e9, at);
        const key = patch && Object.keys(patch)[0];
        if (patch && p.settings.shared.includes(key!)) p.setSharedHyperparameters(patch);
        else if (patch) expect(p.setMemberHyperparameters(1, patch).map((e) => e.key)).toEqual([key]);
        return (await p.run(1e9, 8)).members.map((m) => Array.from(m.metrics!.values));
      } finally {
        p.dispose();
      }
    };
    const live = getAlgorithm('ppo').hyperparameters.filter((p) => p.live && p.key !== 'totalEnvSteps');
    expect(live.map((p) => p.key)).toEqual(['lr', 'clipRange', 'entCoef', 'vfCoef', 'clipValue', 'numSteps', 'epochs', 'batchSize', 'gaeLambda']);
    const quiet: string[] = [];
    for (const p of live) {
      // The value clip binds only where V moved more than the clip range from its rollout value (as online.liveKeys.test.ts).
      const settings = p.key === 'clipValue' ? { clipRange: 0.01 } : {};
      const shared = !ppoPopulation.memberKeys.includes(p.key);
      let changed = false;
      for (const at of [8, 40]) {
        const plain = await metricsAfter(settings, at, null);
        for (const value of alternatives(p)) {
          const after = await metricsAfter(settings, at, { [p.key]: value });
          if (after[1].some((v, i) => !Object.is(v, plain[1][i]))) {
            if (shared) expect(after[0], `${p.key} (shared) changed member 0's updates`).not.toEqual(plain[0]);
            else expect(after[0], `${p.key} left member 0 alone`).toEqual(plain[0]);
            changed = true;
            break;
          }
        }
        if (changed) break;
      }
      if (!changed) quiet.push(p.key);
    }
    expect(quiet, 'live keys that did not change member 1\'s updates').toEqual([]);
  }, 60_000);

  it('PBT: copyMember copies exactly one member\'s weights and Adam moments; loadMember takes a lone checkpoint', async () => {
    const p = new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'ppo', members: [...members, { ...shared, seed: 11 }].map((m) => ({ ...m, totalEnvSteps: 1e6 })) });
    try {
      await p.run(1e9, 8);
      const before = await p.checkpoints();
      p.agent.copyMember(0, 2);
      const after = await p.checkpoints();
      expect(after[2].agent.weights).toEqual(before[0].agent.weights);
      expect(after[2].optimizers).toEqual(before[0].optimizers);
      expect(after[0].agent.weights).toEqual(before[0].agent.weights);
      expect(after[1].agent.weights).toEqual(before[1].agent.weights);
      expect(after[1].optimizers).toEqual(before[1].optimizers);
      expect(after[2].hyperparameters.seed).toBe(11); // member 2 keeps its own run's identity
      // A lone PPO run's checkpoint (log std included, also for discrete actions) loads into a member's slices.
      expect(Object.keys(before[1].agent.weights)).toContain('ppo/log_std');
      p.loadMember(0, before[1]);
      expect((await p.checkpoints())[0].agent.weights).toEqual(before[1].agent.weights);
    } finally {
      p.dispose();
    }
  }, 30_000);

  it('a member kept in a smaller population (keepMembers) goes on as its lone run, its rollout and minibatch queue carried', async () => {
    const settings = members.map((m) => ({ ...m, totalEnvSteps: 32 * 8 }));
    const whole = new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'ppo', members: settings });
    const values: number[] = [];
    let kept: OnlinePopulationTrainer | null = null;
    try {
      // 10 updates: mid-way through the third rollout's minibatches.
      values.push(...(await whole.run(1e9, 10)).members[1].metrics!.values);
      kept = whole.keepMembers([1]);
      values.push(...(await runPopulation(kept))[0].values);
    } finally {
      (kept ?? whole).dispose();
    }
    const lone = new Trainer({ dataset: cartpole, algorithmId: 'ppo', hyperparameters: settings[1] });
    try {
      const want = await runLone(lone);
      expect(values.length).toBe(want.values.length);
      expect(maxRelDiff(values, want.values)).toBeLessThan(2e-3);
    } finally {
      lone.dispose();
    }
  }, 30_000);

  it('keeps the tensor count flat over many updates and rollouts', async () => {
    await expectFlatTensorCount(new OnlinePopulationTrainer({ dataset: pendulum, algorithmId: 'ppo', members: members.map((m) => ({ ...m, totalEnvSteps: 1e6 })) }), 200);
  }, 30_000);

  it('refuses members that differ in a shared key, and per-member changes of shared keys, naming them', () => {
    expect(() => new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'ppo', members: [members[0], { ...members[1], numSteps: 32 }] })).toThrow(/must share rollout steps \(T\) \(numSteps\): member 0 has 16, member 1 has 32/);
    expect(() => new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'ppo', members: [members[0], { ...members[1], hidden: '64,64' }] })).toThrow(/\(hidden\): member 0 has 32,32, member 1 has 64,64/);
    const p = new OnlinePopulationTrainer({ dataset: cartpole, algorithmId: 'ppo', members });
    try {
      expect(() => p.setMemberHyperparameters(0, { epochs: 5 })).toThrow(/epochs \(K\) \(epochs\) is shared by every member/);
      expect(() => p.setSharedHyperparameters({ clipRange: 0.1 })).toThrow(/clip range \(clipRange\) differs per member/);
      expect(p.setSharedHyperparameters({ batchSize: 8 }).map((events) => events.map((e) => [e.key, e.from, e.to]))).toEqual([[['batchSize', 16, 8]], [['batchSize', 16, 8]]]);
    } finally {
      p.dispose();
    }
  });
});
