import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/algos/registry';
import { agentAndTransitions, expectCriticContract } from './helpers/algoRuns';
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
      const { agent, batch } = agentAndTransitions({ algorithmId: id, observationDim: 3, actionDim: 1, discreteActions, hyperparameters: { hidden: '32,32', batchSize: 8 } });
      try {
        expectCriticContract(algo, agent);
        expect(agent.metricNames.some((n) => n.endsWith('grad_norm'))).toBe(true);
        for (const name of agent.metricNames) expect(algo.metricHelp[name], name).toBeTruthy();
        for (const chart of algo.charts ?? []) for (const name of chart.metrics) expect(agent.metricNames, chart.title).toContain(name);
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    });
  }
});
