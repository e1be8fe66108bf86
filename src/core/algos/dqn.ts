// Deep Q-network (Mnih et al., "Human-level control through deep reinforcement learning", Nature 2015), trained purely
// from a fixed dataset: naive offline DQN, the baseline that shows what goes wrong offline. The max in the target
// r + gamma max_a' Q_target(s', a') also picks actions the data never tried at s', whose Q is only a guess; the critic
// then chases its own overestimates upward (the "bootstrapping error" of Kumar et al. 2019) and nothing in the data
// corrects them. Double DQN (van Hasselt, Guez & Silver 2016) picks a' with the online net instead (an option).
// This file is also the core of discrete CQL (cqlDiscrete.ts): the same update plus a regulariser on Q(s, .).
import * as tf from '@tensorflow/tfjs';
import type { HyperParam, HyperValues } from '../run/hyperparameters';
import { actionIndices, batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, tauParam } from './common';
import { Critics } from './critics';
import { mse, pickActions } from './losses';
import { minimizeWith } from './minimize';
import { epsilonGreedyQueries } from './qQueries';
import { parseHidden, readWeights, writeWeights } from './nets';
import { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import type { Agent, AgentContext, AlgorithmDef, Batch, ChartGroup, Checkpoint } from './types';

/** Share of random actions when acting in 'sample' mode (Mnih et al.'s evaluation epsilon). */
const SAMPLE_EPSILON = 0.05;

/** y = r + gamma (1 - done) Q_target(s', a'), a' = argmax of Q_target(s', .) (Mnih et al. eq. 2), or of the online Q(s', .) (Double DQN). */
export function dqnTarget<T extends tf.Tensor1D | tf.Tensor2D>(rewards: T, dones: T, nextTargetQ: tf.Tensor, nextOnlineQ: tf.Tensor | null, gamma: number): T {
  // Actions on the last axis: [B, n] for a lone run, [K, B, n] for a population.
  const last = nextTargetQ.rank - 1;
  const chooser = nextOnlineQ ?? nextTargetQ;
  const next = pickActions(nextTargetQ, tf.argMax(chooser, last) as T, nextTargetQ.shape[last]);
  return tf.add(rewards, tf.mul(tf.mul(gamma, tf.sub(1, dones)), next)) as T;
}

/** The TD loss: Huber (Mnih et al.'s error clipping; 0.5 x^2 inside |x| <= 1, linear outside) or the mean squared error. */
export function tdLoss(q: tf.Tensor1D, y: tf.Tensor1D, kind: string): tf.Scalar {
  return kind === 'mse' ? mse(q, y) : (tf.losses.huberLoss(y, q) as tf.Scalar);
}

/** An extra critic loss on Q(s, .) added to the TD loss (discrete CQL's conservative term), with its own metrics. */
export interface DiscreteQRegularizer {
  metricNames: string[];
  /** Called inside the gradient scope: the penalty and its metrics (scalars). */
  penalty(qAll: tf.Tensor2D, qData: tf.Tensor1D): { loss: tf.Scalar; metrics: tf.Scalar[] };
  setHyperparameters(patch: HyperValues): void;
}

/** Offline DQN, optionally with a regulariser on Q(s, .); `id` names the checkpoint's algorithm. */
export function createDQNAgent(ctx: AgentContext, id: string, regularizer: DiscreteQRegularizer | null): Agent {
  if (ctx.discreteActions === null) throw new Error(`${id} needs discrete actions`);
  const hp = ctx.hyperparameters;
  const k = ctx.discreteActions;
  let [gamma, tau, targetPeriod, loss, double] = [Number(hp.gamma), Number(hp.tau), Number(hp.targetPeriod), String(hp.loss), Boolean(hp.double)];
  let updates = ctx.startUpdate ?? 0; // a resumed or forked run continues its schedules
  const critic = new Critics(`${id}/q`, ctx.observationDim, ctx.actionDim, k, parseHidden(hp.hidden), 1, ctx.rng);
  const optimizer = new Adam(critic.variables, Number(hp.lr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  const Q = (obs: tf.Tensor2D, which: 'online' | 'target' = 'online'): tf.Tensor2D => critic.all(normalize.apply(obs), which)[0];

  return {
    metricNames: ['td_loss', ...(regularizer?.metricNames ?? []), 'q_data', 'q_policy', 'target_q', 'mc_return', 'td_error', 'agreement', 'grad_norm'],

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const idx = actionIndices(batch.actions);
        const y = dqnTarget(batch.rewards, batch.dones, Q(batch.nextObservations, 'target'), double ? Q(batch.nextObservations) : null, gamma);
        // L(theta) = E[loss(Q(s, a) - y)] (Mnih et al. eq. 2) + the regulariser, if any.
        const step = minimizeWith(optimizer, () => {
          const qAll = Q(batch.observations);
          const qData = pickActions(qAll, idx, k);
          const td = tdLoss(qData, y, loss);
          const reg = regularizer?.penalty(qAll, qData);
          return { loss: reg ? tf.add(td, reg.loss) : td, aux: [td, qAll, qData, ...(reg?.metrics ?? [])] };
        });
        const [td, qAll, qData, ...regMetrics] = step.aux;
        updates += 1;
        if (updates % targetPeriod === 0) critic.updateTargets(tau);
        const agreement = tf.mean(tf.cast(tf.equal(tf.argMax(qAll, 1), idx), 'float32'));
        return tf.stack([
          td,
          ...regMetrics,
          tf.mean(qData),
          tf.mean(tf.max(qAll, 1)),
          tf.mean(y),
          tf.mean(batch.mcReturns),
          tf.mean(tf.abs(tf.sub(qData, y))),
          agreement,
          step.gradNorm,
        ]) as tf.Tensor1D;
      });
    },

    ...epsilonGreedyQueries((o) => Q(o), k, ctx.rng, () => SAMPLE_EPSILON),

    policyNetwork() {
      return mlpPolicyNetwork(critic.online[0], normalize.stats, { kind: 'argmax', description: 'Q-values, one per action' });
    },

    setHyperparameters(patch) {
      if (patch.lr !== undefined) optimizer.learningRate = Number(patch.lr);
      if (patch.tau !== undefined) tau = Number(patch.tau);
      if (patch.targetPeriod !== undefined) targetPeriod = Number(patch.targetPeriod);
      if (patch.loss !== undefined) loss = String(patch.loss);
      if (patch.double !== undefined) double = Boolean(patch.double);
      regularizer?.setHyperparameters(patch);
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: id, weights: await readWeights(critic.networks) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights(critic.networks, checkpoint.weights);
    },

    dispose() {
      critic.dispose();
      optimizer.dispose();
      normalize.dispose();
    },
  };
}

/** DQN's controls; discrete CQL adds its conservative weight. */
export const dqnHyperparameters: HyperParam[] = [
  { ...learningRateParam(3e-4), help: 'Adam step size of the Q network (3e-4 as CORL\'s critics; Mnih et al. used RMSProp at 2.5e-4).' },
  {
    ...tauParam,
    help: 'Target network update: target <- tau * online + (1 - tau) * target, every "target period" updates. tau 1 with a period of thousands is Mnih et al.\'s hard copy; 0.005 every update is the soft update of the other algorithms here.',
  },
  {
    key: 'targetPeriod',
    label: 'target period',
    help: 'Updates between two target updates (1: every update). Mnih et al. copied every 10,000 steps.',
    kind: 'int',
    default: 1,
    min: 1,
    max: 100_000,
    live: true,
  },
  {
    key: 'loss',
    label: 'TD loss',
    help: 'huber: Mnih et al.\'s clipped error (gradients bounded by 1, robust to large TD errors); mse: squared error.',
    kind: 'choice',
    default: 'huber',
    choices: ['huber', 'mse'],
    live: true,
  },
  {
    key: 'double',
    label: 'double DQN',
    help: 'Choose the next action with the online network and value it with the target (van Hasselt et al. 2016): less overestimation, but offline it does not remove it.',
    kind: 'bool',
    default: false,
    live: true,
  },
  gammaParam,
  batchSizeParam,
  hiddenParam('256,256'),
  normalizeStatesParam(true),
];

export const dqnCharts: ChartGroup[] = [
  {
    title: 'Q on data vs Monte-Carlo return',
    metrics: ['q_data', 'q_policy', 'mc_return'],
    help: 'Healthy: Q on the dataset actions tracks the return and max_a Q stays close to it. Broken (overestimation): max_a Q climbs far above the return and keeps climbing.',
  },
];

export const dqnMetricHelp: Record<string, string> = {
  td_loss: 'Huber (or squared) TD error of Q(s, a) against r + gamma Q_target(s\', a\'). Offline it can look fine while the values drift: watch q_policy against mc_return.',
  q_data: 'Mean Q(s, a) on the batch\'s dataset actions. Draw it against mc_return.',
  q_policy: 'Mean max_a Q(s, a): the value the greedy policy believes in. Far above mc_return: overestimation on actions the data never tried.',
  target_q: 'Mean TD target r + gamma Q_target(s\', a\'). Rising without bound: the max is feeding on its own overestimates.',
  mc_return: 'Mean discounted return-to-go of the batch rows in the dataset: what Q on dataset actions should be close to (a lower estimate where episodes were cut by a time limit).',
  td_error: 'Mean |Q(s, a) - y| on the batch.',
  agreement: 'Share of batch states where the greedy action is the dataset action. Expert data: high; if it drops while q_policy rises, Q prefers actions it has never seen.',
  grad_norm: 'Gradient norm of the Q loss. Growing spikes: instability.',
};

export const dqn: AlgorithmDef = {
  id: 'dqn',
  name: 'Offline DQN (naive)',
  paper: 'Mnih et al., "Human-level control through deep reinforcement learning", Nature 2015',
  summary: 'Q-learning with a target network, trained only on the dataset: the baseline that overestimates actions the data never tried.',
  family: 'offline',
  actions: ['discrete'],
  usesNextState: true,
  hyperparameters: dqnHyperparameters,
  charts: dqnCharts,
  metricHelp: dqnMetricHelp,
  create: (ctx) => createDQNAgent(ctx, 'dqn', null),
};
