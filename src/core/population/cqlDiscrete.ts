// Discrete Conservative Q-Learning (Kumar, Zhou, Tucker & Levine, NeurIPS 2020, eq. 4, CQL(H)) for a population of K
// members trained as one model: the offline DQN population (dqn.ts) plus alpha times the conservative gap
// log sum_a exp Q(s, a) - Q(s, a_data), as algos/cqlDiscrete.ts. alpha, the learning rate and tau are per-member device
// values; the target period, the TD loss and Double DQN are shared, as in the DQN population.
import * as tf from '@tensorflow/tfjs';
import { discreteCqlGap } from '../algos/cql';
import { createDQNPopulation } from './dqn';
import { perMember } from './perMember';
import type { PopulationDef } from './types';

/** The gap of every member's rows, [K, B]: algos/cql.ts's exact log-sum-exp gap on the rows of all members at once. */
function memberCqlGap(qAll: tf.Tensor3D, qData: tf.Tensor2D): tf.Tensor2D {
  const [K, B, n] = qAll.shape;
  return tf.reshape(discreteCqlGap(tf.reshape(qAll, [K * B, n]), tf.reshape(qData, [K * B])), [K, B]);
}

export const cqlDiscretePopulation: PopulationDef = {
  algorithmId: 'cql-discrete',
  memberKeys: ['lr', 'tau', 'alpha'],
  create: (ctx) =>
    createDQNPopulation(ctx, cqlDiscretePopulation, {
      metricNames: ['cql_loss', 'cql_gap', 'cql_alpha'],
      penalty(qAll, qData, values) {
        // alpha * E_s[log sum_a exp Q(s, a) - Q(s, a_data)] per member (eq. 4).
        const gap = perMember(memberCqlGap(qAll, qData));
        const alpha = values.vector('alpha');
        const loss = tf.mul(alpha, gap) as tf.Tensor1D;
        // A copy of alpha: the metrics leave the gradient scope and are disposed there, the device vector must not be.
        return { loss, metrics: [loss, gap, tf.clone(alpha)] };
      },
    }),
};
