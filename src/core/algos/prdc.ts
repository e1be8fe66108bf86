// PRDC (Ran, Li, Zhang, Zhang & Yu, "Policy Regularization with Dataset Constraint for Offline Reinforcement
// Learning", ICML 2023; official code github.com/LAMDA-RL/PRDC): TD3+BC (td3bc.ts) with its behaviour-cloning target
// changed. TD3+BC pulls pi(s) towards the action the data took in s; PRDC pulls it towards the action of the dataset
// point nearest to (beta * s, pi(s)) in the joint (beta-scaled state, action) space: the "dataset constraint". The policy
// may thus take an action the data never took in s, so long as some nearby state took it; beta weighs how near the
// state must be (beta -> infinity: the data's own action, TD3+BC; beta = 0: the nearest action anywhere in the data).
// The neighbour is found exactly with a KD-tree (kdTree.ts) built ONCE over the dataset's (beta * normalised s, a)
// rows, as the official code builds scipy's KDTree once. Defaults as the official code (the paper's locomotion
// settings): beta 2, alpha 2.5, k = 1 neighbour, TD3's tau 0.005, policy noise 0.2 clipped at 0.5, policy delay 2,
// lr 3e-4, states standardised. Continuous actions only.
//
// The cost: the search runs on the CPU, so before every actor step (every `policyDelay` updates) prepareUpdate reads
// (beta * s, pi(s)) of the batch back from the tfjs backend (one async read, awaited by the Trainer) and the update
// uploads the neighbours' actions: one round trip per actor step, which on webgpu/webgl drains the queue of work the
// other algorithms keep full. (A synchronous read inside update would be simpler, but dataSync fails on webgpu in a
// worker; it remains only as the fallback when update is called without prepareUpdate, on wasm/cpu in tests.)
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { toUnitActions, type ActionScale } from '../run/actionScale';
import type { HyperParam } from '../run/hyperparameters';
import { Rng } from '../rng';
import { batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, tauParam, type ObservationStats } from './common';
import { Critics, minOf } from './critics';
import { normalNoise } from './distributions';
import { KDTree } from './kdTree';
import { mse } from './losses';
import { minimizeWith } from './minimize';
import { deterministicActorCritic, pi, td3bcSettings, td3TargetParams } from './deterministicActorCritic';
import { MLP, newVariable, parseHidden, softUpdate } from './nets';
import { Adam } from './optim';
import { td3bcActorLoss, td3bcLambda } from './td3bc';
import type { Agent, AgentContext, AlgorithmDef, Batch } from './types';

/**
 * The dataset constraint's index: the rows (beta * s, a), s as the networks see it (standardised when they are), a in
 * [-1, 1]. Answers a*, the action of the row nearest to (beta * s, pi(s)) (paper sec. 4, the point-to-set distance
 * d_D^beta(s, a) = min over (s^, a^) in D of ||(beta s) + a - (beta s^) + a^||, "+" joining vectors).
 */
export class DatasetConstraintIndex {
  readonly tree: KDTree;

  constructor(
    observations: Float32Array,
    /** Actions in [-1, 1], rows of actionDim. */
    readonly actions: Float32Array,
    readonly observationDim: number,
    readonly actionDim: number,
    readonly beta: number,
    stats: ObservationStats | null,
  ) {
    const n = observations.length / observationDim;
    const keys = new Float32Array(n * (observationDim + actionDim));
    for (let i = 0; i < n; i++) {
      const row = i * (observationDim + actionDim);
      for (let k = 0; k < observationDim; k++) {
        const s = observations[i * observationDim + k];
        keys[row + k] = beta * (stats ? (s - stats.mean[k]) / stats.std[k] : s);
      }
      for (let k = 0; k < actionDim; k++) keys[row + observationDim + k] = actions[i * actionDim + k];
    }
    this.tree = new KDTree(keys, observationDim + actionDim);
  }

  /** From a dataset (every row; actions mapped to [-1, 1] by `scale`, as the trainer's batches are). */
  static fromDataset(d: Dataset, scale: ActionScale | null, beta: number, stats: ObservationStats | null): DatasetConstraintIndex {
    return new DatasetConstraintIndex(d.observations, scale ? toUnitActions(d.actions, scale) : d.actions, d.observationDim, d.actionDim, beta, stats);
  }

  /**
   * a* for each of `count` queries, rows (beta * s, pi(s)) of the key width, s already standardised: the neighbours'
   * actions (rows of actionDim) and the mean distance ||(beta s, pi(s)) - (beta s*, a*)|| over the queries.
   */
  neighbourActions(keys: ArrayLike<number>, count: number): { actions: Float32Array; meanDistance: number } {
    const { rows, distancesSq } = this.tree.nearestMany(keys, count);
    const a = this.actionDim;
    const out = new Float32Array(count * a);
    let distance = 0;
    for (let i = 0; i < count; i++) {
      out.set(this.actions.subarray(rows[i] * a, rows[i] * a + a), i * a);
      distance += Math.sqrt(distancesSq[i]);
    }
    return { actions: out, meanDistance: distance / count };
  }
}

/**
 * The actor's loss (paper sec. 4.3, the practical PRDC objective): -lambda * mean Q(s, pi(s)) + mean ||pi(s) - a*||^2,
 * lambda = alpha / mean|Q| detached; TD3+BC's loss with the data's action replaced by the nearest neighbour's a*.
 */
export function prdcActorLoss(qPolicy: tf.Tensor1D, policyActions: tf.Tensor2D, neighbourActions: tf.Tensor2D, lambda: tf.Scalar): { loss: tf.Scalar; dc: tf.Scalar } {
  const { loss, bc } = td3bcActorLoss(qPolicy, policyActions, neighbourActions, lambda);
  return { loss, dc: bc };
}

const ACTOR_METRICS = 6; // actor_loss, lambda, dc_loss, nn_distance, q_policy, actor_grad_norm

function createPRDC(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const hidden = parseHidden(hp.hidden);
  const settings = td3bcSettings(hp); // alpha, tau, policyNoise, noiseClip, policyDelay: live
  const gamma = Number(hp.gamma);
  const beta = Number(hp.beta);
  let updates = ctx.startUpdate ?? 0;

  const actor = new MLP('prdc/actor', [ctx.observationDim, ...hidden, ctx.actionDim], ctx.rng);
  const actorTarget = new MLP('prdc/actor_target', [ctx.observationDim, ...hidden, ctx.actionDim], new Rng(0));
  actorTarget.copyFrom(actor);
  const critics = new Critics('prdc/q', ctx.observationDim, ctx.actionDim, null, hidden, 2, ctx.rng);
  const actorOptimizer = new Adam(actor.variables, Number(hp.lr));
  const criticOptimizer = new Adam(critics.variables, Number(hp.lr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  const lastActorMetrics = newVariable(() => tf.zeros([ACTOR_METRICS]), 'prdc/last_actor_metrics', false);

  // Built once. Without a dataset (an agent built outside a Trainer: speed measurements, cross-backend checks on a
  // synthetic batch) the index is built from the first batch the agent trains on, which then stands for the data.
  let index: DatasetConstraintIndex | null = ctx.dataset ? DatasetConstraintIndex.fromDataset(ctx.dataset, ctx.actionScale ?? null, beta, normalize.stats) : null;
  const indexFrom = (observations: Float32Array, actions: Float32Array) => new DatasetConstraintIndex(observations, actions, ctx.observationDim, ctx.actionDim, beta, normalize.stats);
  /** (beta * s, pi(s)) for the batch's states, rows of observationDim + actionDim, s as the networks see it. */
  const queryKeys = (batch: Batch): tf.Tensor2D =>
    tf.tidy(() => {
      const obs = normalize.apply(batch.observations);
      return tf.concat([tf.mul(obs, beta), pi(actor, obs)], 1) as tf.Tensor2D;
    });
  /** The neighbours found by prepareUpdate for the batch it was given; used (and cleared) by the next update. */
  let prepared: { batch: Batch; actions: Float32Array; meanDistance: number } | null = null;

  const q1 = (obs: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D => critics.q(obs, actions)[0];

  // The index is not saved: it is rebuilt from the dataset, the same for the same beta.
  const shell = deterministicActorCritic({
    algorithm: 'prdc', rng: ctx.rng, actor, actorTarget, networks: critics.networks, optimizers: [actorOptimizer, criticOptimizer],
    normalize, q: q1, settings, owned: [lastActorMetrics],
  });

  return {
    ...shell,
    metricNames: ['critic_loss', 'actor_loss', 'lambda', 'dc_loss', 'nn_distance', 'q_data', 'mc_return', 'q_policy', 'action_std', 'critic_grad_norm', 'actor_grad_norm'],

    async prepareUpdate(batch: Batch): Promise<void> {
      prepared = null;
      index ??= indexFrom((await batch.observations.data()) as Float32Array, (await batch.actions.data()) as Float32Array);
      if (updates % settings.policyDelay !== 0) return;
      // The round trip of this algorithm: one async read of the batch's keys, then the search on the CPU. The actor
      // does not move between here and the actor step of update(batch) (the critic step comes first), so pi(s) is the same.
      const keys = queryKeys(batch);
      const values = await keys.data();
      keys.dispose();
      prepared = { batch, ...index.neighbourActions(values, batch.actions.shape[0]) };
    },

    update(batch: Batch): tf.Tensor1D {
      index ??= indexFrom(batch.observations.dataSync() as Float32Array, batch.actions.dataSync() as Float32Array);
      const constraint = index;
      const ready = prepared?.batch === batch ? prepared : null;
      prepared = null;
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);

        // Critic: TD3 exactly as TD3+BC (target policy smoothing, clipped double Q), L(Q) = sum_i E[(Q_i(s, a) - y)^2].
        const noise = tf.clipByValue(tf.mul(normalNoise(batch.actions.shape, ctx.rng), settings.policyNoise), -settings.noiseClip, settings.noiseClip);
        const nextActions = tf.clipByValue(tf.add(pi(actorTarget, nextObs), noise), -1, 1) as tf.Tensor2D;
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), minOf(critics.q(nextObs, nextActions, 'target')))) as tf.Tensor1D;
        const criticStep = minimizeWith(criticOptimizer, () => {
          const qs = critics.q(obs, batch.actions);
          return { loss: tf.addN(qs.map((q) => mse(q, y))) as tf.Scalar, aux: [qs[0]] };
        });
        const [qData] = criticStep.aux;

        if (updates % settings.policyDelay === 0) {
          // The dataset constraint: a* of the row nearest to (beta s, pi(s)), found in prepareUpdate (or here with a
          // synchronous read when update is called alone), then one upload of the a* rows.
          const policyNow = pi(actor, obs);
          const found = ready ?? constraint.neighbourActions(queryKeys(batch).dataSync(), batch.actions.shape[0]);
          const aStar = tf.tensor2d(found.actions, batch.actions.shape as [number, number]);
          const lambda = td3bcLambda(q1(obs, policyNow), settings.alpha);
          const actorStep = minimizeWith(actorOptimizer, () => {
            const actions = pi(actor, obs);
            const qPolicy = q1(obs, actions);
            const out = prdcActorLoss(qPolicy, actions, aStar, lambda);
            return { loss: out.loss, aux: [tf.mean(qPolicy), out.dc] };
          });
          const [qPolicy, dcLoss] = actorStep.aux;
          lastActorMetrics.assign(tf.stack([actorStep.loss, lambda, dcLoss, tf.scalar(found.meanDistance), qPolicy, actorStep.gradNorm]));
          critics.updateTargets(settings.tau);
          softUpdate(actorTarget, actor, settings.tau);
        }
        updates += 1;

        const [actorLoss, lambda, dcLoss, nnDistance, qPolicy, actorGradNorm] = tf.unstack(lastActorMetrics);
        const actionStd = tf.mean(tf.sqrt(tf.moments(pi(actor, obs), 0).variance));
        return tf.stack([criticStep.loss, actorLoss, lambda, dcLoss, nnDistance, tf.mean(qData), tf.mean(batch.mcReturns), qPolicy, actionStd, criticStep.gradNorm, actorGradNorm]) as tf.Tensor1D;
      });
    },

    dispose() {
      shell.dispose();
      index = null;
    },
  };
}

const prdcParams: HyperParam[] = [
  { key: 'alpha', label: 'alpha (Q weight)', help: 'Weight of Q against the dataset constraint in the actor loss (the paper’s 2.5, as TD3+BC). 0: pure imitation of the nearest neighbours.', kind: 'number', default: 2.5, min: 0, max: 100, live: true },
  { key: 'beta', label: 'beta (state weight)', help: 'Scale of the (standardised) state against the action when finding the nearest dataset point (the paper’s 2 on locomotion). Large: the data’s own action in s, as TD3+BC; small: any nearby action in the data. Fixed: the index is built once.', kind: 'number', default: 2, min: 0, max: 1000, live: false },
  ...td3TargetParams,
];

export const prdc: AlgorithmDef = {
  id: 'prdc',
  name: 'PRDC',
  paper: 'Ran et al., "Policy Regularization with Dataset Constraint for Offline Reinforcement Learning", ICML 2023',
  summary: 'TD3+BC whose actor is pulled towards the action of the nearest dataset point in (state, action) space, not the data’s action in that very state: it may borrow good actions from nearby states. Each actor step reads one batch back from the device for the neighbour search.',
  family: 'offline',
  actions: ['continuous'],
  usesNextState: true,
  hyperparameters: [learningRateParam(3e-4), batchSizeParam, hiddenParam('256,256'), gammaParam, tauParam, ...prdcParams, normalizeStatesParam(true)],
  charts: [
    { title: 'Q on data vs Monte-Carlo return', metrics: ['q_data', 'mc_return', 'q_policy'], help: 'Healthy: Q on the data’s actions settles near the discounted return actually obtained, and Q of the policy’s actions sits a little above. Q climbing far past the returns: overestimation (lower alpha or beta).' },
    { title: 'Dataset constraint', metrics: ['dc_loss', 'nn_distance'], help: 'How far the policy strays from the data: the squared action gap to the nearest neighbour, and the distance to it in (beta s, a) space. Both small and steady: the policy stays on the data; growing: the Q term drags it off.' },
    { title: 'Gradient norms', metrics: ['critic_grad_norm', 'actor_grad_norm'], help: 'Steady or slowly falling: healthy. Growing spikes: instability.' },
  ],
  metricHelp: {
    critic_loss: 'Sum over the twin critics of the squared TD error to the smoothed target. Healthy: falls, then levels off; steady growth: Q is diverging.',
    actor_loss: '-lambda * mean Q(s, pi(s)) + the dataset-constraint term. The Q part sits near -alpha, so the curve hovers around -alpha plus dc_loss.',
    lambda: 'alpha / mean|Q(s, pi(s))|, the rescaling that makes alpha independent of the reward scale (detached, as TD3+BC).',
    dc_loss: 'Mean squared distance between pi(s) and a*, the action of the dataset point nearest to (beta s, pi(s)). Near 0: the policy’s action is one the data took near s.',
    nn_distance: 'Mean distance from (beta s, pi(s)) to its nearest dataset point (the paper’s point-to-set distance) at the last actor step. Counts the state gap too, so it stays above 0 even when dc_loss is 0.',
    q_data: 'Mean Q1(s, a) over the batch’s dataset actions. Should approach the Monte-Carlo return; far above it: overestimation.',
    mc_return: 'Mean discounted return actually obtained from the batch’s states in the data: the reference for Q on data.',
    q_policy: 'Mean Q1(s, pi(s)) at the last actor step. A little above q_data: the policy found better actions; far above: it exploits critic errors off the data.',
    action_std: 'Spread of the policy’s actions over the batch’s states, averaged over action dimensions. Near 0: the policy ignores the state.',
    critic_grad_norm: 'Norm of the critics’ gradient before the step. Spikes that grow: instability.',
    actor_grad_norm: 'Norm of the actor’s gradient at the last actor step.',
  },
  create: createPRDC,
};
