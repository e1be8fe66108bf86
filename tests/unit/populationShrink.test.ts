// A population that drops members (stopped, finished, failed or left) goes on as a smaller model: the kept members
// continue exactly as they would have in the whole population, and the dropped members' tensors are freed.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/algos/registry';
import type { Dataset } from '../../src/core/data/dataset';
import { PopulationTrainer } from '../../src/core/population/populationTrainer';
import { populationAlgorithms, populationDef } from '../../src/core/population/registry';
import { offlineData } from './helpers/algoRuns';
import { smallNetworks } from './helpers/smallNetworks';
import { trainPopulation } from './helpers/populationRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

// With their environments, so the members' policies are evaluated (and their evaluation Rngs carried over).
const cartpole = { ...offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 500), envId: 'CartPole-v1' };
const pendulum = { ...offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 500), envId: 'Pendulum-v1' };

/** Tiny networks; members differ in seed and learning rate (a sweep), evaluated every 10 updates where an env exists. */
function members(algorithmId: string, count: number): Record<string, unknown>[] {
  const schema = getAlgorithm(algorithmId).hyperparameters;
  const has = (key: string) => schema.some((p) => p.key === key);
  return Array.from({ length: count }, (_, k) => ({
    ...smallNetworks(algorithmId),
    batchSize: 8,
    seed: 5 + 3 * k,
    updatesPerEval: 10,
    evalEpisodes: 1,
    ...(has('lr') ? { lr: Number(schema.find((p) => p.key === 'lr')!.default) * (1 + 0.5 * k) } : {}),
  }));
}

const datasetFor = (algorithmId: string): Dataset => (getAlgorithm(algorithmId).actions.includes('continuous') ? pendulum : cartpole);

/** Each member's metric rows and evaluation returns over `updates` more updates. */
async function trainWithEvaluations(p: PopulationTrainer, updates: number): Promise<{ rows: number[][]; returns: number[][] }> {
  const rows: number[][] = Array.from({ length: p.members }, () => []);
  const returns: number[][] = Array.from({ length: p.members }, () => []);
  const target = p.update + updates;
  while (p.update < target) {
    const tick = await p.run(1e9, target - p.update);
    tick.members.forEach((m, k) => {
      if (m.metrics) rows[k].push(...m.metrics.values);
      returns[k].push(...m.evaluations.map((e) => e.meanReturn));
    });
  }
  return { rows, returns };
}

/** A live change of member 2 (its learning rate, where it has one), so the values carried over are not the initial ones. */
function liveChange(p: PopulationTrainer, algorithmId: string): void {
  if (populationDef(algorithmId)!.memberKeys.includes('lr')) p.setMemberHyperparameters(2, { lr: 3 * Number(p.hyperparameters(2).lr) });
}

describe.each(populationAlgorithms())('%s population keeping some members', (algorithmId) => {
  it('members 0 and 2 of 3 go on after member 1 is dropped exactly as in the whole population, metrics and weights', async () => {
    const [BEFORE, AFTER] = [6, 6]; // evaluations at update 0 (before) and 10 (after)
    const dataset = datasetFor(algorithmId);
    const whole = new PopulationTrainer({ dataset, algorithmId, members: members(algorithmId, 3) });
    let want: { rows: number[][]; returns: number[][] };
    let wantCheckpoints;
    try {
      await trainPopulation(whole, BEFORE);
      liveChange(whole, algorithmId);
      want = await trainWithEvaluations(whole, AFTER);
      wantCheckpoints = await whole.checkpoints();
    } finally {
      whole.dispose();
    }

    let shrunk = new PopulationTrainer({ dataset, algorithmId, members: members(algorithmId, 3) });
    try {
      await trainPopulation(shrunk, BEFORE);
      liveChange(shrunk, algorithmId);
      shrunk = shrunk.keepMembers([0, 2]);
      expect(shrunk.members).toBe(2);
      expect(shrunk.update).toBe(BEFORE);
      const got = await trainWithEvaluations(shrunk, AFTER);
      const gotCheckpoints = await shrunk.checkpoints();
      // Same backend, same arithmetic per member: bit for bit.
      expect(got.rows[0]).toEqual(want.rows[0]);
      expect(got.rows[1]).toEqual(want.rows[2]);
      expect(got.returns[0]).toEqual(want.returns[0]);
      expect(got.returns[1]).toEqual(want.returns[2]);
      expect(got.returns[0].length).toBe(1); // at update 10
      for (const [j, k] of [[0, 0], [1, 2]]) {
        expect(gotCheckpoints[j].update).toBe(BEFORE + AFTER);
        expect(gotCheckpoints[j].hyperparameters).toEqual(wantCheckpoints[k].hyperparameters);
        expect(gotCheckpoints[j].agent.weights).toEqual(wantCheckpoints[k].agent.weights);
        expect(gotCheckpoints[j].optimizers).toEqual(wantCheckpoints[k].optimizers);
      }
    } finally {
      shrunk.dispose();
    }
  });
});

describe('keeping members of a population', () => {
  const algorithmId = 'td3bc'; // noise from every member's Rng, a policy delay and extra per-member state
  const settings = members(algorithmId, 3);

  it('keeps one member: it goes on as in the whole population', async () => {
    const whole = new PopulationTrainer({ dataset: pendulum, algorithmId, members: settings });
    let want: number[][];
    let wantWeights;
    try {
      want = await trainPopulation(whole, 9);
      wantWeights = (await whole.checkpoints())[1].agent.weights;
    } finally {
      whole.dispose();
    }
    let one = new PopulationTrainer({ dataset: pendulum, algorithmId, members: settings });
    try {
      const before = await trainPopulation(one, 4);
      one = one.keepMembers([1]);
      expect(one.members).toBe(1);
      const after = await trainPopulation(one, 5);
      expect([...before[1], ...after[0]]).toEqual(want[1]);
      expect((await one.checkpoints())[0].agent.weights).toEqual(wantWeights);
    } finally {
      one.dispose();
    }
  });

  it('frees the dropped members: the tensors held are those of a population of the kept size', async () => {
    const base = tf.memory();
    const held = () => ({ tensors: tf.memory().numTensors - base.numTensors, bytes: tf.memory().numBytes - base.numBytes });
    let shrunk = new PopulationTrainer({ dataset: pendulum, algorithmId, members: settings });
    await trainPopulation(shrunk, 3);
    const ofThree = held();
    shrunk = shrunk.keepMembers([0, 2]);
    await trainPopulation(shrunk, 3);
    const afterShrink = held();
    shrunk.dispose();
    expect(held()).toEqual({ tensors: 0, bytes: 0 });

    const two = new PopulationTrainer({ dataset: pendulum, algorithmId, members: [settings[0], settings[2]] });
    await trainPopulation(two, 6);
    const ofTwo = held();
    two.dispose();
    expect(afterShrink).toEqual(ofTwo);
    expect(ofThree.bytes).toBeGreaterThan(ofTwo.bytes);
    expect(held()).toEqual({ tensors: 0, bytes: 0 });
  });

  it('refuses to keep no member, a member twice or one outside the population, naming it', () => {
    const p = new PopulationTrainer({ dataset: pendulum, algorithmId, members: settings });
    try {
      expect(() => p.keepMembers([])).toThrow(/keeps at least one member/);
      expect(() => p.keepMembers([0, 0])).toThrow(/member 0 is kept twice/);
      expect(() => p.keepMembers([3])).toThrow(/member 3 is outside the population of 3/);
    } finally {
      p.dispose();
    }
  });
});
