import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseLayout } from '../../src/core/envs/gridLayout';
import { GridWorld, gridWorldSpec } from '../../src/core/envs/gridWorld';
import { valueIteration } from '../../src/core/policies/valueIteration';
import { generateDataset } from '../../src/core/data/generate';
import { Trainer } from '../../src/core/run/trainer';
import type { MetricBatch } from '../../src/core/run/events';
import { lastMean, mean, offlineData, read, series, train } from './helpers/algoRuns';
import { actionFrequencies, cqlFixedPoint, iqlFixedPoint } from './helpers/tabular';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

// Small networks and short runs keep this file fast on a shared 2-core machine; each test says why its numbers suffice.

describe('GridWorld with full-coverage data: the values each method should find', () => {
  // Deterministic 3x4 grid: start top left, goal bottom right (+1), a pit (-1), -0.04 per step, gamma 0.9.
  const layout = 'S...\n.#.H\n...G\nslip: 0\nstep: -0.04\ngoal: 1\nhole: -1\nsteps: 50';
  const gamma = 0.9;
  const grid = new GridWorld(gridWorldSpec(parseLayout(layout), { id: 'GridWorld', name: 'test grid', description: 'test grid' }));
  const data = offlineData('GridWorld', [{ policy: 'random', weight: 1 }], 3000, 1, { layout });
  const vi = valueIteration(grid, gamma);
  const { mu } = actionFrequencies(grid, data);
  const cells = Array.from({ length: grid.numStates }, (_, s) => s).filter((s) => '.S'.includes(grid.cellAt(s)));
  // What the uniform behaviour policy earns: the expectile 0.5 of IQL is the plain average (SARSA's fixed point).
  const behaviour = iqlFixedPoint(grid, mu, gamma, 0.5);
  // A tolerance well under the distance between optimal and behaviour values (1.09 on average here: random moves
  // fall into the pit) means the network found the optimal values, not the data's own.
  const gapToBehaviour = mean(cells.map((s) => vi.V[s] - behaviour[s]));

  const learn = async (algorithmId: string, updates: number, hyperparameters: Record<string, unknown>) => {
    const t = new Trainer({ dataset: data, algorithmId, hyperparameters: { hidden: '32,32', lr: 1e-3, tau: 0.02, gamma, ...hyperparameters } });
    try {
      await train(t, updates);
      const obs = tf.tensor2d(Float32Array.from(cells.flatMap((s) => Array.from(grid.observationOf(s)))), [cells.length, 2]);
      const values = await read(t.agent.stateValue!(obs));
      const greedy = await read(t.agent.act(obs, 'greedy'));
      obs.dispose();
      return { values, greedy };
    } finally {
      t.dispose();
    }
  };
  const maxError = (values: number[], reference: Float64Array) => Math.max(...cells.map((s, i) => Math.abs(values[i] - reference[s])));
  // Optimal up to ties: the greedy action's optimal value equals the state's.
  const optimalActions = (greedy: number[]) => cells.every((s, i) => vi.Q[s * 4 + greedy[i]] >= vi.V[s] - 1e-9);

  it('the data covers every action in every cell, and behaviour values sit far below the optimum', () => {
    for (const s of cells) for (let a = 0; a < 4; a++) expect(mu[s * 4 + a]).toBeGreaterThan(0.15);
    expect(gapToBehaviour).toBeGreaterThan(1);
  });

  it('naive offline DQN recovers V* of value iteration (max error 0.05) and an optimal policy', async () => {
    const { values, greedy } = await learn('dqn', 1000, { batchSize: 64 });
    expect(maxError(values, vi.V)).toBeLessThan(0.05);
    expect(optimalActions(greedy)).toBe(true);
  });

  it('IQL with expectile 0.99 recovers V* (its tabular fixed point lies within 0.05 of V*) and an optimal policy', async () => {
    const fixed = iqlFixedPoint(grid, mu, gamma, 0.99);
    expect(maxError(cells.map((s) => vi.V[s]), fixed)).toBeLessThan(0.05);
    // Advantages here are about 0.1, so beta 10 (CORL's AntMaze value) lets them outweigh the data's uneven action counts.
    const { values, greedy } = await learn('iql', 1000, { batchSize: 128, expectile: 0.99, beta: 10, actorLr: 1e-3 });
    expect(maxError(values, fixed)).toBeLessThan(0.05);
    expect(maxError(values, vi.V)).toBeLessThan(0.1);
    expect(optimalActions(greedy)).toBe(true);
  });

  it('discrete CQL recovers its conservative fixed point, below V* everywhere, with an optimal policy', async () => {
    const fixed = cqlFixedPoint(grid, mu, gamma, 0.5);
    for (const s of cells) expect(fixed[s]).toBeLessThan(vi.V[s]);
    // The conservative term's gradient is noisy (one dataset action per sample): a large batch and 0.1 of slack.
    const { values, greedy } = await learn('cql-discrete', 2000, { batchSize: 256, alpha: 0.5 });
    expect(maxError(values, fixed)).toBeLessThan(0.1);
    expect(optimalActions(greedy)).toBe(true);
  });
});

describe('CartPole', () => {
  const evaluate = async (algorithmId: string, hyperparameters: Record<string, unknown>) => {
    const dataset = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'medium', weight: 1 }, { policy: 'expert', weight: 1 }], transitions: 10_000, seed: 1 });
    const t = new Trainer({ dataset, algorithmId, hyperparameters: { hidden: '64,64', batchSize: 128, updatesPerEval: 300, evalEpisodes: 3, maxUpdates: 600, seed: 3, ...hyperparameters } });
    try {
      const returns: number[] = [];
      do for (const ev of (await t.run(1e9)).evaluations) returns.push(ev.meanReturn);
      while (!t.finished);
      return returns;
    } finally {
      t.dispose();
    }
  };

  it('IQL and discrete CQL reach returns of at least 400 from medium-expert data within 600 updates', async () => {
    for (const algo of ['iql', 'cql-discrete']) {
      const returns = await evaluate(algo, {});
      expect(returns[0]).toBeLessThan(100); // the untrained policy falls over
      expect(Math.max(...returns.slice(1))).toBeGreaterThanOrEqual(400);
    }
  });

  it('on narrow (expert-only) data naive DQN overestimates by far where CQL stays at or below the return', async () => {
    // A faster target (tau 0.05) lets the story unfold in 1,000 updates rather than tens of thousands.
    const expert = offlineData('CartPole-v1', [{ policy: 'expert', weight: 1 }], 5000);
    const run = async (algorithmId: string) => {
      const t = new Trainer({ dataset: expert, algorithmId, hyperparameters: { hidden: '64,64', batchSize: 128, lr: 1e-3, tau: 0.05, seed: 3 } });
      try {
        const m = await train(t, 1000);
        return { qPolicy: lastMean(m, 'q_policy', 100), qData: lastMean(m, 'q_data', 100), mc: lastMean(m, 'mc_return', 100) };
      } finally {
        t.dispose();
      }
    };
    const dqn = await run('dqn');
    const cql = await run('cql-discrete');
    // The data's discounted return is about 80 (500-step episodes, gamma 0.99, cut by the time limit).
    expect(dqn.mc).toBeGreaterThan(60);
    expect(dqn.qPolicy).toBeGreaterThan(10 * dqn.mc); // max_a Q chases its own extrapolation
    expect(cql.qPolicy).toBeLessThanOrEqual(1.1 * cql.mc);
    expect(cql.qData).toBeGreaterThan(0.2 * cql.mc); // conservative, yet learning the return
  });
});

describe('Pendulum (continuous actions, medium-expert data)', () => {
  // gamma 0.9, tau 0.1 and lr 1e-3 so Q settles within a few hundred updates (values about -22 here).
  const mediumExpert = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }, { policy: 'expert', weight: 1 }], 4000);
  const hp = { hidden: '64,64', batchSize: 32, gamma: 0.9, tau: 0.1, lr: 1e-3, actorLr: 3e-4, seed: 3 };
  const run = async (algorithmId: string, extra: Record<string, unknown> = {}) => {
    const t = new Trainer({ dataset: mediumExpert, algorithmId, hyperparameters: { ...hp, ...extra } });
    try {
      return await train(t, 600);
    } finally {
      t.dispose();
    }
  };
  const falls = (m: MetricBatch, name: string) => expect(lastMean(m, name, 100)).toBeLessThan(mean(series(m, name).slice(0, 100)));

  it('CQL and IQL lower their losses and keep Q on data near the Monte-Carlo return; naive SAC values its own actions above CQL', async () => {
    // alpha 1: CORL's 10 suits MuJoCo's rewards at gamma 0.99; on values this small it holds Q at about 2.5x the return.
    const cql = await run('cql', { sampledActions: 4, alpha: 1 });
    const iql = await run('iql');
    const sac = await run('sac');
    const mc = lastMean(iql, 'mc_return', 100);
    expect(mc).toBeLessThan(-15); // the discounted cost to go of the data
    falls(cql, 'td_loss');
    falls(cql, 'cql_gap');
    falls(iql, 'q_loss');
    // IQL never leaves the data: Q on data within 15% of the return (2% here).
    expect(Math.abs(lastMean(iql, 'q_data', 100) - mc)).toBeLessThan(0.15 * Math.abs(mc));
    // CQL is conservative: Q on data at or below the return, and not far below it (about 1.2x here).
    expect(lastMean(cql, 'q_data', 100)).toBeLessThan(mc + 0.05 * Math.abs(mc));
    expect(lastMean(cql, 'q_data', 100)).toBeGreaterThan(1.6 * mc);
    // Nothing holds naive SAC's critic down at the actions its actor picks: it rates them above CQL's own.
    expect(lastMean(sac, 'q_policy', 100)).toBeGreaterThan(lastMean(cql, 'q_policy', 100) + 2);
  });
});
