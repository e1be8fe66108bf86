// AWAC (Nair, Gupta, Dalal & Levine, "AWAC: Accelerating Online Reinforcement Learning with Offline Datasets", 2020) for
// a population of K members trained as one model: algos/awac.ts with a leading members axis. lambda, tau and the
// learning rate are per-member device values. Each member's sampled actions come from its own Rng in the lone run's
// order, so member k and a lone run with its seed and settings agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { minOf } from '../algos/critics';
import { categoricalEntropy, clippedGaussianFromNoise, gaussianEntropy, gaussianLogProb, LOG_STD_MAX, LOG_STD_MIN } from '../algos/distributions';
import { advantageWeights, EXP_ADV_MAX, pickActions } from '../algos/losses';
import { BatchedCritics } from './batchedCritics';
import { BatchedMLP } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { memberNoise } from './memberNoise';
import { memberVariable } from './memberVariables';
import { memberMethods } from './memberStates';
import { perMember } from './perMember';
import { populationBasics } from './populationBasics';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

function createAWACPopulation(ctx: PopulationContext): PopulationAgent {
  const { K, prefix, discrete, hidden, gamma, values, normalize } = populationBasics(ctx, awacPopulation.memberKeys);
  const n = ctx.discreteActions ?? 0;

  // The lone file's draw order from each member's Rng: the twin critics, then the actor; log std starts at 0.
  const critics = new BatchedCritics(prefix, 'awac/q', ctx.observationDim, ctx.actionDim, ctx.discreteActions, hidden, 2, K, ctx.rngs);
  const actor = new BatchedMLP(prefix, 'awac/actor', [ctx.observationDim, ...hidden, discrete ? n : ctx.actionDim], K, ctx.rngs);
  const logStd = discrete ? null : memberVariable(() => tf.zeros([K, 1, ctx.actionDim]), `${prefix}/awac/actor_log_std`, 'awac/actor_log_std', [1, ctx.actionDim]);
  const criticOptimizer = new MemberAdam(K, critics.variables, () => values.vector('lr'));
  const actorOptimizer = new MemberAdam(K, logStd ? [...actor.memberVariables, logStd] : actor.memberVariables, () => values.vector('lr'));
  const optimizers = [criticOptimizer, actorOptimizer];
  const memberVars = [...actor.memberVariables, ...critics.networks.flatMap((c) => c.memberVariables), ...(logStd ? [logStd] : [])];

  const clippedLogStd = () => tf.clipByValue(logStd!.variable, LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor3D;
  /** a ~ pi(.|s) clamped to [-1, 1], each member's noise from its own Rng (continuous only). */
  const sample = (mean: tf.Tensor3D): tf.Tensor3D => clippedGaussianFromNoise(mean, clippedLogStd(), memberNoise(ctx.rngs, mean.shape.slice(1)));
  const logProb = (out: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D =>
    discrete ? pickActions(tf.logSoftmax(out), tf.cast(tf.squeeze(actions, [2]), 'int32') as tf.Tensor2D, n) : gaussianLogProb(actions, out, clippedLogStd());
  /** V^pi(s) = E_{a ~ pi} min_i Q_i(s, a): exact over the actions (discrete), one sampled action (continuous). */
  const value = (obs: tf.Tensor3D, out: tf.Tensor3D, which: 'online' | 'target'): tf.Tensor2D =>
    discrete ? (tf.sum(tf.mul(tf.softmax(out), minOf(critics.all(obs, which))), -1) as tf.Tensor2D) : minOf(critics.q(obs, sample(out), which));

  return {
    members: K,
    metricNames: ['critic_loss', 'actor_loss', 'q_data', 'mc_return', 'q_policy', 'advantage', 'weight_mean', 'weight_clipped', 'entropy', 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);

        // Policy evaluation: y = r + gamma (1 - done) min_i Q_i_target(s', a'), a' ~ pi(.|s').
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), value(nextObs, actor.apply(nextObs), 'target'))) as tf.Tensor2D;
        // L(Q) = sum_i E[(Q_i(s, a) - y)^2] per member.
        const criticStep = criticOptimizer.minimize(() => {
          const [l1, l2] = critics.q(obs, batch.actions).map((q) => perMember(tf.square(tf.sub(q, y))));
          return { loss: tf.add(l1, l2) as tf.Tensor1D, aux: [] };
        });

        // A(s, a) = Q(s, a) - V(s) with the updated critics; weights exp(A / lambda) clipped at 100, lambda per member.
        const qData = minOf(critics.q(obs, batch.actions));
        const v = value(obs, actor.apply(obs), 'online');
        const advantage = tf.sub(qData, v) as tf.Tensor2D;
        const weights = advantageWeights(advantage, tf.div(1, values.column('lambda')));
        // L(pi) = -E[log pi(a|s) exp(A(s, a) / lambda)] per member.
        const actorStep = actorOptimizer.minimize(() => {
          const out = actor.apply(obs);
          return { loss: tf.neg(perMember(tf.mul(weights, logProb(out, batch.actions)))) as tf.Tensor1D, aux: [out] };
        });
        const [out] = actorStep.aux as [tf.Tensor3D];
        critics.updateTargets(values.vector('tau'));

        const entropy = discrete ? perMember(categoricalEntropy(out)) : tf.reshape(gaussianEntropy(clippedLogStd()), [K]);
        const clipped = perMember(tf.cast(tf.greaterEqual(weights, EXP_ADV_MAX), 'float32'));
        return tf.stack(
          [criticStep.loss, actorStep.loss, perMember(qData), perMember(batch.mcReturns), perMember(v), perMember(advantage), perMember(weights), clipped, entropy, criticStep.gradNorm, actorStep.gradNorm],
          1,
        ) as tf.Tensor2D;
      });
    },

    act(observations: tf.Tensor3D): tf.Tensor {
      return tf.tidy(() => {
        const out = actor.apply(normalize.apply(observations));
        return discrete ? tf.argMax(out, 2) : tf.clipByValue(out, -1, 1);
      });
    },

    ...memberMethods('awac', K, { memberVars, optimizers, values, normalize }),
  };
}

export const awacPopulation: PopulationDef = {
  algorithmId: 'awac',
  memberKeys: ['lambda', 'tau', 'lr'],
  create: createAWACPopulation,
};
