// TD3+BC (Fujimoto & Gu, "A Minimalist Approach to Offline Reinforcement Learning", NeurIPS 2021) for a population of K
// members trained as one model: algos/td3bc.ts with a leading members axis. alpha, tau, the learning rate and the target
// smoothing noise are per-member device values; the policy delay is shared (every member's actor steps on the same
// updates, as one batched step). Member k and a lone run with its seed and settings agree update by update.
import * as tf from '@tensorflow/tfjs';
import { td3bcActorLoss, td3bcLambda } from '../algos/td3bc';
import { deterministicActorMethods } from './memberDeterministicActor';
import { perMember } from './perMember';
import { createTD3Members } from './td3Members';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';


function createTD3BCPopulation(ctx: PopulationContext): PopulationAgent {
  const K = ctx.members;
  // Networks in the lone file's draw order, Adams, per-member values and the shared delay: td3Members.ts.
  const parts = createTD3Members(ctx, 'td3bc', td3bcPopulation.memberKeys, 5);
  const { values, delay, actor, critics, actorOptimizer, criticOptimizer, normalize, lastActorMetrics, memberVars, q1 } = parts;
  const optimizers = [actorOptimizer, criticOptimizer];
  let updates = ctx.startUpdate ?? 0;

  return {
    members: K,
    metricNames: ['critic_loss', 'actor_loss', 'lambda', 'bc_loss', 'q_data', 'mc_return', 'q_policy', 'action_std', 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        // Critic: TD3's, target smoothing with each member's noise scale and clip (td3Members.ts).
        const criticStep = parts.criticStep(batch);
        const { obs } = criticStep;
        const qData = criticStep.qData;

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
