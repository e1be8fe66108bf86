// What the generic population test (population.test.ts, default N = 10 and settings nudged a little) does not reach for
// SAC-N and EDAC: a small ensemble with settings far apart per member (EDAC's eta 0 for one member: plain SAC-N inside an
// EDAC population), the ensemble spread per member, a lone checkpoint loaded into one member's [N, ...] slices, and the
// batched ensemble's promise that the kernels one update launches do not grow with the ensemble size N or the
// population size K.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PopulationTrainer } from '../../src/core/population/populationTrainer';
import { populationDef } from '../../src/core/population/registry';
import type { MemberBatch } from '../../src/core/population/types';
import { Rng } from '../../src/core/rng';
import { Trainer } from '../../src/core/run/trainer';
import { offlineData, train } from './helpers/algoRuns';
import { populationRun, trainPopulation } from './helpers/populationRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 1000);
const small = { hidden: '32,32', batchSize: 16, numCritics: 3 };

/** Three members far apart in every per-member key (EDAC's eta 0 for member 1). */
const settings = [
  { ...small, seed: 2, lr: 3e-4, actorLr: 3e-4, alphaLr: 3e-4, tau: 5e-3, eta: 1 },
  { ...small, seed: 9, lr: 3e-3, actorLr: 1e-4, alphaLr: 3e-3, tau: 0.05, eta: 0 },
  { ...small, seed: 5, lr: 1e-4, actorLr: 1e-3, alphaLr: 1e-4, tau: 0.2, eta: 5 },
];

const column = (rows: number[], names: string[], name: string): number[] => rows.filter((_, i) => names[i % names.length] === name);

describe.each(['sac-n', 'edac'])('%s population', (algorithmId) => {
  // SAC-N has no eta.
  const members = algorithmId === 'edac' ? settings : settings.map(({ eta: _, ...rest }) => rest);
  it('member k of 3 equals a lone run with member k\'s seed and settings, update by update, weights and Adam moments', async () => {
    const UPDATES = 5;
    const { rows, checkpoints, metricNames: names } = await populationRun({ dataset: pendulum, algorithmId, members }, UPDATES);
    for (let k = 0; k < 3; k++) {
      const lone = new Trainer({ dataset: pendulum, algorithmId, hyperparameters: members[k] });
      try {
        const m = await train(lone, UPDATES);
        expect(m.names).toEqual(names);
        m.values.forEach((v, i) => expect(Math.abs(rows[k][i] - v) / (1e-3 + Math.abs(v)), `member ${k}, ${names[i % names.length]} at update ${Math.floor(i / names.length)}`).toBeLessThan(2e-3));
        const want = await lone.checkpoint();
        const got = checkpoints[k];
        expect(Object.keys(got.agent.weights).sort()).toEqual(Object.keys(want.agent.weights).sort());
        // The lone ensemble's layout, N = 3 critics per member.
        expect(got.agent.weights[`${algorithmId}/q/w0`].shape).toEqual([3, 3 + 1, 32]);
        for (const [name, w] of Object.entries(want.agent.weights)) w.values.forEach((v, i) => expect(Math.abs(got.agent.weights[name].values[i] - v), `member ${k} ${name}[${i}]`).toBeLessThanOrEqual(2e-3 * (1e-3 + Math.abs(v))));
        expect(got.optimizers!.map((o) => [o.t, o.m.length])).toEqual(want.optimizers!.map((o) => [o.t, o.m.length]));
        // Both Adam moments of every variable, to 2e-3 of the moment's largest entry.
        got.optimizers!.forEach((o, j) =>
          (['m', 'v'] as const).forEach((part) =>
            o[part].forEach((moment, i) => {
              const wanted = want.optimizers![j][part][i].values;
              const scale = Math.max(...wanted.map(Math.abs));
              moment.values.forEach((x, e) => expect(Math.abs(x - wanted[e]), `member ${k} optimizer ${j} ${part}${i}`).toBeLessThanOrEqual(2e-3 * scale));
            }),
          ),
        );
      } finally {
        lone.dispose();
      }
    }
    // Each member reports its own ensemble spread: above zero (its critics disagree) and unlike the other members'.
    for (const name of ['q_std_data', 'q_std_policy', 'q_std_random']) {
      const last = rows.map((r) => column(r, names, name).at(-1)!);
      for (const v of last) expect(v, name).toBeGreaterThan(0);
      expect(new Set(last).size, name).toBe(3);
    }
    if (algorithmId === 'edac') {
      // eta 0: the critic loss is the TD loss alone; eta 5: the diversity term adds 5 x ES to it.
      const [critic1, td1] = ['critic_loss', 'td_loss'].map((n) => column(rows[1], names, n));
      expect(critic1).toEqual(td1);
      const [critic2, td2, es2] = ['critic_loss', 'td_loss', 'diversity_loss'].map((n) => column(rows[2], names, n));
      critic2.forEach((c, i) => expect(c).toBeCloseTo(td2[i] + 5 * es2[i], 4));
      expect(Math.abs(es2[0])).toBeGreaterThan(1e-3);
    }
  });

  it('a per-member setting changed mid-run changes only its member\'s updates', async () => {
    const run = async (patch: Record<string, number> | null) => {
      const pop = new PopulationTrainer({ dataset: pendulum, algorithmId, members: members.slice(0, 2) });
      try {
        await trainPopulation(pop, 2);
        if (patch) pop.setMemberHyperparameters(1, patch);
        return await trainPopulation(pop, 3);
      } finally {
        pop.dispose();
      }
    };
    const plain = await run(null);
    const changed = await run(algorithmId === 'edac' ? { eta: 4 } : { alphaLr: 0.05 });
    expect(changed[0]).toEqual(plain[0]);
    expect(changed[1]).not.toEqual(plain[1]);
  });
  it('a lone run\'s checkpoint loads into one member\'s [N, ...] slices bit for bit (weights and Adam moments), the others untouched', async () => {
    const lone = new Trainer({ dataset: pendulum, algorithmId, hyperparameters: { ...members[1], seed: 77 } });
    const pop = new PopulationTrainer({ dataset: pendulum, algorithmId, members });
    try {
      await train(lone, 3);
      await trainPopulation(pop, 2);
      const saved = await lone.checkpoint();
      const before = await pop.checkpoints();
      pop.loadMember(1, saved);
      const after = await pop.checkpoints();
      for (const [name, w] of Object.entries(saved.agent.weights)) {
        expect(after[1].agent.weights[name].values, name).toEqual(w.values);
        expect(after[0].agent.weights[name].values, name).toEqual(before[0].agent.weights[name].values);
        expect(after[2].agent.weights[name].values, name).toEqual(before[2].agent.weights[name].values);
      }
      saved.optimizers!.forEach((o, j) => o.m.forEach((m, i) => expect(after[1].optimizers![j].m[i].values).toEqual(m.values)));
      expect(() => pop.loadMember(3, saved)).toThrow(/member 3/);
    } finally {
      lone.dispose();
      pop.dispose();
    }
  });
});

describe('the batched ensemble\'s kernels', () => {
  /** Kernel names of one update of a population of K with N critics, on random batches. */
  async function kernelsOfOneUpdate(algorithmId: string, K: number, N: number): Promise<string[]> {
    const hp = { hidden: '32,32', batchSize: 8, numCritics: N, gamma: 0.99, normalizeStates: false, lr: 3e-4, actorLr: 3e-4, alphaLr: 3e-4, tau: 5e-3, eta: 1 };
    const agent = populationDef(algorithmId)!.create({
      members: K,
      observationDim: 3,
      actionDim: 1,
      discreteActions: null,
      hyperparameters: Array.from({ length: K }, () => hp),
      rngs: Array.from({ length: K }, (_, k) => new Rng(k)),
      observationMean: new Float32Array(3),
      observationStd: new Float32Array(3).fill(1),
    });
    const batch: MemberBatch = tf.tidy(() => ({
      observations: tf.randomNormal([K, 8, 3], 0, 1, 'float32', 1) as tf.Tensor3D,
      actions: tf.randomUniform([K, 8, 1], -1, 1, 'float32', 2) as tf.Tensor3D,
      rewards: tf.randomNormal([K, 8], 0, 1, 'float32', 3) as tf.Tensor2D,
      nextObservations: tf.randomNormal([K, 8, 3], 0, 1, 'float32', 4) as tf.Tensor3D,
      dones: tf.zeros([K, 8]) as tf.Tensor2D,
      mcReturns: tf.zeros([K, 8]) as tf.Tensor2D,
    }));
    try {
      tf.dispose(agent.update(batch)); // warm-up
      const profile = await tf.profile(() => tf.dispose(agent.update(batch)));
      return profile.kernels.map((k) => k.name);
    } finally {
      tf.dispose(Object.values(batch));
      agent.dispose();
    }
  }

  it.each(['sac-n', 'edac'])('%s: one update launches the same kernels for K = 1, N = 2 as for K = 4, N = 7', async (algorithmId) => {
    const few = await kernelsOfOneUpdate(algorithmId, 1, 2);
    const many = await kernelsOfOneUpdate(algorithmId, 4, 7);
    // Kernels that compute something are the same list in the same order; only Identity (a tensor handed on, no
    // arithmetic) comes once more per further member: the actor step's noise draws, one per member, enter its gradient
    // scope through one each. Before the ensemble input became a broadcast, tf.tile's gradient added N slices and adds.
    const computing = (kernels: string[]) => kernels.filter((n) => n !== 'Identity');
    expect(computing(many)).toEqual(computing(few));
    expect(many.length - few.length).toBe(4 - 1);
    // The critics' layers are batched products: three layers, forward and backward, a handful per pass.
    expect(few.filter((n) => n === 'LabMatMulExplicitTranspose').length).toBeGreaterThan(10);
  });
});
