// Discrete Conservative Q-Learning (Kumar, Zhou, Tucker & Levine, "Conservative Q-Learning for Offline Reinforcement
// Learning", NeurIPS 2020, section 4 and eq. 4, CQL(H)): offline DQN (dqn.ts) plus alpha times the conservative gap
// log sum_a exp Q(s, a) - Q(s, a_data) (cql.ts), exact over the actions. Without it, max_a Q drifts upward on actions the
// data never tried; with it, those actions are pushed down until the dataset's action is (softly) the best.
// Default alpha 1.0: Kumar et al. used 1.0 and 4.0 on Atari (depending on the data), and 1.0 is d3rlpy's DiscreteCQL default.
import * as tf from '@tensorflow/tfjs';
import { discreteCqlGap } from './cql';
import { createDQNAgent, dqnCharts, dqnHyperparameters, dqnMetricHelp } from './dqn';
import type { AlgorithmDef } from './types';

export const cqlDiscrete: AlgorithmDef = {
  id: 'cql-discrete',
  name: 'Conservative Q-Learning (CQL, discrete)',
  paper: 'Kumar, Zhou, Tucker & Levine, "Conservative Q-Learning for Offline Reinforcement Learning", NeurIPS 2020',
  summary: 'Offline DQN that also pushes Q down on every action and up on the dataset action, so actions the data never tried cannot look best.',
  family: 'offline',
  actions: ['discrete'],
  usesNextState: true,
  hyperparameters: [
    {
      key: 'alpha',
      label: 'conservative weight (alpha)',
      help: 'Weight of the CQL term. 0: plain offline DQN (overestimates); larger: Q stays below the data\'s return and the policy sticks to dataset actions. Kumar et al.: 1 or 4 on Atari.',
      kind: 'number',
      default: 1,
      min: 0,
      max: 100,
      live: true,
    },
    ...dqnHyperparameters,
  ],
  charts: [
    ...dqnCharts,
    { title: 'TD loss and conservative term', metrics: ['td_loss', 'cql_loss'], help: 'Healthy: both fall and level off. A CQL term stuck high: alpha is fighting the TD target.' },
  ],
  metricHelp: {
    ...dqnMetricHelp,
    cql_loss: 'alpha times the conservative gap: the part of the loss CQL adds to DQN.',
    cql_gap: 'Mean log sum_a exp Q(s, a) - Q(s, a_data). Never below 0; about log(#actions) when Q is flat, near 0 when the dataset action clearly dominates. Healthy: falls and levels off.',
    cql_alpha: 'The conservative weight alpha in use.',
  },
  create: (ctx) => {
    let alpha = Number(ctx.hyperparameters.alpha);
    return createDQNAgent(ctx, 'cql-discrete', {
      metricNames: ['cql_loss', 'cql_gap', 'cql_alpha'],
      penalty(qAll, qData) {
        // alpha * E_s[log sum_a exp Q(s, a) - E_{a ~ data} Q(s, a)] (eq. 4)
        const gap = tf.mean(discreteCqlGap(qAll, qData)) as tf.Scalar;
        const loss = tf.mul(alpha, gap) as tf.Scalar;
        return { loss, metrics: [loss, gap, tf.scalar(alpha)] };
      },
      setHyperparameters(patch) {
        if (patch.alpha !== undefined) alpha = Number(patch.alpha);
      },
    });
  },
};
