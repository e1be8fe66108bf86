import * as tf from '@tensorflow/tfjs';
import type { HyperParam } from '../run/hyperparameters';
import type { AgentContext } from './types';

/** Controls most algorithms share, with CORL's defaults. */
export const learningRateParam = (def = 3e-4, key = 'lr', label = 'learning rate'): HyperParam => ({
  key,
  label,
  help: 'Adam step size. Too high: the loss jumps or diverges; too low: it barely moves.',
  kind: 'number',
  default: def,
  min: 1e-6,
  max: 1,
  log: true,
  live: true,
});

export const batchSizeParam: HyperParam = {
  key: 'batchSize',
  label: 'batch size',
  help: 'Transitions sampled from the dataset per update. Larger: smoother gradients, slower updates.',
  kind: 'int',
  default: 256,
  min: 1,
  max: 8192,
  live: true,
};

export const hiddenParam = (def = '256,256'): HyperParam => ({
  key: 'hidden',
  label: 'hidden sizes',
  help: 'Units per hidden layer of each network (ReLU MLPs).',
  kind: 'choice',
  default: def,
  choices: ['32,32', '64,64', '128,128', '256,256', '256,256,256', '512,512'],
  live: false,
});

export const normalizeStatesParam = (def: boolean): HyperParam => ({
  key: 'normalizeStates',
  label: 'normalize states',
  help: 'Standardise observations with the dataset mean and std (eps 1e-3), as CORL does.',
  kind: 'bool',
  default: def,
  live: false,
});

/** The per-dimension mean and std a normaliser divides by (eps already added): x -> (x - mean) / std. */
export interface ObservationStats {
  mean: Float32Array;
  std: Float32Array;
}

export interface ObservationNormalizer {
  /** Rows [n, d], or each member's rows [K, n, d] (the statistics broadcast over the leading axes). */
  apply<T extends tf.Tensor>(x: T): T;
  /** The statistics applied, or null when states are used as they are (policy export folds them into the first layer). */
  readonly stats: ObservationStats | null;
  dispose(): void;
}

/** Returns a function mapping raw observations to the network's input (standardised if asked). */
export function observationNormalizer(ctx: AgentContext, enabled: boolean): ObservationNormalizer {
  if (!enabled) return { apply: (x) => x, stats: null, dispose: () => {} };
  const stats: ObservationStats = { mean: Float32Array.from(ctx.observationMean), std: ctx.observationStd.map((s) => s + 1e-3) };
  const mean = tf.keep(tf.tensor2d(stats.mean, [1, ctx.observationDim]));
  const std = tf.keep(tf.tensor2d(stats.std, [1, ctx.observationDim]));
  return {
    apply: <T extends tf.Tensor>(x: T) => tf.div(tf.sub(x, mean), std) as T,
    stats,
    dispose: () => {
      mean.dispose();
      std.dispose();
    },
  };
}

/** Dataset discrete actions (a float index column) as int32 indices. */
export function actionIndices(actions: tf.Tensor2D): tf.Tensor1D {
  return tf.cast(tf.reshape(actions, [-1]), 'int32') as tf.Tensor1D;
}

/** The discount; the trainer also uses `gamma` for the Monte-Carlo returns drawn against Q. */
export const gammaParam: HyperParam = {
  key: 'gamma',
  label: 'discount (gamma)',
  help: 'Weight of the next reward relative to this one. Q values grow like 1/(1 - gamma) times the reward.',
  kind: 'number',
  default: 0.99,
  min: 0,
  max: 0.9999,
  live: false,
};

export const tauParam: HyperParam = {
  key: 'tau',
  label: 'target update rate (tau)',
  help: 'Polyak rate of the target networks: target <- tau * online + (1 - tau) * target. Larger: faster, less stable targets.',
  kind: 'number',
  default: 0.005,
  min: 1e-4,
  max: 1,
  log: true,
  live: true,
};
