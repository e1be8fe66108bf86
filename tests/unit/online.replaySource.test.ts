import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { EnvCollector } from '../../src/core/run/envCollector';
import { ReplaySource } from '../../src/core/run/replaySource';
import { agentAndTransitions } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const schedule = { learningStarts: 0, trainFrequency: 1, gradientSteps: 1, offlineShare: 0, offlineShareDecaySteps: 0 };

/** Collects through the source (one vector step per batch) until `steps` environment steps are in the buffer. */
async function collect(source: ReplaySource, steps: number): Promise<void> {
  while (source.envSteps < steps) tf.dispose(Object.values(await source.next(4, 0)));
}

describe('the replay source stores terminations, not time limits, as terminal', () => {
  it('Pendulum only ever truncates (200 steps): every row bootstraps, yet the episodes have ended', async () => {
    const { agent, batch } = agentAndTransitions({ algorithmId: 'sac-online', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: { hidden: '32,32' } });
    tf.dispose(Object.values(batch));
    const collector = new EnvCollector('Pendulum-v1', 2, {}, 5, { center: new Float32Array([0]), halfRange: new Float32Array([2]) });
    const source = new ReplaySource(collector, agent, 1000, 0.99, schedule, new Rng(1));
    try {
      await collect(source, 420);
      expect(collector.takeEpisodes().map((e) => e.length)).toEqual([200, 200]);
      expect(source.buffer.closedRows).toBe(400);
      expect(Array.from(source.buffer.terminals.subarray(0, source.buffer.size)).every((t) => t === 0)).toBe(true);
    } finally {
      agent.dispose();
    }
  });

  it('CartPole: a pole that falls ends its episode as terminal, exactly once per episode', async () => {
    const { agent, batch } = agentAndTransitions({ algorithmId: 'dqn-online', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: { hidden: '32,32' } });
    tf.dispose(Object.values(batch));
    const collector = new EnvCollector('CartPole-v1', 2, {}, 5, null);
    const source = new ReplaySource(collector, agent, 1000, 0.99, schedule, new Rng(1));
    try {
      // epsilon starts at 1: random actions, short episodes that end with the pole down, never at the 500-step limit.
      await collect(source, 300);
      const episodes = collector.takeEpisodes();
      expect(episodes.length).toBeGreaterThan(5);
      expect(episodes.every((e) => e.length < 500)).toBe(true);
      const terminals = Array.from(source.buffer.terminals.subarray(0, source.buffer.size)).reduce((a, b) => a + b, 0);
      expect(terminals).toBe(episodes.length);
    } finally {
      agent.dispose();
    }
  });
});
