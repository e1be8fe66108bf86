// Online SAC as a population: member k acts (its own tanh-Gaussian noise, or its own gSDE matrices), collects and
// updates as the lone Trainer with its seed and settings, with the automatic temperature or a fixed one per member.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import { OnlinePopulationTrainer } from '../../src/core/population/onlinePopulationTrainer';
import { Trainer } from '../../src/core/run/trainer';
import { maxRelDiff } from './helpers/maxRelDiff';
import { expectFlatTensorCount, runLone, runPopulation } from './helpers/onlineTraces';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

/** Only supplies the environment (Pendulum-v1) and the observation statistics. */
const pendulum = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 200, seed: 3 });
const algorithmId = 'sac-online';

// One Pendulum episode (200 steps) and a few steps more; one update per step from step 100 on.
const TOTAL = 220;
const shared = { hidden: '32,32', batchSize: 32, numEnvs: 1, learningStarts: 100, trainFrequency: 1, gradientSteps: 1, totalEnvSteps: TOTAL, updatesPerEval: 1e6, evalEpisodes: 1 };
const members = [
  { ...shared, seed: 5, lr: 2e-3, alpha: 0.05 },
  { ...shared, seed: 9, lr: 5e-4, alpha: 0.3 },
];

describe('online SAC population', () => {
  it.each([
    ['automatic temperature', {}],
    ['a fixed temperature per member', { autoAlpha: false }],
    // Windows of 16 steps: the acting matrices are redrawn 13 times in the run, the training matrix every update.
    ['gSDE exploration and a fixed temperature per member', { autoAlpha: false, exploration: 'gsde', sdeSampleFreq: 16, sdeLogStdInit: -1 }],
  ] as const)('member k acts, collects and updates as a lone run with its seed and settings (Pendulum, 2 members, %s)', async (_, variant) => {
    const settings = members.map((m) => ({ ...m, ...variant }));
    const population = new OnlinePopulationTrainer({ dataset: pendulum, algorithmId, members: settings });
    let traces, replays;
    try {
      traces = await runPopulation(population);
      replays = (await population.checkpoints()).map((c) => c.replay!);
      expect(population.envSteps).toBe(TOTAL);
    } finally {
      population.dispose();
    }
    for (let k = 0; k < members.length; k++) {
      const lone = new Trainer({ dataset: pendulum, algorithmId, hyperparameters: settings[k] });
      try {
        const want = await runLone(lone);
        const loneReplay = (await lone.checkpoint()).replay!;
        expect(lone.envSteps).toBe(population.envSteps);
        expect(traces[k].updates).toBe(want.updates);
        expect(want.updates).toBe(TOTAL - 100 + 1);
        // The actions each member drew and stored are its lone run's (sampled with the noise of its own init Rng).
        expect(replays[k].rows).toBe(TOTAL);
        // The actions each member drew and stored are its lone run's (tanh-Gaussian samples with its own init Rng's
        // noise): bit for bit until the first update; after it the batched matmuls round apart in the last bits.
        const [mine, theirs] = [replays[k].actions, loneReplay.actions];
        expect(Array.from(mine.subarray(0, 100))).toEqual(Array.from(theirs.subarray(0, 100)));
        expect(maxRelDiff(mine, theirs), `member ${k} actions`).toBeLessThan(2e-3);
        expect(traces[k].episodes.map((e) => e.envSteps)).toEqual(want.episodes.map((e) => e.envSteps));
        expect(maxRelDiff(traces[k].episodes.map((e) => e.return), want.episodes.map((e) => e.return)), `member ${k} returns`).toBeLessThan(1e-5);
        expect(traces[k].episodes.length).toBe(1);
        expect(traces[k].evaluations.map((e) => e[0])).toEqual(want.evaluations.map((e) => e[0]));
        expect(maxRelDiff(traces[k].evaluations.flat(), want.evaluations.flat()), `member ${k} evaluations`).toBeLessThan(1e-5);
        expect(maxRelDiff(traces[k].values, want.values), `member ${k} metrics`).toBeLessThan(2e-3);
      } finally {
        lone.dispose();
      }
    }
    // The temperature metric (entropy_alpha, index 3 of 12): tuned from 1 when automatic, each member's own when fixed.
    const alphas = traces.map((t) => t.values.filter((_, i) => i % 12 === 3));
    if ('autoAlpha' in variant) expect(alphas.map((a) => [Math.min(...a), Math.max(...a)])).toEqual([[0.05, 0.05], [0.3, 0.3]].map((r) => r.map(Math.fround)));
    else expect(alphas[0][alphas[0].length - 1]).toBeLessThan(0.9);
    expect(traces[0].episodes.map((e) => e.return)).not.toEqual(traces[1].episodes.map((e) => e.return));
  }, 60_000);

  it.each([
    ['the shared temperature switch', {}, { autoAlpha: false }],
    // A shorter gSDE window from then on: the members redraw their acting matrices when their lone runs do.
    ['the shared gSDE sample frequency', { exploration: 'gsde', sdeSampleFreq: 16, autoAlpha: false }, { sdeSampleFreq: 5 }],
  ] as const)('live changes (%s, one member\'s fixed alpha) act on the members as on their lone runs', async (_, variant, sharedPatch) => {
    const settings = members.map((m) => ({ ...m, ...variant }));
    const population = new OnlinePopulationTrainer({ dataset: pendulum, algorithmId, members: settings });
    const values: number[][] = [[], []];
    const change = async (run: (updates: number) => Promise<unknown>, shared: (patch: Record<string, unknown>) => void, second: (patch: Record<string, unknown>) => void) => {
      await run(40);
      shared(sharedPatch);
      await run(20);
      second({ alpha: 0.7 });
      await run(20);
    };
    try {
      await change(
        async (n) => (await population.run(1e9, n)).members.forEach((m, k) => values[k].push(...m.metrics!.values)),
        (patch) => population.setSharedHyperparameters(patch),
        (patch) => population.setMemberHyperparameters(1, patch),
      );
    } finally {
      population.dispose();
    }
    for (let k = 0; k < members.length; k++) {
      const lone = new Trainer({ dataset: pendulum, algorithmId, hyperparameters: settings[k] });
      const want: number[] = [];
      try {
        await change(
          async (n) => want.push(...(await lone.run(1e9, n)).metrics!.values),
          (patch) => lone.setHyperparameters(patch),
          (patch) => k === 1 && lone.setHyperparameters(patch),
        );
      } finally {
        lone.dispose();
      }
      expect(maxRelDiff(values[k], want), `member ${k}`).toBeLessThan(2e-3);
    }
    // entropy_alpha (index 3) of the last update: member 0's own fixed alpha, member 1's changed one.
    expect([values[0].at(-12 + 3), values[1].at(-12 + 3)]).toEqual([Math.fround(0.05), Math.fround(0.7)]);
  }, 30_000);

  it.each([
    ['Gaussian noise', {}],
    // 160 env steps at the hand-over: inside the 7th window of 24, so the kept member must bring its window's matrices.
    ['gSDE exploration', { exploration: 'gsde', sdeSampleFreq: 24 }],
  ] as const)('a member kept in a smaller population (keepMembers) goes on as its lone run: temperature, Adams and buffer carried (%s)', async (_, variant) => {
    const settings = members.map((m) => ({ ...m, ...variant }));
    const whole = new OnlinePopulationTrainer({ dataset: pendulum, algorithmId, members: settings });
    const values: number[] = [];
    let returns: number[] = [];
    let kept: OnlinePopulationTrainer | null = null;
    try {
      const first = await whole.run(1e9, 60);
      values.push(...first.members[1].metrics!.values);
      returns = first.members[1].episodes.map((e) => e.return);
      kept = whole.keepMembers([1]);
      const rest = await runPopulation(kept);
      values.push(...rest[0].values);
      returns.push(...rest[0].episodes.map((e) => e.return));
    } finally {
      (kept ?? whole).dispose();
    }
    const lone = new Trainer({ dataset: pendulum, algorithmId, hyperparameters: settings[1] });
    try {
      const want = await runLone(lone);
      expect(values.length).toBe(want.values.length);
      expect(maxRelDiff(values, want.values)).toBeLessThan(2e-3);
      expect(maxRelDiff(returns, want.episodes.map((e) => e.return))).toBeLessThan(1e-5);
    } finally {
      lone.dispose();
    }
  }, 30_000);

  it('keeps the tensor count flat over a few hundred updates', async () => {
    await expectFlatTensorCount(new OnlinePopulationTrainer({ dataset: pendulum, algorithmId, members: members.map((m) => ({ ...m, totalEnvSteps: 1e6 })) }), 200);
  }, 30_000);

  it('refuses per-member changes of shared keys, naming them', () => {
    const before = tf.memory().numTensors;
    expect(() => new OnlinePopulationTrainer({ dataset: pendulum, algorithmId, members: [members[0], { ...members[1], exploration: 'gsde' }] })).toThrow(/exploration noise \(exploration\)/);
    expect(tf.memory().numTensors).toBe(before);
    const p = new OnlinePopulationTrainer({ dataset: pendulum, algorithmId, members });
    try {
      expect(() => p.setMemberHyperparameters(0, { autoAlpha: false })).toThrow(/automatic temperature \(autoAlpha\) is shared by every member/);
      expect(() => p.setSharedHyperparameters({ alpha: 0.2 })).toThrow(/fixed temperature \(alpha\) differs per member/);
    } finally {
      p.dispose();
    }
  });
});
