// Offline Soft Actor-Critic (Haarnoja et al., "Soft Actor-Critic Algorithms and Applications", arXiv:1812.05905, 2018:
// twin Q, automatic entropy temperature) for a population of K members trained as one model: algos/sac.ts with a
// leading members axis. The critic and actor learning rates, tau and the entropy backup are per-member device values;
// every member tunes its own log alpha. Each member's policy noise comes from its own Rng in the lone run's order, so
// member k and a lone run with its seed and settings agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { observationNormalizer } from '../algos/common';
import { minOf } from '../algos/critics';
import { LOG_STD_MAX, LOG_STD_MIN, tanhGaussianFromNoise } from '../algos/distributions';
import { parseHidden } from '../algos/nets';
import { LOG_STD_OFFSET } from '../algos/sac';
import { BatchedCritics } from './batchedCritics';
import { BatchedMLP } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { memberNoise } from './memberNoise';
import { MemberValues } from './memberValues';
import { memberVariable, populationPrefix } from './memberVariables';
import { memberMethods } from './memberStates';
import { perMember } from './perMember';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

function createSACPopulation(ctx: PopulationContext): PopulationAgent {
  if (ctx.discreteActions !== null) throw new Error('sac needs continuous actions');
  const K = ctx.members;
  const A = ctx.actionDim;
  const prefix = populationPrefix();
  const hp = ctx.hyperparameters[0];
  const hidden = parseHidden(hp.hidden);
  const gamma = Number(hp.gamma); // shared: the dataset's Monte-Carlo returns are discounted with it
  const targetEntropy = -A;
  const values = new MemberValues(prefix, sacPopulation.memberKeys, ctx.hyperparameters);

  // The lone file's draw order from each member's Rng: the twin critics, then the actor; log alpha starts at 0.
  const critics = new BatchedCritics(prefix, 'sac/q', ctx.observationDim, A, null, hidden, 2, K, ctx.rngs);
  const actor = new BatchedMLP(prefix, 'sac/actor', [ctx.observationDim, ...hidden, 2 * A], K, ctx.rngs);
  const logAlpha = memberVariable(() => tf.zeros([K, 1]), `${prefix}/sac/log_alpha`, 'sac/log_alpha', []);
  const criticOptimizer = new MemberAdam(K, critics.variables, () => values.vector('lr'));
  const actorOptimizer = new MemberAdam(K, actor.memberVariables, () => values.vector('actorLr'));
  const alphaOptimizer = new MemberAdam(K, [logAlpha], () => values.vector('actorLr'));
  const optimizers = [criticOptimizer, actorOptimizer, alphaOptimizer];
  const normalize = observationNormalizer({ ...ctx, hyperparameters: hp, rng: ctx.rngs[0] }, Boolean(hp.normalizeStates));
  const memberVars = [...critics.networks.flatMap((c) => c.memberVariables), ...actor.memberVariables, logAlpha];

  /** The actor's Gaussian before the tanh, each [K, n, A]: the first A outputs are the mean, the next A the log std. */
  const gaussian = (obs: tf.Tensor3D): { mean: tf.Tensor3D; logStd: tf.Tensor3D } => {
    const out = actor.apply(obs);
    const mean = tf.slice(out, [0, 0, 0], [-1, -1, A]) as tf.Tensor3D;
    const logStd = tf.clipByValue(tf.add(tf.slice(out, [0, 0, A], [-1, -1, A]), LOG_STD_OFFSET), LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor3D;
    return { mean, logStd };
  };
  /** A reparameterised sample of every member's policy, its noise from the member's own Rng. */
  const policy = (obs: tf.Tensor3D) => {
    const { mean, logStd } = gaussian(obs);
    return tanhGaussianFromNoise(mean, logStd, memberNoise(ctx.rngs, mean.shape.slice(1)));
  };
  const minQ = (obs: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D => minOf(critics.q(obs, actions));

  return {
    members: K,
    metricNames: ['td_loss', 'actor_loss', 'alpha_loss', 'entropy_alpha', 'entropy', 'q_data', 'q_policy', 'target_q', 'mc_return', 'td_error', 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const alpha = tf.exp(logAlpha.variable) as tf.Tensor2D; // [K, 1]

        // y = r + gamma (1 - done) (min_i Q_target_i(s', a') - backup alpha log pi(a'|s')), a' ~ pi(s') (eqs. 3, 5).
        const next = policy(nextObs);
        const entropyTerm = tf.mul(tf.mul(values.column('backupEntropy'), alpha), next.logProb);
        const soft = tf.sub(minOf(critics.q(nextObs, next.action, 'target')), entropyTerm);
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), soft)) as tf.Tensor2D;

        // J_Q = sum_i E[(Q_i(s, a) - y)^2] per member (eq. 5; the sum over the twins as CORL).
        const criticStep = criticOptimizer.minimize(() => {
          const qs = critics.q(obs, batch.actions);
          const [l1, l2] = qs.map((q) => perMember(tf.square(tf.sub(q, y))));
          return { loss: tf.add(l1, l2) as tf.Tensor1D, aux: [minOf(qs)] };
        });
        const [qData] = criticStep.aux;

        // J_pi = E[alpha log pi(a|s) - min_i Q_i(s, a)], a ~ pi(s) reparameterised (eq. 7), alpha per member.
        const actorStep = actorOptimizer.minimize(() => {
          const { action, logProb } = policy(obs);
          const qPolicy = minQ(obs, action);
          return { loss: perMember(tf.sub(tf.mul(alpha, logProb), qPolicy)), aux: [logProb, qPolicy] };
        });
        const [logProb, qPolicy] = actorStep.aux;

        // J(alpha) = E[-log alpha (log pi(a|s) + target entropy)] (eq. 18, on log alpha as CORL), per member.
        const alphaStep = alphaOptimizer.minimize(() => ({ loss: tf.neg(perMember(tf.mul(logAlpha.variable, tf.add(logProb, targetEntropy)))), aux: [] }));
        critics.updateTargets(values.vector('tau'));

        return tf.stack(
          [
            criticStep.loss,
            actorStep.loss,
            alphaStep.loss,
            tf.reshape(alpha, [K]),
            tf.neg(perMember(logProb)),
            perMember(qData),
            perMember(qPolicy),
            perMember(y),
            perMember(batch.mcReturns),
            perMember(tf.abs(tf.sub(qData, y))),
            criticStep.gradNorm,
            actorStep.gradNorm,
          ],
          1,
        ) as tf.Tensor2D;
      });
    },

    act(observations: tf.Tensor3D): tf.Tensor {
      return tf.tidy(() => tf.tanh(gaussian(normalize.apply(observations)).mean));
    },

    ...memberMethods('sac', K, { memberVars, optimizers, values, normalize }),
  };
}

export const sacPopulation: PopulationDef = {
  algorithmId: 'sac',
  memberKeys: ['lr', 'actorLr', 'tau', 'backupEntropy'],
  create: createSACPopulation,
};
