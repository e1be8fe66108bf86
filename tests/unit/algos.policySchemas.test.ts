import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/algos/registry';
import type { Agent } from '../../src/core/algos/types';
import { syntheticSequences, type MeasureSpec } from '../../src/core/run/measure';
import { Rng } from '../../src/core/rng';
import { agentAndBatch, checkpointRoundTrip, expectCriticContract, read } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const mlp = { hidden: '32,32', batchSize: 8 };
const dt = { embedding: '32', layers: 1, heads: 2, contextLength: 4, batchSize: 8, episodeLength: 50 };
const cases: MeasureSpec[] = [
  { algorithmId: 'td3bc', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: mlp },
  { algorithmId: 'awac', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: mlp },
  { algorithmId: 'awac', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: mlp },
  { algorithmId: 'bc-filtered', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: mlp },
  { algorithmId: 'bc-filtered', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: mlp },
  { algorithmId: 'dt', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: dt },
  { algorithmId: 'dt', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: dt },
];
const label = (s: MeasureSpec) => `${s.algorithmId} (${s.discreteActions === null ? 'continuous' : 'discrete'})`;
const withCritic = new Set(['td3bc', 'awac']);

// What the page builds from: every control explained, every metric explained, every chart drawing metrics that exist.
describe('policy-constraint and sequence algorithms: schema, metrics and charts', () => {
  for (const spec of cases) {
    it(label(spec), () => {
      const algo = getAlgorithm(spec.algorithmId);
      expect(algo.actions).toContain(spec.discreteActions === null ? 'continuous' : 'discrete');
      for (const p of algo.hyperparameters) {
        expect(p.help.length, p.key).toBeGreaterThan(20);
        expect(typeof p.live, p.key).toBe('boolean');
      }
      const { agent, batch } = agentAndBatch(spec);
      try {
        for (const name of agent.metricNames) expect(algo.metricHelp[name], name).toBeTruthy();
        for (const chart of algo.charts ?? []) for (const name of chart.metrics) expect(agent.metricNames, chart.title).toContain(name);
        expect(agent.metricNames.some((n) => /grad_?norm/i.test(n))).toBe(true);
        expect(agent.metricNames.some((n) => ['entropy', 'action_std'].includes(n))).toBe(true);
        if (withCritic.has(spec.algorithmId)) {
          expect(algo.usesNextState).toBe(true);
          expectCriticContract(algo, agent);
        }
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    });
  }

  it('marks the data-selecting and shape-fixing controls as not live, and the conditioning and loss weights as live', () => {
    const live = (id: string, key: string) => getAlgorithm(id).hyperparameters.find((p) => p.key === key)?.live;
    expect([live('bc-filtered', 'topPercent'), live('dt', 'contextLength'), live('dt', 'embedding'), live('dt', 'rewardScale')]).toEqual([false, false, false, false]);
    expect([live('td3bc', 'alpha'), live('awac', 'lambda'), live('dt', 'targetReturn'), live('dt', 'warmup')]).toEqual([true, true, true, true]);
    expect(getAlgorithm('dt').batchKind).toBe('sequences');
    expect(getAlgorithm('bc-filtered').filterRows).toBeDefined();
  });
});

describe('checkpoints', () => {
  for (const spec of cases.filter((s) => withCritic.has(s.algorithmId))) {
    it(`${label(spec)}: a loaded checkpoint answers as the saved agent (Q, V, greedy actions)`, async () => {
      const { checkpoint, want, got } = await checkpointRoundTrip(spec);
      expect(checkpoint.algorithm).toBe(spec.algorithmId);
      expect(got).toEqual(want);
    });
  }

  for (const spec of cases.filter((s) => !withCritic.has(s.algorithmId))) {
    it(`${label(spec)}: a loaded checkpoint acts as the saved agent${spec.algorithmId === 'dt' ? ', with and without episode context' : ''}`, async () => {
      const observations = Float32Array.from({ length: 2 * spec.observationDim }, (_, i) => Math.sin(i + 1));
      const answers = async (agent: Agent): Promise<number[][]> => {
        const obs = tf.tensor2d(observations, [2, spec.observationDim]);
        const out = [await read(agent.act(obs, 'greedy'))];
        obs.dispose();
        const memory = agent.beginEpisodes?.(2);
        if (memory) for (let step = 0; step < 3; step++) out.push(await read(memory.act([0, 1], observations)));
        return out;
      };
      // One agent at a time: tfjs variable names are global.
      const trained = agentAndBatch(spec, 1);
      const sequences = spec.algorithmId === 'dt' ? syntheticSequences(spec, 8, 4, new Rng(3)) : null;
      for (let i = 0; i < 3; i++) trained.agent.update(sequences ?? trained.batch).dispose();
      const checkpoint = await trained.agent.save();
      const want = await answers(trained.agent);
      trained.agent.dispose();
      tf.dispose([...Object.values(trained.batch), ...(sequences ? Object.values(sequences) : [])]);
      const fresh = agentAndBatch(spec, 99);
      const before = await answers(fresh.agent);
      fresh.agent.load(checkpoint);
      const got = await answers(fresh.agent);
      fresh.agent.dispose();
      tf.dispose(Object.values(fresh.batch));
      expect(checkpoint.algorithm).toBe(spec.algorithmId);
      expect(got).toEqual(want);
      if (spec.discreteActions === null) expect(before).not.toEqual(want); // the fresh agent really was different
    });
  }
});
