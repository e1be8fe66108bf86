// A2PR (Liu et al., "Adaptive Advantage-Guided Policy Regularization for Offline Reinforcement Learning", ICML 2024)
// for a population of K members trained as one model: algos/a2pr.ts with a leading members axis, its losses shared
// with the lone file (a2prTarget, a2prActorLoss, vaeLoss reduce over the rows, so [K, B] rows give one loss per member).
// The learning rates, alpha, tau, the target smoothing noise and its clip, the regulariser weight (mask), the VAE's
// reconstruction weight and the advantage threshold are per-member device values; the policy delay is shared (every
// member's actor steps on the same updates, as one batched step). Member k and a lone run with its seed and settings
// agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { A2PR_METRICS, a2prActorLoss, a2prTarget, KL_WEIGHT } from '../algos/a2pr';
import { minOf } from '../algos/critics';
import { newVariable, parseHidden } from '../algos/nets';
import { td3bcLambda } from '../algos/td3bc';
import { vaeForward, vaeLoss, type NormalDraw } from '../algos/vae';
import { BatchedCritics } from './batchedCritics';
import { BatchedMLP } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { deterministicActorMethods, MemberDeterministicActor, type SharedDelay } from './memberDeterministicActor';
import { memberNoise } from './memberNoise';
import { perMember } from './perMember';
import { populationBasics } from './populationBasics';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

function createA2PRPopulation(ctx: PopulationContext): PopulationAgent {
  const { K, prefix, hp, hidden, gamma, values, normalize } = populationBasics(ctx, a2prPopulation.memberKeys);
  const vaeHidden = parseHidden(hp.vaeHidden);
  const delay: SharedDelay = { policyDelay: Number(hp.policyDelay) };
  let updates = ctx.startUpdate ?? 0;

  // The lone file's draw order from each member's Rng: actor, twin critics, V, the VAE's encoder and decoder.
  const [obsDim, actDim, latent] = [ctx.observationDim, ctx.actionDim, 2 * ctx.actionDim];
  const actor = new MemberDeterministicActor(prefix, 'a2pr', [obsDim, ...hidden, actDim], K, ctx.rngs);
  const critics = new BatchedCritics(prefix, 'a2pr/q', obsDim, actDim, null, hidden, 2, K, ctx.rngs);
  const value = new BatchedMLP(prefix, 'a2pr/v', [obsDim, ...hidden, 1], K, ctx.rngs);
  const encoder = new BatchedMLP(prefix, 'a2pr/vae/encoder', [obsDim + actDim, ...vaeHidden, 2 * latent], K, ctx.rngs);
  const decoder = new BatchedMLP(prefix, 'a2pr/vae/decoder', [obsDim + latent, ...vaeHidden, actDim], K, ctx.rngs);
  const lr = () => values.vector('lr');
  const actorOptimizer = new MemberAdam(K, actor.online.memberVariables, lr);
  const criticOptimizer = new MemberAdam(K, critics.variables, lr);
  const valueOptimizer = new MemberAdam(K, value.memberVariables, lr);
  const vaeOptimizer = new MemberAdam(K, [...encoder.memberVariables, ...decoder.memberVariables], () => values.vector('vaeLr'));
  const optimizers = [actorOptimizer, criticOptimizer, valueOptimizer, vaeOptimizer];
  const lastActorMetrics = newVariable(() => tf.zeros([K, 8]), `${prefix}/a2pr/last_actor_metrics`, false);
  const memberVars = [...actor.memberVariables, ...critics.networks.flatMap((c) => c.memberVariables), ...[value, encoder, decoder].flatMap((n) => n.memberVariables)];

  // Each member's latent noise from its own Rng, as a lone run draws it ([K, B, latent] -> K draws of [B, latent]).
  const draw: NormalDraw = (shape) => memberNoise(ctx.rngs, shape.slice(1));
  const vae = (obs: tf.Tensor3D, actions: tf.Tensor3D) => vaeForward(encoder, decoder, latent, obs, actions, draw);
  const q1 = (obs: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D => critics.q(obs, actions)[0];
  const V = (obs: tf.Tensor3D): tf.Tensor2D => tf.squeeze(value.apply(obs), [2]) as tf.Tensor2D;

  return {
    members: K,
    metricNames: A2PR_METRICS,

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const notDone = tf.mul(gamma, tf.sub(1, batch.dones));

        // TD3 target with policy smoothing (sigma and c per member) and clipped double Q.
        const nextActions = actor.smoothedTargetActions(nextObs, ctx.rngs, values);
        const y = tf.add(batch.rewards, tf.mul(notDone, minOf(critics.q(nextObs, nextActions, 'target'))));

        // L(Q) = sum_i E[(Q_i(s, a) - y)^2] per member.
        const criticStep = criticOptimizer.minimize(() => {
          const qs = critics.q(obs, batch.actions);
          const losses = qs.map((q) => perMember(tf.square(tf.sub(q, y))));
          return { loss: tf.add(losses[0], losses[1]) as tf.Tensor1D, aux: [qs[0]] };
        });

        // L(V) against min(target-critic y, updated-critic y), as the lone file (sec. 4.1, the official code's form).
        const vTarget = tf.minimum(y, tf.add(batch.rewards, tf.mul(notDone, minOf(critics.q(nextObs, nextActions)))));
        const valueStep = valueOptimizer.minimize(() => {
          const v = V(obs);
          return { loss: perMember(tf.square(tf.sub(v, vTarget))), aux: [v] };
        });
        const [vData] = valueStep.aux;

        const advData = tf.sub(q1(obs, batch.actions), vData) as tf.Tensor2D;
        const epsilon = values.column('advantageThreshold');
        const goodData = tf.cast(tf.greater(advData, epsilon), 'float32') as tf.Tensor2D;

        // EPBL (sec. 4.1): the ELBO with the reconstruction weighted by vae_weight * 1[A(s, a) > eps], per member.
        const vaeStep = vaeOptimizer.minimize(() => {
          const { reconstruction, mean, std } = vae(obs, batch.actions);
          const out = vaeLoss(reconstruction, batch.actions, mean, std, tf.mul(values.column('vaeWeight'), goodData), KL_WEIGHT);
          return { loss: out.loss as tf.Tensor1D, aux: [out.recon, out.kl] };
        });
        const [reconLoss, klLoss] = vaeStep.aux;

        if (updates % delay.policyDelay === 0) {
          const lambda = td3bcLambda<tf.Tensor1D>(q1(obs, actor.act(obs)), values.vector('alpha'));
          // a~ = VAE(s, pi(s)), a constant target (see the lone file).
          const vaeActions = vae(obs, actor.act(obs)).reconstruction as tf.Tensor3D;
          const advVae = tf.sub(q1(obs, vaeActions), vData) as tf.Tensor2D;
          const { target, weight, fromVae } = a2prTarget(batch.actions, vaeActions, advData, advVae, values.column('mask'), epsilon);
          const actorStep = actorOptimizer.minimize(() => {
            const actions = actor.act(obs);
            const qPolicy = q1(obs, actions);
            const out = a2prActorLoss(qPolicy, actions, target, weight, lambda);
            return { loss: out.loss as tf.Tensor1D, aux: [perMember(qPolicy), out.bc] };
          });
          const [qPolicy, bcLoss] = actorStep.aux;
          lastActorMetrics.assign(tf.stack([actorStep.loss, lambda, bcLoss, qPolicy, actorStep.gradNorm, perMember(advVae), perMember(fromVae), perMember(weight)], 1));
          critics.updateTargets(values.vector('tau'));
          actor.updateTarget(values.vector('tau'));
        }
        updates += 1;

        const [actorLoss, lambda, bcLoss, qPolicy, actorGradNorm, advVae, vaeShare, bcWeight] = tf.unstack(lastActorMetrics, 1);
        return tf.stack([
          criticStep.loss, valueStep.loss, vaeStep.loss, reconLoss, klLoss, actorLoss, lambda, bcLoss,
          perMember(criticStep.aux[0]), perMember(batch.mcReturns), qPolicy, perMember(vData), perMember(advData), perMember(goodData), advVae, vaeShare, bcWeight,
          actor.actionStd(obs), criticStep.gradNorm, valueStep.gradNorm, vaeStep.gradNorm, actorGradNorm,
        ], 1) as tf.Tensor2D;
      });
    },

    ...deterministicActorMethods('a2pr', actor, { memberVars, optimizers, values, normalize, extra: [lastActorMetrics] }, delay),
  };
}

export const a2prPopulation: PopulationDef = {
  algorithmId: 'a2pr',
  memberKeys: ['lr', 'vaeLr', 'alpha', 'tau', 'policyNoise', 'noiseClip', 'mask', 'vaeWeight', 'advantageThreshold'],
  create: createA2PRPopulation,
};
