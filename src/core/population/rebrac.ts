// ReBRAC (Tarasov, Kurenkov, Nikulin & Kolesnikov, "Revisiting the Minimalist Approach to Offline Reinforcement
// Learning", NeurIPS 2023) for a population of K members trained as one model: algos/rebrac.ts with a leading members
// axis. The learning rate, tau, the target smoothing noise and its clip, both behaviour penalties (beta1 of the actor,
// beta2 of the critic's target) and Q normalisation are per-member device values; the policy delay is shared (every
// member's actor steps on the same updates, as one batched step), and so is LayerNorm in the critics (a shape).
// Member k and a lone run with its seed and settings agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { minOf } from '../algos/critics';
import { newVariable } from '../algos/nets';
import { squaredDistance } from '../algos/rebrac';
import { BatchedLayerNormMLP } from './batchedLayerNormMlp';
import { BatchedMLP, softUpdateMembers } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { deterministicActorMethods, MemberDeterministicActor, type SharedDelay } from './memberDeterministicActor';
import { perMember } from './perMember';
import { populationBasics } from './populationBasics';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

function createReBRACPopulation(ctx: PopulationContext): PopulationAgent {
  const { K, prefix, hp, hidden, gamma, values, normalize } = populationBasics(ctx, rebracPopulation.memberKeys);
  const delay: SharedDelay = { policyDelay: Number(hp.policyDelay) };
  let updates = ctx.startUpdate ?? 0;

  // The lone file's draw order from each member's Rng: actor, then critic 1 and critic 2; targets start as copies.
  const actor = new MemberDeterministicActor(prefix, 'rebrac', [ctx.observationDim, ...hidden, ctx.actionDim], K, ctx.rngs);
  const criticSizes = [ctx.observationDim + ctx.actionDim, ...hidden, 1];
  const makeCritic = (name: string, rngs: PopulationContext['rngs'] | null) => (hp.criticLayerNorm ? new BatchedLayerNormMLP(prefix, name, criticSizes, K, rngs) : new BatchedMLP(prefix, name, criticSizes, K, rngs));
  const critics = [1, 2].map((i) => makeCritic(`rebrac/q${i}`, ctx.rngs));
  const criticTargets = critics.map((net) => {
    const t = makeCritic(`${net.loneName}_target`, null);
    t.copyFrom(net);
    return t;
  });
  const actorOptimizer = new MemberAdam(K, actor.online.memberVariables, () => values.vector('lr'));
  const criticOptimizer = new MemberAdam(K, critics.flatMap((c) => c.memberVariables), () => values.vector('lr'));
  const optimizers = [actorOptimizer, criticOptimizer];
  const lastActorMetrics = newVariable(() => tf.zeros([K, 5]), `${prefix}/rebrac/last_actor_metrics`, false);
  const memberVars = [...actor.memberVariables, ...[...critics, ...criticTargets].flatMap((c) => c.memberVariables)];

  const qs = (obs: tf.Tensor3D, actions: tf.Tensor3D, nets: BatchedMLP[]): tf.Tensor2D[] => {
    const input = tf.concat([obs, actions], 2) as tf.Tensor3D;
    return nets.map((n) => tf.squeeze(n.apply(input), [2]) as tf.Tensor2D);
  };
  /** min_i Q_i(s, a), [K, B]: what the actor climbs (CORL's `.min(0)`). */
  const qMin = (obs: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D => minOf(qs(obs, actions, critics));

  return {
    members: K,
    metricNames: ['critic_loss', 'actor_loss', 'lambda', 'bc_loss', 'critic_penalty', 'q_data', 'mc_return', 'q_policy', 'action_std', 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      if (!batch.nextActions) throw new Error('ReBRAC needs the data’s next actions (batch.nextActions) for its critic penalty');
      const nextDataActions = batch.nextActions;
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);

        // Target policy smoothing (TD3), sigma and c per member.
        const nextActions = actor.smoothedTargetActions(nextObs, ctx.rngs, values);
        // ReBRAC eq. 3: y = r + gamma (1 - done) [min_i Q_i_target(s', a') - beta2 ||a' - a'_data||^2].
        const penalty = squaredDistance(nextActions, nextDataActions);
        const nextQ = minOf(qs(nextObs, nextActions, criticTargets));
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), tf.sub(nextQ, tf.mul(values.column('criticBcCoef'), penalty)))) as tf.Tensor2D;

        // L(Q) = sum_i E[(Q_i(s, a) - y)^2] per member, as CORL.
        const criticStep = criticOptimizer.minimize(() => {
          const q = qs(obs, batch.actions, critics);
          const losses = q.map((qi) => perMember(tf.square(tf.sub(qi, y))));
          return { loss: tf.add(losses[0], losses[1]) as tf.Tensor1D, aux: [minOf(q)] };
        });
        const [qData] = criticStep.aux;

        if (updates % delay.policyDelay === 0) {
          // lambda = 1 / mean|Q(s, pi(s))| per member where normalizeQ is on, else 1; detached as CORL.
          const meanAbsQ = perMember(tf.abs(qMin(obs, actor.act(obs))));
          const lambda = tf.where(tf.cast(values.vector('normalizeQ'), 'bool'), tf.div(1, meanAbsQ), tf.onesLike(meanAbsQ)) as tf.Tensor1D;
          // ReBRAC eq. 2 negated: mean[beta1 ||pi(s) - a||^2 - lambda Q(s, pi(s))] per member.
          const actorStep = actorOptimizer.minimize(() => {
            const actions = actor.act(obs);
            const qPolicy = qMin(obs, actions);
            const bc = squaredDistance(actions, batch.actions);
            const loss = perMember(tf.sub(tf.mul(values.column('actorBcCoef'), bc), tf.mul(tf.reshape(lambda, [-1, 1]), qPolicy)));
            return { loss, aux: [perMember(qPolicy), perMember(bc)] };
          });
          const [qPolicy, bcLoss] = actorStep.aux;
          lastActorMetrics.assign(tf.stack([actorStep.loss, lambda, bcLoss, qPolicy, actorStep.gradNorm], 1));
          // Targets follow only after an actor step (TD3's delayed updates, as CORL).
          const tau = values.vector('tau');
          criticTargets.forEach((t, i) => softUpdateMembers(t, critics[i], tau));
          actor.updateTarget(tau);
        }
        updates += 1;

        const [actorLoss, lambda, bcLoss, qPolicy, actorGradNorm] = tf.unstack(lastActorMetrics, 1);
        return tf.stack([criticStep.loss, actorLoss, lambda, bcLoss, perMember(penalty), perMember(qData), perMember(batch.mcReturns), qPolicy, actor.actionStd(obs), criticStep.gradNorm, actorGradNorm], 1) as tf.Tensor2D;
      });
    },

    ...deterministicActorMethods('rebrac', actor, { memberVars, optimizers, values, normalize, extra: [lastActorMetrics] }, delay),
  };
}

export const rebracPopulation: PopulationDef = {
  algorithmId: 'rebrac',
  memberKeys: ['lr', 'tau', 'policyNoise', 'noiseClip', 'actorBcCoef', 'criticBcCoef', 'normalizeQ'],
  create: createReBRACPopulation,
};
