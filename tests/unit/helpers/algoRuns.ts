import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { Dataset } from '../../../src/core/data/dataset';
import { generateDataset, type MixPart } from '../../../src/core/data/generate';
import { getEnvSpec } from '../../../src/core/envs/registry';
import { actionScaleFor, toUnitActions } from '../../../src/core/run/actionScale';
import type { MetricBatch } from '../../../src/core/run/events';
import { Trainer } from '../../../src/core/run/trainer';
import type { Agent, AlgorithmDef, Batch, Checkpoint, TrainingBatch } from '../../../src/core/algos/types';
import { agentForSpec, type MeasureSpec } from '../../../src/core/run/measure';

/**
 * A generated dataset with its environment removed, so a Trainer never stops for evaluation rollouts; continuous
 * actions are mapped to [-1, 1] here, as the trainer does when it knows the environment.
 */
export function offlineData(envId: string, mix: MixPart[], transitions: number, seed = 1, extra: { layout?: string } = {}): Dataset {
  const d = generateDataset({ envId, mix, transitions, seed, ...extra });
  const scale = actionScaleFor(getEnvSpec(envId).actionSpace, d.actionDim);
  return { ...d, envId: null, actions: toUnitActions(d.actions, scale) };
}

/** Runs `updates` more updates and returns their metrics as one batch. */
export async function train(t: Trainer, updates: number): Promise<MetricBatch> {
  const names = t.agent.metricNames;
  const firstUpdate = t.update;
  const values: number[] = [];
  while (t.update < firstUpdate + updates) {
    const tick = await t.run(1e9, firstUpdate + updates - t.update);
    if (tick.metrics) values.push(...tick.metrics.values);
  }
  return { names, firstUpdate, rows: updates, values: Float32Array.from(values) };
}

/** One metric over the updates of a batch. */
export function series(m: MetricBatch, name: string): number[] {
  const k = m.names.indexOf(name);
  if (k < 0) throw new Error(`no metric "${name}" (have ${m.names.join(', ')})`);
  return Array.from({ length: m.rows }, (_, r) => m.values[r * m.names.length + k]);
}

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean of a metric over the last `n` updates of a batch. */
export function lastMean(m: MetricBatch, name: string, n: number): number {
  return mean(series(m, name).slice(-n));
}

/**
 * Trains 300 updates (or `updates`) after a warm-up and expects the backend's tensor count to be back where it was. A leak
 * in the update shows in every update; tests whose runs evaluate set `updatesPerEval` so evaluations fall inside too.
 */
export async function expectFlatTensorCount(dataset: Dataset, algorithmId: string, hyperparameters: Record<string, unknown>, updates = 300): Promise<void> {
  const t = new Trainer({ dataset, algorithmId, hyperparameters: { batchSize: 16, hidden: '32,32', ...hyperparameters } });
  try {
    await train(t, 20);
    const before = tf.memory().numTensors;
    await train(t, updates);
    expect(t.update).toBe(20 + updates);
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    t.dispose();
  }
}

/**
 * Two runs from the same seed, one changing `patch` after `at` updates (one after the other: tfjs variable names are
 * global). Returns the metrics of the updates after the change in both runs, and the change's events. Before the
 * change the runs must agree exactly (same seed, same backend).
 */
export async function withAndWithoutChange(dataset: Dataset, algorithmId: string, hyperparameters: Record<string, unknown>, patch: Record<string, unknown>, at = 10, after = 5) {
  const hp = { batchSize: 32, hidden: '32,32', seed: 7, ...hyperparameters };
  const plain = new Trainer({ dataset, algorithmId, hyperparameters: hp });
  let beforePlain: MetricBatch;
  let without: MetricBatch;
  try {
    beforePlain = await train(plain, at);
    without = await train(plain, after);
  } finally {
    plain.dispose();
  }
  const changed = new Trainer({ dataset, algorithmId, hyperparameters: hp });
  try {
    const beforeChanged = await train(changed, at);
    expect(Array.from(beforeChanged.values)).toEqual(Array.from(beforePlain.values));
    const events = changed.setHyperparameters(patch);
    const tick = await changed.run(1e9, after);
    expect(tick.events).toEqual(events);
    return { events, withChange: tick.metrics!, without };
  } finally {
    changed.dispose();
  }
}

/** An agent of a registered algorithm with its defaults (overridden by `hyperparameters`), and a random batch for it. */
export function agentAndBatch(spec: MeasureSpec, seed = 1): { agent: Agent; batch: TrainingBatch } {
  return agentForSpec(spec, seed);
}

/** The same for algorithms that train on transitions, with the batch typed as such. */
export function agentAndTransitions(spec: MeasureSpec, seed = 1): { agent: Agent; batch: Batch } {
  const { agent, batch } = agentForSpec(spec, seed);
  if (!('nextObservations' in batch)) throw new Error(`${spec.algorithmId} trains on sequences, not transitions`);
  return { agent, batch };
}

/** The numbers of a tensor, then disposes it. */
export async function read(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

/**
 * Trains three updates, saves, and loads the checkpoint into a fresh agent built from another seed: returns the
 * checkpoint and what both agents answer (Q on the batch actions, V and greedy actions on the batch states).
 */
export async function checkpointRoundTrip(spec: MeasureSpec) {
  const answers = async (agent: Agent, batch: Batch) => [
    await read(agent.qValue!(batch.observations, batch.actions)),
    await read(agent.stateValue!(batch.observations)),
    await read(agent.act(batch.observations, 'greedy')),
  ];
  const first = agentAndTransitions(spec, 1);
  let saved: { checkpoint: Checkpoint; want: number[][] };
  try {
    for (let i = 0; i < 3; i++) first.agent.update(first.batch).dispose();
    saved = { checkpoint: await first.agent.save(), want: await answers(first.agent, first.batch) };
  } finally {
    first.agent.dispose();
  }
  const second = agentAndTransitions(spec, 99);
  try {
    second.agent.load(saved.checkpoint);
    return { ...saved, got: await answers(second.agent, first.batch) };
  } finally {
    second.agent.dispose();
    tf.dispose([...Object.values(first.batch), ...Object.values(second.batch)]);
  }
}

/**
 * What every algorithm with a critic promises the page: a fixed discount (it sets the data's Monte-Carlo returns),
 * the Q-vs-return metrics and chart first, and Q/V for the inspection views.
 */
export function expectCriticContract(algo: AlgorithmDef, agent: Agent): void {
  expect(algo.hyperparameters.find((p) => p.key === 'gamma')?.live).toBe(false);
  for (const name of ['q_data', 'q_policy', 'mc_return']) expect(agent.metricNames).toContain(name);
  expect(algo.charts?.[0]).toMatchObject({ title: 'Q on data vs Monte-Carlo return' });
  expect(agent.qValue).toBeDefined();
  expect(agent.stateValue).toBeDefined();
}
