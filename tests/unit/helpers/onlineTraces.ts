// What an online population member and its lone run report over a whole run, collected the same way for both, so
// a test can hold member k against the lone Trainer with its seed and settings.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { OnlinePopulationTrainer } from '../../../src/core/population/onlinePopulationTrainer';
import type { TrainingEpisode } from '../../../src/core/run/envCollector';
import type { MetricBatch } from '../../../src/core/run/events';
import type { Trainer } from '../../../src/core/run/trainer';

export interface Trace {
  values: number[];
  episodes: TrainingEpisode[];
  /** [update, ...returns] of each evaluation. */
  evaluations: number[][];
  updates: number;
}

/** Every member's trace of a population run to its end, in ticks of at most 200 updates. */
export async function runPopulation(p: OnlinePopulationTrainer): Promise<Trace[]> {
  const traces: Trace[] = Array.from({ length: p.members }, () => ({ values: [], episodes: [], evaluations: [], updates: 0 }));
  while (!p.finished) {
    const tick = await p.run(1e9, 200);
    tick.members.forEach((m, k) => {
      if (m.metrics) traces[k].values.push(...m.metrics.values);
      traces[k].episodes.push(...m.episodes);
      traces[k].evaluations.push(...m.evaluations.map((e) => [e.update, ...e.returns]));
      traces[k].updates += m.metrics?.rows ?? 0;
    });
  }
  return traces;
}

/** Runs `updates` updates after a warm-up of 20 and expects the tensor count where it was after the warm-up; disposes `p`. */
export async function expectFlatTensorCount(p: OnlinePopulationTrainer, updates: number): Promise<void> {
  try {
    await p.run(1e9, 20);
    const before = tf.memory().numTensors;
    await p.run(1e9, updates);
    expect(p.update).toBe(20 + updates);
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    p.dispose();
  }
}

/** A lone online run's trace to its end, in the same ticks. */
export async function runLone(t: Trainer): Promise<Trace> {
  const trace: Trace = { values: [], episodes: [], evaluations: [], updates: 0 };
  while (!t.finished) {
    const tick = await t.run(1e9, 200);
    const m: MetricBatch | null = tick.metrics;
    if (m) trace.values.push(...m.values);
    trace.episodes.push(...(tick.episodes ?? []));
    trace.evaluations.push(...tick.evaluations.map((e) => [e.update, ...e.returns]));
    trace.updates += m?.rows ?? 0;
  }
  return trace;
}
