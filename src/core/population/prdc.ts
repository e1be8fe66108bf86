// PRDC (Ran, Li, Zhang, Zhang & Yu, "Policy Regularization with Dataset Constraint for Offline Reinforcement
// Learning", ICML 2023) for a population of K members trained as one model: algos/prdc.ts with a leading members axis,
// on TD3+BC's population parts (memberDeterministicActor.ts, batchedCritics.ts). The dataset is shared, so the
// nearest-neighbour index over its (beta * s, a) rows is built once and serves every member; beta shapes that index and
// is therefore shared. Each actor step queries it with the K x B points (beta * s, pi_k(s)) of every member's own policy
// in one read from the device. alpha, tau, the learning rate and the target smoothing noise are per-member device
// values; the policy delay is shared, as in TD3+BC's population. Member k and a lone run with its seed and settings
// agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { DatasetConstraintIndex } from '../algos/prdc';
import { td3bcActorLoss, td3bcLambda } from '../algos/td3bc';
import { deterministicActorMethods } from './memberDeterministicActor';
import { perMember } from './perMember';
import { createTD3Members } from './td3Members';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

/** The neighbours of one actor step: a* rows [K, B, actionDim] and each member's mean distance to its neighbours. */
interface Found {
  actions: Float32Array;
  meanDistances: Float32Array;
}

function createPRDCPopulation(ctx: PopulationContext): PopulationAgent {
  const K = ctx.members;
  // Networks in the lone file's draw order, Adams, per-member values and the shared delay: td3Members.ts.
  const parts = createTD3Members(ctx, 'prdc', prdcPopulation.memberKeys, 6);
  const { values, delay, actor, critics, actorOptimizer, criticOptimizer, normalize, lastActorMetrics, memberVars, q1 } = parts;
  const optimizers = [actorOptimizer, criticOptimizer];
  const beta = Number(ctx.hyperparameters[0].beta); // shared: it shapes the one index
  let updates = ctx.startUpdate ?? 0;

  // Built once from the shared dataset. Without one (the backend choice's measurement on a synthetic batch) it is built
  // from every member's rows of the first batch, which then stand for the data, as the lone file does.
  let index: DatasetConstraintIndex | null = ctx.dataset ? DatasetConstraintIndex.fromDataset(ctx.dataset, ctx.actionScale ?? null, beta, normalize.stats) : null;
  const indexFrom = (observations: Float32Array, actions: Float32Array) => new DatasetConstraintIndex(observations, actions, ctx.observationDim, ctx.actionDim, beta, normalize.stats);
  /** (beta * s, pi_k(s)) for every member's batch states: [K, B, observationDim + actionDim]. */
  const queryKeys = (batch: MemberBatch): tf.Tensor3D =>
    tf.tidy(() => {
      const obs = normalize.apply(batch.observations);
      return tf.concat([tf.mul(obs, beta), actor.act(obs)], 2) as tf.Tensor3D;
    });
  /** Every member's K x B queries answered in one pass over the shared index; distances averaged per member. */
  const search = (keys: Float32Array | ArrayLike<number>, B: number): Found => {
    const width = ctx.observationDim + ctx.actionDim;
    const all = keys instanceof Float32Array ? keys : Float32Array.from(keys);
    const actions = new Float32Array(K * B * ctx.actionDim);
    const meanDistances = new Float32Array(K);
    for (let k = 0; k < K; k++) {
      const found = index!.neighbourActions(all.subarray(k * B * width, (k + 1) * B * width), B);
      actions.set(found.actions, k * B * ctx.actionDim);
      meanDistances[k] = found.meanDistance;
    }
    return { actions, meanDistances };
  };
  let prepared: { batch: MemberBatch; found: Found } | null = null;


  return {
    members: K,
    metricNames: ['critic_loss', 'actor_loss', 'lambda', 'dc_loss', 'nn_distance', 'q_data', 'mc_return', 'q_policy', 'action_std', 'critic_grad_norm', 'actor_grad_norm'],

    async prepareUpdate(batch: MemberBatch): Promise<void> {
      prepared = null;
      index ??= indexFrom((await batch.observations.data()) as Float32Array, (await batch.actions.data()) as Float32Array);
      if (updates % delay.policyDelay !== 0) return;
      // One async read of all members' keys; the actors do not move before the actor step (the critic step comes first).
      const keys = queryKeys(batch);
      const read = await keys.data();
      keys.dispose();
      prepared = { batch, found: search(read, batch.actions.shape[1]) };
    },

    update(batch: MemberBatch): tf.Tensor2D {
      index ??= indexFrom(batch.observations.dataSync() as Float32Array, batch.actions.dataSync() as Float32Array);
      const ready = prepared?.batch === batch ? prepared.found : null;
      prepared = null;
      return tf.tidy(() => {
        // Critic: TD3's, target smoothing with each member's noise scale and clip (td3Members.ts).
        const criticStep = parts.criticStep(batch);
        const { obs } = criticStep;
        const qData = criticStep.qData;

        if (updates % delay.policyDelay === 0) {
          // The dataset constraint: a* of the row nearest to (beta s, pi_k(s)) for every member's rows (found in
          // prepareUpdate, or here with a synchronous read when update is called alone), then one upload of the a* rows.
          const found = ready ?? search(queryKeys(batch).dataSync(), batch.actions.shape[1]);
          const aStar = tf.tensor3d(found.actions, batch.actions.shape as [number, number, number]);
          // lambda = alpha / mean|Q(s, pi(s))| per member, detached (TD3+BC eq. 3, which PRDC keeps).
          const lambda = td3bcLambda<tf.Tensor1D>(q1(obs, actor.act(obs)), values.vector('alpha'));
          const actorStep = actorOptimizer.minimize(() => {
            const actions = actor.act(obs);
            const qPolicy = q1(obs, actions);
            // The lone file's loss (TD3+BC's with the data's action replaced by a*), reduced per member.
            const { loss, bc: dc } = td3bcActorLoss<tf.Tensor1D>(qPolicy, actions, aStar, lambda);
            return { loss, aux: [perMember(qPolicy), dc] };
          });
          const [qPolicy, dcLoss] = actorStep.aux;
          lastActorMetrics.assign(tf.stack([actorStep.loss, lambda, dcLoss, tf.tensor1d(found.meanDistances), qPolicy, actorStep.gradNorm], 1));
          critics.updateTargets(values.vector('tau'));
          actor.updateTarget(values.vector('tau'));
        }
        updates += 1;

        const [actorLoss, lambda, dcLoss, nnDistance, qPolicy, actorGradNorm] = tf.unstack(lastActorMetrics, 1);
        return tf.stack([criticStep.loss, actorLoss, lambda, dcLoss, nnDistance, perMember(qData), perMember(batch.mcReturns), qPolicy, actor.actionStd(obs), criticStep.gradNorm, actorGradNorm], 1) as tf.Tensor2D;
      });
    },

    ...deterministicActorMethods('prdc', actor, { memberVars, optimizers, values, normalize, extra: [lastActorMetrics] }, delay),
  };
}

export const prdcPopulation: PopulationDef = {
  algorithmId: 'prdc',
  memberKeys: ['lr', 'alpha', 'tau', 'policyNoise', 'noiseClip'],
  create: createPRDCPopulation,
};
