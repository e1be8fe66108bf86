// Calibrated Q-Learning, Cal-QL (Nakamoto, Zhai, Singh, Sobol Mark, Ma, Finn, Kumar & Levine, "Cal-QL: Calibrated
// Offline RL Pre-Training for Efficient Online Fine-Tuning", NeurIPS 2023): CQL (cqlContinuous.ts) whose push-down on
// the policy's actions stops at a reference value. In the conservative term, Q(s, a ~ pi) is replaced by
// max(Q(s, a ~ pi), V^mu(s)) (eq. 5.1, the reference V^mu(s) estimated by the return-to-go of the data's own episode),
// so the learnt Q stays conservative yet on the scale of real returns. Without it CQL's values sit far below the
// returns and the first online steps "unlearn" the pre-trained policy while Q climbs back: the dip Cal-QL removes.
// Fine-tuning mixes offline and online rows half and half (the run's offline share). Defaults as CORL's
// finetune/cal_ql.py: alpha 10, actor learning rate 3e-5, critic 3e-4, no entropy backup, two hidden layers of 256.
// Online rows enter batches once their episode has ended (their return-to-go is then known; CORL stores 0 for them).
import * as tf from '@tensorflow/tfjs';
import { conservativeTerm, cqlContinuous } from './cqlContinuous';
import { createSACAgent } from './sac';
import type { AlgorithmDef } from './types';

/**
 * The calibrated lower bound: each sampled-action Q (rows of [B, n], or a population's [K, B, n]) lifted to at least its
 * state's reference return ([B], or [K, B]).
 */
export function calibratedLowerBound<T extends tf.Tensor>(q: T, referenceReturns: tf.Tensor): T {
  return tf.maximum(q, tf.expandDims(referenceReturns, -1)) as T;
}

export const calQl: AlgorithmDef = {
  ...cqlContinuous,
  id: 'cal-ql',
  name: 'Cal-QL (calibrated CQL, for fine-tuning)',
  paper: 'Nakamoto et al., "Cal-QL: Calibrated Offline RL Pre-Training for Efficient Online Fine-Tuning", NeurIPS 2023',
  summary: 'CQL whose conservative push-down stops at the data\'s return-to-go: values stay on the scale of real returns, so switching online does not first unlearn the policy.',
  hyperparameters: cqlContinuous.hyperparameters.map((p) => (p.key === 'hidden' ? { ...p, default: '256,256', help: `${p.help} CORL's Cal-QL: 256,256.` } : p)),
  charts: [
    ...(cqlContinuous.charts ?? []),
    { title: 'Calibration', metrics: ['bound_rate'], help: 'Share of the policy-action Q values below the return-to-go (lifted by the bound). High: plain CQL would be pushing Q below real returns here.' },
  ],
  metricHelp: {
    ...cqlContinuous.metricHelp,
    mc_return: 'Mean discounted return-to-go of the batch rows: the reference value the policy-action Q values are bounded by.',
    bound_rate: 'Share of Q(s, a ~ pi) values (both critics, actions at s and s\') below the return-to-go, which the calibration lifts to it.',
  },
  create: (ctx) => createSACAgent(ctx, 'cal-ql', conservativeTerm(ctx, ctx.hyperparameters, ctx.rng, calibratedLowerBound)),
};
