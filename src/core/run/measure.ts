import * as tf from '@tensorflow/tfjs';
import { getAlgorithm } from '../algos/registry';
import type { Agent, AlgorithmDef, Batch, SequenceBatch, TrainingBatch } from '../algos/types';
import { Rng } from '../rng';
import { resolveValues, type HyperValues } from './hyperparameters';
import { runSchema } from './runSettings';
import { onlinePopulationDef, populationDef } from '../population/registry';
import type { MemberBatch, MemberSequenceBatch, MemberTrainingBatch, PopulationAgent } from '../population/types';

export interface MeasureSpec {
  algorithmId: string;
  observationDim: number;
  actionDim: number;
  discreteActions: number | null;
  hyperparameters?: Record<string, unknown>;
  /** Members of a population trained as one model (absent or 1: a lone run): the update measured is the K-member one. */
  members?: number;
}

/** A random batch shaped like the real one, made on the current backend. */
export function syntheticBatch(spec: MeasureSpec, batchSize: number, rng: Rng): Batch {
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  const actions =
    spec.discreteActions !== null
      ? Float32Array.from({ length: batchSize }, () => rng.int(spec.discreteActions!))
      : rand(batchSize * spec.actionDim);
  return {
    observations: tf.tensor2d(rand(batchSize * spec.observationDim), [batchSize, spec.observationDim]),
    actions: tf.tensor2d(actions, [batchSize, spec.actionDim]),
    rewards: tf.tensor1d(rand(batchSize)),
    nextObservations: tf.tensor2d(rand(batchSize * spec.observationDim), [batchSize, spec.observationDim]),
    dones: tf.tensor1d(new Float32Array(batchSize)),
    mcReturns: tf.tensor1d(rand(batchSize)),
    nextActions: tf.tensor2d(spec.discreteActions !== null ? actions : rand(batchSize * spec.actionDim), [batchSize, spec.actionDim]),
  };
}

/** Random windows shaped like DeviceDataset.sampleSequences': some rows end early (mask 0, zeros) as at an episode's end. */
export function syntheticSequences(spec: MeasureSpec, batchSize: number, length: number, rng: Rng): SequenceBatch {
  const n = batchSize * length;
  const mask = Float32Array.from({ length: n }, (_, i) => (i % length < length - (Math.floor(i / length) % 3) ? 1 : 0));
  const column = (dim: number, draw: () => number) => Float32Array.from({ length: n * dim }, (_, i) => mask[Math.floor(i / dim)] * draw());
  const actions = spec.discreteActions !== null ? column(1, () => rng.int(spec.discreteActions!)) : column(spec.actionDim, () => rng.uniform(-1, 1));
  return {
    states: tf.tensor3d(column(spec.observationDim, () => rng.uniform(-1, 1)), [batchSize, length, spec.observationDim]),
    actions: tf.tensor3d(actions, [batchSize, length, spec.actionDim]),
    returnsToGo: tf.tensor3d(column(1, () => rng.uniform(0, 500)), [batchSize, length, 1]),
    timesteps: tf.tensor2d(Int32Array.from({ length: n }, (_, i) => (mask[i] ? rng.int(200) : 0)), [batchSize, length], 'int32'),
    mask: tf.tensor2d(mask, [batchSize, length]),
  };
}

/** The kind of batch the algorithm trains on (its batchKind), random. */
export function syntheticTrainingBatch(algo: AlgorithmDef, values: HyperValues, spec: MeasureSpec, rng: Rng): TrainingBatch {
  const batchSize = Number(values.batchSize);
  if (algo.batchKind === 'sequences') return syntheticSequences(spec, batchSize, Number(values.contextLength), rng);
  const batch = syntheticBatch(spec, batchSize, rng);
  if (algo.experience !== 'rollout') return batch;
  const column = (low: number, high: number) => tf.tensor1d(Float32Array.from({ length: batchSize }, () => rng.uniform(low, high)));
  return { ...batch, logProbs: column(-3, 0), advantages: column(-1, 1), returns: column(0, 10), values: column(0, 10) };
}

/**
 * An agent of a registered algorithm for a spec (defaults overridden by spec.hyperparameters, unit state statistics),
 * with a random training batch of the right kind: what speed and cross-backend checks run on.
 */
export function agentForSpec(spec: MeasureSpec, seed: number): { agent: Agent; batch: TrainingBatch; values: HyperValues } {
  const algo = getAlgorithm(spec.algorithmId);
  const values = resolveValues([...algo.hyperparameters, ...runSchema], spec.hyperparameters ?? {}, algo.name);
  const agent = algo.create({
    observationDim: spec.observationDim,
    actionDim: spec.actionDim,
    discreteActions: spec.discreteActions,
    hyperparameters: values,
    rng: new Rng(seed),
    observationMean: new Float32Array(spec.observationDim),
    observationStd: new Float32Array(spec.observationDim).fill(1),
  });
  return { agent, batch: syntheticTrainingBatch(algo, values, spec, new Rng(seed + 1)), values };
}

/** K members of a spec's algorithm as one population (member k seeded k) on a fixed random batch per member, as agentForSpec. */
export function populationForSpec(spec: MeasureSpec, members: number): { agent: PopulationAgent; batch: MemberTrainingBatch } {
  const algo = getAlgorithm(spec.algorithmId);
  const def = populationDef(spec.algorithmId) ?? onlinePopulationDef(spec.algorithmId);
  if (!def) throw new Error(`${algo.name} has no population version to measure`);
  const values = resolveValues([...algo.hyperparameters, ...runSchema], spec.hyperparameters ?? {}, algo.name);
  const agent = def.create({
    members,
    observationDim: spec.observationDim,
    actionDim: spec.actionDim,
    discreteActions: spec.discreteActions,
    hyperparameters: Array.from({ length: members }, (_, k) => ({ ...values, seed: k })),
    rngs: Array.from({ length: members }, (_, k) => new Rng(k)),
    observationMean: new Float32Array(spec.observationDim),
    observationStd: new Float32Array(spec.observationDim).fill(1),
  });
  const batchSize = Number(values.batchSize);
  return { agent, batch: algo.batchKind === 'sequences' ? memberWindows(spec, members, batchSize, Number(values.contextLength)) : memberBatch(spec, members, batchSize) };
}

/**
 * Member k's fixed random batch (drawn from Rng(100 + k)), stacked: [members, batchSize, ...]; with the rollout
 * columns (log-probabilities, advantages, returns, values) for an algorithm that trains on rollouts (PPO).
 */
export function memberBatch(spec: MeasureSpec, members: number, batchSize: number): MemberBatch {
  return stackedSynthetic(spec, members, { batchSize }) as unknown as MemberBatch;
}

/** Member k's random windows (drawn from Rng(100 + k)) for a sequence model (the DT), stacked: [members, batchSize, contextLength, ...]. */
export function memberWindows(spec: MeasureSpec, members: number, batchSize: number, contextLength: number): MemberSequenceBatch {
  return stackedSynthetic(spec, members, { batchSize, contextLength }) as unknown as MemberSequenceBatch;
}

/** Each member's syntheticTrainingBatch stacked field by field on a leading members axis. */
function stackedSynthetic(spec: MeasureSpec, members: number, settings: HyperValues): Record<string, tf.Tensor> {
  const algo = getAlgorithm(spec.algorithmId);
  return tf.tidy(() => {
    const parts = Array.from({ length: members }, (_, k) => syntheticTrainingBatch(algo, settings, spec, new Rng(100 + k)) as unknown as Record<string, tf.Tensor>);
    return Object.fromEntries(Object.keys(parts[0]).map((key) => [key, tf.stack(parts.map((p) => p[key]))]));
  });
}

/** One update of what a spec trains (a lone agent, or every member of a population), metrics left on the device. */
export interface UpdateSubject {
  update(): Promise<tf.Tensor>;
  dispose(): void;
}

export function updateSubject(spec: MeasureSpec): UpdateSubject {
  if ((spec.members ?? 1) > 1) {
    const { agent, batch } = populationForSpec(spec, spec.members!);
    return {
      update: async () => {
        await agent.prepareUpdate?.(batch);
        return agent.update(batch);
      },
      dispose: () => {
        tf.dispose(Object.values(batch));
        agent.dispose();
      },
    };
  }
  const { agent, batch } = agentForSpec(spec, 0);
  return {
    update: async () => {
      await agent.prepareUpdate?.(batch);
      return agent.update(batch);
    },
    dispose: () => {
      tf.dispose(Object.values(batch));
      agent.dispose();
    },
  };
}

/**
 * Training updates per second of the real networks on the current backend (a population's K-member update when
 * spec.members > 1): two warm-up updates (shader compilation, kernel caches), then as many as fit in `budgetMs`, with
 * a read every few updates.
 */
export async function measureUpdatesPerSecond(spec: MeasureSpec, budgetMs = 600, maxUpdates = 200): Promise<number> {
  const subject = updateSubject(spec);
  try {
    for (let i = 0; i < 2; i++) {
      const m = await subject.update();
      await m.data();
      m.dispose();
    }
    let count = 0;
    const start = performance.now();
    while (count < maxUpdates && performance.now() - start < budgetMs) {
      const m = await subject.update();
      count += 1;
      if (count % 4 === 0) await m.data();
      m.dispose();
    }
    const last = await subject.update();
    await last.data();
    last.dispose();
    count += 1;
    return (count / (performance.now() - start)) * 1000;
  } finally {
    subject.dispose();
  }
}
