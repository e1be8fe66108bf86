import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { a2prActorLoss, a2prTarget } from '../../src/core/algos/a2pr';
import { getAlgorithm } from '../../src/core/algos/registry';
import { normalNoise } from '../../src/core/algos/distributions';
import { Adam } from '../../src/core/algos/optim';
import { VAE, vaeKl, vaeLoss } from '../../src/core/algos/vae';
import { generateDataset } from '../../src/core/data/generate';
import { Trainer } from '../../src/core/run/trainer';
import { Rng } from '../../src/core/rng';
import { agentAndTransitions, checkpointRoundTrip, expectCriticContract, expectFlatTensorCount, lastMean, mean, offlineData, read, series, train, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const small = { hidden: '32,32', vaeHidden: '32,32', batchSize: 32 };
const pendulum = offlineData('Pendulum-v1', [{ policy: 'random', weight: 1 }, { policy: 'expert', weight: 1 }], 2000);

describe('VAE (vae.ts) by hand', () => {
  it('KL to N(0, I) and the row-weighted reconstruction on a tiny case', async () => {
    const mu = tf.tensor2d([[0.5], [-1]]);
    const std = tf.tensor2d([[1], [0.5]]);
    // -0.5 mean(1 + log s^2 - mu^2 - s^2): rows give 1 + 0 - 0.25 - 1 = -0.25 and 1 + log(0.25) - 1 - 0.25 = -1.636294.
    const kl = (-0.25 + Math.log(0.25) - 0.25) / 2;
    expect((await read(vaeKl(mu, std)))[0]).toBeCloseTo(-0.5 * kl, 5);
    // Reconstruction [0.2], [0.4] of actions [0], [1] with row weights [1.5, 0]: mean(1.5 * 0.04, 0) = 0.03.
    const recon = tf.tensor2d([[0.2], [0.4]]);
    const actions = tf.tensor2d([[0], [1]]);
    const w = tf.tensor1d([1.5, 0]);
    const out = vaeLoss(recon, actions, mu, std, w, 0.5);
    expect((await read(out.recon))[0]).toBeCloseTo(0.03, 6);
    expect((await read(out.loss))[0]).toBeCloseTo(0.03 + 0.5 * -0.5 * kl, 5);
    out.kl.dispose();
    tf.dispose([mu, std, recon, actions, w]);
  });

  it('decodes the prior with the latent clipped to [-0.5, 0.5], and reconstructs through z = mu + sigma eps', async () => {
    const vae = new VAE('test/vae_draws', 3, 2, 4, [8], new Rng(1));
    const obs = tf.tensor2d([[0.1, -2, 3], [1, 0, -1], [0.5, 0.5, 0.5]]);
    const act = tf.tensor2d([[0.3, -0.9], [0, 0.2], [-1, 1]]);
    try {
      const z = tf.clipByValue(normalNoise([3, 4], new Rng(5)), -0.5, 0.5) as tf.Tensor2D;
      expect((await read(z.abs().max()))[0]).toBeLessThanOrEqual(0.5);
      expect(await read(vae.decode(obs, new Rng(5)))).toEqual(await read(vae.decode(obs, new Rng(99), z)));
      const { mean: mu, std } = vae.encode(obs, act);
      const zr = tf.add(mu, tf.mul(std, normalNoise([3, 4], new Rng(7)))) as tf.Tensor2D;
      const want = await read(vae.decode(obs, new Rng(0), zr));
      const got = vae.forward(obs, act, new Rng(7));
      (await read(got.reconstruction)).forEach((g, i) => expect(g).toBeCloseTo(want[i], 5));
      // log sigma is clamped to [-4, 15].
      expect((await read(tf.min(tf.log(got.std))))[0]).toBeGreaterThanOrEqual(-4 - 1e-5);
      tf.dispose([z, mu, std, zr, got.mean, got.std]);
    } finally {
      vae.dispose();
      tf.dispose([obs, act]);
    }
  });

  it('weighted toward high-advantage rows (sec. 4.1), it generates the good action where a plain VAE spreads over both', async () => {
    // One state, two actions in the data: +0.8 (advantage > 0, weight 1) and -0.8 (advantage < 0, weight 0).
    const n = 64;
    const obs = tf.zeros([n, 1]) as tf.Tensor2D;
    const actions = tf.tensor2d(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.8 : -0.8)), [n, 1]);
    const weighted = tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)));
    const distanceToGood = async (rowWeights: tf.Tensor1D | null, name: string): Promise<number> => {
      const rng = new Rng(3);
      const vae = new VAE(name, 1, 1, 2, [16, 16], rng);
      const opt = new Adam(vae.variables, 1e-2);
      try {
        for (let i = 0; i < 100; i++) {
          tf.tidy(() => {
            opt.minimize(() => {
              const { reconstruction, mean: mu, std } = vae.forward(obs, actions, rng);
              return vaeLoss(reconstruction, actions, mu, std, rowWeights, 0.5).loss as tf.Scalar;
            });
          });
        }
        return mean(await read(tf.tidy(() => tf.abs(tf.sub(vae.decode(obs, rng), 0.8)))));
      } finally {
        vae.dispose();
        opt.dispose();
      }
    };
    const good = await distanceToGood(weighted, 'test/vae_weighted');
    const plain = await distanceToGood(null, 'test/vae_plain');
    console.log('A2PR VAE: mean |decoded - 0.8|, weighted', good.toFixed(3), 'plain', plain.toFixed(3));
    // Measured: weighted 0.042, plain 0.728 (the plain VAE's decoded actions sit near the mean of both, 0).
    expect(good).toBeLessThan(0.1);
    expect(plain).toBeGreaterThan(0.4);
    tf.dispose([obs, actions, weighted]);
  });
});

describe('A2PR losses by hand', () => {
  it('picks the action with the larger advantage and weights it by mask * (1[A(a~) >= eps] + 1[A(a) > eps])', async () => {
    const data = tf.tensor2d([[0.1], [0.2], [0.3], [0.4]]);
    const fromVaeActions = tf.tensor2d([[-0.5], [-0.6], [-0.7], [-0.8]]);
    const advData = tf.tensor1d([1, -1, 0.5, -2]);
    const advVae = tf.tensor1d([0.5, 2, 0.5, -3]);
    // Row 0: data is better, both good (2 mask). Row 1: VAE better, only it good. Row 2: a tie goes to the VAE,
    // both good. Row 3: data better but neither good: weight 0.
    const a = a2prTarget(data, fromVaeActions, advData, advVae, 0.5, 0);
    (await read(a.target)).forEach((x, i) => expect(x).toBeCloseTo([0.1, -0.6, -0.7, 0.4][i], 6));
    expect(await read(a.weight)).toEqual([1, 0.5, 1, 0]);
    expect(await read(a.fromVae)).toEqual([0, 1, 1, 0]);
    // eps_A 0.75: row 0 keeps only its data action (0.5 >= 0.75 fails), row 2 drops out (0.5 is not above 0.75).
    const b = a2prTarget(data, fromVaeActions, advData, advVae, 0.5, 0.75);
    expect(await read(b.weight)).toEqual([0.5, 0.5, 0, 0]);
    tf.dispose([data, fromVaeActions, advData, advVae, b.target, b.fromVae]);
  });

  it('actor loss -lambda mean Q + mean(w (pi - target)^2), with the target and weights held fixed', async () => {
    const q = tf.tensor1d([1, 3]);
    const pi = tf.tensor2d([[0], [0]]);
    const target = tf.tensor2d([[1], [-1]]);
    const w = tf.tensor1d([2, 0]);
    const lambda = tf.scalar(0.5);
    const out = a2prActorLoss(q, pi, target, w, lambda);
    // bc = mean(2 * 1, 0 * 1) = 1; -0.5 * 2 + 1 = 0
    expect((await read(out.bc))[0]).toBeCloseTo(1, 6);
    expect((await read(out.loss))[0]).toBeCloseTo(0, 6);
    // d/dpi of the regulariser: 2 w (pi - target) / n = [-2, 0].
    const g = await read(tf.grad((p: tf.Tensor) => a2prActorLoss(tf.zeros([2]) as tf.Tensor1D, p as tf.Tensor2D, target, w, lambda).bc)(pi));
    expect(g).toEqual([-2, 0]);
    tf.dispose([q, pi, target, w, lambda]);
  });
});

describe('A2PR agent', () => {
  it('meets the page contract: every control and metric explained, charts of existing metrics, critic views', () => {
    const algo = getAlgorithm('a2pr');
    expect(algo.actions).toEqual(['continuous']);
    for (const p of algo.hyperparameters) expect(p.help.length, p.key).toBeGreaterThan(20);
    const { agent, batch } = agentAndTransitions({ algorithmId: 'a2pr', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: small });
    try {
      for (const name of agent.metricNames) expect(algo.metricHelp[name], name).toBeTruthy();
      for (const chart of algo.charts ?? []) for (const name of chart.metrics) expect(agent.metricNames, chart.title).toContain(name);
      expect(algo.charts!.map((c) => c.title)).toEqual(expect.arrayContaining(['VAE loss', 'Regularisation targets', 'Advantages']));
      expect(algo.usesNextState).toBe(true);
      expectCriticContract(algo, agent);
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });

  it('refuses discrete actions with a message naming the problem', () => {
    const cartpole = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 200, seed: 1 });
    expect(() => new Trainer({ dataset: cartpole, algorithmId: 'a2pr' })).toThrow('A2PR does not handle discrete actions');
  });

  it('reports Q, V and the advantage of the batch from before their steps; the first step regularises', async () => {
    const { agent, batch } = agentAndTransitions({ algorithmId: 'a2pr', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: small });
    try {
      const q = mean(await read(agent.qValue!(batch.observations, batch.actions)));
      const v = mean(await read(agent.stateValue!(batch.observations)));
      const m = await read(agent.update(batch));
      const at = (name: string) => m[agent.metricNames.indexOf(name)];
      expect(at('q_data')).toBeCloseTo(q, 5);
      expect(at('v_data')).toBeCloseTo(v, 5);
      expect(at('vae_share')).toBeGreaterThanOrEqual(0);
      expect(at('vae_share')).toBeLessThanOrEqual(1);
      expect(at('bc_weight')).toBeLessThanOrEqual(2);
      expect(at('adv_data_positive')).toBeGreaterThanOrEqual(0);
      expect(at('vae_loss')).toBeCloseTo(at('recon_loss') + 0.5 * at('kl_loss'), 5);
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });

  it('save/load gives the same Q, V and actions', async () => {
    const { checkpoint, want, got } = await checkpointRoundTrip({ algorithmId: 'a2pr', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: small });
    expect(checkpoint.algorithm).toBe('a2pr');
    expect(Object.keys(checkpoint.weights).some((k) => k.includes('vae/encoder'))).toBe(true);
    expect(got).toEqual(want);
  });

  it('applies a live mask change at the next update and records it: mask 0 turns the regulariser off', async () => {
    const { events, withChange, without } = await withAndWithoutChange(pendulum, 'a2pr', { vaeHidden: '32,32', updatesPerEval: 100_000 }, { mask: 0 });
    expect(events).toEqual([{ update: 10, key: 'mask', label: 'regulariser weight (mask)', from: 1, to: 0 }]);
    // Update 10 is an actor step (policy delay 2).
    expect(series(withChange, 'bc_loss')[0]).toBe(0);
    expect(series(withChange, 'bc_weight')[0]).toBe(0);
    expect(series(without, 'bc_loss')[0]).toBeGreaterThan(0);
  });

  it('on Pendulum random + expert data the advantage guidance is selective: some rows follow the VAE, some the data, some none', async () => {
    // The paper (sec. 5.3, mixed datasets) reports A2PR above TD3+BC on data mixing poor and good behaviour. Measured
    // here (Pendulum, 20k transitions random:expert 1:1, hidden 64x64, VAE 64x64, batch 128, lr 1e-3, 5 eval episodes):
    // after 3,000 updates A2PR -896 / -1061 and TD3+BC -814 / -1158 (seeds 1 / 2): level, within the noise; after
    // 1,000 updates A2PR was behind (-1590 / -1557 against -1284 / -1059: its VAE and V must learn first); with 1,500
    // updates on random:expert 3:1 A2PR trailed (-1374, -1646, -1638 against -867, -1266, -1220). That is far past a
    // unit test's budget and shows no edge, so it is not asserted; this checks what holds at 300 updates: the choice is
    // neither all-VAE nor all-data, and the weights drop rows (mean below the 2 x mask of "everything is good").
    const t = new Trainer({ dataset: pendulum, algorithmId: 'a2pr', hyperparameters: { ...small, batchSize: 64, lr: 1e-3, updatesPerEval: 100_000, seed: 1 } });
    try {
      const m = await train(t, 300);
      const last = (name: string) => lastMean(m, name, 100);
      console.log('A2PR Pendulum 300 updates:', ['vae_share', 'adv_data_positive', 'bc_weight', 'adv_data', 'adv_vae'].map((k) => `${k} ${last(k).toFixed(3)}`).join(', '));
      expect(last('vae_share')).toBeGreaterThan(0.05);
      expect(last('vae_share')).toBeLessThan(0.95);
      expect(last('adv_data_positive')).toBeGreaterThan(0.05);
      expect(last('adv_data_positive')).toBeLessThan(0.95);
      expect(last('bc_weight')).toBeLessThan(1.9);
      expect(last('recon_loss')).toBeLessThan(series(m, 'recon_loss')[0] + 1e-6);
    } finally {
      t.dispose();
    }
  }, 60_000);

  it('keeps the tensor count flat over 500 updates', async () => {
    await expectFlatTensorCount(pendulum, 'a2pr', { vaeHidden: '32,32', updatesPerEval: 500, evalEpisodes: 1 }, 500);
  });
});
