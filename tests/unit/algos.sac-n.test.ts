import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnsembleMLP, forEveryMember, minOverMembers, stdOverMembers } from '../../src/core/algos/ensemble';
import { Adam } from '../../src/core/algos/optim';
import { getAlgorithm } from '../../src/core/algos/registry';
import { ensembleSimilarity } from '../../src/core/algos/sacN';
import { Rng } from '../../src/core/rng';
import { Trainer } from '../../src/core/run/trainer';
import { agentAndTransitions, checkpointRoundTrip, expectCriticContract, expectFlatTensorCount, lastMean, offlineData, read, series, train, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 1000);
const small = { hidden: '32,32', batchSize: 16, numCritics: 3 };

describe('ensemble pieces by hand', () => {
  it('EDAC\'s ensemble similarity: sum over i != j of cosine similarities of grad_a Q, / (N - 1), averaged over rows', async () => {
    // Row 1: (1,0), (0,1), (1,1): ordered pairs sum to 2 (0 + 1/sqrt2 + 1/sqrt2) = 2 sqrt2.
    // Row 2: (2,0), (3,0), (-1,0) -> unit (1,0), (1,0), (-1,0): pairs sum to 2 (1 - 1 - 1) = -2.
    // Mean over rows (sqrt2 - 1), divided by N - 1 = 2.
    const grads = tf.tensor3d([
      [[1, 0], [2, 0]],
      [[0, 1], [3, 0]],
      [[1, 1], [-1, 0]],
    ]);
    expect((await read(ensembleSimilarity(grads)))[0]).toBeCloseTo((Math.SQRT2 - 1) / 2, 5);
    // Scale-free: only the directions count.
    expect((await read(tf.tidy(() => ensembleSimilarity(tf.mul(grads, 7) as tf.Tensor3D))))[0]).toBeCloseTo((Math.SQRT2 - 1) / 2, 5);
    // All members alike: the largest value, N (N - 1) / (N - 1) = N = 3.
    expect((await read(tf.tidy(() => ensembleSimilarity(tf.ones([3, 4, 2]) as tf.Tensor3D))))[0]).toBeCloseTo(3, 5);
    grads.dispose();
  });

  it('min and unbiased std over the members', async () => {
    const q = tf.tensor2d([[1, 5], [3, 5], [2, 5]]);
    expect(await read(minOverMembers(q))).toEqual([1, 5]);
    const std = await read(stdOverMembers(q));
    expect(std[0]).toBeCloseTo(1, 6); // values 1, 2, 3: sample std 1 (torch.std)
    expect(std[1]).toBe(0);
    q.dispose();
  });

  it('the batched ensemble is N independent MLPs, and its input gradient is the autodiff one', async () => {
    const net = new EnsembleMLP('test/ens', 3, [4, 5, 5, 1], new Rng(5), { bias: 0.1, outputBound: 3e-3 });
    try {
      const x = tf.tidy(() => forEveryMember(tf.randomNormal([6, 4], 0, 1, 'float32', 11) as tf.Tensor2D, 3));
      const { out, inputGradient } = net.applyWithInputGradient(x);
      // Member 1 by hand from its slices of the weights.
      const member = tf.tidy(() => {
        let h = tf.slice(x, [1, 0, 0], [1, -1, -1]).squeeze([0]) as tf.Tensor2D;
        net.weights.forEach((w, l) => {
          const z = tf.add(tf.matMul(h, tf.slice(w, [1, 0, 0], [1, -1, -1]).squeeze([0]) as tf.Tensor2D), tf.slice(net.biases[l], [1, 0, 0], [1, -1, -1]).squeeze([0])) as tf.Tensor2D;
          h = l === net.weights.length - 1 ? z : tf.relu(z);
        });
        return h;
      });
      const outOf1 = await read(tf.slice(out, [1, 0, 0], [1, -1, -1]));
      (await read(member)).forEach((v, i) => expect(outOf1[i]).toBeCloseTo(v, 5));
      // Rows and members are independent, so the gradient of the sum is each row's own gradient.
      const autodiff = await read(tf.grad((input: tf.Tensor) => tf.sum(net.apply(input as tf.Tensor3D)))(x));
      const manual = await read(inputGradient);
      manual.forEach((v, i) => expect(v).toBeCloseTo(autodiff[i], 5));
      expect(manual.some((v) => Math.abs(v) > 1e-4)).toBe(true);
      out.dispose();
      x.dispose();
    } finally {
      net.dispose();
    }
  });

  it('the diversity loss is differentiable in the weights: minimising it alone makes the action gradients diverge', async () => {
    const net = new EnsembleMLP('test/div', 4, [3, 16, 16, 1], new Rng(9), { bias: 0.1, outputBound: 3e-3 });
    // The output bias does not move grad_a Q: it gets no gradient from this loss alone.
    const adam = new Adam([...net.weights, ...net.biases.slice(0, -1)], 1e-2);
    const x = tf.tidy(() => forEveryMember(tf.randomNormal([32, 3], 0, 1, 'float32', 3) as tf.Tensor2D, 4));
    // The last 2 input columns play the action.
    const similarity = () => ensembleSimilarity(tf.slice(net.applyWithInputGradient(x).inputGradient, [0, 0, 1], [-1, -1, 2]) as tf.Tensor3D);
    try {
      const before = (await read(tf.tidy(similarity)))[0];
      for (let i = 0; i < 60; i++) tf.tidy(() => adam.minimize(similarity));
      const after = (await read(tf.tidy(similarity)))[0];
      // Measured: -0.17 before (random members already differ a little), -1.33 after, at the bound -4/3.
      // The pair sum of N unit vectors is at least -N (||sum||^2 >= 0): ES >= -N / (N - 1).
      expect(after).toBeGreaterThanOrEqual(-4 / 3 - 1e-4);
      expect(after).toBeLessThan(before - 0.3);
    } finally {
      x.dispose();
      adam.dispose();
      net.dispose();
    }
  });
});

describe('SAC-N and EDAC agents', () => {
  for (const id of ['sac-n', 'edac']) {
    const spec = { algorithmId: id, observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: small };

    it(`${id}: schema, metrics and charts (the critic contract and the ensemble-spread chart)`, () => {
      const algo = getAlgorithm(id);
      expect(algo.actions).toEqual(['continuous']);
      expect(algo.usesNextState).toBe(true);
      for (const p of algo.hyperparameters) {
        expect(p.help.length, p.key).toBeGreaterThan(20);
        expect(typeof p.live, p.key).toBe('boolean');
      }
      const defaults = Object.fromEntries(algo.hyperparameters.map((p) => [p.key, p.default]));
      expect(defaults).toMatchObject({ lr: 3e-4, actorLr: 3e-4, alphaLr: 3e-4, numCritics: 10, tau: 5e-3, gamma: 0.99, batchSize: 256, hidden: '256,256,256', normalizeStates: false });
      if (id === 'edac') expect(defaults.eta).toBe(1);
      const { agent, batch } = agentAndTransitions(spec);
      try {
        for (const name of agent.metricNames) expect(algo.metricHelp[name], name).toBeTruthy();
        for (const chart of algo.charts ?? []) for (const name of chart.metrics) expect(agent.metricNames, chart.title).toContain(name);
        expect(algo.charts?.[1]).toMatchObject({ metrics: ['q_std_data', 'q_std_policy', 'q_std_random'] });
        expect(algo.charts?.[1].help.length).toBeGreaterThan(100);
        expect(agent.metricNames).toContain('entropy');
        expect(agent.metricNames).toContain('critic_grad_norm');
        expect(agent.metricNames.includes('diversity_loss')).toBe(id === 'edac');
        expectCriticContract(algo, agent);
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    });

    it(`${id}: Q is the minimum over the ensemble, V is Q at the greedy action, alpha is stepped first`, async () => {
      const { agent, batch } = agentAndTransitions(spec);
      try {
        const q = await read(agent.qValue!(batch.observations, batch.actions));
        const greedy = await read(agent.act(batch.observations, 'greedy'));
        const qGreedy = await read(tf.tidy(() => agent.qValue!(batch.observations, tf.tensor2d(greedy, [16, 2]))));
        expect(await read(agent.stateValue!(batch.observations))).toEqual(qGreedy);
        const m = await read(agent.update(batch));
        const at = (name: string) => m[agent.metricNames.indexOf(name)];
        expect(at('q_data')).toBeCloseTo(q.reduce((a, b) => a + b, 0) / q.length, 5);
        expect(at('entropy_alpha')).toBeLessThan(1); // stepped once from log alpha 0 before the actor and critics
        expect(at('q_std_data')).toBeGreaterThan(0); // differently initialised members
        if (id === 'edac') expect(at('critic_loss')).toBeCloseTo(at('td_loss') + at('diversity_loss'), 4);
        else expect(at('critic_loss')).toBe(at('td_loss'));
        const sampled = await read(agent.act(batch.observations, 'sample'));
        expect(sampled.every((a) => a > -1 && a < 1)).toBe(true);
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    });

    it(`${id}: saves and loads the batched critics, their targets, the actor and log alpha`, async () => {
      const { checkpoint, want, got } = await checkpointRoundTrip(spec);
      expect(checkpoint.algorithm).toBe(id);
      expect(checkpoint.weights[`${id}/q/w0`].shape).toEqual([3, 5, 32]); // [N, obs + action, hidden]
      expect(Object.keys(checkpoint.weights)).toEqual(expect.arrayContaining([`${id}/q_target/b2`, `${id}/actor/w2`, `${id}/log_alpha`]));
      expect(got).toEqual(want);
    });

    it(`${id}: keeps the tensor count flat`, async () => {
      await expectFlatTensorCount(pendulum, id, { numCritics: 3 }, 60);
    });
  }

  it('EDAC with eta 0 is SAC-N: the same metrics from the same seed', async () => {
    const run = async (id: string, extra: Record<string, unknown>) => {
      const t = new Trainer({ dataset: pendulum, algorithmId: id, hyperparameters: { ...small, seed: 4, ...extra } });
      try {
        return await train(t, 5);
      } finally {
        t.dispose();
      }
    };
    const sacN = await run('sac-n', {});
    const edac0 = await run('edac', { eta: 0 });
    for (const name of sacN.names) expect(series(edac0, name), name).toEqual(series(sacN, name));
    expect(series(edac0, 'diversity_loss').every((v) => Number.isFinite(v) && v !== 0)).toBe(true); // measured, not applied
  });

  it('applies a live change of EDAC\'s eta at the next update and records it', async () => {
    const { events, withChange, without } = await withAndWithoutChange(pendulum, 'edac', { numCritics: 3 }, { eta: 5 });
    expect(events).toEqual([{ update: 10, key: 'eta', label: 'diversity weight (eta)', from: 1, to: 5 }]);
    // The first update after the change starts from the same weights: the same TD and diversity losses, the critic
    // loss now weighs the diversity loss 5 times; the next update starts from critics stepped with that weight.
    expect(series(withChange, 'td_loss')[0]).toBe(series(without, 'td_loss')[0]);
    const at = (m: typeof without, name: string) => series(m, name)[0];
    expect(at(withChange, 'critic_loss')).toBeCloseTo(at(without, 'td_loss') + 5 * at(without, 'diversity_loss'), 3);
    expect(at(without, 'critic_loss')).toBeCloseTo(at(without, 'td_loss') + at(without, 'diversity_loss'), 3);
    expect(series(withChange, 'q_data')[1]).not.toBe(series(without, 'q_data')[1]);
  });
});

describe('Pendulum expert data: pessimism from the ensemble', () => {
  // An et al. (2021, Sec. 3-4) claim: the minimum over N critics penalises actions by the ensemble's uncertainty, so
  // Q stays at or below the data's value while naive offline SAC overestimates the actions its actor drifts to, and
  // EDAC's diversity loss makes the spread off the data larger at small N. At a test-sized budget (N = 4, 32x32 nets,
  // gamma 0.9, tau 0.1, 300 updates of 32 rows) we measured, over the last 50 updates:
  //   SAC-N q_data -5.77, q_policy -6.01, mc_return -5.40; spread on data 0.31, at policy actions 0.52, random 0.68
  //   EDAC  q_data -5.74, q_policy -5.98, mc_return -5.40; spread on data 0.31, at policy actions 0.52, random 0.67
  //   naive SAC (same settings) q_data -5.82, q_policy -6.36: NOT above the return. The overshoot of naive SAC that the
  //   paper shows over 1e6 updates does not appear at this budget, so it is not asserted here; neither is EDAC's
  //   larger spread at this N (equal to SAC-N's at 300 updates). What is asserted: the ensembles' Q on data ends near
  //   and not above the return, and their spread is larger off the data than on it.
  const expert = offlineData('Pendulum-v1', [{ policy: 'expert', weight: 1 }], 3000);
  const hp = { hidden: '32,32', batchSize: 32, gamma: 0.9, tau: 0.1, lr: 1e-3, numCritics: 4, seed: 3 };

  for (const id of ['sac-n', 'edac']) {
    it(`${id}: Q on data settles at or a little below the Monte-Carlo return; the spread is larger off the data`, async () => {
      const t = new Trainer({ dataset: expert, algorithmId: id, hyperparameters: hp });
      const m = await train(t, 300).finally(() => t.dispose());
      const [q, mc] = [lastMean(m, 'q_data', 50), lastMean(m, 'mc_return', 50)];
      expect(mc).toBeLessThan(-3); // the discounted cost to go of the data
      expect(q).toBeLessThan(mc + 0.05 * Math.abs(mc)); // not above the return
      expect(q).toBeGreaterThan(1.5 * mc); // yet learning it (about 1.07x here)
      expect(series(m, 'q_data')[0]).toBeGreaterThan(-0.5); // from about 0: Q came down to the return, not started there
      const [onData, atRandom] = [lastMean(m, 'q_std_data', 50), lastMean(m, 'q_std_random', 50)];
      expect(atRandom).toBeGreaterThan(1.5 * onData); // uncertainty off the data (about 2.2x here)
      expect(lastMean(m, 'q_std_policy', 50)).toBeGreaterThan(onData);
    });
  }
});
