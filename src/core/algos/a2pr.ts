// A2PR (Liu, Li, Lan, Gao, Pan & Xu, "Adaptive Advantage-Guided Policy Regularization for Offline Reinforcement
// Learning", ICML 2024, arXiv 2405.19909). TD3+BC (Fujimoto & Gu 2021) whose behaviour-cloning term no longer pulls the
// actor towards every dataset action: a VAE is trained only on the dataset's high-advantage actions ("elevating positive
// behaviour learning", sec. 4.1), and the actor is regularised towards whichever of the dataset action a and the VAE's
// reconstruction of the policy's action a~ = VAE(s, pi(s)) has the larger advantage A = Q(s, .) - V(s), each counted
// only where its advantage clears the threshold epsilon_A (the "advantage-guided" regulariser, sec. 4.2).
// Exact forms and defaults from the official code (github.com/ltlhuuu/A2PR, A2PR.py and utils/config.py); the paper gives
// no equation numbers we could check here, so comments name the section. Where the code and the brief differ: V is fit
// by plain MSE (not IQL's expectile) to min(r + g min Q_targ(s', a'), r + g min Q(s', a')), as the official code does.
// Continuous actions only.
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
import { td3bcLambda } from './td3bc';
import type { Agent, AgentContext, AlgorithmDef, Batch } from './types';
import { VAE, vaeLoss } from './vae';

/** The official code's weight on the VAE's KL term (BCQ's 0.5). */
export const KL_WEIGHT = 0.5;

/** A number or scalar (a lone run), or a [K, 1] column (a population: each member its own value). */
type Hyper = number | tf.Tensor;

/**
 * The advantage-guided choice of sec. 4.2: per row, the regularisation target is a~ (the VAE's action) where
 * A(a~) >= A(a), else the dataset action a; its weight is mask * (1[A(a~) >= eps] + 1[A(a) > eps]) (0, mask or 2 mask,
 * as the official code: a row where both actions are good counts twice, one where neither is counts not at all).
 * Rows are the last axis of the advantages ([n], or a population's [K, n]) and the second last of the actions.
 */
export function a2prTarget<A extends tf.Tensor, R extends tf.Tensor>(dataActions: A, vaeActions: A, advData: R, advVae: R, mask: Hyper, epsilon: Hyper) {
  const fromVae = tf.cast(tf.greaterEqual(advVae, advData), 'float32') as R;
  const column = tf.expandDims(fromVae, -1);
  const target = tf.add(tf.mul(column, vaeActions), tf.mul(tf.sub(1, column), dataActions)) as A;
  const good = tf.add(tf.cast(tf.greaterEqual(advVae, epsilon), 'float32'), tf.cast(tf.greater(advData, epsilon), 'float32'));
  return { target, weight: tf.mul(mask, good) as R, fromVae };
}

/**
 * The actor's loss (sec. 4.2, TD3+BC's form): -lambda mean Q(s, pi(s)) + mean over rows and action dims of
 * weight * (pi(s) - target)^2. `lambda`, `target` and `weight` are constants to the gradient. Means over the rows:
 * a lone run's scalar, or one loss per member ([K, n] rows, lambda [K]).
 */
export function a2prActorLoss(qPolicy: tf.Tensor, policyActions: tf.Tensor, target: tf.Tensor, weight: tf.Tensor, lambda: tf.Tensor) {
  const bc = tf.mean(tf.mul(tf.square(tf.sub(policyActions, target)), tf.expandDims(weight, -1)), [-2, -1]);
  return { loss: tf.add(tf.neg(tf.mul(lambda, tf.mean(qPolicy, -1))), bc), bc };
}

/** The metrics of an update, in order (a population reports the same per member). */
export const A2PR_METRICS = [
  'critic_loss', 'value_loss', 'vae_loss', 'recon_loss', 'kl_loss', 'actor_loss', 'lambda', 'bc_loss',
  'q_data', 'mc_return', 'q_policy', 'v_data', 'adv_data', 'adv_data_positive', 'adv_vae', 'vae_share', 'bc_weight',
  'action_std', 'critic_grad_norm', 'value_grad_norm', 'vae_grad_norm', 'actor_grad_norm',
];

const ACTOR_METRICS = 8; // actor_loss, lambda, bc_loss, q_policy, actor_grad_norm, adv_vae, vae_share, bc_weight

function createA2PR(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const hidden = parseHidden(hp.hidden);
  const vaeHidden = parseHidden(hp.vaeHidden);
  const settings = td3bcSettings(hp); // alpha, tau, policyNoise, noiseClip, policyDelay: live
  let [mask, vaeWeight, epsilon] = [Number(hp.mask), Number(hp.vaeWeight), Number(hp.advantageThreshold)];
  const gamma = Number(hp.gamma);
  let updates = ctx.startUpdate ?? 0;

  const actor = new MLP('a2pr/actor', [ctx.observationDim, ...hidden, ctx.actionDim], ctx.rng);
  const actorTarget = new MLP('a2pr/actor_target', [ctx.observationDim, ...hidden, ctx.actionDim], new Rng(0));
  actorTarget.copyFrom(actor);
  const critics = new Critics('a2pr/q', ctx.observationDim, ctx.actionDim, null, hidden, 2, ctx.rng);
  const value = new MLP('a2pr/v', [ctx.observationDim, ...hidden, 1], ctx.rng);
  // Latent size 2 |A|, as the official code.
  const vae = new VAE('a2pr/vae', ctx.observationDim, ctx.actionDim, 2 * ctx.actionDim, vaeHidden, ctx.rng);
  const actorOptimizer = new Adam(actor.variables, Number(hp.lr));
  const criticOptimizer = new Adam(critics.variables, Number(hp.lr));
  const valueOptimizer = new Adam(value.variables, Number(hp.lr));
  const vaeOptimizer = new Adam(vae.variables, Number(hp.vaeLr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  const lastActorMetrics = newVariable(() => tf.zeros([ACTOR_METRICS]), 'a2pr/last_actor_metrics', false);

  const q1 = (obs: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D => critics.q(obs, actions)[0];
  const V = (obs: tf.Tensor2D): tf.Tensor1D => tf.reshape(value.apply(obs), [-1]);

  // The value net and the VAE are checkpointed after the critics; stateValue reports V(s).
  const shell = deterministicActorCritic({
    algorithm: 'a2pr', rng: ctx.rng, actor, actorTarget, networks: [...critics.networks, value, ...vae.networks],
    optimizers: [actorOptimizer, criticOptimizer, valueOptimizer], normalize, q: q1, v: V, settings, owned: [vaeOptimizer, lastActorMetrics],
  });

  return {
    ...shell,
    metricNames: A2PR_METRICS,

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const notDone = tf.mul(gamma, tf.sub(1, batch.dones));

        // TD3 target with policy smoothing and clipped double Q.
        const noise = tf.clipByValue(tf.mul(normalNoise(batch.actions.shape, ctx.rng), settings.policyNoise), -settings.noiseClip, settings.noiseClip);
        const nextActions = tf.clipByValue(tf.add(pi(actorTarget, nextObs), noise), -1, 1) as tf.Tensor2D;
        const y = tf.add(batch.rewards, tf.mul(notDone, minOf(critics.q(nextObs, nextActions, 'target')))) as tf.Tensor1D;

        // L(Q) = sum_i E[(Q_i(s, a) - y)^2] (TD3+BC's critic).
        const criticStep = minimizeWith(criticOptimizer, () => {
          const qs = critics.q(obs, batch.actions);
          return { loss: tf.addN(qs.map((q) => mse(q, y))) as tf.Scalar, aux: [qs[0]] };
        });

        // L(V) = E[(V(s) - min(y, r + g min_i Q_i(s', a')))^2] (sec. 4.1's state value, the official code's form: the
        // pessimistic of the target and the just-updated critics). V(s) from before this step serves the advantages.
        const yOnline = tf.add(batch.rewards, tf.mul(notDone, minOf(critics.q(nextObs, nextActions))));
        const vTarget = tf.minimum(y, yOnline);
        const valueStep = minimizeWith(valueOptimizer, () => {
          const v = V(obs);
          return { loss: mse(v, vTarget), aux: [v] };
        });
        const [vData] = valueStep.aux;

        // A(s, a) = Q1(s, a) - V(s) on the dataset action, with the updated critic.
        const qData = q1(obs, batch.actions);
        const advData = tf.sub(qData, vData) as tf.Tensor1D;
        const goodData = tf.cast(tf.greater(advData, epsilon), 'float32') as tf.Tensor1D;

        // EPBL (sec. 4.1): the VAE's ELBO with the reconstruction weighted by vae_weight * 1[A(s, a) > eps].
        const vaeStep = minimizeWith(vaeOptimizer, () => {
          const { reconstruction, mean, std } = vae.forward(obs, batch.actions, ctx.rng);
          const out = vaeLoss(reconstruction, batch.actions, mean, std, tf.mul(vaeWeight, goodData) as tf.Tensor1D, KL_WEIGHT);
          return { loss: out.loss as tf.Scalar, aux: [out.recon, out.kl] };
        });
        const [reconLoss, klLoss] = vaeStep.aux;

        if (updates % settings.policyDelay === 0) {
          const lambda = td3bcLambda(q1(obs, pi(actor, obs)), settings.alpha);
          // a~ = VAE(s, pi(s)) (encode the policy's action, decode): the augmented behaviour policy's nearest good action.
          // Computed outside the actor's gradient: the target is a constant (the official code lets the gradient also
          // flow through the VAE's reconstruction; a regression target is held fixed here).
          const vaeActions = vae.forward(obs, pi(actor, obs), ctx.rng).reconstruction;
          const advVae = tf.sub(q1(obs, vaeActions), vData) as tf.Tensor1D;
          const { target, weight, fromVae } = a2prTarget(batch.actions, vaeActions, advData, advVae, mask, epsilon);
          const actorStep = minimizeWith(actorOptimizer, () => {
            const actions = pi(actor, obs);
            const qPolicy = q1(obs, actions);
            const out = a2prActorLoss(qPolicy, actions, target, weight, lambda);
            return { loss: out.loss as tf.Scalar, aux: [tf.mean(qPolicy), out.bc] };
          });
          const [qPolicy, bcLoss] = actorStep.aux;
          lastActorMetrics.assign(tf.stack([actorStep.loss, lambda, bcLoss, qPolicy, actorStep.gradNorm, tf.mean(advVae), tf.mean(fromVae), tf.mean(weight)]));
          critics.updateTargets(settings.tau);
          softUpdate(actorTarget, actor, settings.tau);
        }
        updates += 1;

        const [actorLoss, lambda, bcLoss, qPolicy, actorGradNorm, advVae, vaeShare, bcWeight] = tf.unstack(lastActorMetrics);
        const actionStd = tf.mean(tf.sqrt(tf.moments(pi(actor, obs), 0).variance));
        return tf.stack([
          criticStep.loss, valueStep.loss, vaeStep.loss, reconLoss, klLoss, actorLoss, lambda, bcLoss,
          tf.mean(criticStep.aux[0]), tf.mean(batch.mcReturns), qPolicy, tf.mean(vData), tf.mean(advData), tf.mean(goodData), advVae, vaeShare, bcWeight,
          actionStd, criticStep.gradNorm, valueStep.gradNorm, vaeStep.gradNorm, actorGradNorm,
        ]) as tf.Tensor1D;
      });
    },

    setHyperparameters(patch) {
      shell.setHyperparameters(patch); // lr (actor, critics, V), alpha, tau, policyNoise, noiseClip, policyDelay
      if (patch.vaeLr !== undefined) vaeOptimizer.learningRate = Number(patch.vaeLr);
      if (patch.mask !== undefined) mask = Number(patch.mask);
      if (patch.vaeWeight !== undefined) vaeWeight = Number(patch.vaeWeight);
      if (patch.advantageThreshold !== undefined) epsilon = Number(patch.advantageThreshold);
    },
  };
}

const a2prParams: HyperParam[] = [
  { key: 'alpha', label: 'alpha (Q weight)', help: 'Weight of Q against the advantage-guided regulariser, via lambda = alpha / mean|Q| as TD3+BC. Official default 2.5 (halfcheetah-medium: 40).', kind: 'number', default: 2.5, min: 0, max: 100, live: true },
  { key: 'mask', label: 'regulariser weight (mask)', help: 'Multiplies the regulariser of each row whose target clears the advantage threshold. Official class default 1.0 (its script default 0.5; hopper-medium 0.4).', kind: 'number', default: 1, min: 0, max: 10, live: true },
  { key: 'vaeWeight', label: 'VAE reconstruction weight', help: 'Weight of the VAE reconstruction on rows with a positive advantage (other rows are not reconstructed). Official default 1.0 (walker-medium 1.5).', kind: 'number', default: 1, min: 0, max: 10, live: true },
  { key: 'advantageThreshold', label: 'advantage threshold (epsilon_A)', help: 'An action is a regularisation target, and a VAE training example, only where A = Q - V exceeds this. The official code uses 0.', kind: 'number', default: 0, min: -100, max: 100, live: true },
  { ...learningRateParam(1e-3, 'vaeLr', 'VAE learning rate'), help: 'Adam step size of the VAE (the official code leaves PyTorch’s default, 1e-3).' },
  { key: 'vaeHidden', label: 'VAE hidden sizes', help: 'Units per hidden layer of the VAE encoder and decoder (official: 750,750, as BCQ).', kind: 'choice', default: '750,750', choices: ['32,32', '64,64', '256,256', '750,750'], live: false },
  ...td3TargetParams,
];

export const a2pr: AlgorithmDef = {
  id: 'a2pr',
  name: 'A2PR',
  paper: 'Liu et al., "Adaptive Advantage-Guided Policy Regularization for Offline Reinforcement Learning", ICML 2024',
  summary: 'TD3+BC whose actor copies only good actions: the dataset’s action or a VAE’s (trained on high-advantage data), whichever has the larger advantage.',
  family: 'offline',
  actions: ['continuous'],
  usesNextState: true,
  hyperparameters: [learningRateParam(3e-4), batchSizeParam, hiddenParam('256,256'), gammaParam, tauParam, ...a2prParams, normalizeStatesParam(true)],
  charts: [
    { title: 'Q on data vs Monte-Carlo return', metrics: ['q_data', 'mc_return', 'q_policy', 'v_data'], help: 'Q on the data’s actions should settle near the discounted return obtained; V sits at or below Q (it regresses on the pessimistic target). Q climbing far past the returns: overestimation (lower alpha).' },
    { title: 'VAE loss', metrics: ['vae_loss', 'recon_loss', 'kl_loss'], help: 'The VAE learns the high-advantage actions: reconstruction falls, KL settles. A reconstruction stuck at 0 with few positive-advantage rows: the VAE is learning almost nothing.' },
    { title: 'Regularisation targets', metrics: ['vae_share', 'adv_data_positive', 'bc_weight'], help: 'Share of rows whose target is the VAE’s action, share of dataset actions with a positive advantage, and the mean row weight (0 to 2 x mask). A VAE share near 1: the actor follows the VAE almost everywhere.' },
    { title: 'Advantages', metrics: ['adv_data', 'adv_vae'], help: 'Mean A = Q - V of the dataset actions and of the VAE’s actions. The VAE’s above the data’s: the augmented behaviour policy improves on the data.' },
    { title: 'Actor loss terms', metrics: ['actor_loss', 'bc_loss'], help: 'The regulariser is the weighted squared distance to the chosen targets; the actor loss adds -lambda * Q.' },
    { title: 'Gradient norms', metrics: ['critic_grad_norm', 'value_grad_norm', 'vae_grad_norm', 'actor_grad_norm'], help: 'Steady or slowly falling: healthy. Growing spikes: instability.' },
  ],
  metricHelp: {
    critic_loss: 'Sum over the twin critics of the squared TD error to the smoothed target. Falls then levels off; steady growth: Q diverges.',
    value_loss: 'Squared error of V(s) against the pessimistic one-step target min(target-critic y, online-critic y).',
    vae_loss: 'Weighted reconstruction + 0.5 KL of the VAE trained on high-advantage actions.',
    recon_loss: 'Mean vae_weight * 1[A(s, a) > eps] * (reconstruction - a)^2: only good rows count.',
    kl_loss: 'KL of the encoder’s Gaussian to N(0, I), averaged over latent coordinates.',
    actor_loss: '-lambda * mean Q(s, pi(s)) + the advantage-guided regulariser.',
    lambda: 'alpha / mean|Q(s, pi(s))|, held fixed in the gradient.',
    bc_loss: 'Mean weighted squared distance between the policy’s actions and the chosen targets.',
    q_data: 'Mean Q1(s, a) over the batch’s dataset actions (critic before its step).',
    mc_return: 'Mean discounted return actually obtained from the batch’s states in the data.',
    q_policy: 'Mean Q1(s, pi(s)) at the last actor step.',
    v_data: 'Mean V(s) over the batch (before its step): the baseline of the advantages.',
    adv_data: 'Mean A(s, a) = Q1(s, a) - V(s) of the dataset actions.',
    adv_data_positive: 'Share of dataset actions with A > epsilon_A: the rows the VAE learns from.',
    adv_vae: 'Mean A(s, a~) of the VAE’s reconstruction of the policy’s action (last actor step).',
    vae_share: 'Share of batch rows whose regularisation target is the VAE’s action (A(a~) >= A(a)) at the last actor step.',
    bc_weight: 'Mean per-row weight of the regulariser, mask * (1[A(a~) >= eps] + 1[A(a) > eps]): 0 to 2 x mask.',
    action_std: 'Spread of the policy’s actions over the batch’s states. Near 0: the policy ignores the state.',
    critic_grad_norm: 'Norm of the critics’ gradient before the step.',
    value_grad_norm: 'Norm of the value network’s gradient before the step.',
    vae_grad_norm: 'Norm of the VAE’s gradient before the step.',
    actor_grad_norm: 'Norm of the actor’s gradient at the last actor step.',
  },
  create: createA2PR,
};
