// Implicit Q-Learning (Kostrikov, Nair & Levine, ICLR 2022) for a population of K members trained as one model:
// algos/iql.ts and the networks of algos/valueAgentShell.ts with a leading members axis. The losses are the lone run's own
// functions (algos/iqlLosses.ts: eq. 5 expectile V, eq. 6 Q regression, eq. 7 advantage-weighted actor, each reduced
// over the rows, so per member here) with [K, 1] hyperparameter columns; every hyperparameter that
// may differ between members is a device vector read by the update. Member k and a lone run with member k's seed and
// settings agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { observationNormalizer } from '../algos/common';
import { minOf } from '../algos/critics';
import { categoricalEntropy, gaussianEntropy, gaussianLogProb, LOG_STD_MAX, LOG_STD_MIN } from '../algos/distributions';
import { iqlQLoss, iqlTarget, iqlValueLoss, weightedLogLikelihoodLoss } from '../algos/iqlLosses';
import { advantageWeights, pickActions } from '../algos/losses';
import { parseHidden } from '../algos/nets';
import { BatchedCritics } from './batchedCritics';
import { BatchedMLP } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { MemberValues } from './memberValues';
import { perMember } from './perMember';
import { memberVariable, populationPrefix } from './memberVariables';
import { memberMethods } from './memberStates';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

function createIQLPopulation(ctx: PopulationContext): PopulationAgent {
  const K = ctx.members;
  const prefix = populationPrefix();
  const hp = ctx.hyperparameters[0];
  const discrete = ctx.discreteActions !== null;
  const n = ctx.discreteActions ?? 0;
  const hidden = parseHidden(hp.hidden);
  const gamma = Number(hp.gamma); // shared: the dataset's Monte-Carlo returns (mc_return) are discounted with it
  const values = new MemberValues(prefix, iqlPopulation.memberKeys, ctx.hyperparameters);
  let updates = ctx.startUpdate ?? 0;

  // The lone shell's draw order from each member's Rng: twin Q, V, actor.
  const critics = new BatchedCritics(prefix, 'iql/q', ctx.observationDim, ctx.actionDim, ctx.discreteActions, hidden, 2, K, ctx.rngs);
  const value = new BatchedMLP(prefix, 'iql/v', [ctx.observationDim, ...hidden, 1], K, ctx.rngs);
  const actor = new BatchedMLP(prefix, 'iql/actor', [ctx.observationDim, ...hidden, discrete ? n : ctx.actionDim], K, ctx.rngs);
  const logStd = discrete ? null : memberVariable(() => tf.zeros([K, 1, ctx.actionDim]), `${prefix}/iql/actor_log_std`, 'iql/actor_log_std', [1, ctx.actionDim]);
  let actorLr: tf.Tensor1D | null = null; // this update's scheduled rates, set before the actor step
  const qOptimizer = new MemberAdam(K, critics.variables, () => values.vector('lr'));
  const vOptimizer = new MemberAdam(K, value.memberVariables, () => values.vector('lr'));
  const actorOptimizer = new MemberAdam(K, logStd ? [...actor.memberVariables, logStd] : actor.memberVariables, () => actorLr!);
  const optimizers = [qOptimizer, vOptimizer, actorOptimizer];
  const normalize = observationNormalizer({ ...ctx, hyperparameters: hp, rng: ctx.rngs[0] }, Boolean(hp.normalizeStates));
  const memberVars = [...critics.networks.flatMap((c) => c.memberVariables), ...value.memberVariables, ...actor.memberVariables, ...(logStd ? [logStd] : [])];

  const V = (obs: tf.Tensor3D): tf.Tensor2D => tf.squeeze(value.apply(obs), [2]) as tf.Tensor2D;
  const clippedLogStd = () => tf.clipByValue(logStd!.variable, LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor3D;
  const policyOutput = (obs: tf.Tensor3D): tf.Tensor3D => (discrete ? actor.apply(obs) : tf.tanh(actor.apply(obs)));
  const logProb = (out: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D =>
    discrete ? pickActions(tf.logSoftmax(out), tf.cast(tf.squeeze(actions, [2]), 'int32') as tf.Tensor2D, n) : gaussianLogProb(actions, out, clippedLogStd());
  const greedyColumn = (out: tf.Tensor3D): tf.Tensor3D => (discrete ? (tf.expandDims(tf.cast(tf.argMax(out, 2), 'float32'), 2) as tf.Tensor3D) : out);
  /** The cosine schedule (PyTorch's CosineAnnealingLR, as valueAgentShell's cosineRate) per member, on the device. */
  const scheduledActorLr = (): tf.Tensor1D => {
    const base = values.vector('actorLr');
    const total = values.vector('maxUpdates');
    const cosine = values.vector('actorCosine');
    const annealed = tf.mul(tf.mul(base, 0.5), tf.add(1, tf.cos(tf.mul(Math.PI, tf.div(tf.minimum(updates, total), tf.maximum(1, total))))));
    return tf.add(tf.mul(cosine, annealed), tf.mul(tf.sub(1, cosine), base)) as tf.Tensor1D;
  };

  return {
    members: K,
    metricNames: ['v_loss', 'q_loss', 'actor_loss', 'q_data', 'v_data', 'q_policy', 'mc_return', 'td_error', 'advantage', 'adv_weight', 'entropy', 'actor_lr', 'v_grad_norm', 'q_grad_norm', 'actor_grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const targetQ = minOf(critics.q(obs, batch.actions, 'target'));
        const y = iqlTarget(batch.rewards, batch.dones, V(nextObs), gamma);

        // L_V (eq. 5), the expectile per member.
        const vStep = vOptimizer.minimize(() => {
          const { loss, advantage } = iqlValueLoss(targetQ, V(obs), values.column('expectile'));
          return { loss: loss as tf.Tensor1D, aux: [advantage] };
        });
        const [advantage] = vStep.aux;

        // L_Q (eq. 6), averaged over the twin critics.
        const qStep = qOptimizer.minimize(() => {
          const qs = critics.q(obs, batch.actions);
          return { loss: iqlQLoss(qs, y) as tf.Tensor1D, aux: [minOf(qs)] };
        });
        const [qData] = qStep.aux;
        critics.updateTargets(values.vector('tau'));

        // L_pi = -E[exp(beta (Q_target(s, a) - V(s))) log pi(a|s)] (eq. 7), exp clipped at 100, beta per member.
        const weights = advantageWeights(advantage, values.column('beta'));
        actorLr = scheduledActorLr();
        const actorStep = actorOptimizer.minimize(() => {
          const out = policyOutput(obs);
          return { loss: weightedLogLikelihoodLoss(weights, logProb(out, batch.actions)) as tf.Tensor1D, aux: [out] };
        });
        updates += 1;
        const [out] = actorStep.aux as [tf.Tensor3D];

        const qPolicy = minOf(critics.q(obs, greedyColumn(out)));
        const entropy = discrete ? perMember(categoricalEntropy(out)) : tf.reshape(gaussianEntropy(clippedLogStd()), [K]);
        return tf.stack(
          [
            vStep.loss,
            qStep.loss,
            actorStep.loss,
            perMember(qData),
            perMember(tf.sub(targetQ, advantage)),
            perMember(qPolicy),
            perMember(batch.mcReturns),
            perMember(tf.abs(tf.sub(qData, y))),
            perMember(advantage),
            perMember(weights),
            entropy,
            actorLr,
            vStep.gradNorm,
            qStep.gradNorm,
            actorStep.gradNorm,
          ],
          1,
        ) as tf.Tensor2D;
      });
    },

    act(observations: tf.Tensor3D): tf.Tensor {
      return tf.tidy(() => {
        const out = policyOutput(normalize.apply(observations));
        return discrete ? tf.argMax(out, 2) : out;
      });
    },

    ...memberMethods('iql', K, { memberVars, optimizers, values, normalize }),
  };
}

export const iqlPopulation: PopulationDef = {
  algorithmId: 'iql',
  memberKeys: ['expectile', 'beta', 'lr', 'actorLr', 'actorCosine', 'tau', 'maxUpdates'],
  create: createIQLPopulation,
};
