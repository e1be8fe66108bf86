// Continuous CQL(H) on SAC (Kumar, Zhou, Tucker & Levine, NeurIPS 2020, eq. 4 with importance sampling, appendix F)
// and Cal-QL (Nakamoto et al., NeurIPS 2023: the policy-action Q bounded below by the return-to-go) for a population of
// K members trained as one model: algos/cqlContinuous.ts's conservative term on population/sac.ts. alpha, the target gap
// and the log-sum-exp temperature are per-member device values (with SAC's lr, actorLr, tau and entropy backup); the
// number of sampled actions (a shape) and the Lagrange switch (whether the multiplier's Adam steps) are shared. The
// uniform and policy actions come from each member's own Rng in the lone run's order, so member k and a lone run with
// its seed and settings agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { calibratedLowerBound } from '../algos/calQl';
import { sampledCqlGap } from '../algos/cql';
import type { Rng } from '../rng';
import { MemberAdam } from './memberAdam';
import type { MemberValues } from './memberValues';
import { memberVariable } from './memberVariables';
import { perMember } from './perMember';
import { createSACPopulationAgent, SAC_MEMBER_KEYS, type MemberCriticScope, type MemberQRegularizer } from './sac';
import type { PopulationContext, PopulationDef } from './types';

const CQL_MEMBER_KEYS = [...SAC_MEMBER_KEYS, 'alpha', 'targetGap', 'temperature'];

/** Each member's B rows repeated n times in a row: [K, B, d] -> [K, B * n, d], as the lone file's repeatRows. */
function repeatMemberRows(x: tf.Tensor3D, n: number): tf.Tensor3D {
  const [k, b, d] = x.shape;
  return tf.reshape(tf.tile(tf.expandDims(x, 2), [1, 1, n, 1]), [k, b * n, d]);
}

/** [K, ...shape] uniform in [-1, 1]: slice k drawn with one seed from member k's Rng, as a lone run draws it. */
function memberUniform(rngs: readonly Rng[], shape: number[]): tf.Tensor {
  return tf.stack(rngs.map((rng) => tf.randomUniform(shape, -1, 1, 'float32', rng.nextUint32())));
}

/** The conservative term for K members; `calibrate` turns it into Cal-QL's. */
function memberConservativeTerm(ctx: PopulationContext, values: MemberValues, prefix: string, calibrate: boolean): MemberQRegularizer {
  const A = ctx.actionDim;
  const hp = ctx.hyperparameters[0];
  let [lagrange, n] = [Boolean(hp.lagrange), Number(hp.sampledActions)];
  // log alpha' starts at 1 (CORL's Scalar(1.0)) and steps with the critic's learning rate, per member.
  const logAlphaPrime = memberVariable(() => tf.ones([ctx.members, 1]), `${prefix}/cql/log_alpha_prime`, 'cql/log_alpha_prime', []);
  const lagrangeOptimizer = new MemberAdam(ctx.members, [logAlphaPrime], () => values.vector('lr'));
  const multiplier = () => tf.reshape(tf.clipByValue(tf.exp(logAlphaPrime.variable), 0, 1e6), [-1]) as tf.Tensor1D;

  return {
    metricNames: ['cql_loss', 'cql_gap', 'q_random', 'cql_alpha', 'lagrange', ...(calibrate ? ['bound_rate'] : [])],
    memberVars: [logAlphaPrime],
    optimizers: [lagrangeOptimizer],

    penalty({ observations, nextObservations, qData, critics, policy, mcReturns }: MemberCriticScope) {
      const [K, b] = observations.shape;
      const obsRep = repeatMemberRows(observations, n);
      // Proposal actions as the lone term draws them: uniform in [-1, 1]^A, then the policy at s and at s'.
      const random = memberUniform(ctx.rngs, [b * n, A]) as tf.Tensor3D;
      const current = policy(obsRep);
      const next = policy(repeatMemberRows(nextObservations, n));
      const actions = tf.concat([random, current.action, next.action], 1) as tf.Tensor3D;
      const states = tf.concat([obsRep, obsRep, obsRep], 1) as tf.Tensor3D;
      const perState = (t: tf.Tensor) => tf.reshape(t, [K, b, n]);
      const gaps = critics.q(states, actions).map((q, i) => {
        const [qRandom, rawCurrent, rawNext] = tf.split(q, 3, 1).map(perState);
        const [qCurrent, qNext] = calibrate ? [calibratedLowerBound(rawCurrent, mcReturns), calibratedLowerBound(rawNext, mcReturns)] : [rawCurrent, rawNext];
        const sampled = { qRandom, qCurrent, logPiCurrent: perState(current.logProb), qNext, logPiNext: perState(next.logProb) };
        const gap = perMember(sampledCqlGap(sampled, qData[i], A, values.column('temperature', 3)));
        const bounded = calibrate ? perMember(tf.cast(tf.less(tf.concat([rawCurrent, rawNext], 2), tf.expandDims(mcReturns, 2)), 'float32')) : null;
        return { gap, qRandom: perMember(qRandom), bounded };
      });
      const gap = tf.div(tf.addN(gaps.map((g) => g.gap)), gaps.length) as tf.Tensor1D;
      // alpha * sum_i gap_i, or with Lagrange alpha' * alpha * sum_i (gap_i - target gap) (alpha' held fixed here).
      const alpha = values.vector('alpha');
      const aPrime = lagrange ? multiplier() : tf.zeros([K]);
      const loss = lagrange
        ? tf.mul(tf.mul(aPrime, alpha), tf.addN(gaps.map((g) => tf.sub(g.gap, values.vector('targetGap')))))
        : tf.mul(alpha, tf.addN(gaps.map((g) => g.gap)));
      const qRandom = tf.div(tf.addN(gaps.map((g) => g.qRandom)), gaps.length);
      const boundRate = calibrate ? [tf.div(tf.addN(gaps.map((g) => g.bounded!)), gaps.length) as tf.Tensor1D] : [];
      return { loss: loss as tf.Tensor1D, metrics: [loss, gap, qRandom, tf.clone(alpha), aPrime, ...boundRate] as tf.Tensor1D[] };
    },

    afterCriticStep(metrics) {
      if (!lagrange) return;
      // alpha' maximises alpha' * alpha * (gap - target): it grows while Q on sampled actions is not pushed down enough.
      const gap = metrics[1];
      lagrangeOptimizer.minimize(() => ({ loss: tf.neg(tf.mul(tf.mul(multiplier(), values.vector('alpha')), tf.sub(gap, values.vector('targetGap')))) as tf.Tensor1D, aux: [] }));
    },

    setSharedHyperparameters(patch) {
      if (patch.lagrange !== undefined) lagrange = Boolean(patch.lagrange);
      if (patch.sampledActions !== undefined) n = Number(patch.sampledActions);
    },
  };
}

export const cqlContinuousPopulation: PopulationDef = {
  algorithmId: 'cql',
  memberKeys: CQL_MEMBER_KEYS,
  create: (ctx) => createSACPopulationAgent(ctx, 'cql', CQL_MEMBER_KEYS, (values, prefix) => memberConservativeTerm(ctx, values, prefix, false)),
};

export const calQlPopulation: PopulationDef = {
  algorithmId: 'cal-ql',
  memberKeys: CQL_MEMBER_KEYS,
  create: (ctx) => createSACPopulationAgent(ctx, 'cal-ql', CQL_MEMBER_KEYS, (values, prefix) => memberConservativeTerm(ctx, values, prefix, true)),
};
