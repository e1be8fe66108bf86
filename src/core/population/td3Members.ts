// What TD3+BC's and PRDC's populations share whole (PRDC is TD3+BC with its behaviour-cloning target changed): the
// networks in the lone files' draw order (actor, then the twin critics, targets as copies), their Adams with per-member
// rates, the per-member values, TD3's shared policy delay, and TD3's critic step (Fujimoto, van Hoof & Meger, ICML 2018):
// the target action smoothed with each member's noise, clipped double Q (eq. 10), and L(Q) = sum_i E[(Q_i(s, a) - y)^2]
// per member (CORL's sum over the twin critics). Each algorithm keeps its actor loss.
import * as tf from '@tensorflow/tfjs';
import type { ObservationNormalizer } from '../algos/common';
import { minOf } from '../algos/critics';
import { newVariable } from '../algos/nets';
import { BatchedCritics } from './batchedCritics';
import { MemberAdam } from './memberAdam';
import { MemberDeterministicActor, type SharedDelay } from './memberDeterministicActor';
import { MemberValues } from './memberValues';
import { populationBasics } from './populationBasics';
import type { MemberVariable } from './memberVariables';
import { perMember } from './perMember';
import type { MemberBatch, PopulationContext } from './types';

export interface TD3Members {
  prefix: string;
  values: MemberValues;
  delay: SharedDelay;
  actor: MemberDeterministicActor;
  critics: BatchedCritics;
  actorOptimizer: MemberAdam;
  criticOptimizer: MemberAdam;
  normalize: ObservationNormalizer;
  /** [K, actorMetrics]: the last actor step's metrics, reported again between actor steps. */
  lastActorMetrics: tf.Variable;
  /** Every checkpointed variable in the lone run's order. */
  memberVars: MemberVariable[];
  /** Q1, the critic the actor climbs, [K, B]. */
  q1(obs: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D;
  /** One critic step of every member; also the states as the networks see them (`obs`, for the actor). Call inside tf.tidy. */
  criticStep(batch: MemberBatch): { obs: tf.Tensor3D; loss: tf.Tensor1D; gradNorm: tf.Tensor1D; qData: tf.Tensor2D };
}

/** `algorithm` names the networks as a lone run does ("td3bc/actor", "prdc/q1"); `actorMetrics` the width of lastActorMetrics. */
export function createTD3Members(ctx: PopulationContext, algorithm: string, memberKeys: readonly string[], actorMetrics: number): TD3Members {
  const { K, prefix, hp, hidden, gamma, values, normalize } = populationBasics(ctx, memberKeys);
  const actor = new MemberDeterministicActor(prefix, algorithm, [ctx.observationDim, ...hidden, ctx.actionDim], K, ctx.rngs);
  const critics = new BatchedCritics(prefix, `${algorithm}/q`, ctx.observationDim, ctx.actionDim, null, hidden, 2, K, ctx.rngs);
  const criticOptimizer = new MemberAdam(K, critics.variables, () => values.vector('lr'));

  return {
    prefix,
    values,
    delay: { policyDelay: Number(hp.policyDelay) },
    actor,
    critics,
    actorOptimizer: new MemberAdam(K, actor.online.memberVariables, () => values.vector('lr')),
    criticOptimizer,
    normalize,
    lastActorMetrics: newVariable(() => tf.zeros([K, actorMetrics]), `${prefix}/${algorithm}/last_actor_metrics`, false),
    memberVars: [...actor.memberVariables, ...critics.networks.flatMap((c) => c.memberVariables)],
    q1: (obs, actions) => critics.q(obs, actions)[0],

    criticStep(batch) {
      const obs = normalize.apply(batch.observations);
      const nextObs = normalize.apply(batch.nextObservations);
      const nextActions = actor.smoothedTargetActions(nextObs, ctx.rngs, values);
      const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), minOf(critics.q(nextObs, nextActions, 'target'))));
      const step = criticOptimizer.minimize(() => {
        const qs = critics.q(obs, batch.actions);
        const losses = qs.map((q) => perMember(tf.square(tf.sub(q, y))));
        return { loss: tf.add(losses[0], losses[1]) as tf.Tensor1D, aux: [qs[0]] };
      });
      return { obs, loss: step.loss, gradNorm: step.gradNorm, qData: step.aux[0] as tf.Tensor2D };
    },
  };
}
