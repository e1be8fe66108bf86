import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAlgorithms } from '../../src/core/algos/registry';
import type { AlgorithmDef } from '../../src/core/algos/types';
import { checkValue } from '../../src/core/run/hyperparameters';
import { agentForSpec, type MeasureSpec } from '../../src/core/run/measure';
import { Rng } from '../../src/core/rng';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

// Every registered algorithm, old or new, keeps the promises the page and the worker rely on: its settings are valid
// and explained, its metrics are all explained and charted from real names, an update gives finite metrics, a saved
// checkpoint loads into an agent that acts the same, and nothing leaks. Small sizes where the schema has them.
const small: Record<string, unknown> = { hidden: '32,32', batchSize: 16, vaeHidden: '32,32', actorHidden: '32,32', numCritics: 3, embedding: '32', layers: 1, contextLength: 4, episodeLength: 200 };

function specsOf(algo: AlgorithmDef): MeasureSpec[] {
  const keys = new Set(algo.hyperparameters.map((p) => p.key));
  const hyperparameters = Object.fromEntries(Object.entries(small).filter(([k]) => keys.has(k)));
  return algo.actions.map((kind) => ({ algorithmId: algo.id, observationDim: 3, actionDim: kind === 'discrete' ? 1 : 2, discreteActions: kind === 'discrete' ? 3 : null, hyperparameters }));
}

describe('every registered algorithm meets the page contract', () => {
  for (const algo of listAlgorithms()) {
    it(`${algo.id}: settings valid and explained, paper cited`, () => {
      expect(algo.paper.length).toBeGreaterThan(10);
      for (const p of algo.hyperparameters) {
        expect(p.help.length, `${algo.id}.${p.key} help`).toBeGreaterThan(10);
        expect(checkValue(p, p.default), `${algo.id}.${p.key} default`).toEqual(p.default);
      }
      expect(new Set(algo.hyperparameters.map((p) => p.key)).size).toBe(algo.hyperparameters.length);
    });

    for (const spec of specsOf(algo)) {
      it(`${algo.id} (${spec.discreteActions === null ? 'continuous' : 'discrete'}): explained finite metrics, charts of real names, checkpoints, no leak`, async () => {
        const before = tf.memory().numTensors;
        const { agent, batch } = agentForSpec(spec, 5);
        await agent.prepareUpdate?.(batch);
        const metrics = agent.update(batch);
        const values = Array.from(await metrics.data());
        metrics.dispose();
        expect(values.length).toBe(agent.metricNames.length);
        values.forEach((v, i) => expect(Number.isFinite(v), `${agent.metricNames[i]} = ${v}`).toBe(true));
        for (const name of agent.metricNames) expect(algo.metricHelp[name], `help for ${algo.id}'s ${name}`).toBeTruthy();
        for (const g of algo.charts ?? []) for (const m of g.metrics) expect(agent.metricNames, `chart "${g.title}"`).toContain(m);

        // A checkpoint loaded into a fresh agent (after this one is gone: variable names are global) acts the same.
        const checkpoint = await agent.save();
        const rng = new Rng(1);
        const obs = tf.tensor2d(Array.from({ length: 8 * spec.observationDim }, () => rng.uniform(-1, 1)), [8, spec.observationDim]);
        const greedy = async (a: typeof agent) => {
          const t = a.act(obs, 'greedy');
          const out = Array.from(await t.data());
          t.dispose();
          return out;
        };
        // Sequence policies act through episode memory (checked in their own tests), not from a bare observation.
        const acted = algo.batchKind === 'sequences' ? null : await greedy(agent);
        agent.dispose();
        tf.dispose(Object.values(batch));
        const again = agentForSpec(spec, 99);
        again.agent.load(checkpoint);
        if (acted) expect(await greedy(again.agent)).toEqual(acted);
        again.agent.dispose();
        tf.dispose([obs, ...Object.values(again.batch)]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});
