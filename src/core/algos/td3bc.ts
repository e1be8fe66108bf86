// TD3+BC (Fujimoto & Gu, "A Minimalist Approach to Offline Reinforcement Learning", NeurIPS 2021): TD3 (Fujimoto et
// al. 2018: twin critics and their minimum in the target, target policy smoothing, delayed actor updates) with one
// change to the actor, pi = argmax E[lambda Q(s, pi(s)) - (pi(s) - a)^2] (eq. 3): a behaviour-cloning term, and Q
// rescaled by lambda = alpha / mean|Q| so that alpha means the same whatever the size of the rewards. Details and defaults as CORL (Tarasov et al. 2022): states
// standardised, alpha 2.5, tau 0.005, policy noise 0.2 clipped at 0.5, actor updated every 2nd update, lr 3e-4.
// Continuous actions only (the actor is deterministic and differentiated through Q).
import * as tf from '@tensorflow/tfjs';
import type { HyperParam } from '../run/hyperparameters';
import { Rng } from '../rng';
import { batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, tauParam } from './common';
import { Critics, minOf } from './critics';
import { normalNoise } from './distributions';
import { mse } from './losses';
import { minimizeWith } from './minimize';
import { deterministicActorCritic, pi, td3bcSettings, td3TargetParams } from './deterministicActorCritic';
import { MLP, newVariable, parseHidden, softUpdate } from './nets';
import { Adam } from './optim';
import type { Agent, AgentContext, AlgorithmDef, Batch } from './types';

/**
 * The actor's loss, eq. 3 negated: -lambda * mean Q(s, pi(s)) + mean (pi(s) - a)^2 with lambda = alpha / mean|Q(s, pi(s))|.
 * `lambda` is passed in already computed, so it is a constant to the gradient (CORL's `.detach()`).
 */
export function td3bcActorLoss<S extends tf.Tensor = tf.Scalar>(qPolicy: tf.Tensor, policyActions: tf.Tensor, dataActions: tf.Tensor, lambda: tf.Tensor): { loss: S; bc: S } {
  // Means over the rows (and action dimensions): a lone run's scalar, or one loss per member of a population ([K, n]).
  const bc = tf.mean(tf.square(tf.sub(policyActions, dataActions)), [-2, -1]) as S;
  return { loss: tf.add(tf.neg(tf.mul(lambda, tf.mean(qPolicy, -1))), bc) as S, bc };
}

/** lambda = alpha / mean|Q|: scales the Q term so the BC term keeps its weight whatever the reward scale. */
export function td3bcLambda<T extends tf.Tensor = tf.Scalar>(q: tf.Tensor, alpha: number | tf.Tensor): T {
  return tf.div(alpha, tf.mean(tf.abs(q), -1)) as T;
}

const ACTOR_METRICS = 5; // actor_loss, lambda, bc_loss, q_policy, actor_grad_norm

function createTD3BC(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const hidden = parseHidden(hp.hidden);
  const settings = td3bcSettings(hp); // alpha, tau, policyNoise, noiseClip, policyDelay: live
  const gamma = Number(hp.gamma);
  let updates = ctx.startUpdate ?? 0; // a resumed or forked run continues its schedules

  const actor = new MLP('td3bc/actor', [ctx.observationDim, ...hidden, ctx.actionDim], ctx.rng);
  // The target starts as a copy; its own initial draw comes from a throwaway Rng so the lab's stream is unaffected.
  const actorTarget = new MLP('td3bc/actor_target', [ctx.observationDim, ...hidden, ctx.actionDim], new Rng(0));
  actorTarget.copyFrom(actor);
  const critics = new Critics('td3bc/q', ctx.observationDim, ctx.actionDim, null, hidden, 2, ctx.rng);
  const actorOptimizer = new Adam(actor.variables, Number(hp.lr));
  const criticOptimizer = new Adam(critics.variables, Number(hp.lr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  // The actor moves every `policyDelay` updates; in between, its last metrics are reported again.
  const lastActorMetrics = newVariable(() => tf.zeros([ACTOR_METRICS]), 'td3bc/last_actor_metrics', false);

  /** Q1, the critic the actor climbs (TD3 uses the first critic for the policy gradient). */
  const q1 = (obs: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D => critics.q(obs, actions)[0];

  const shell = deterministicActorCritic({
    algorithm: 'td3bc', rng: ctx.rng, actor, actorTarget, networks: critics.networks, optimizers: [actorOptimizer, criticOptimizer],
    normalize, q: q1, settings, owned: [lastActorMetrics],
  });

  return {
    ...shell,
    metricNames: ['critic_loss', 'actor_loss', 'lambda', 'bc_loss', 'q_data', 'mc_return', 'q_policy', 'action_std', 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);

        // Target policy smoothing (TD3): a' = clip(pi_target(s') + clip(N(0, sigma), -c, c), -1, 1).
        const noise = tf.clipByValue(tf.mul(normalNoise(batch.actions.shape, ctx.rng), settings.policyNoise), -settings.noiseClip, settings.noiseClip);
        const nextActions = tf.clipByValue(tf.add(pi(actorTarget, nextObs), noise), -1, 1) as tf.Tensor2D;
        // Clipped double Q (TD3 eq. 10): y = r + gamma (1 - done) min_i Q_i_target(s', a').
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), minOf(critics.q(nextObs, nextActions, 'target')))) as tf.Tensor1D;

        // L(Q) = sum_i E[(Q_i(s, a) - y)^2], as CORL.
        const criticStep = minimizeWith(criticOptimizer, () => {
          const qs = critics.q(obs, batch.actions);
          return { loss: tf.addN(qs.map((q) => mse(q, y))) as tf.Scalar, aux: [qs[0]] };
        });
        const [qData] = criticStep.aux;

        if (updates % settings.policyDelay === 0) {
          // lambda from the current actor and critic, computed outside the gradient: detached as in the paper.
          const lambda = td3bcLambda(q1(obs, pi(actor, obs)), settings.alpha);
          const actorStep = minimizeWith(actorOptimizer, () => {
            const actions = pi(actor, obs);
            const qPolicy = q1(obs, actions);
            const out = td3bcActorLoss(qPolicy, actions, batch.actions, lambda);
            return { loss: out.loss, aux: [tf.mean(qPolicy), out.bc] };
          });
          const [qPolicy, bcLoss] = actorStep.aux;
          lastActorMetrics.assign(tf.stack([actorStep.loss, lambda, bcLoss, qPolicy, actorStep.gradNorm]));
          // Targets follow only after an actor step (TD3's delayed updates).
          critics.updateTargets(settings.tau);
          softUpdate(actorTarget, actor, settings.tau);
        }
        updates += 1;

        const [actorLoss, lambda, bcLoss, qPolicy, actorGradNorm] = tf.unstack(lastActorMetrics);
        const actionStd = tf.mean(tf.sqrt(tf.moments(pi(actor, obs), 0).variance));
        return tf.stack([criticStep.loss, actorLoss, lambda, bcLoss, tf.mean(qData), tf.mean(batch.mcReturns), qPolicy, actionStd, criticStep.gradNorm, actorGradNorm]) as tf.Tensor1D;
      });
    },
  };
}

const td3bcParams: HyperParam[] = [
  { key: 'alpha', label: 'alpha (Q weight)', help: 'Weight of Q against behaviour cloning in the actor loss (the paper’s 2.5). 0: pure BC; large: plain TD3, which overestimates Q offline.', kind: 'number', default: 2.5, min: 0, max: 100, live: true },
  ...td3TargetParams,
];

export const td3bc: AlgorithmDef = {
  id: 'td3bc',
  name: 'TD3+BC',
  paper: 'Fujimoto & Gu, "A Minimalist Approach to Offline Reinforcement Learning", NeurIPS 2021',
  summary: 'TD3 with a behaviour-cloning term in the actor: climb Q, but stay near the data’s actions. One line of change, strong results.',
  family: 'offline',
  actions: ['continuous'],
  usesNextState: true,
  hyperparameters: [learningRateParam(3e-4), batchSizeParam, hiddenParam('256,256'), gammaParam, tauParam, ...td3bcParams, normalizeStatesParam(true)],
  charts: [
    { title: 'Q on data vs Monte-Carlo return', metrics: ['q_data', 'mc_return', 'q_policy'], help: 'Healthy: Q on the data’s actions settles near the discounted return actually obtained, and Q of the policy’s actions sits a little above. Q climbing far past the returns: overestimation (lower alpha).' },
    { title: 'Actor loss terms', metrics: ['actor_loss', 'bc_loss'], help: 'The BC term is the squared distance to the data’s actions; the actor loss adds -lambda * Q. A BC term that keeps growing: the Q term dominates (alpha too high).' },
    { title: 'Gradient norms', metrics: ['critic_grad_norm', 'actor_grad_norm'], help: 'Steady or slowly falling: healthy. Growing spikes: instability.' },
  ],
  metricHelp: {
    critic_loss: 'Sum over the twin critics of the squared TD error to the smoothed target. Healthy: falls, then levels off; steady growth: Q is diverging.',
    actor_loss: '-lambda * mean Q(s, pi(s)) + BC term. With lambda = alpha / mean|Q| the Q part sits near -alpha, so the curve hovers around -alpha plus the BC term.',
    lambda: 'alpha / mean|Q(s, pi(s))|, the rescaling that makes alpha independent of the reward scale. Falls as Q grows; it is held fixed (detached) in the gradient.',
    bc_loss: 'Mean squared distance between the policy’s and the data’s actions. Near 0: the policy copies the data; rising: the Q term pulls it away.',
    q_data: 'Mean Q1(s, a) over the batch’s dataset actions. Should approach the Monte-Carlo return; far above it: overestimation.',
    mc_return: 'Mean discounted return actually obtained from the batch’s states in the data: the reference for Q on data.',
    q_policy: 'Mean Q1(s, pi(s)) at the last actor step. A little above q_data: the policy found better actions; far above: it exploits critic errors off the data.',
    action_std: 'Spread of the policy’s actions over the batch’s states, averaged over action dimensions. Near 0: the policy ignores the state; near 1: bang-bang.',
    critic_grad_norm: 'Norm of the critics’ gradient before the step. Spikes that grow: instability.',
    actor_grad_norm: 'Norm of the actor’s gradient at the last actor step.',
  },
  create: createTD3BC,
};
