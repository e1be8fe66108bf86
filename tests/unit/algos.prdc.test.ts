import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KDTree } from '../../src/core/algos/kdTree';
import { DatasetConstraintIndex, prdc, prdcActorLoss } from '../../src/core/algos/prdc';
import { getAlgorithm } from '../../src/core/algos/registry';
import { td3bcLambda } from '../../src/core/algos/td3bc';
import type { Batch } from '../../src/core/algos/types';
import type { Dataset } from '../../src/core/data/dataset';
import { generateDataset } from '../../src/core/data/generate';
import { resolveValues } from '../../src/core/run/hyperparameters';
import { runSchema } from '../../src/core/run/runSettings';
import { Trainer } from '../../src/core/run/trainer';
import { Rng } from '../../src/core/rng';
import { checkpointRoundTrip, expectCriticContract, expectFlatTensorCount, lastMean, read, series, train, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

/** Index of the nearest row by scanning them all, ties to the lower row (as KDTree). */
function bruteNearest(points: Float32Array, dim: number, q: ArrayLike<number>, offset = 0): { row: number; distanceSq: number } {
  let best = { row: -1, distanceSq: Number.POSITIVE_INFINITY };
  for (let i = 0; i < points.length / dim; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += (q[offset + k] - points[i * dim + k]) ** 2;
    if (s < best.distanceSq) best = { row: i, distanceSq: s };
  }
  return best;
}

describe('KD-tree', () => {
  it('finds exactly the nearest point that a scan of every row finds, in 1 to 6 dimensions', () => {
    const rng = new Rng(5);
    for (const [n, dim] of [[1, 1], [7, 2], [500, 1], [2000, 3], [3000, 6]]) {
      const points = Float32Array.from({ length: n * dim }, () => rng.uniform(-1, 1));
      const tree = new KDTree(points, dim);
      const queries = Float32Array.from({ length: 200 * dim }, () => rng.uniform(-1.5, 1.5));
      const { rows, distancesSq } = tree.nearestMany(queries, 200);
      for (let i = 0; i < 200; i++) {
        const want = bruteNearest(points, dim, queries, i * dim);
        expect(rows[i], `n ${n}, dim ${dim}, query ${i}`).toBe(want.row);
        expect(distancesSq[i]).toBeCloseTo(want.distanceSq, 10);
      }
      // A query on a stored point finds it at distance 0.
      expect(tree.nearest(points.subarray(dim * (n >> 1), dim * (n >> 1) + dim))).toEqual({ row: n >> 1, distanceSq: 0 });
    }
  });

  it('handles duplicates and ties (the lower row wins) and clustered data with many equal coordinates', () => {
    const rng = new Rng(9);
    // Coordinates on a coarse grid: many equal keys along every axis and many exact ties in distance.
    const points = Float32Array.from({ length: 1500 * 2 }, () => rng.int(5) - 2);
    const tree = new KDTree(points, 2);
    for (let i = 0; i < 300; i++) {
      const q = [rng.int(9) / 2 - 2, rng.int(9) / 2 - 2];
      expect(tree.nearest(q)).toEqual(bruteNearest(points, 2, q));
    }
  });

  it('refuses points that do not make whole rows, and an empty set', () => {
    expect(() => new KDTree(new Float32Array(5), 2)).toThrow('5 numbers do not make rows of 2');
    expect(() => new KDTree(new Float32Array(0), 3)).toThrow('no points');
  });
});

describe('PRDC losses', () => {
  it('the dataset constraint picks the action of the nearest (beta s, a) row, not the data action in s', () => {
    // Rows (s, a): (0, 0.5), (1, -0.5), (3, 1); beta 2 gives keys (0, 0.5), (2, -0.5), (6, 1).
    const index = new DatasetConstraintIndex(Float32Array.from([0, 1, 3]), Float32Array.from([0.5, -0.5, 1]), 1, 1, 2, null);
    // Query (beta * 0.9, pi = 0.4) = (1.8, 0.4): squared distances 3.25, 0.85, 17.99 -> row 1, a* = -0.5.
    // Query (beta * 0.1, pi = 1.0) = (0.2, 1.0): 0.29, 7.24, 33.64 -> row 0, a* = 0.5.
    const { actions, meanDistance } = index.neighbourActions([1.8, 0.4, 0.2, 1.0], 2);
    expect(Array.from(actions)).toEqual([-0.5, 0.5]);
    expect(meanDistance).toBeCloseTo((Math.sqrt(0.85) + Math.sqrt(0.29)) / 2, 6);
    // With beta 0 the state does not count: the nearest action anywhere, here 0.5 for pi = 0.4 and 1 for pi = 1.
    const anyState = new DatasetConstraintIndex(Float32Array.from([0, 1, 3]), Float32Array.from([0.5, -0.5, 1]), 1, 1, 0, null);
    expect(Array.from(anyState.neighbourActions([0, 0.4, 0, 1.0], 2).actions)).toEqual([0.5, 1]);
    // Standardised states: the key uses (s - mean) / std, as the networks see it.
    const standardised = new DatasetConstraintIndex(Float32Array.from([10, 12]), Float32Array.from([0, 1]), 1, 1, 1, { mean: Float32Array.of(10), std: Float32Array.of(2) });
    expect(Array.from(standardised.neighbourActions([0.9, 0.9], 1).actions)).toEqual([1]); // keys (0, 0) and (1, 1)
  });

  it('with a large beta, a* is the data\'s own action in each dataset state (PRDC reduces to TD3+BC\'s target)', () => {
    const d = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 2000, seed: 2 });
    const stats = { mean: Float32Array.of(0, 0, 0), std: Float32Array.of(1, 1, 8) };
    const index = DatasetConstraintIndex.fromDataset(d, { center: Float32Array.of(0), halfRange: Float32Array.of(2) }, 1000, stats);
    const keys = new Float32Array(2000 * 4);
    for (let i = 0; i < 2000; i++) {
      for (let k = 0; k < 3; k++) keys[i * 4 + k] = (1000 * (d.observations[i * 3 + k] - stats.mean[k])) / stats.std[k];
      keys[i * 4 + 3] = -d.actions[i] / 2; // a policy action unlike the data's (mirrored, in [-1, 1])
    }
    const { rows } = index.tree.nearestMany(keys, 2000);
    // Each state finds its own row, unless another row's state lies within (action gap) / beta of it: a near-duplicate
    // state, whose action then counts as the data's action there too.
    let own = 0;
    rows.forEach((r, i) => {
      if (r === i) own++;
      else for (let k = 0; k < 3; k++) expect(Math.abs(d.observations[r * 3 + k] - d.observations[i * 3 + k]) / stats.std[k]).toBeLessThan(2.1 / 1000);
    });
    expect(own).toBeGreaterThan(1900);
    console.log(`beta 1000: ${own} of 2000 dataset states found their own row`);
  });

  it('actor loss: -lambda * mean Q + mean (pi - a*)^2, by hand', () => {
    const q = tf.tensor1d([2, -4, 1]);
    const lambda = td3bcLambda(q, 2.5); // 2.5 / (7/3)
    const pi = tf.tensor2d([[0.5], [0], [-1]]);
    const aStar = tf.tensor2d([[-0.5], [0.5], [-1]]);
    const { loss, dc } = prdcActorLoss(q, pi, aStar, lambda);
    expect(dc.dataSync()[0]).toBeCloseTo((1 + 0.25 + 0) / 3, 6);
    expect(loss.dataSync()[0]).toBeCloseTo((2.5 / (7 / 3)) * (1 / 3) + 1.25 / 3, 5);
    tf.dispose([q, lambda, pi, aStar, loss, dc]);
  });

  it('the agent trains its actor towards a* of its dataset: dc_loss and nn_distance of an update match the hand computation', async () => {
    // A tiny dataset of 6 rows (1-d state and action); the agent sees it through the context, as the Trainer gives it.
    const obs = Float32Array.from([-1, -0.5, 0, 0.3, 0.7, 1]);
    const act = Float32Array.from([0.9, -0.8, 0.1, -0.3, 0.6, -1]);
    const dataset = { observations: obs, actions: act, observationDim: 1, actionDim: 1, size: 6 } as unknown as Dataset;
    const values = resolveValues([...prdc.hyperparameters, ...runSchema], { hidden: '32,32', normalizeStates: false, policyDelay: 1 }, 'PRDC');
    const agent = prdc.create({ observationDim: 1, actionDim: 1, discreteActions: null, hyperparameters: values, rng: new Rng(3), observationMean: new Float32Array(1), observationStd: Float32Array.of(1), dataset, actionScale: null });
    const batch: Batch = {
      observations: tf.tensor2d([0.25, -0.9, 0.8], [3, 1]),
      actions: tf.tensor2d([0, 0, 0], [3, 1]),
      rewards: tf.tensor1d([0, 0, 0]),
      nextObservations: tf.tensor2d([0, 0, 0], [3, 1]),
      dones: tf.tensor1d([0, 0, 0]),
      mcReturns: tf.tensor1d([0, 0, 0]),
    };
    try {
      const pi = await read(agent.act(batch.observations, 'greedy'));
      const s = [0.25, -0.9, 0.8];
      const keys = new Float32Array(12);
      for (let i = 0; i < 6; i++) keys.set([2 * obs[i], act[i]], 2 * i);
      const hits = s.map((si, i) => bruteNearest(keys, 2, [2 * si, pi[i]]));
      const aStar = hits.map((h) => act[h.row]);
      await agent.prepareUpdate!(batch); // the async read the Trainer awaits before each update
      const metrics = await read(agent.update(batch));
      const m = (name: string) => metrics[agent.metricNames.indexOf(name)];
      expect(m('dc_loss')).toBeCloseTo(pi.reduce((sum, p, i) => sum + (p - aStar[i]) ** 2, 0) / 3, 5);
      expect(m('nn_distance')).toBeCloseTo(hits.reduce((sum, h) => sum + Math.sqrt(h.distanceSq), 0) / 3, 5);
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });
});

describe('PRDC on Pendulum', () => {
  // Pendulum (README of policies: random -1206.7, medium -885.6, expert -139.9 over 100 episodes).
  const mediumExpert = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'medium', weight: 1 }, { policy: 'expert', weight: 1 }], transitions: 10_000, seed: 1 });

  it('meets the schema, metric and chart contracts of an actor-critic, and refuses discrete actions', async () => {
    const algo = getAlgorithm('prdc');
    expect(algo.actions).toEqual(['continuous']);
    expect(algo.usesNextState).toBe(true);
    for (const p of algo.hyperparameters) expect(p.help.length, p.key).toBeGreaterThan(20);
    expect(algo.hyperparameters.find((p) => p.key === 'beta')).toMatchObject({ default: 2, live: false });
    expect(algo.hyperparameters.find((p) => p.key === 'alpha')).toMatchObject({ default: 2.5, live: true });
    const t = new Trainer({ dataset: mediumExpert, algorithmId: 'prdc', hyperparameters: { hidden: '32,32', batchSize: 8 } });
    try {
      for (const name of t.agent.metricNames) expect(algo.metricHelp[name], name).toBeTruthy();
      for (const chart of algo.charts ?? []) for (const name of chart.metrics) expect(t.agent.metricNames, chart.title).toContain(name);
      expectCriticContract(algo, t.agent);
    } finally {
      t.dispose();
    }
    const cartpole = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 200, seed: 1 });
    expect(() => new Trainer({ dataset: cartpole, algorithmId: 'prdc' })).toThrow('PRDC does not handle discrete actions');
  });

  it('keeps its policy on the data (small dc_loss) without overestimating the value of its own actions', async () => {
    // The paper (Table 1) reports PRDC above TD3+BC on D4RL's medium-expert locomotion sets (1M updates). That effect
    // does NOT appear at a test-sized budget here. MEASURED (seed 1, this dataset, 64x64, batch 128, lr 1e-3, 5
    // evaluation episodes at 0/500/1000/1500 updates, normalized scores): PRDC -21 -6 -26 -7, TD3+BC -21 18 41 41.
    // Why, as far as we can tell: the medium half of the data mixes random actions in, so near every Pendulum state
    // the data holds nearly every action; the nearest neighbour of (beta s, pi(s)) is then almost pi(s) itself
    // (dc_loss about 0.01), the constraint is nearly vacuous and the policy follows a critic that is still far from
    // the return after 1.5k updates, while TD3+BC's behaviour cloning carries it to the expert half's actions early.
    // With 4,000 updates (same settings) PRDC's scores swing -6 -26 -7 -23 17 49 10 101 against TD3+BC's steadier
    // 18 41 41 43 58 62 51 58: no reliable win either way at these budgets. With beta 1000 (the state dominates, so a*
    // is the data's own action) PRDC scored 18 43 27 at 500/1000/1500 updates, TD3+BC 18 41 41: the reduction holds.
    // Asserted instead is what held: the policy stays within the data (dc_loss and nn_distance small) and Q of its
    // actions is not inflated above Q of the data's actions (measured at 1,500 updates above: dc_loss 0.011, q_policy -9.5 vs q_data -9.7; at 400 updates here: 0.017, -3.61 vs -3.60).
    const t = new Trainer({ dataset: { ...mediumExpert, envId: null }, algorithmId: 'prdc', hyperparameters: { hidden: '32,32', batchSize: 64, lr: 1e-3, seed: 1 } });
    try {
      const m = await train(t, 400);
      const dc = lastMean(m, 'dc_loss', 50);
      const qPolicy = lastMean(m, 'q_policy', 50);
      const qData = lastMean(m, 'q_data', 50);
      console.log(`PRDC Pendulum medium-expert, 400 updates: dc_loss ${dc.toFixed(4)}, nn_distance ${lastMean(m, 'nn_distance', 50).toFixed(3)}, q_policy ${qPolicy.toFixed(2)}, q_data ${qData.toFixed(2)}`);
      expect(dc).toBeLessThan(0.05);
      expect(lastMean(m, 'nn_distance', 50)).toBeLessThan(0.5);
      expect(qPolicy).toBeLessThan(qData + 0.1 * Math.abs(qData));
    } finally {
      t.dispose();
    }
  });

  it('applies a live alpha change at the next update, records it, and the lambda metric follows', async () => {
    const data = { ...mediumExpert, envId: null };
    const { events, withChange, without } = await withAndWithoutChange(data, 'prdc', { updatesPerEval: 100_000 }, { alpha: 0.5 });
    expect(events).toEqual([{ update: 10, key: 'alpha', label: 'alpha (Q weight)', from: 2.5, to: 0.5 }]);
    expect(series(withChange, 'lambda')[0]).toBeCloseTo(series(without, 'lambda')[0] * 0.2, 4);
    expect(series(withChange, 'dc_loss')).not.toEqual(series(without, 'dc_loss'));
  });

  it('keeps the tensor count flat over 200 updates', async () => {
    await expectFlatTensorCount({ ...mediumExpert, envId: null }, 'prdc', {}, 200);
  });

  it('a checkpoint round trip gives the same Q, V and actions', async () => {
    const { checkpoint, want, got } = await checkpointRoundTrip({ algorithmId: 'prdc', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 8 } });
    expect(checkpoint.algorithm).toBe('prdc');
    got.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 5)));
  });
});
