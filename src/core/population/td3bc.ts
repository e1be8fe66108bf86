// TD3+BC (Fujimoto & Gu, "A Minimalist Approach to Offline Reinforcement Learning", NeurIPS 2021) for a population of K
// members trained as one model: algos/td3bc.ts with a leading members axis. alpha, tau, the learning rate and the target
// smoothing noise are per-member device values; the policy delay is shared (every member's actor steps on the same
// updates, as one batched step). Member k and a lone run with its seed and settings agree update by update.
import * as tf from '@tensorflow/tfjs';
import { observationNormalizer } from '../algos/common';
import { minOf } from '../algos/critics';
import { newVariable, parseHidden } from '../algos/nets';
import { td3bcActorLoss, td3bcLambda } from '../algos/td3bc';
import { BatchedCritics } from './batchedCritics';
import { deterministicActorMethods, MemberDeterministicActor, type SharedDelay } from './memberDeterministicActor';
import { MemberAdam } from './memberAdam';
import { MemberValues } from './memberValues';
import { perMember } from './perMember';
import { populationPrefix } from './memberVariables';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';


function createTD3BCPopulation(ctx: PopulationContext): PopulationAgent {
  const K = ctx.members;
  const prefix = populationPrefix();
  const hp = ctx.hyperparameters[0];
  const hidden = parseHidden(hp.hidden);
  const gamma = Number(hp.gamma);
  const delay: SharedDelay = { policyDelay: Number(hp.policyDelay) };
  const values = new MemberValues(prefix, td3bcPopulation.memberKeys, ctx.hyperparameters);
  let updates = ctx.startUpdate ?? 0;

  // The lone file's draw order from each member's Rng: actor, then the twin critics; targets start as copies.
  const actor = new MemberDeterministicActor(prefix, 'td3bc', [ctx.observationDim, ...hidden, ctx.actionDim], K, ctx.rngs);
  const critics = new BatchedCritics(prefix, 'td3bc/q', ctx.observationDim, ctx.actionDim, null, hidden, 2, K, ctx.rngs);
  const actorOptimizer = new MemberAdam(K, actor.online.memberVariables, () => values.vector('lr'));
  const criticOptimizer = new MemberAdam(K, critics.variables, () => values.vector('lr'));
  const optimizers = [actorOptimizer, criticOptimizer];
  const normalize = observationNormalizer({ ...ctx, hyperparameters: hp, rng: ctx.rngs[0] }, Boolean(hp.normalizeStates));
  const lastActorMetrics = newVariable(() => tf.zeros([K, 5]), `${prefix}/td3bc/last_actor_metrics`, false);
  const memberVars = [...actor.memberVariables, ...critics.networks.flatMap((c) => c.memberVariables)];

  const q1 = (obs: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D => critics.q(obs, actions)[0];

  return {
    members: K,
    metricNames: ['critic_loss', 'actor_loss', 'lambda', 'bc_loss', 'q_data', 'mc_return', 'q_policy', 'action_std', 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);

        // Target policy smoothing (TD3), sigma and c per member.
        const nextActions = actor.smoothedTargetActions(nextObs, ctx.rngs, values);
        // Clipped double Q (TD3 eq. 10).
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), minOf(critics.q(nextObs, nextActions, 'target')))) as tf.Tensor2D;

        // L(Q) = sum_i E[(Q_i(s, a) - y)^2], per member.
        const criticStep = criticOptimizer.minimize(() => {
          const qs = critics.q(obs, batch.actions);
          const losses = qs.map((q) => perMember(tf.square(tf.sub(q, y))));
          return { loss: tf.add(losses[0], losses[1]) as tf.Tensor1D, aux: [qs[0]] };
        });
        const [qData] = criticStep.aux;

        if (updates % delay.policyDelay === 0) {
          // lambda = alpha / mean|Q(s, pi(s))| per member, detached (eq. 3).
          const lambda = td3bcLambda<tf.Tensor1D>(q1(obs, actor.act(obs)), values.vector('alpha'));
          const actorStep = actorOptimizer.minimize(() => {
            const actions = actor.act(obs);
            const qPolicy = q1(obs, actions);
            const { loss, bc } = td3bcActorLoss<tf.Tensor1D>(qPolicy, actions, batch.actions, lambda);
            return { loss, aux: [perMember(qPolicy), bc] };
          });
          const [qPolicy, bcLoss] = actorStep.aux;
          lastActorMetrics.assign(tf.stack([actorStep.loss, lambda, bcLoss, qPolicy, actorStep.gradNorm], 1));
          critics.updateTargets(values.vector('tau'));
          actor.updateTarget(values.vector('tau'));
        }
        updates += 1;

        const [actorLoss, lambda, bcLoss, qPolicy, actorGradNorm] = tf.unstack(lastActorMetrics, 1);
        return tf.stack([criticStep.loss, actorLoss, lambda, bcLoss, perMember(qData), perMember(batch.mcReturns), qPolicy, actor.actionStd(obs), criticStep.gradNorm, actorGradNorm], 1) as tf.Tensor2D;
      });
    },

    ...deterministicActorMethods('td3bc', actor, { memberVars, optimizers, values, normalize, extra: [lastActorMetrics] }, delay),
  };
}

export const td3bcPopulation: PopulationDef = {
  algorithmId: 'td3bc',
  memberKeys: ['lr', 'alpha', 'tau', 'policyNoise', 'noiseClip'],
  create: createTD3BCPopulation,
};
