// What the generic population test (population.test.ts) does not reach for PRDC, ODICE and ReCOIL: ODICE's choice keys per
// member (its gradient rule and f-divergence; the generic test nudges numbers only), its projection reduced per member
// checked against the lone function, PRDC's shared index refusing members that differ in beta, and ReCOIL reading its shared
// expert episodes (a population without them would fall back to the offline batch, which the equality test cannot tell).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { orthogonalGradient, type GradientRule } from '../../src/core/algos/odice';
import { memberOrthogonalGradient } from '../../src/core/population/odice';
import { PopulationTrainer } from '../../src/core/population/populationTrainer';
import { Trainer } from '../../src/core/run/trainer';
import { offlineData, train } from './helpers/algoRuns';
import { trainPopulation } from './helpers/populationRuns';
import { maxRelDiff } from './helpers/maxRelDiff';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 1000);
const small = { hidden: '32,32', actorHidden: '32,32', batchSize: 16 };

describe('ODICE population', () => {
  it("each member's projection uses only its own gradients and its own rule, as the lone function on that member's slices", () => {
    const rules: GradientRule[] = ['orthogonal', 'true', 'semi'];
    tf.tidy(() => {
      // Two variables' gradients for 3 members, different in every member (a projection over all members would mix them).
      const values = (shape: number[], phase: number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 1.3 + phase) + 0.2 * phase), shape);
      const forward = [values([3, 2, 4], 0), values([3, 1, 4], 1)];
      const backward = [values([3, 2, 4], 2), values([3, 1, 4], 5)];
      const got = memberOrthogonalGradient(forward, backward, tf.tensor1d([0, 1, 2]));
      const angles = got.angle.arraySync();
      for (let k = 0; k < 3; k++) {
        const slice = (x: tf.Tensor) => tf.squeeze(tf.slice(x, k, 1), [0]);
        const want = orthogonalGradient(forward.map(slice), backward.map(slice), rules[k]);
        expect(angles[k]).toBeCloseTo(want.angle.arraySync(), 3);
        expect(got.coef.arraySync()[k]).toBeCloseTo(want.coef.arraySync(), 5);
        got.combined.forEach((g, i) => expect(maxRelDiff(slice(g).dataSync(), want.combined[i].dataSync())).toBeLessThan(1e-5));
      }
      // Per member: the three angles are not one shared number.
      expect(new Set(angles.map((a) => a.toFixed(3))).size).toBe(3);
    });
  });

  it('members on the orthogonal, true and semi-gradient rules, Pearson and reverse KL, each equal their lone run update by update', async () => {
    const UPDATES = 6;
    const members = [
      { ...small, seed: 3, gradientRule: 'orthogonal', fDivergence: 'pearson' },
      { ...small, seed: 8, gradientRule: 'true', fDivergence: 'reverse-kl', rewardScale: 2 },
      { ...small, seed: 13, gradientRule: 'semi', fDivergence: 'pearson', eta: 0.5 },
    ];
    const population = new PopulationTrainer({ dataset: pendulum, algorithmId: 'odice', members });
    let rows: number[][];
    let states;
    try {
      rows = await trainPopulation(population, UPDATES);
      states = await population.checkpoints();
    } finally {
      population.dispose();
    }
    for (let k = 0; k < members.length; k++) {
      const lone = new Trainer({ dataset: pendulum, algorithmId: 'odice', hyperparameters: members[k] });
      try {
        const m = await train(lone, UPDATES);
        expect(maxRelDiff(rows[k], m.values), `member ${k} metrics`).toBeLessThan(2e-3);
        const want = await lone.checkpoint();
        for (const [name, w] of Object.entries(want.agent.weights)) expect(maxRelDiff(states[k].agent.weights[name].values, w.values), `member ${k} ${name}`).toBeLessThan(2e-3);
      } finally {
        lone.dispose();
      }
    }
    // The rules really differ: the semi-gradient member's combined gradient ignores the backward one, so the members'
    // value-gradient norms are not one number.
    const names = population.agent.metricNames;
    const vGrad = (k: number) => rows[k][names.indexOf('v_grad_norm')];
    expect(new Set([0, 1, 2].map((k) => vGrad(k).toFixed(4))).size).toBe(3);
  });

  it('refuses an unknown gradient rule for one member, naming the key', () => {
    const pop = new PopulationTrainer({ dataset: pendulum, algorithmId: 'odice', members: [{ ...small }, { ...small, seed: 1 }] });
    try {
      expect(() => pop.setMemberHyperparameters(1, { gradientRule: 'sideways' })).toThrow(/gradientRule|gradient rule/);
      expect(pop.hyperparameters(1).gradientRule).toBe('orthogonal');
    } finally {
      pop.dispose();
    }
  });
});

describe('PRDC population', () => {
  it('members share beta (it shapes the one nearest-neighbour index over the dataset) and may differ in alpha', () => {
    expect(() => new PopulationTrainer({ dataset: pendulum, algorithmId: 'prdc', members: [{ hidden: '32,32', beta: 2 }, { hidden: '32,32', beta: 5, seed: 1 }] })).toThrow(/must share .*\(beta\): member 0 has 2, member 1 has 5/);
    const pop = new PopulationTrainer({ dataset: pendulum, algorithmId: 'prdc', members: [{ hidden: '32,32', alpha: 1 }, { hidden: '32,32', alpha: 4, seed: 1 }] });
    pop.dispose();
  });
});

describe('ReCOIL population', () => {
  it('learns Q from the shared expert episodes (not the offline batch standing in): the expert set changes every member', async () => {
    const expertRuns = async (expertEpisodes: number) => {
      const pop = new PopulationTrainer({ dataset: pendulum, algorithmId: 'recoil', members: [0, 1].map((k) => ({ hidden: '32,32', batchSize: 16, seed: 4 + k, expertEpisodes, rewardBound: 1 + k })) });
      try {
        const rows = await trainPopulation(pop, 3);
        const names = pop.agent.metricNames;
        return rows.map((r) => r[names.length * 2 + names.indexOf('q_expert')]);
      } finally {
        pop.dispose();
      }
    };
    const [one, many] = [await expertRuns(1), await expertRuns(4)];
    for (let k = 0; k < 2; k++) expect(one[k], `member ${k}`).not.toBeCloseTo(many[k], 5);
  });
});
