// Population subjects for the benches (bench/population.bench.ts in Node wasm, bench/webgpu-bench.ts on a real GPU):
// a lone run or a population of K members (src/core/population) on fixed random batches as src/core/run/measure.ts,
// the two case sizes, and the timing in alternating slices.
import * as tf from '@tensorflow/tfjs';
import { getAlgorithm } from '../src/core/algos/registry';
import { resolveValues } from '../src/core/run/hyperparameters';
import { agentForSpec, populationForSpec, type MeasureSpec } from '../src/core/run/measure';
import { runSchema } from '../src/core/run/runSettings';

/** The teaching size (Pendulum-shaped: 3-dim observations, 1-dim actions, 64x64) and the D4RL locomotion size. */
export const SIZES: Record<string, Omit<MeasureSpec, 'algorithmId'>> = {
  teaching: { observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: { hidden: '64,64', batchSize: 256 } },
  d4rl: { observationDim: 17, actionDim: 6, discreteActions: null, hyperparameters: { hidden: '256,256', batchSize: 256 } },
  // For discrete-action algorithms (DQN): CartPole-shaped, and the D4RL size with 6 discrete actions as bench/specs.ts.
  cartpole: { observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: { hidden: '64,64', batchSize: 256 } },
  'd4rl-discrete': { observationDim: 17, actionDim: 1, discreteActions: 6, hyperparameters: { hidden: '256,256', batchSize: 256 } },
  // The Decision Transformer (no MLP sizes): CartPole-shaped at the size its lone test learns CartPole with, and the D4RL
  // locomotion size at CORL's dt.py defaults (embedding 128, 3 layers, 1 head, context 20, batch 64).
  'dt-cartpole': { observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: { embedding: '32', layers: 1, heads: 1, contextLength: 10, batchSize: 32 } },
  'dt-d4rl': { observationDim: 17, actionDim: 6, discreteActions: null, hyperparameters: { embedding: '128', layers: 3, heads: 1, contextLength: 20, batchSize: 64 } },
};

export function specOf(algorithmId: string, size: string): MeasureSpec {
  const s = SIZES[size];
  const algo = getAlgorithm(algorithmId);
  return { ...s, algorithmId, hyperparameters: resolveValues([...algo.hyperparameters, ...runSchema], s.hyperparameters ?? {}, algo.name) };
}

/** The settings that size a case's networks and batches (MLPs, or the Decision Transformer's), for the JSON. */
export function networksOf(spec: MeasureSpec): Record<string, unknown> {
  const keys = ['hidden', 'embedding', 'layers', 'heads', 'contextLength', 'batchSize'].filter((key) => key in spec.hyperparameters!);
  return { observationDim: spec.observationDim, actionDim: spec.actionDim, ...Object.fromEntries(keys.map((key) => [key, spec.hyperparameters![key]])) };
}

/** What an update returns: metrics left on the device (a tf.Tensor, or another library's array), read back now and then. */
export interface Readback {
  data(): Promise<Iterable<number>>;
  dispose(): void;
}

/** A subject of the measurement: one update (every member once for a population), metrics left on the device. */
export interface Subject<R extends Readback = tf.Tensor> {
  name: string;
  update(): R;
  dispose(): void;
}

export function loneSubject(spec: MeasureSpec): Subject {
  const { agent, batch } = agentForSpec(spec, 0);
  return {
    name: 'lone',
    update: () => agent.update(batch),
    dispose: () => {
      tf.dispose(Object.values(batch));
      agent.dispose();
    },
  };
}

/** A population of K members on a fixed batch per member (run/measure.ts's populationForSpec, what `auto` measures). */
export function populationSubject(spec: MeasureSpec, K: number): Subject {
  const { agent, batch } = populationForSpec(spec, K);
  return {
    name: `K=${K}`,
    update: () => agent.update(batch),
    dispose: () => {
      tf.dispose(Object.values(batch));
      agent.dispose();
    },
  };
}

/**
 * Updates/s of each subject, measured in alternating slices of `sliceMs` (every subject once per cycle) so that the
 * load of a shared machine, which drifts over seconds, falls on all of them alike. After a warm-up of every subject.
 */
export async function interleaved(subjects: Subject<Readback>[], cycles: number, sliceMs: number): Promise<Record<string, number>> {
  const stats = subjects.map(() => ({ count: 0, ms: 0 }));
  const slice = async (s: Subject<Readback>, ms: number) => {
    const start = performance.now();
    let count = 0;
    let last: Readback | null = null;
    while (count < 1 || performance.now() - start < ms) {
      last?.dispose();
      last = s.update();
      count += 1;
      if (count % 4 === 0) await last.data();
    }
    await last!.data();
    last!.dispose();
    return { count, ms: performance.now() - start };
  };
  for (const s of subjects) await slice(s, sliceMs); // warm-up
  for (let c = 0; c < cycles; c++) {
    for (const [i, s] of subjects.entries()) {
      const r = await slice(s, sliceMs);
      stats[i].count += r.count;
      stats[i].ms += r.ms;
    }
  }
  return Object.fromEntries(subjects.map((s, i) => [s.name, (stats[i].count / stats[i].ms) * 1000]));
}
