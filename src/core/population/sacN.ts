// SAC-N and EDAC (An, Moon, Kim & Song, "Uncertainty-Based Offline Reinforcement Learning with Diversified Q-Ensemble",
// NeurIPS 2021, arXiv:2110.01548) for a population of K members trained as one model: algos/sacN.ts with a leading
// members axis. Each member's N critics sit in one [K, N, ...] ensemble (batchedEnsemble.ts), so one batched product per
// layer serves all K x N critics. The critic, actor and alpha learning rates, tau and EDAC's eta are per-member device
// values; N, the network shapes and gamma are shared. Each member draws its initial weights, policy noise and random
// actions from its own Rng in the lone run's order, so member k and a lone run with its seed and settings agree update
// by update (tests/unit/population.sacN.test.ts).
import * as tf from '@tensorflow/tfjs';
import { tanhGaussianFromNoise } from '../algos/distributions';
import { ensembleQ, forEveryMember, minOverMembers, stdOverMembers } from '../algos/ensemble';
import { sacTarget } from '../algos/sac';
import { CRITIC_INIT, EDAC_HIDDEN_BIAS, EDAC_LOG_STD_MAX, EDAC_LOG_STD_MIN, edacActorOutputLayer, ensembleMetricNames, ensembleSimilarity } from '../algos/sacN';
import { BatchedEnsemble } from './batchedEnsemble';
import { BatchedMLP } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { memberNoise, memberUniform } from './memberNoise';
import { memberMethods } from './memberStates';
import { memberVariable } from './memberVariables';
import { perMember } from './perMember';
import { populationBasics } from './populationBasics';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

/** Member k's actor output layer from its Rng (algos/sacN.ts's EDAC init), after the actor's own draws; hidden biases 0.1. */
function edacActorInit(actor: BatchedMLP, rngs: PopulationContext['rngs']): void {
  const last = actor.weights.length - 1;
  const [fanIn, fanOut] = [actor.sizes[last], actor.sizes[last + 1]];
  const draws = rngs.map((rng) => edacActorOutputLayer(fanIn, fanOut, rng));
  const flat = (part: 'w' | 'b') => Float32Array.from(draws.flatMap((d) => Array.from(d[part])));
  tf.tidy(() => {
    actor.biases.forEach((b, l) => {
      if (l < last) b.assign(tf.fill(b.shape, EDAC_HIDDEN_BIAS));
    });
    actor.weights[last].assign(tf.tensor(flat('w'), actor.weights[last].shape));
    actor.biases[last].assign(tf.tensor(flat('b'), actor.biases[last].shape));
  });
}

function createEnsemblePopulationAgent(ctx: PopulationContext, id: 'sac-n' | 'edac', memberKeys: readonly string[]): PopulationAgent {
  if (ctx.discreteActions !== null) throw new Error(`${id} needs continuous actions`);
  const { K, prefix, hp, hidden, gamma, values, normalize } = populationBasics(ctx, memberKeys);
  const A = ctx.actionDim;
  const N = Number(hp.numCritics);
  const diversify = id === 'edac';
  const targetEntropy = -A;

  // The lone file's draw order from each member's Rng: the actor, its EDAC output layer, then the critics.
  const actor = new BatchedMLP(prefix, `${id}/actor`, [ctx.observationDim, ...hidden, 2 * A], K, ctx.rngs);
  edacActorInit(actor, ctx.rngs);
  const criticSizes = [ctx.observationDim + A, ...hidden, 1];
  const critic = new BatchedEnsemble(prefix, `${id}/q`, N, criticSizes, K, ctx.rngs, CRITIC_INIT);
  const target = new BatchedEnsemble(prefix, `${id}/q_target`, N, criticSizes, K, null);
  target.copyFrom(critic);
  const logAlpha = memberVariable(() => tf.zeros([K, 1]), `${prefix}/${id}/log_alpha`, `${id}/log_alpha`, []);
  // The lone run's creation order: alpha, actor, critics (its checkpoints list the Adams so).
  const alphaOptimizer = new MemberAdam(K, [logAlpha], () => values.vector('alphaLr'));
  const actorOptimizer = new MemberAdam(K, actor.memberVariables, () => values.vector('actorLr'));
  const criticOptimizer = new MemberAdam(K, critic.memberVariables, () => values.vector('lr'));
  const memberVars = [...critic.memberVariables, ...target.memberVariables, ...actor.memberVariables, logAlpha];

  /** The actor's Gaussian before the tanh, each [K, n, A]: the first A outputs are the mean, the next A the log std. */
  const gaussian = (obs: tf.Tensor3D): { mean: tf.Tensor3D; logStd: tf.Tensor3D } => {
    const out = actor.apply(obs);
    const mean = tf.slice(out, [0, 0, 0], [-1, -1, A]) as tf.Tensor3D;
    const logStd = tf.clipByValue(tf.slice(out, [0, 0, A], [-1, -1, A]), EDAC_LOG_STD_MIN, EDAC_LOG_STD_MAX) as tf.Tensor3D;
    return { mean, logStd };
  };
  /** A reparameterised sample of every member's policy, its noise from the member's own Rng. */
  const policy = (obs: tf.Tensor3D) => {
    const { mean, logStd } = gaussian(obs);
    return tanhGaussianFromNoise(mean, logStd, memberNoise(ctx.rngs, mean.shape.slice(1)));
  };
  /** Q_i(s, a) of every member's N critics, [K, N, B]. */
  const qAll = (net: BatchedEnsemble, obs: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor3D => ensembleQ(net, N, obs, actions);

  return {
    members: K,
    metricNames: ensembleMetricNames(diversify),

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);

        // J(alpha) = E[-log alpha (log pi(a|s) + target entropy)], a ~ pi(s) (SAC, Haarnoja et al. 2018, eq. 18), per member.
        const alphaSample = policy(obs).logProb; // a constant here: only log alpha is differentiated
        const alphaStep = alphaOptimizer.minimize(() => ({ loss: tf.neg(perMember(tf.mul(logAlpha.variable, tf.add(alphaSample, targetEntropy)))), aux: [] }));
        const alpha = tf.exp(logAlpha.variable) as tf.Tensor2D; // [K, 1]

        // J_pi = E[alpha log pi(a|s) - min_j Q_j(s, a)], a ~ pi(s) reparameterised (An et al. 2021, Sec. 3.2).
        const actorStep = actorOptimizer.minimize(() => {
          const { action, logProb } = policy(obs);
          const q = qAll(critic, obs, action);
          return { loss: perMember(tf.sub(tf.mul(alpha, logProb), minOverMembers(q))), aux: [logProb, q] };
        });
        const [logProb, qPolicyAll] = actorStep.aux as [tf.Tensor2D, tf.Tensor3D];

        // y = r + gamma (1 - d) (min_j Q_target_j(s', a') - alpha log pi(a'|s')), a' ~ pi(s') (Sec. 3.2), [K, B].
        const next = policy(nextObs);
        const y = sacTarget(batch.rewards, batch.dones, minOverMembers(qAll(target, nextObs, next.action)), next.logProb, alpha, gamma, true);
        const criticStep = criticOptimizer.minimize(() => {
          const input = forEveryMember(tf.concat([obs, batch.actions], 2) as tf.Tensor3D, N);
          const forward = diversify ? critic.applyWithInputGradient(input) : { out: critic.apply(input), inputGradient: null };
          const q = tf.squeeze(forward.out, [3]) as tf.Tensor3D;
          // sum_i E[(Q_i(s, a) - y)^2] per member (Sec. 3.2, summed over the ensemble as CORL).
          const td = tf.sum(tf.mean(tf.square(tf.sub(q, tf.expandDims(y, 1))), 2), 1) as tf.Tensor1D;
          if (!forward.inputGradient) return { loss: td, aux: [td, q] };
          // + eta * ES, EDAC's ensemble similarity of grad_a Q_i (Sec. 4.2; the last A input columns are the action).
          const gradA = tf.slice(forward.inputGradient, [0, 0, 0, ctx.observationDim], [-1, -1, -1, A]) as tf.Tensor4D;
          const similarity = ensembleSimilarity(gradA);
          return { loss: tf.add(td, tf.mul(values.vector('eta'), similarity)) as tf.Tensor1D, aux: [td, q, similarity] };
        });
        const [td, qDataAll, similarity] = criticStep.aux as [tf.Tensor1D, tf.Tensor3D, tf.Tensor1D | undefined];
        target.softUpdateFrom(critic, values.vector('tau'));

        // CORL's q_random_std: the spread at uniform random actions, after the step, from each member's Rng.
        const qRandomAll = qAll(critic, obs, memberUniform(ctx.rngs, batch.actions.shape.slice(1), -1, 1) as tf.Tensor3D);
        const qData = minOverMembers(qDataAll);

        return tf.stack(
          [
            similarity ? criticStep.loss : td, // without the diversity term the loss is the TD loss itself
            td,
            ...(similarity ? [similarity] : []),
            actorStep.loss,
            alphaStep.loss,
            tf.reshape(alpha, [K]),
            tf.neg(perMember(logProb)),
            perMember(qData),
            perMember(minOverMembers(qPolicyAll)),
            perMember(y),
            perMember(batch.mcReturns),
            perMember(tf.abs(tf.sub(qData, y))),
            perMember(stdOverMembers(qDataAll)),
            perMember(stdOverMembers(qPolicyAll)),
            perMember(stdOverMembers(qRandomAll)),
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

    ...memberMethods(id, K, { memberVars, optimizers: [alphaOptimizer, actorOptimizer, criticOptimizer], values, normalize }),
  };
}

/** Per-member keys of SAC-N; EDAC adds its diversity weight. Everything else (N, shapes, gamma, batch size) is shared. */
const SAC_N_MEMBER_KEYS = ['lr', 'actorLr', 'alphaLr', 'tau'];
const EDAC_MEMBER_KEYS = [...SAC_N_MEMBER_KEYS, 'eta'];

export const sacNPopulation: PopulationDef = {
  algorithmId: 'sac-n',
  memberKeys: SAC_N_MEMBER_KEYS,
  create: (ctx) => createEnsemblePopulationAgent(ctx, 'sac-n', SAC_N_MEMBER_KEYS),
};

export const edacPopulation: PopulationDef = {
  algorithmId: 'edac',
  memberKeys: EDAC_MEMBER_KEYS,
  create: (ctx) => createEnsemblePopulationAgent(ctx, 'edac', EDAC_MEMBER_KEYS),
};
