// The agent shell the TD3 family shares (TD3+BC, PRDC, ReBRAC, A2PR): a deterministic tanh actor with a target copy,
// twin critics, standardised states. Acting, the Q / V inspection, the exported policy, the live hyperparameters TD3
// itself has (lr, tau, policy noise and its clip, policy delay, and TD3+BC's alpha where the algorithm has one),
// checkpoints and disposal live here; each algorithm's file keeps its losses and its update.
import * as tf from '@tensorflow/tfjs';
import type { HyperParam, HyperValues } from '../run/hyperparameters';
import type { Rng } from '../rng';
import type { ObservationNormalizer } from './common';
import { normalNoise } from './distributions';
import { readWeights, writeWeights, type MLP } from './nets';
import type { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import type { Agent, Checkpoint } from './types';

/** The deterministic actor's action, pi(s) = tanh(net(s)), in [-1, 1]. */
export function pi(net: MLP, obs: tf.Tensor2D): tf.Tensor2D {
  return tf.tanh(net.apply(obs));
}

/** TD3's settings, changeable while training (the update reads them each time); alpha for the TD3+BC-style actors. */
export interface TD3Settings {
  tau: number;
  policyNoise: number;
  noiseClip: number;
  policyDelay: number;
  alpha?: number;
}

/** TD3's settings as the hyperparameters give them. */
export function td3Settings(hp: HyperValues): TD3Settings & { alpha?: undefined } {
  return { tau: Number(hp.tau), policyNoise: Number(hp.policyNoise), noiseClip: Number(hp.noiseClip), policyDelay: Number(hp.policyDelay) };
}

/** TD3's settings and TD3+BC's alpha (the weight of Q against the behaviour term). */
export function td3bcSettings(hp: HyperValues): TD3Settings & { alpha: number } {
  return { ...td3Settings(hp), alpha: Number(hp.alpha) };
}

export interface DeterministicActorCriticParts {
  /** The algorithm's id, written into checkpoints. */
  algorithm: string;
  /** For the exploration noise of act(obs, 'sample'). */
  rng: Rng;
  actor: MLP;
  actorTarget: MLP;
  /** Every other network in the checkpoint, in order (the critics with their targets, then any others). Disposed. */
  networks: readonly MLP[];
  /** The optimisers the `lr` hyperparameter drives. Disposed. */
  optimizers: readonly Adam[];
  normalize: ObservationNormalizer;
  /** Q(s, a) on normalised states, the one the actor climbs: what qValue reports. */
  q(obs: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D;
  /** V(s) on normalised states for stateValue; Q(s, pi(s)) when absent. */
  v?(obs: tf.Tensor2D): tf.Tensor1D;
  /** Mutated by setHyperparameters; alpha only where present. */
  settings: TD3Settings;
  /** Anything else to dispose (metric buffers, other optimisers). */
  owned: readonly { dispose(): void }[];
}

export type DeterministicActorCriticShell = Pick<Agent, 'act' | 'setHyperparameters' | 'save' | 'load' | 'dispose'> & Required<Pick<Agent, 'qValue' | 'stateValue' | 'policyNetwork'>>;

/** The Agent methods other than update: the same for every algorithm of the TD3 family. */
export function deterministicActorCritic(parts: DeterministicActorCriticParts): DeterministicActorCriticShell {
  const { actor, actorTarget, networks, optimizers, normalize, settings } = parts;
  const checkpointed = [actor, actorTarget, ...networks];
  const v = parts.v ?? ((obs: tf.Tensor2D) => parts.q(obs, pi(actor, obs)));
  return {
    act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
      // Deterministic policy; 'sample' adds TD3's Gaussian exploration noise (std 0.1) for the action inspector.
      return tf.tidy(() => {
        const a = pi(actor, normalize.apply(observations));
        return mode === 'greedy' ? a : tf.clipByValue(tf.add(a, tf.mul(normalNoise(a.shape, parts.rng), 0.1)), -1, 1);
      });
    },

    qValue(observations: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => parts.q(normalize.apply(observations), actions));
    },

    stateValue(observations: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => v(normalize.apply(observations)));
    },

    policyNetwork() {
      return mlpPolicyNetwork(actor, normalize.stats, { kind: 'tanh', description: 'the deterministic tanh actor' });
    },

    setHyperparameters(patch: HyperValues) {
      if (patch.lr !== undefined) for (const o of optimizers) o.learningRate = Number(patch.lr);
      if (patch.alpha !== undefined && settings.alpha !== undefined) settings.alpha = Number(patch.alpha);
      if (patch.tau !== undefined) settings.tau = Number(patch.tau);
      if (patch.policyNoise !== undefined) settings.policyNoise = Number(patch.policyNoise);
      if (patch.noiseClip !== undefined) settings.noiseClip = Number(patch.noiseClip);
      if (patch.policyDelay !== undefined) settings.policyDelay = Number(patch.policyDelay);
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: parts.algorithm, weights: await readWeights(checkpointed) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights(checkpointed, checkpoint.weights);
    },

    dispose() {
      for (const net of checkpointed) net.dispose();
      for (const o of optimizers) o.dispose();
      normalize.dispose();
      for (const d of parts.owned) d.dispose();
    },
  };
}

/** TD3's target smoothing and delayed actor, as every TD3-family algorithm offers them (Fujimoto et al. 2018 defaults). */
export const td3TargetParams: HyperParam[] = [
  { key: 'policyNoise', label: 'target policy noise', help: 'Std of the Gaussian noise on the target action (TD3 smoothing), in units of the [-1, 1] action range.', kind: 'number', default: 0.2, min: 0, max: 1, live: true },
  { key: 'noiseClip', label: 'target noise clip', help: 'The target noise is clipped to plus or minus this.', kind: 'number', default: 0.5, min: 0, max: 1, live: true },
  { key: 'policyDelay', label: 'policy delay', help: 'The actor and the target networks move once every this many critic updates (TD3’s delayed updates).', kind: 'int', default: 2, min: 1, max: 10, live: true },
];
