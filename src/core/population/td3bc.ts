// TD3+BC (Fujimoto & Gu, "A Minimalist Approach to Offline Reinforcement Learning", NeurIPS 2021) for a population of K
// members trained as one model: algos/td3bc.ts with a leading members axis. alpha, tau, the learning rate and the target
// smoothing noise are per-member device values; the policy delay is shared (every member's actor steps on the same
// updates, as one batched step). Member k and a lone run with its seed and settings agree update by update.
import * as tf from '@tensorflow/tfjs';
import { observationNormalizer } from '../algos/common';
import { minOf } from '../algos/critics';
import { newVariable, parseHidden } from '../algos/nets';
import { BatchedCritics } from './batchedCritics';
import { BatchedMLP, softUpdateMembers } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { MemberValues } from './memberValues';
import { perMember } from './perMember';
import { populationPrefix } from './memberVariables';
import { memberNoise } from './memberNoise';
import { memberMethods } from './memberStates';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';


function createTD3BCPopulation(ctx: PopulationContext): PopulationAgent {
  const K = ctx.members;
  const prefix = populationPrefix();
  const hp = ctx.hyperparameters[0];
  const hidden = parseHidden(hp.hidden);
  const gamma = Number(hp.gamma);
  let policyDelay = Number(hp.policyDelay);
  const values = new MemberValues(prefix, td3bcPopulation.memberKeys, ctx.hyperparameters);
  let updates = ctx.startUpdate ?? 0;

  // The lone file's draw order from each member's Rng: actor, then the twin critics; targets start as copies.
  const actorSizes = [ctx.observationDim, ...hidden, ctx.actionDim];
  const actor = new BatchedMLP(prefix, 'td3bc/actor', actorSizes, K, ctx.rngs);
  const actorTarget = new BatchedMLP(prefix, 'td3bc/actor_target', actorSizes, K, null);
  actorTarget.copyFrom(actor);
  const critics = new BatchedCritics(prefix, 'td3bc/q', ctx.observationDim, ctx.actionDim, null, hidden, 2, K, ctx.rngs);
  const actorOptimizer = new MemberAdam(K, actor.memberVariables, () => values.vector('lr'));
  const criticOptimizer = new MemberAdam(K, critics.variables, () => values.vector('lr'));
  const optimizers = [actorOptimizer, criticOptimizer];
  const normalize = observationNormalizer({ ...ctx, hyperparameters: hp, rng: ctx.rngs[0] }, Boolean(hp.normalizeStates));
  const lastActorMetrics = newVariable(() => tf.zeros([K, 5]), `${prefix}/td3bc/last_actor_metrics`, false);
  const memberVars = [...actor.memberVariables, ...actorTarget.memberVariables, ...critics.networks.flatMap((c) => c.memberVariables)];

  const pi = (net: BatchedMLP, obs: tf.Tensor3D): tf.Tensor3D => tf.tanh(net.apply(obs));
  const q1 = (obs: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D => critics.q(obs, actions)[0];

  return {
    members: K,
    metricNames: ['critic_loss', 'actor_loss', 'lambda', 'bc_loss', 'q_data', 'mc_return', 'q_policy', 'action_std', 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const [, B, A] = batch.actions.shape;

        // Target policy smoothing (TD3): a' = clip(pi_target(s') + clip(N(0, sigma), -c, c), -1, 1), sigma and c per member.
        const c = values.column('noiseClip', 3);
        const noise = tf.minimum(tf.maximum(tf.mul(memberNoise(ctx.rngs, [B, A]), values.column('policyNoise', 3)), tf.neg(c)), c);
        const nextActions = tf.clipByValue(tf.add(pi(actorTarget, nextObs), noise), -1, 1) as tf.Tensor3D;
        // Clipped double Q (TD3 eq. 10).
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), minOf(critics.q(nextObs, nextActions, 'target')))) as tf.Tensor2D;

        // L(Q) = sum_i E[(Q_i(s, a) - y)^2], per member.
        const criticStep = criticOptimizer.minimize(() => {
          const qs = critics.q(obs, batch.actions);
          const losses = qs.map((q) => perMember(tf.square(tf.sub(q, y))));
          return { loss: tf.add(losses[0], losses[1]) as tf.Tensor1D, aux: [qs[0]] };
        });
        const [qData] = criticStep.aux;

        if (updates % policyDelay === 0) {
          // lambda = alpha / mean|Q(s, pi(s))| per member, detached (eq. 3).
          const lambda = tf.div(values.vector('alpha'), perMember(tf.abs(q1(obs, pi(actor, obs))))) as tf.Tensor1D;
          const actorStep = actorOptimizer.minimize(() => {
            const actions = pi(actor, obs);
            const qPolicy = q1(obs, actions);
            const bc = perMember(tf.square(tf.sub(actions, batch.actions)));
            return { loss: tf.add(tf.neg(tf.mul(lambda, perMember(qPolicy))), bc) as tf.Tensor1D, aux: [perMember(qPolicy), bc] };
          });
          const [qPolicy, bcLoss] = actorStep.aux;
          lastActorMetrics.assign(tf.stack([actorStep.loss, lambda, bcLoss, qPolicy, actorStep.gradNorm], 1));
          critics.updateTargets(values.vector('tau'));
          softUpdateMembers(actorTarget, actor, values.vector('tau'));
        }
        updates += 1;

        const [actorLoss, lambda, bcLoss, qPolicy, actorGradNorm] = tf.unstack(lastActorMetrics, 1);
        const actionStd = tf.mean(tf.sqrt(tf.moments(pi(actor, obs), 1).variance), 1);
        return tf.stack([criticStep.loss, actorLoss, lambda, bcLoss, perMember(qData), perMember(batch.mcReturns), qPolicy, actionStd, criticStep.gradNorm, actorGradNorm], 1) as tf.Tensor2D;
      });
    },

    act(observations: tf.Tensor3D): tf.Tensor {
      return tf.tidy(() => pi(actor, normalize.apply(observations)));
    },

    ...memberMethods('td3bc', K, { memberVars, optimizers, values, normalize, extra: [lastActorMetrics] }),

    setSharedHyperparameters(patch) {
      if (patch.policyDelay !== undefined) policyDelay = Number(patch.policyDelay);
    },
  };
}

export const td3bcPopulation: PopulationDef = {
  algorithmId: 'td3bc',
  memberKeys: ['lr', 'alpha', 'tau', 'policyNoise', 'noiseClip'],
  create: createTD3BCPopulation,
};
