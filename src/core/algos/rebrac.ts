// ReBRAC (Tarasov, Kurenkov, Nikulin & Kolesnikov, "Revisiting the Minimalist Approach to Offline Reinforcement
// Learning", NeurIPS 2023): TD3+BC (Fujimoto & Gu 2021) with the design choices of later methods folded back in:
// LayerNorm in the critic, deeper networks (3 hidden layers), a larger batch (1024), a larger learning rate (1e-3),
// and the behaviour penalty split in two: the actor's (beta1, as TD3+BC's BC term) and the critic's (beta2, subtracted
// from the target value of the next state, BRAC-style). Details and defaults as CORL's algorithms/offline/rebrac.py:
// penalties summed over action dimensions, Q scaled by 1 / mean|Q| in the actor loss (detached), the minimum of the two
// critics both in the target and for the actor, states used as they are. CORL's Config defaults beta1 = beta2 = 1; its
// per-dataset configs tune them (hopper-medium-expert: 0.1 and 0.01). Continuous actions only.
//
// The critic's penalty needs the data's next action a'_data (the action taken at s'): batches carry it as
// `nextActions` (DeviceDataset: the next row's action in the same episode; where the episode ends, the row's own
// action, which the terminal mask then ignores, or which stands in for it at a time-limit cut).
import * as tf from '@tensorflow/tfjs';
import type { HyperParam } from '../run/hyperparameters';
import { Rng } from '../rng';
import { batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, tauParam } from './common';
import { minOf } from './critics';
import { normalNoise } from './distributions';
import { LayerNormMLP } from './layerNorm';
import { mse } from './losses';
import { minimizeWith } from './minimize';
import { deterministicActorCritic, pi, td3Settings, td3TargetParams } from './deterministicActorCritic';
import { MLP, newVariable, parseHidden, softUpdate } from './nets';
import { Adam } from './optim';
import type { Agent, AgentContext, AlgorithmDef, Batch } from './types';

/** Squared distance between two action batches, summed over action dimensions (CORL's `((x - y) ** 2).sum(-1)`). */
export function squaredDistance(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D;
/** A population's: [K, B, A] -> [K, B]. */
export function squaredDistance(x: tf.Tensor3D, y: tf.Tensor3D): tf.Tensor2D;
export function squaredDistance(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.sum(tf.square(tf.sub(x, y)), -1);
}

/**
 * The actor's loss, ReBRAC eq. 2 negated: mean[beta1 * ||pi(s) - a||^2 - lambda * Q(s, pi(s))], lambda = 1 / mean|Q|
 * (or 1 without Q normalisation) passed in already computed, so a constant to the gradient (CORL's stop_gradient).
 */
export function rebracActorLoss(qPolicy: tf.Tensor1D, policyActions: tf.Tensor2D, dataActions: tf.Tensor2D, lambda: tf.Scalar, beta1: number): { loss: tf.Scalar; bc: tf.Scalar } {
  const penalty = squaredDistance(policyActions, dataActions);
  const loss = tf.mean(tf.sub(tf.mul(beta1, penalty), tf.mul(lambda, qPolicy))) as tf.Scalar;
  return { loss, bc: tf.mean(penalty) as tf.Scalar };
}

/**
 * The critic's target, ReBRAC eq. 3: y = r + gamma (1 - done) [min_i Q_i_target(s', a') - beta2 * ||a' - a'_data||^2],
 * a' the smoothed target-policy action at s' and a'_data the action the data took there. Returns y and the mean penalty.
 */
export function rebracTarget(rewards: tf.Tensor1D, dones: tf.Tensor1D, nextQ: tf.Tensor1D, nextPolicyActions: tf.Tensor2D, nextDataActions: tf.Tensor2D, gamma: number, beta2: number): { y: tf.Tensor1D; penalty: tf.Scalar } {
  const penalty = squaredDistance(nextPolicyActions, nextDataActions);
  const y = tf.add(rewards, tf.mul(tf.mul(gamma, tf.sub(1, dones)), tf.sub(nextQ, tf.mul(beta2, penalty)))) as tf.Tensor1D;
  return { y, penalty: tf.mean(penalty) as tf.Scalar };
}

/** lambda = 1 / mean|Q(s, pi(s))| (normalize_q), else 1. */
export function rebracLambda(q: tf.Tensor1D, normalizeQ: boolean): tf.Scalar {
  return (normalizeQ ? tf.div(1, tf.mean(tf.abs(q))) : tf.scalar(1)) as tf.Scalar;
}

const ACTOR_METRICS = 5; // actor_loss, lambda, bc_loss, q_policy, actor_grad_norm

/** Twin critics Q(s, a) on [s, a], each with a Polyak-averaged target copy; LayerNorm after each hidden ReLU if asked. */
function twinCritics(observationDim: number, actionDim: number, hidden: number[], layerNorm: boolean, rng: Rng): { online: MLP[]; target: MLP[] } {
  const sizes = [observationDim + actionDim, ...hidden, 1];
  const make = (name: string, r: Rng) => (layerNorm ? new LayerNormMLP(name, sizes, r) : new MLP(name, sizes, r));
  const online = [1, 2].map((i) => make(`rebrac/q${i}`, rng));
  // Targets start as copies; their own initial draws come from a throwaway Rng so the lab's stream is unaffected.
  const target = online.map((net) => {
    const t = make(`${net.name}_target`, new Rng(0));
    t.copyFrom(net);
    return t;
  });
  return { online, target };
}

function createReBRAC(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const hidden = parseHidden(hp.hidden);
  let [actorBcCoef, criticBcCoef] = [Number(hp.actorBcCoef), Number(hp.criticBcCoef)];
  const settings = td3Settings(hp); // tau, policyNoise, noiseClip, policyDelay: live
  let normalizeQ = Boolean(hp.normalizeQ);
  const gamma = Number(hp.gamma);
  let updates = ctx.startUpdate ?? 0; // a resumed or forked run continues its schedules

  const actor = new MLP('rebrac/actor', [ctx.observationDim, ...hidden, ctx.actionDim], ctx.rng);
  const actorTarget = new MLP('rebrac/actor_target', [ctx.observationDim, ...hidden, ctx.actionDim], new Rng(0));
  actorTarget.copyFrom(actor);
  const critics = twinCritics(ctx.observationDim, ctx.actionDim, hidden, Boolean(hp.criticLayerNorm), ctx.rng);
  const actorOptimizer = new Adam(actor.variables, Number(hp.lr));
  const criticOptimizer = new Adam(critics.online.flatMap((n) => n.variables), Number(hp.lr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  // The actor moves every `policyDelay` updates; in between, its last metrics are reported again.
  const lastActorMetrics = newVariable(() => tf.zeros([ACTOR_METRICS]), 'rebrac/last_actor_metrics', false);

  const qs = (obs: tf.Tensor2D, actions: tf.Tensor2D, nets: MLP[]): tf.Tensor1D[] => {
    const input = tf.concat([obs, actions], 1) as tf.Tensor2D;
    return nets.map((n) => tf.reshape(n.apply(input), [-1]) as tf.Tensor1D);
  };
  /** min_i Q_i(s, a): what the actor climbs and what the page inspects (CORL's `.min(0)`). */
  const qMin = (obs: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D => minOf(qs(obs, actions, critics.online));

  const shell = deterministicActorCritic({
    algorithm: 'rebrac', rng: ctx.rng, actor, actorTarget, networks: [...critics.online, ...critics.target], optimizers: [actorOptimizer, criticOptimizer],
    normalize, q: qMin, settings, owned: [lastActorMetrics],
  });

  return {
    ...shell,
    metricNames: ['critic_loss', 'actor_loss', 'lambda', 'bc_loss', 'critic_penalty', 'q_data', 'mc_return', 'q_policy', 'action_std', 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: Batch): tf.Tensor1D {
      if (!batch.nextActions) throw new Error('ReBRAC needs the data’s next actions (batch.nextActions) for its critic penalty');
      const nextDataActions = batch.nextActions;
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);

        // Target policy smoothing (TD3): a' = clip(pi_target(s') + clip(N(0, sigma), -c, c), -1, 1).
        const noise = tf.clipByValue(tf.mul(normalNoise(batch.actions.shape, ctx.rng), settings.policyNoise), -settings.noiseClip, settings.noiseClip);
        const nextActions = tf.clipByValue(tf.add(pi(actorTarget, nextObs), noise), -1, 1) as tf.Tensor2D;
        const nextQ = minOf(qs(nextObs, nextActions, critics.target));
        const target = rebracTarget(batch.rewards, batch.dones, nextQ, nextActions, nextDataActions, gamma, criticBcCoef);

        // L(Q) = sum_i E[(Q_i(s, a) - y)^2], as CORL.
        const criticStep = minimizeWith(criticOptimizer, () => {
          const q = qs(obs, batch.actions, critics.online);
          return { loss: tf.addN(q.map((qi) => mse(qi, target.y))) as tf.Scalar, aux: [minOf(q)] };
        });
        const [qData] = criticStep.aux;

        if (updates % settings.policyDelay === 0) {
          // lambda from the current actor and (just updated) critics, outside the gradient: detached as CORL.
          const lambda = rebracLambda(qMin(obs, pi(actor, obs)), normalizeQ);
          const actorStep = minimizeWith(actorOptimizer, () => {
            const actions = pi(actor, obs);
            const qPolicy = qMin(obs, actions);
            const out = rebracActorLoss(qPolicy, actions, batch.actions, lambda, actorBcCoef);
            return { loss: out.loss, aux: [tf.mean(qPolicy), out.bc] };
          });
          const [qPolicy, bcLoss] = actorStep.aux;
          lastActorMetrics.assign(tf.stack([actorStep.loss, lambda, bcLoss, qPolicy, actorStep.gradNorm]));
          // Targets follow only after an actor step (TD3's delayed updates, as CORL).
          critics.target.forEach((t, i) => softUpdate(t, critics.online[i], settings.tau));
          softUpdate(actorTarget, actor, settings.tau);
        }
        updates += 1;

        const [actorLoss, lambda, bcLoss, qPolicy, actorGradNorm] = tf.unstack(lastActorMetrics);
        const actionStd = tf.mean(tf.sqrt(tf.moments(pi(actor, obs), 0).variance));
        return tf.stack([criticStep.loss, actorLoss, lambda, bcLoss, target.penalty, tf.mean(qData), tf.mean(batch.mcReturns), qPolicy, actionStd, criticStep.gradNorm, actorGradNorm]) as tf.Tensor1D;
      });
    },

    setHyperparameters(patch) {
      shell.setHyperparameters(patch); // lr, tau, policyNoise, noiseClip, policyDelay
      if (patch.actorBcCoef !== undefined) actorBcCoef = Number(patch.actorBcCoef);
      if (patch.criticBcCoef !== undefined) criticBcCoef = Number(patch.criticBcCoef);
      if (patch.normalizeQ !== undefined) normalizeQ = Boolean(patch.normalizeQ);
    },
  };
}

const rebracParams: HyperParam[] = [
  { key: 'actorBcCoef', label: 'actor penalty (beta1)', help: 'Weight of the squared distance ||pi(s) - a||^2 (summed over action dimensions) in the actor loss, against Q / mean|Q|. CORL default 1; tuned per dataset from 0.001 (halfcheetah-medium) to 0.1 (hopper-medium-expert). 0: plain TD3 actor.', kind: 'number', default: 1, min: 0, max: 10, live: true },
  { key: 'criticBcCoef', label: 'critic penalty (beta2)', help: 'Weight of ||a\' - a\'_data||^2, the target policy’s distance to the data’s next action, subtracted from the next state’s value in the TD target. CORL default 1; tuned per dataset (mostly 0.01). Larger: Q pessimistic about leaving the data.', kind: 'number', default: 1, min: 0, max: 10, live: true },
  { key: 'normalizeQ', label: 'normalize Q in actor loss', help: 'Divide Q by its batch mean |Q| in the actor loss (detached), so beta1 means the same whatever the reward scale (CORL: on).', kind: 'bool', default: true, live: true },
  { key: 'criticLayerNorm', label: 'LayerNorm in critics', help: 'LayerNorm after every hidden ReLU of the critics (CORL: on). The paper’s ablation: removing it hurts most, since it bounds Q on actions far from the data.', kind: 'bool', default: true, live: false },
  ...td3TargetParams,
];

export const rebrac: AlgorithmDef = {
  id: 'rebrac',
  name: 'ReBRAC',
  paper: 'Tarasov, Kurenkov, Nikulin & Kolesnikov, "Revisiting the Minimalist Approach to Offline Reinforcement Learning", NeurIPS 2023',
  summary: 'TD3+BC revisited: LayerNorm critics, deeper nets, big batches, and a behaviour penalty in both the actor and the critic’s target.',
  family: 'offline',
  actions: ['continuous'],
  usesNextState: true,
  hyperparameters: [
    learningRateParam(1e-3),
    { ...batchSizeParam, default: 1024, help: `${batchSizeParam.help} ReBRAC uses 1024 (CORL), four times TD3+BC’s.` },
    hiddenParam('256,256,256'),
    gammaParam,
    tauParam,
    ...rebracParams,
    normalizeStatesParam(false),
  ],
  charts: [
    { title: 'Q on data vs Monte-Carlo return', metrics: ['q_data', 'mc_return', 'q_policy'], help: 'Healthy: Q on the data’s actions settles near the discounted return actually obtained (a little below it: the critic penalty makes Q pessimistic), and Q of the policy’s actions near it. Q climbing far past the returns: overestimation (raise beta2 or beta1).' },
    { title: 'Behaviour penalties', metrics: ['bc_loss', 'critic_penalty'], help: 'The actor’s squared distance to the data’s actions and the target policy’s distance to the data’s next actions (noise included, so it stays above about action_dim * 0.04). Growing: the policy leaves the data.' },
    { title: 'Gradient norms', metrics: ['critic_grad_norm', 'actor_grad_norm'], help: 'Steady or slowly falling: healthy. Growing spikes: instability.' },
  ],
  metricHelp: {
    critic_loss: 'Sum over the twin critics of the squared TD error to the penalised, smoothed target. Healthy: falls, then levels off; steady growth: Q is diverging.',
    actor_loss: 'mean[beta1 ||pi(s) - a||^2 - lambda Q(s, pi(s))]. With Q normalised the Q part sits near -1 (or +1 when Q is negative), so the curve hovers there plus beta1 times the BC term.',
    lambda: '1 / mean|Q(s, pi(s))| (1 with Q normalisation off), held fixed (detached) in the gradient. Falls as Q grows.',
    bc_loss: 'Mean of ||pi(s) - a||^2 summed over action dimensions, the actor’s penalty before beta1. Near 0: the policy copies the data; rising: Q pulls it away.',
    critic_penalty: 'Mean of ||a\' - a\'_data||^2 in the TD target before beta2: how far the smoothed target policy is from the action the data took at s\'.',
    q_data: 'Mean min_i Q_i(s, a) over the batch’s dataset actions. Should approach the Monte-Carlo return; far above it: overestimation.',
    mc_return: 'Mean discounted return actually obtained from the batch’s states in the data: the reference for Q on data.',
    q_policy: 'Mean min_i Q_i(s, pi(s)) at the last actor step. A little above q_data: the policy found better actions; far above: it exploits critic errors off the data.',
    action_std: 'Spread of the policy’s actions over the batch’s states, averaged over action dimensions. Near 0: the policy ignores the state; near 1: bang-bang.',
    critic_grad_norm: 'Norm of the critics’ gradient before the step. Spikes that grow: instability.',
    actor_grad_norm: 'Norm of the actor’s gradient at the last actor step.',
  },
  create: createReBRAC,
};
