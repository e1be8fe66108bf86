// Continuous Conservative Q-Learning, CQL(H) on SAC (Kumar, Zhou, Tucker & Levine, "Conservative Q-Learning for Offline
// Reinforcement Learning", NeurIPS 2020, eq. 4 with importance sampling, appendix F), as CORL implements it: offline SAC
// (sac.ts) plus alpha times the conservative gap (cql.ts) for each twin critic, estimated from 10 uniform actions and 10
// policy actions at s and at s'. With the Lagrange option, alpha is scaled by a multiplier alpha' that grows while the gap
// exceeds a target and shrinks below it (eq. 30 of the appendix).
// Defaults as CORL, the lab's reference: alpha 10 (the paper and d3rlpy use 5), actor learning rate 3e-5 (the paper used
// 1e-4), no entropy term in the target. CQL holds Q below the data's return by roughly alpha / (1 - gamma) times a
// per-step gap, so on small rewards a lower alpha (1 to 5) keeps Q closer to the return: on Pendulum at gamma 0.9,
// alpha 10 settles near 2.5x the return and alpha 1 near 1.2x (tests/unit/algos.learning.test.ts). Data whose actions
// sit at the action bounds (bang-bang experts) is a hard case: the tanh policy never reaches them, and Q keeps falling.
import * as tf from '@tensorflow/tfjs';
import { newVariable } from './nets';
import { Rng } from '../rng';
import type { HyperValues } from '../run/hyperparameters';
import { sampledCqlGap } from './cql';
import { createSACAgent, sacCharts, sacHyperparameters, sacMetricHelp, type ContinuousQRegularizer, type CriticScope } from './sac';
import { Adam } from './optim';
import type { AgentContext, AlgorithmDef } from './types';

/** Each of B rows repeated n times in a row: [B, d] -> [B * n, d] (rows b*n .. b*n + n - 1 are row b). */
function repeatRows(x: tf.Tensor2D, n: number): tf.Tensor2D {
  const [b, d] = x.shape;
  return tf.reshape(tf.tile(tf.expandDims(x, 1), [1, n, 1]), [b * n, d]);
}

/**
 * The CQL term. `calibrate` (Cal-QL, calQl.ts) bounds Q at the policy's actions from below by the return-to-go before
 * the log-sum-exp, and adds the share of bounded values as a metric.
 */
export function conservativeTerm(ctx: AgentContext, hp: HyperValues, rng: Rng, calibrate: ((q: tf.Tensor2D, mcReturns: tf.Tensor1D) => tf.Tensor2D) | null = null): ContinuousQRegularizer {
  const A = ctx.actionDim;
  let [alpha, lagrange, targetGap, temperature, n] = [Number(hp.alpha), Boolean(hp.lagrange), Number(hp.targetGap), Number(hp.temperature), Number(hp.sampledActions)];
  // log alpha' starts at 1 (CORL's Scalar(1.0)) and steps with the critic's learning rate.
  const logAlphaPrime = newVariable(() => tf.scalar(1), 'cql/log_alpha_prime');
  const lagrangeOptimizer = new Adam([logAlphaPrime], Number(hp.lr));
  const multiplier = () => tf.clipByValue(tf.exp(logAlphaPrime), 0, 1e6) as tf.Scalar;

  return {
    metricNames: ['cql_loss', 'cql_gap', 'q_random', 'cql_alpha', 'lagrange', ...(calibrate ? ['bound_rate'] : [])],
    variables: [logAlphaPrime],

    penalty({ observations, nextObservations, qData, critics, policy, mcReturns }: CriticScope) {
      const b = observations.shape[0];
      const obsRep = repeatRows(observations, n);
      // Proposal actions: uniform in [-1, 1]^A, and the current policy at s and at s' (evaluated at s, as CORL).
      const random = tf.randomUniform([b * n, A], -1, 1, 'float32', rng.nextUint32()) as tf.Tensor2D;
      const current = policy(obsRep);
      const next = policy(repeatRows(nextObservations, n));
      const actions = tf.concat([random, current.action, next.action], 0) as tf.Tensor2D;
      const states = tf.concat([obsRep, obsRep, obsRep], 0) as tf.Tensor2D;
      const perState = (t: tf.Tensor) => tf.reshape(t, [b, n]) as tf.Tensor2D;
      const gaps = critics.q(states, actions).map((q, i) => {
        const [qRandom, rawCurrent, rawNext] = tf.split(q, 3).map(perState);
        const [qCurrent, qNext] = calibrate ? [calibrate(rawCurrent, mcReturns), calibrate(rawNext, mcReturns)] : [rawCurrent, rawNext];
        const gap = tf.mean(sampledCqlGap({ qRandom, qCurrent, logPiCurrent: perState(current.logProb), qNext, logPiNext: perState(next.logProb) }, qData[i], A, temperature));
        // Cal-QL's bound rate: the share of policy-action Q values the return-to-go lifted.
        const bounded = calibrate ? tf.mean(tf.cast(tf.less(tf.concat([rawCurrent, rawNext], 1), tf.expandDims(mcReturns, 1)), 'float32')) : tf.scalar(0);
        return { gap, qRandom, bounded };
      });
      const gap = tf.div(tf.addN(gaps.map((g) => g.gap)), gaps.length) as tf.Scalar;
      // alpha * sum_i gap_i, or with Lagrange alpha' * alpha * sum_i (gap_i - target gap) (alpha' held fixed here).
      const aPrime = lagrange ? multiplier() : tf.scalar(0);
      const loss = lagrange
        ? (tf.mul(tf.mul(aPrime, alpha), tf.addN(gaps.map((g) => tf.sub(g.gap, targetGap)))) as tf.Scalar)
        : (tf.mul(alpha, tf.addN(gaps.map((g) => g.gap))) as tf.Scalar);
      const qRandom = tf.div(tf.mean(tf.addN(gaps.map((g) => g.qRandom))), gaps.length) as tf.Scalar;
      const boundRate = calibrate ? [tf.div(tf.addN(gaps.map((g) => g.bounded)), gaps.length) as tf.Scalar] : [];
      return { loss, metrics: [loss, gap, qRandom, tf.scalar(alpha), aPrime, ...boundRate] };
    },

    afterCriticStep(metrics) {
      if (!lagrange) return;
      // alpha' maximises alpha' * alpha * (gap - target): it grows while Q on sampled actions is not pushed down enough.
      const gap = metrics[1];
      lagrangeOptimizer.minimize(() => tf.neg(tf.mul(tf.mul(multiplier(), alpha), tf.sub(gap, targetGap))) as tf.Scalar);
    },

    setHyperparameters(patch) {
      if (patch.alpha !== undefined) alpha = Number(patch.alpha);
      if (patch.lagrange !== undefined) lagrange = Boolean(patch.lagrange);
      if (patch.targetGap !== undefined) targetGap = Number(patch.targetGap);
      if (patch.temperature !== undefined) temperature = Number(patch.temperature);
      if (patch.sampledActions !== undefined) n = Number(patch.sampledActions);
      if (patch.lr !== undefined) lagrangeOptimizer.learningRate = Number(patch.lr);
    },

    dispose() {
      logAlphaPrime.dispose();
      lagrangeOptimizer.dispose();
    },
  };
}

export const cqlContinuous: AlgorithmDef = {
  id: 'cql',
  name: 'Conservative Q-Learning (CQL, continuous)',
  paper: 'Kumar, Zhou, Tucker & Levine, "Conservative Q-Learning for Offline Reinforcement Learning", NeurIPS 2020',
  summary: 'Soft actor-critic whose critics are pushed down on sampled actions and up on the dataset actions, so the actor cannot exploit overestimated actions.',
  family: 'offline',
  actions: ['continuous'],
  usesNextState: true,
  hyperparameters: [
    {
      key: 'alpha',
      label: 'conservative weight (alpha)',
      help: 'Weight of the CQL term. 0: naive offline SAC (overestimates); larger: Q on unseen actions is pushed further down, and Q on the data below its return. CORL: 10; the paper and d3rlpy: 5; small rewards want less.',
      kind: 'number',
      default: 10,
      min: 0,
      max: 1000,
      live: true,
    },
    {
      key: 'lagrange',
      label: 'Lagrange (auto alpha)',
      help: 'Scale alpha by a multiplier alpha\' tuned so the conservative gap sits at the target gap (the paper\'s CQL-Lagrange; CORL uses it on AntMaze).',
      kind: 'bool',
      default: false,
      live: true,
    },
    {
      key: 'targetGap',
      label: 'target gap (Lagrange)',
      help: 'With Lagrange on: the conservative gap alpha\' aims for (5 in the CQL authors\' AntMaze runs). Lower: more conservative.',
      kind: 'number',
      default: 5,
      min: -100,
      max: 100,
      live: true,
      activeWhen: { lagrange: true },
    },
    {
      key: 'sampledActions',
      label: 'sampled actions',
      help: 'Actions per state from each proposal (uniform, policy at s, policy at s\') to estimate the log-sum-exp (10, as CORL). More: a better estimate, slower updates.',
      kind: 'int',
      default: 10,
      min: 1,
      max: 100,
      live: true,
    },
    {
      key: 'temperature',
      label: 'log-sum-exp temperature',
      help: 'Temperature of the soft maximum over sampled actions (1, as CORL). Towards 0: a hard maximum.',
      kind: 'number',
      default: 1,
      min: 0.01,
      max: 100,
      log: true,
      live: true,
    },
    ...sacHyperparameters({
      actorLr: 3e-5,
      actorLrHelp: 'Adam step size of the actor and of log alpha (3e-5 as CORL; the paper used 1e-4). Small, so the critic settles before the actor moves.',
      backupEntropy: false,
      backupHelp: 'Subtract alpha log pi(a\'|s\') in the TD target, as SAC does. Off in CORL\'s CQL.',
    }),
  ],
  charts: [
    ...sacCharts,
    { title: 'TD loss and conservative term', metrics: ['td_loss', 'cql_loss'], help: 'Healthy: both fall and level off. A CQL term that keeps growing: alpha is fighting the TD target.' },
    { title: 'Q on data vs sampled actions', metrics: ['q_data', 'q_random'], help: 'Healthy: Q on the dataset actions stays above Q on uniform random actions. Broken: random actions look as good as the data.' },
  ],
  metricHelp: {
    ...sacMetricHelp,
    td_loss: 'Squared TD error of the twin critics (summed) against the target (no entropy term unless "entropy in the target" is on).',
    cql_loss: 'The conservative term CQL adds to the critic loss: alpha (times alpha\' with Lagrange) times the gaps of both critics.',
    cql_gap: 'Mean over the critics of the importance-sampled log-sum-exp of Q over sampled actions minus Q on the dataset action. Healthy: falls and levels off; with Lagrange it settles near the target gap.',
    q_random: 'Mean Q at uniform random actions. Healthy: below q_data; far above it: the critic overvalues actions the data never tried.',
    cql_alpha: 'The conservative weight alpha in use.',
    lagrange: 'The Lagrange multiplier alpha\' (0 when Lagrange is off). Grows while the gap is above the target.',
  },
  create: (ctx) => createSACAgent(ctx, 'cql', conservativeTerm(ctx, ctx.hyperparameters, ctx.rng)),
};
