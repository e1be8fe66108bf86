// Offline DQN (Mnih et al., Nature 2015; Double DQN: van Hasselt, Guez & Silver 2016) for a population of K members
// trained as one model: algos/dqn.ts with a leading members axis. The learning rate and tau are per-member device
// values; the target period, the TD loss and Double DQN are shared (one batched step takes one branch). It is also the
// core of the discrete CQL population (cqlDiscrete.ts), as algos/dqn.ts is of the lone one.
import * as tf from '@tensorflow/tfjs';
import { pickActions } from '../algos/losses';
import { parseHidden } from '../algos/nets';
import { BatchedCritics } from './batchedCritics';
import { MemberAdam } from './memberAdam';
import { MemberValues } from './memberValues';
import { perMember } from './perMember';
import { memberMethods } from './memberStates';
import { populationBasics } from './populationBasics';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';


/** An extra per-member critic loss on Q(s, .) added to the TD loss (discrete CQL's conservative term), with its metrics. */
export interface MemberQRegularizer {
  metricNames: string[];
  /** Called inside the gradient scope with Q(s, .) [K, B, n] and Q(s, a) [K, B]: the penalty [K] and its metrics ([K] each). */
  penalty(qAll: tf.Tensor3D, qData: tf.Tensor2D, values: MemberValues): { loss: tf.Tensor1D; metrics: tf.Tensor1D[] };
}

/** Offline DQN for K members, optionally with a regulariser on Q(s, .); `def` gives the checkpoints' id and the per-member keys. */
export function createDQNPopulation(ctx: PopulationContext, def: PopulationDef = dqnPopulation, regularizer: MemberQRegularizer | null = null): PopulationAgent {
  const id = def.algorithmId;
  if (ctx.discreteActions === null) throw new Error(`${id} needs discrete actions`);
  const { K, prefix, hp, gamma, values, normalize } = populationBasics(ctx, def.memberKeys);
  const n = ctx.discreteActions;
  let [targetPeriod, loss, double] = [Number(hp.targetPeriod), String(hp.loss), Boolean(hp.double)];
  let updates = ctx.startUpdate ?? 0;
  const critic = new BatchedCritics(prefix, `${id}/q`, ctx.observationDim, ctx.actionDim, n, parseHidden(hp.hidden), 1, K, ctx.rngs);
  const optimizer = new MemberAdam(K, critic.variables, () => values.vector('lr'));
  const Q = (obs: tf.Tensor3D, which: 'online' | 'target' = 'online'): tf.Tensor3D => (which === 'online' ? critic.online : critic.target)[0].apply(normalize.apply(obs));
  const memberVars = critic.networks.flatMap((c) => c.memberVariables);

  return {
    members: K,
    metricNames: ['td_loss', ...(regularizer?.metricNames ?? []), 'q_data', 'q_policy', 'target_q', 'mc_return', 'td_error', 'agreement', 'grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const idx = tf.cast(tf.squeeze(batch.actions, [2]), 'int32') as tf.Tensor2D;
        // y = r + gamma (1 - done) Q_target(s', a'), a' the argmax of Q_target (or of the online Q: Double DQN).
        const nextTarget = Q(batch.nextObservations, 'target');
        const chooser = double ? Q(batch.nextObservations) : nextTarget;
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), pickActions(nextTarget, tf.argMax(chooser, 2) as tf.Tensor2D, n))) as tf.Tensor2D;
        const step = optimizer.minimize(() => {
          const qAll = Q(batch.observations);
          const qData = pickActions(qAll, idx, n);
          const td = perMember(loss === 'mse' ? tf.square(tf.sub(qData, y)) : tf.losses.huberLoss(y, qData, undefined, 1, tf.Reduction.NONE));
          const reg = regularizer?.penalty(qAll, qData, values);
          return { loss: reg ? (tf.add(td, reg.loss) as tf.Tensor1D) : td, aux: [td, qAll, qData, ...(reg?.metrics ?? [])] };
        });
        const [td, qAll, qData, ...regMetrics] = step.aux;
        updates += 1;
        if (updates % targetPeriod === 0) critic.updateTargets(values.vector('tau'));
        const agreement = perMember(tf.cast(tf.equal(tf.argMax(qAll, 2), idx), 'float32'));
        return tf.stack([td, ...regMetrics, perMember(qData), perMember(tf.max(qAll, 2)), perMember(y), perMember(batch.mcReturns), perMember(tf.abs(tf.sub(qData, y))), agreement, step.gradNorm], 1) as tf.Tensor2D;
      });
    },

    act(observations: tf.Tensor3D): tf.Tensor {
      return tf.tidy(() => tf.argMax(Q(observations), 2));
    },

    ...memberMethods(id, K, { memberVars, optimizers: [optimizer], values, normalize }),

    setSharedHyperparameters(patch) {
      if (patch.targetPeriod !== undefined) targetPeriod = Number(patch.targetPeriod);
      if (patch.loss !== undefined) loss = String(patch.loss);
      if (patch.double !== undefined) double = Boolean(patch.double);
    },
  };
}

export const dqnPopulation: PopulationDef = {
  algorithmId: 'dqn',
  memberKeys: ['lr', 'tau'],
  create: (ctx) => createDQNPopulation(ctx),
};
