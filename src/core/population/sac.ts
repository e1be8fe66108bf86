// Offline Soft Actor-Critic (Haarnoja et al., "Soft Actor-Critic Algorithms and Applications", arXiv:1812.05905, 2018:
// twin Q, automatic entropy temperature) for a population of K members trained as one model: algos/sac.ts with a
// leading members axis. The critic and actor learning rates, tau and the entropy backup are per-member device values;
// every member tunes its own log alpha. Each member's policy noise comes from its own Rng in the lone run's order, so
// member k and a lone run with its seed and settings agree update by update (tests/unit/population.test.ts). As the lone
// createSACAgent, it takes an optional critic regulariser (continuous CQL and Cal-QL: cqlContinuous.ts), and acts by
// sampling its policy or greedily, and reads online SAC's temperature switch (autoAlpha, shared; the fixed alpha is a
// per-member value) and its gSDE exploration option (memberGsde.ts; shared) as the lone agent does, for the online
// population (sacOnline.ts).
import * as tf from '@tensorflow/tfjs';
import { minOf } from '../algos/critics';
import { LOG_STD_MAX, LOG_STD_MIN, tanhGaussianFromNoise } from '../algos/distributions';
import { LOG_STD_OFFSET, SAC_ACTOR_AND_Q_METRICS } from '../algos/sac';
import { BatchedCritics } from './batchedCritics';
import { BatchedMLP } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { MemberGsde } from './memberGsde';
import { memberNoise } from './memberNoise';
import { MemberValues } from './memberValues';
import { memberVariable, type MemberVariable } from './memberVariables';
import { memberMethods } from './memberStates';
import { perMember } from './perMember';
import type { HyperValues } from '../run/hyperparameters';
import { populationBasics } from './populationBasics';
import type { MemberBatch, OnlinePopulationAgent, PopulationContext, PopulationDef } from './types';

/** A reparameterised sample of every member's policy on [K, n, obs]: actions [K, n, A] and log-probabilities [K, n]. */
export type MemberPolicySampler = (observations: tf.Tensor3D) => { action: tf.Tensor3D; logProb: tf.Tensor2D };

/** What a critic regulariser sees inside the critics' gradient scope (algos/sac.ts's CriticScope with a members axis). */
export interface MemberCriticScope {
  observations: tf.Tensor3D;
  nextObservations: tf.Tensor3D;
  /** Q_i(s, a_data) of each online critic, [K, B] (with gradients). */
  qData: tf.Tensor2D[];
  critics: BatchedCritics;
  policy: MemberPolicySampler;
  mcReturns: tf.Tensor2D;
}

/** algos/sac.ts's ContinuousQRegularizer for K members: losses and metrics are [K] vectors. */
export interface MemberQRegularizer {
  metricNames: string[];
  penalty(scope: MemberCriticScope): { loss: tf.Tensor1D; metrics: tf.Tensor1D[] };
  afterCriticStep?(metrics: tf.Tensor1D[]): void;
  /** Checkpointed variables, and Adams in the lone regulariser's creation order (it is built before SAC's own). */
  memberVars: MemberVariable[];
  optimizers: MemberAdam[];
  /** Shared keys the regulariser reads (its per-member keys are device values). */
  setSharedHyperparameters(patch: HyperValues): void;
}

/** Builds a regulariser on the population's per-member values (which hold its own per-member keys too). */
export type MemberQRegularizerFactory = (values: MemberValues, prefix: string) => MemberQRegularizer;

/**
 * A SAC population: it acts greedily (evaluation) or by sampling every member's policy (online SAC's exploration); only
 * gSDE's acting matrices read the environment steps it is told.
 */
export type SACPopulationAgent = OnlinePopulationAgent;

/** SAC for K members, optionally with a critic regulariser; `id` names the checkpoints, `memberKeys` the device values. */
export function createSACPopulationAgent(ctx: PopulationContext, id: string, memberKeys: readonly string[], regularizer: MemberQRegularizerFactory | null): SACPopulationAgent {
  if (ctx.discreteActions !== null) throw new Error(`${id} needs continuous actions`);
  const { K, prefix, hp, hidden, gamma, values, normalize } = populationBasics(ctx, memberKeys);
  // A fixed temperature instead of the automatic one, as the lone agent reads it (only online SAC offers the switch).
  let autoAlpha = hp.autoAlpha === undefined || Boolean(hp.autoAlpha);
  const A = ctx.actionDim;
  const targetEntropy = -A;
  const reg = regularizer?.(values, prefix) ?? null;

  // The lone file's draw order from each member's Rng: the twin critics, then the actor; log alpha starts at 0.
  const critics = new BatchedCritics(prefix, `${id}/q`, ctx.observationDim, A, null, hidden, 2, K, ctx.rngs);
  // gSDE (online SAC's exploration option): the actor outputs only the mean; the noise scale is gsde.logSigma.
  const useGsde = hp.exploration === 'gsde';
  const actor = new BatchedMLP(prefix, `${id}/actor`, [ctx.observationDim, ...hidden, useGsde ? A : 2 * A], K, ctx.rngs);
  const gsde = useGsde ? new MemberGsde(prefix, `${id}/actor`, actor, Number(hp.sdeLogStdInit), Number(hp.sdeSampleFreq), Number(hp.numEnvs), ctx.rngs) : null;
  const logAlpha = memberVariable(() => tf.zeros([K, 1]), `${prefix}/${id}/log_alpha`, `${id}/log_alpha`, []);
  const criticOptimizer = new MemberAdam(K, critics.variables, () => values.vector('lr'));
  const actorOptimizer = new MemberAdam(K, gsde ? [...actor.memberVariables, gsde.logSigma] : actor.memberVariables, () => values.vector('actorLr'));
  const alphaOptimizer = new MemberAdam(K, [logAlpha], () => values.vector('actorLr'));
  const optimizers = [...(reg?.optimizers ?? []), criticOptimizer, actorOptimizer, alphaOptimizer];
  const memberVars = [...critics.networks.flatMap((c) => c.memberVariables), ...actor.memberVariables, logAlpha, ...(reg?.memberVars ?? []), ...(gsde ? [gsde.logSigma] : [])];

  /** The actor's Gaussian before the tanh, each [K, n, A]: the first A outputs are the mean, the next A the log std. */
  const gaussian = (obs: tf.Tensor3D): { mean: tf.Tensor3D; logStd: tf.Tensor3D } => {
    const out = actor.apply(obs);
    const mean = tf.slice(out, [0, 0, 0], [-1, -1, A]) as tf.Tensor3D;
    const logStd = tf.clipByValue(tf.add(tf.slice(out, [0, 0, A], [-1, -1, A]), LOG_STD_OFFSET), LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor3D;
    return { mean, logStd };
  };
  /** A reparameterised sample of every member's policy, its noise from the member's own Rng. */
  const policy: MemberPolicySampler = gsde
    ? gsde.training
    : (obs) => {
        const { mean, logStd } = gaussian(obs);
        return tanhGaussianFromNoise(mean, logStd, memberNoise(ctx.rngs, mean.shape.slice(1)));
      };
  const greedy = gsde ? gsde.greedy : (obs: tf.Tensor3D): tf.Tensor3D => tf.tanh(gaussian(obs).mean);
  const methods = memberMethods(id, K, { memberVars, optimizers, values, normalize, extra: gsde ? [gsde.actingNoise] : [] });
  const minQ = (obs: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D => minOf(critics.q(obs, actions));

  return {
    members: K,
    metricNames: ['td_loss', ...(reg?.metricNames ?? []), ...SAC_ACTOR_AND_Q_METRICS, 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const alpha = (autoAlpha ? tf.exp(logAlpha.variable) : values.column('alpha')) as tf.Tensor2D; // [K, 1]
        gsde?.redrawTrainingNoise();

        // y = r + gamma (1 - done) (min_i Q_target_i(s', a') - backup alpha log pi(a'|s')), a' ~ pi(s') (eqs. 3, 5).
        const next = policy(nextObs);
        const entropyTerm = tf.mul(tf.mul(values.column('backupEntropy'), alpha), next.logProb);
        const soft = tf.sub(minOf(critics.q(nextObs, next.action, 'target')), entropyTerm);
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), soft)) as tf.Tensor2D;

        // J_Q = sum_i E[(Q_i(s, a) - y)^2] per member (eq. 5; the sum over the twins as CORL), plus the regulariser, if any.
        const criticStep = criticOptimizer.minimize(() => {
          const qs = critics.q(obs, batch.actions);
          const [l1, l2] = qs.map((q) => perMember(tf.square(tf.sub(q, y))));
          const td = tf.add(l1, l2) as tf.Tensor1D;
          const r = reg?.penalty({ observations: obs, nextObservations: nextObs, qData: qs, critics, policy, mcReturns: batch.mcReturns });
          return { loss: r ? (tf.add(td, r.loss) as tf.Tensor1D) : td, aux: [td, minOf(qs), ...(r?.metrics ?? [])] };
        });
        const [td, qData, ...regMetrics] = criticStep.aux;
        reg?.afterCriticStep?.(regMetrics as tf.Tensor1D[]);

        // J_pi = E[alpha log pi(a|s) - min_i Q_i(s, a)], a ~ pi(s) reparameterised (eq. 7), alpha per member.
        const actorStep = actorOptimizer.minimize(() => {
          const { action, logProb } = policy(obs);
          const qPolicy = minQ(obs, action);
          return { loss: perMember(tf.sub(tf.mul(alpha, logProb), qPolicy)), aux: [logProb, qPolicy] };
        });
        const [logProb, qPolicy] = actorStep.aux;

        // J(alpha) = E[-log alpha (log pi(a|s) + target entropy)] (eq. 18, on log alpha as CORL), per member; with a
        // fixed temperature it is only reported, log alpha and its Adam untouched (as the lone agent).
        const alphaLoss = () => ({ loss: tf.neg(perMember(tf.mul(logAlpha.variable, tf.add(logProb, targetEntropy)))) as tf.Tensor1D, aux: [] });
        const alphaStep = autoAlpha ? alphaOptimizer.minimize(alphaLoss) : alphaLoss();
        critics.updateTargets(values.vector('tau'));

        return tf.stack(
          [
            td,
            ...regMetrics,
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

    act(observations: tf.Tensor3D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => {
        const obs = normalize.apply(observations);
        return mode === 'greedy' ? greedy(obs) : (gsde ? gsde.acting : policy)(obs).action;
      });
    },

    observeEnvSteps(envSteps) {
      gsde?.observeEnvSteps(envSteps);
    },

    ...methods,
    // A kept member goes on with its window's acting matrices (carried as a members-axis tensor) and the window counters.
    keepMembers: (keep) => ({ ...methods.keepMembers(keep), ...(gsde ? { counters: gsde.counters } : {}) }),
    takeMembers(carry) {
      methods.takeMembers(carry);
      if (gsde && carry.counters) gsde.counters = carry.counters;
    },
    setSharedHyperparameters(patch) {
      if (patch.autoAlpha !== undefined) autoAlpha = Boolean(patch.autoAlpha);
      if (patch.sdeSampleFreq !== undefined && gsde) gsde.sampleFreq = Number(patch.sdeSampleFreq);
      reg?.setSharedHyperparameters(patch);
    },
    dispose() {
      methods.dispose();
      gsde?.dispose();
    },
  };
}

/** The per-member keys of SAC itself (a regularised SAC adds its own). */
export const SAC_MEMBER_KEYS = ['lr', 'actorLr', 'tau', 'backupEntropy'];

export const sacPopulation: PopulationDef = {
  algorithmId: 'sac',
  memberKeys: SAC_MEMBER_KEYS,
  create: (ctx) => createSACPopulationAgent(ctx, 'sac', SAC_MEMBER_KEYS, null),
};
