// The deterministic tanh actor of the TD3 family (algos/deterministicActorCritic.ts) for K members: the actor and its
// Polyak-averaged target copy, TD3's smoothed target action with each member's noise scale and clip, and the action
// spread the family reports. TD3+BC's and ReBRAC's populations build on it; each keeps its own losses.
import * as tf from '@tensorflow/tfjs';
import type { ObservationNormalizer } from '../algos/common';
import type { Rng } from '../rng';
import { BatchedMLP, softUpdateMembers } from './batchedMlp';
import type { MemberAdam } from './memberAdam';
import { memberNoise } from './memberNoise';
import { memberMethods, type MemberMethods } from './memberStates';
import type { MemberValues } from './memberValues';
import type { MemberVariable } from './memberVariables';
import type { PopulationAgent } from './types';

export class MemberDeterministicActor {
  readonly online: BatchedMLP;
  readonly target: BatchedMLP;

  /** `algorithm` names the networks as a lone run does ("td3bc/actor", "td3bc/actor_target"); the actor draws first from `rngs`. */
  constructor(prefix: string, algorithm: string, sizes: number[], members: number, rngs: Rng[]) {
    this.online = new BatchedMLP(prefix, `${algorithm}/actor`, sizes, members, rngs);
    this.target = new BatchedMLP(prefix, `${algorithm}/actor_target`, sizes, members, null);
    this.target.copyFrom(this.online);
  }

  /** Actor then target, as a lone run checkpoints them. */
  get memberVariables(): MemberVariable[] {
    return [...this.online.memberVariables, ...this.target.memberVariables];
  }

  /** pi(s) = tanh(net(s)) in [-1, 1], [K, B, actionDim]. */
  act(obs: tf.Tensor3D, net: BatchedMLP = this.online): tf.Tensor3D {
    return tf.tanh(net.apply(obs));
  }

  /**
   * Target policy smoothing (TD3): a' = clip(pi_target(s') + clip(N(0, sigma), -c, c), -1, 1), sigma and c the members'
   * `policyNoise` and `noiseClip`, each member's noise drawn from its own Rng as a lone run draws it.
   */
  smoothedTargetActions(nextObs: tf.Tensor3D, rngs: readonly Rng[], values: MemberValues): tf.Tensor3D {
    const [, B] = nextObs.shape;
    const A = this.online.sizes.at(-1)!;
    const c = values.column('noiseClip', 3);
    const noise = tf.minimum(tf.maximum(tf.mul(memberNoise(rngs, [B, A]), values.column('policyNoise', 3)), tf.neg(c)), c);
    return tf.clipByValue(tf.add(this.act(nextObs, this.target), noise), -1, 1) as tf.Tensor3D;
  }

  /** Spread of the actions over each member's batch states, averaged over action dimensions: [K] (`action_std`). */
  actionStd(obs: tf.Tensor3D): tf.Tensor1D {
    return tf.mean(tf.sqrt(tf.moments(this.act(obs), 1).variance), 1) as tf.Tensor1D;
  }

  updateTarget(tau: tf.Tensor1D): void {
    softUpdateMembers(this.target, this.online, tau);
  }
}

/** TD3's policy delay, shared by every member (their actors step on the same updates, as one batched step); live. */
export interface SharedDelay {
  policyDelay: number;
}

/**
 * The population agent's methods other than its update, as the lone family's shell gives them: acting with the actor,
 * members' checkpoints, copies and live values (memberStates.ts), and the shared policy delay written into `delay`.
 */
export function deterministicActorMethods(
  algorithm: string,
  actor: MemberDeterministicActor,
  held: { memberVars: readonly MemberVariable[]; optimizers: readonly MemberAdam[]; values: MemberValues; normalize: ObservationNormalizer; extra?: readonly tf.Variable[] },
  delay: SharedDelay,
): MemberMethods & Pick<PopulationAgent, 'act'> {
  return {
    act: (observations) => tf.tidy(() => actor.act(held.normalize.apply(observations))),
    ...memberMethods(algorithm, actor.online.members, held),
    setSharedHyperparameters(patch) {
      if (patch.policyDelay !== undefined) delay.policyDelay = Number(patch.policyDelay);
    },
  };
}
