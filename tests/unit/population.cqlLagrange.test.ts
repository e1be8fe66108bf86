// The generic population test (population.test.ts) runs CQL and Cal-QL with Lagrange off, their default. With it on,
// a second Adam (the multiplier alpha') steps each update and reads the per-member target gap: member k must still be a
// lone Lagrange run with its seed and target gap, multiplier included.
import { beforeAll, describe, expect, it } from 'vitest';
import { Trainer } from '../../src/core/run/trainer';
import { offlineData, train } from './helpers/algoRuns';
import { populationRun } from './helpers/populationRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 1000);

describe.each(['cql', 'cal-ql'])('%s population with Lagrange on', (algorithmId) => {
  it('member k equals a lone Lagrange run with its seed and target gap, multiplier and its Adam included', async () => {
    const UPDATES = 6;
    const members = [0, 1].map((k) => ({ hidden: '32,32', batchSize: 16, sampledActions: 3, lagrange: true, targetGap: k === 0 ? 5 : -2, alpha: 2 + k, seed: 40 + k }));
    const { rows, checkpoints, metricNames } = await populationRun({ dataset: pendulum, algorithmId, members }, UPDATES);
    const lagrangeColumn = metricNames.indexOf('lagrange');
    const multipliers: number[] = [];
    for (let k = 0; k < 2; k++) {
      const lone = new Trainer({ dataset: pendulum, algorithmId, hyperparameters: members[k] });
      try {
        const m = await train(lone, UPDATES);
        expect(m.names).toEqual(metricNames);
        m.values.forEach((v, i) => expect(Math.abs(rows[k][i] - v) / (1e-3 + Math.abs(v)), `member ${k}, ${m.names[i % m.names.length]}`).toBeLessThan(2e-3));
        const want = await lone.checkpoint();
        const got = checkpoints[k];
        const [a, b] = [got.agent.weights['cql/log_alpha_prime'].values[0], want.agent.weights['cql/log_alpha_prime'].values[0]];
        expect(Math.abs(a - b), `member ${k} log alpha'`).toBeLessThan(1e-5);
        expect(got.optimizers!.map((o) => o.t)).toEqual(want.optimizers!.map((o) => o.t));
        multipliers.push(a);
      } finally {
        lone.dispose();
      }
    }
    // alpha' starts at e (log alpha' = 1) and each member's moved by its own target gap.
    expect(rows[0][lagrangeColumn]).toBeCloseTo(Math.E, 5);
    expect(multipliers[0]).not.toBeCloseTo(multipliers[1], 4);
  });
});
