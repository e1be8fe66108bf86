import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/algos/registry';
import { agentAndTransitions } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

// What the page builds from: every control explained, every metric explained, every chart drawing metrics that exist.
const cases = [
  { id: 'iql', discreteActions: 2 },
  { id: 'iql', discreteActions: null },
  { id: 'cql', discreteActions: null },
  { id: 'cql-discrete', discreteActions: 2 },
  { id: 'dqn', discreteActions: 2 },
  { id: 'sac', discreteActions: null },
];

describe('value-based algorithms: schema, metrics and charts', () => {
  for (const { id, discreteActions } of cases) {
    it(`${id} (${discreteActions === null ? 'continuous' : 'discrete'})`, () => {
      const algo = getAlgorithm(id);
      expect(algo.family).toBe('offline');
      expect(algo.usesNextState).toBe(true);
      expect(algo.actions).toContain(discreteActions === null ? 'continuous' : 'discrete');
      for (const p of algo.hyperparameters) {
        expect(p.help.length, p.key).toBeGreaterThan(20);
        expect(typeof p.live, p.key).toBe('boolean');
      }
      // The discount also sets the Monte-Carlo returns of the dataset, so it cannot change mid-run.
      expect(algo.hyperparameters.find((p) => p.key === 'gamma')?.live).toBe(false);
      const { agent, batch } = agentAndTransitions({ algorithmId: id, observationDim: 3, actionDim: 1, discreteActions, hyperparameters: { hidden: '32,32', batchSize: 8 } });
      try {
        for (const name of ['q_data', 'q_policy', 'mc_return']) expect(agent.metricNames).toContain(name);
        expect(agent.metricNames.some((n) => n.endsWith('grad_norm'))).toBe(true);
        for (const name of agent.metricNames) expect(algo.metricHelp[name], name).toBeTruthy();
        for (const chart of algo.charts ?? []) for (const name of chart.metrics) expect(agent.metricNames, chart.title).toContain(name);
        expect(algo.charts?.[0]).toMatchObject({ title: 'Q on data vs Monte-Carlo return' });
        expect(agent.qValue).toBeDefined();
        expect(agent.stateValue).toBeDefined();
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    });
  }
});
