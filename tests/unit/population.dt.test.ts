import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/core/data/dataset';
import { getAlgorithm } from '../../src/core/algos/registry';
import { generateDataset } from '../../src/core/data/generate';
import { membersThatFit, populationJobs } from '../../src/core/experiments/populations';
import type { RunConfig } from '../../src/core/experiments/types';
import { PopulationTrainer } from '../../src/core/population/populationTrainer';
import { populationInfo } from '../../src/core/population/registry';
import type { HyperValues } from '../../src/core/run/hyperparameters';
import { runSchema } from '../../src/core/run/runSettings';
import type { EvaluationResult } from '../../src/core/run/evaluate';
import { Trainer, type TrainerCheckpoint } from '../../src/core/run/trainer';
import { offlineData, train } from './helpers/algoRuns';
import { maxRelDiff } from './helpers/maxRelDiff';
import { populationRun, trainPopulation } from './helpers/populationRuns';
import { smallNetworks } from './helpers/smallNetworks';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const tiny = { ...smallNetworks('dt'), batchSize: 8 };
const cartpole = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 1000);
const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 1000);

/** Members that differ in every per-member key, dropout 0 (no draws at all) among them; warmup short enough to show. */
const members = [
  { ...tiny, seed: 3, lr: 1e-3, warmup: 3, weightDecay: 1e-4, gradClip: 0.25, dropout: 0.1 },
  { ...tiny, seed: 9, lr: 3e-3, warmup: 5, weightDecay: 0.1, gradClip: 0.25, dropout: 0 },
  { ...tiny, seed: 4, lr: 5e-4, warmup: 1, weightDecay: 0, gradClip: 0.25, dropout: 0.3 },
];

function expectSameCheckpoint(got: TrainerCheckpoint, want: TrainerCheckpoint, tolerance: number): void {
  expect(Object.keys(got.agent.weights).sort()).toEqual(Object.keys(want.agent.weights).sort());
  for (const [name, w] of Object.entries(want.agent.weights)) {
    expect(got.agent.weights[name].shape, name).toEqual(w.shape);
    expect(maxRelDiff(got.agent.weights[name].values, w.values), name).toBeLessThanOrEqual(tolerance);
  }
  expect(got.optimizers!.map((o) => o.t)).toEqual(want.optimizers!.map((o) => o.t));
  got.optimizers![0].v.forEach((v, j) => expect(maxRelDiff(v.values, want.optimizers![0].v[j].values), `second moment ${j}`).toBeLessThanOrEqual(tolerance));
}

describe('Decision Transformer population', () => {
  for (const [envName, dataset] of [['CartPole', cartpole], ['Pendulum', pendulum]] as [string, Dataset][]) {
    it(`member k equals a lone run with member k's seed, learning rate, warmup, weight decay and dropout (gradients clipped), update by update (${envName})`, async () => {
      const UPDATES = 8;
      const pop = await populationRun({ dataset, algorithmId: 'dt', members }, UPDATES);
      for (let k = 0; k < members.length; k++) {
        const lone = new Trainer({ dataset, algorithmId: 'dt', hyperparameters: members[k] });
        try {
          const m = await train(lone, UPDATES);
          expect(pop.metricNames).toEqual(m.names);
          expect(maxRelDiff(pop.rows[k], m.values), `member ${k} metrics`).toBeLessThan(2e-3);
          expectSameCheckpoint(pop.checkpoints[k], await lone.checkpoint(), 2e-3);
        } finally {
          lone.dispose();
        }
      }
      // The members really differ (different seeds, rates and masks): member 0's loss is not member 1's.
      expect(pop.rows[0][0]).not.toBeCloseTo(pop.rows[1][0], 4);
    });
  }

  // Discrete actions are compared exactly; continuous ones within float rounding (the population multiplies K members'
  // windows in one batched product), which is far below how much the target return moves them.
  const evaluationCases: [string, string, number[], number][] = [
    ['CartPole-v1', 'exactly', [500, 15], 0],
    ['Pendulum-v1', 'within 1e-4', [-150, -1200], 1e-4],
  ];
  for (const [envId, how, targets, tolerance] of evaluationCases) {
    it(`evaluates each member as its lone run would, with its own seeds, context windows and target return (${envId}, actions ${how})`, async () => {
      const dataset = { ...generateDataset({ envId, mix: [{ policy: 'random', weight: 1 }, { policy: 'expert', weight: 1 }], transitions: 2000, seed: 2 }), envId };
      const evaluated = targets.map((targetReturn, k) => ({ ...tiny, seed: 5 + k, lr: 3e-3, warmup: 10, targetReturn, evalEpisodes: 1, updatesPerEval: 100_000 }));
      const pop = new PopulationTrainer({ dataset, algorithmId: 'dt', members: evaluated });
      let results, afterChange;
      try {
        await trainPopulation(pop, 20);
        results = await pop.evaluate([0, 1]);
        // A live change of member 1's target return: its next evaluation asks for member 0's.
        pop.setMemberHyperparameters(1, { targetReturn: targets[0] });
        afterChange = await pop.evaluate([1]);
      } finally {
        pop.dispose();
      }
      expect(afterChange[0]).toBeNull();
      const expectSame = (got: EvaluationResult, want: EvaluationResult, label: string) => {
        expect(got.update).toBe(20);
        expect(got.lengths, label).toEqual(want.lengths);
        expect(maxRelDiff(got.episode.actions, want.episode.actions), `${label} actions`).toBeLessThanOrEqual(tolerance);
        expect(maxRelDiff(got.returns, want.returns), `${label} returns`).toBeLessThanOrEqual(tolerance);
      };
      for (let k = 0; k < 2; k++) {
        const lone = new Trainer({ dataset, algorithmId: 'dt', hyperparameters: evaluated[k] });
        try {
          await train(lone, 20);
          expectSame(results[k]!, await lone.evaluate(), `member ${k}`);
          if (k === 1) {
            lone.setHyperparameters({ targetReturn: targets[0] });
            expectSame(afterChange[1]!, await lone.evaluate(), 'member 1 after its change');
          }
        } finally {
          lone.dispose();
        }
      }
    });
  }

  it('is split into populations that fit in memory: 3 members at CORL\'s sizes (the wasm runtime aborted at 8), one population of 8 at small ones', () => {
    const catalog = populationInfo((id) => [...getAlgorithm(id).hyperparameters, ...runSchema]);
    const memory = catalog.find((p) => p.algorithmId === 'dt')!.memberMemory!;
    // 1,924 bytes x 64 x 20 x 128 x 3 = 0.88 GiB per member at the defaults: 3 GiB hold 3 members.
    expect(membersThatFit(memory, {})).toBe(3);
    expect(membersThatFit(memory, { ...tiny })).toBe(Math.floor(3 * 2 ** 30 / (1924 * 8 * 4 * 32 * 1)));
    const config = (hp: HyperValues): RunConfig => ({ algorithmId: 'dt', envId: 'Hopper-v5', datasetId: 'd', datasetName: 'd', hyperparameters: hp, backend: 'auto' });
    const seeds = (hp: HyperValues) => Array.from({ length: 8 }, (_, seed) => config({ ...hp, seed }));
    expect(populationJobs(seeds({}), catalog, 2).map((job) => job.length)).toEqual([3, 3, 2]);
    expect(populationJobs(seeds({ embedding: '64' }), catalog, 2).map((job) => job.length)).toEqual([4, 4]); // 6 fit: two workers decide
    expect(populationJobs(seeds({ ...tiny }), catalog, 1).map((job) => job.length)).toEqual([8]);
    // The trainer refuses a population too large for memory before it allocates anything, naming the sizes.
    expect(() => new PopulationTrainer({ dataset: pendulum, algorithmId: 'dt', members: Array.from({ length: 4 }, (_, seed) => ({ seed })) })).toThrow(
      /a Decision Transformer population of 4 members at batch size 64, context length \(K\) 20, embedding size 128, layers 3 would hold about 3\.5 GiB in its updates, more than the 3 GiB one population may use: train at most 3 members together/,
    );
  });

  it('refuses members that differ in the context length, naming it', () => {
    expect(() => new PopulationTrainer({ dataset: cartpole, algorithmId: 'dt', members: [{ ...tiny }, { ...tiny, contextLength: 5 }] })).toThrow(/must share context length \(K\) \(contextLength\): member 0 has 4, member 1 has 5/);
  });
});
