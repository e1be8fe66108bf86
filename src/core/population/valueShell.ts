// The shell shared by IQL-structured populations: IQL (iql.ts) and the dual-V family XQL / f-DVL (dualValue.ts), as
// algos/valueAgentShell.ts is for lone runs, with a leading members axis. Networks in the lone shell's draw order (twin
// Q with Polyak targets, V, the actor and its state-independent log std), their Adams with per-member rates, the actor's
// weighted-likelihood step on its per-member cosine schedule, greedy actions, and the member methods. What differs (the
// V loss, the Q target, the order of the steps) stays in each algorithm's file.
import * as tf from '@tensorflow/tfjs';
import { type ObservationNormalizer } from '../algos/common';
import { categoricalEntropy, gaussianEntropy, gaussianLogProb, LOG_STD_MAX, LOG_STD_MIN } from '../algos/distributions';
import { weightedLogLikelihoodLoss } from '../algos/iqlLosses';
import { pickActions } from '../algos/losses';
import { BatchedCritics } from './batchedCritics';
import { BatchedMLP } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { MemberValues } from './memberValues';
import { memberMethods, type MemberMethods } from './memberStates';
import { memberVariable } from './memberVariables';
import { perMember } from './perMember';
import { populationBasics } from './populationBasics';
import type { PopulationAgent, PopulationContext } from './types';

/** The per-member keys the shell reads: learning rates, the actor's cosine schedule, tau. */
export const VALUE_SHELL_MEMBER_KEYS = ['lr', 'actorLr', 'actorCosine', 'tau', 'maxUpdates'];

export interface ValueShellPopulation {
  critics: BatchedCritics;
  qOptimizer: MemberAdam;
  vOptimizer: MemberAdam;
  values: MemberValues;
  normalize: ObservationNormalizer;
  /** V(s) as [K, n]. */
  V(obs: tf.Tensor3D): tf.Tensor2D;
  /** The greedy action of an actor output as a column Q can read: the mean (continuous) or the argmax index (discrete). */
  greedyColumn(out: tf.Tensor3D): tf.Tensor3D;
  /** Entropy per member: the Gaussian's before clipping (continuous), the softmax's averaged over the rows (discrete). */
  entropy(out: tf.Tensor3D): tf.Tensor1D;
  /**
   * One actor step on L_pi = -E[w log pi(a|s)] per member at its scheduled rate (cosine, where on), then one count on
   * the schedule. Returns the loss, gradient norm, actor output (mean or logits) and the rates used, each per member.
   */
  actorStep(obs: tf.Tensor3D, actions: tf.Tensor3D, weights: tf.Tensor2D): { loss: tf.Tensor1D; gradNorm: tf.Tensor1D; out: tf.Tensor3D; lr: tf.Tensor1D };
  /** act and the member methods of the agent. */
  methods: MemberMethods & Pick<PopulationAgent, 'act'>;
}

/** `id` names the lone run's variables (its checkpoint keys); `memberKeys` every per-member key of the algorithm. */
export function createValueShellPopulation(ctx: PopulationContext, id: string, memberKeys: readonly string[]): ValueShellPopulation {
  const { K, prefix, discrete, hidden, values, normalize } = populationBasics(ctx, memberKeys);
  const n = ctx.discreteActions ?? 0;
  let updates = ctx.startUpdate ?? 0;

  // The lone shell's draw order from each member's Rng: twin Q, V, actor.
  const critics = new BatchedCritics(prefix, `${id}/q`, ctx.observationDim, ctx.actionDim, ctx.discreteActions, hidden, 2, K, ctx.rngs);
  const value = new BatchedMLP(prefix, `${id}/v`, [ctx.observationDim, ...hidden, 1], K, ctx.rngs);
  const actor = new BatchedMLP(prefix, `${id}/actor`, [ctx.observationDim, ...hidden, discrete ? n : ctx.actionDim], K, ctx.rngs);
  const logStd = discrete ? null : memberVariable(() => tf.zeros([K, 1, ctx.actionDim]), `${prefix}/${id}/actor_log_std`, `${id}/actor_log_std`, [1, ctx.actionDim]);
  let actorLr: tf.Tensor1D | null = null; // this update's scheduled rates, set before the actor step
  const qOptimizer = new MemberAdam(K, critics.variables, () => values.vector('lr'));
  const vOptimizer = new MemberAdam(K, value.memberVariables, () => values.vector('lr'));
  const actorOptimizer = new MemberAdam(K, logStd ? [...actor.memberVariables, logStd] : actor.memberVariables, () => actorLr!);
  const memberVars = [...critics.networks.flatMap((c) => c.memberVariables), ...value.memberVariables, ...actor.memberVariables, ...(logStd ? [logStd] : [])];

  const clippedLogStd = () => tf.clipByValue(logStd!.variable, LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor3D;
  const policyOutput = (obs: tf.Tensor3D): tf.Tensor3D => (discrete ? actor.apply(obs) : tf.tanh(actor.apply(obs)));
  const logProb = (out: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D =>
    discrete ? pickActions(tf.logSoftmax(out), tf.cast(tf.squeeze(actions, [2]), 'int32') as tf.Tensor2D, n) : gaussianLogProb(actions, out, clippedLogStd());
  /** The cosine schedule (PyTorch's CosineAnnealingLR, as valueAgentShell's cosineRate) per member, on the device. */
  const scheduledActorLr = (): tf.Tensor1D => {
    const base = values.vector('actorLr');
    const total = values.vector('maxUpdates');
    const cosine = values.vector('actorCosine');
    const annealed = tf.mul(tf.mul(base, 0.5), tf.add(1, tf.cos(tf.mul(Math.PI, tf.div(tf.minimum(updates, total), tf.maximum(1, total))))));
    return tf.add(tf.mul(cosine, annealed), tf.mul(tf.sub(1, cosine), base)) as tf.Tensor1D;
  };

  return {
    critics,
    qOptimizer,
    vOptimizer,
    values,
    normalize,

    V: (obs) => tf.squeeze(value.apply(obs), [2]) as tf.Tensor2D,

    greedyColumn: (out) => (discrete ? (tf.expandDims(tf.cast(tf.argMax(out, 2), 'float32'), 2) as tf.Tensor3D) : out),

    entropy: (out) => (discrete ? perMember(categoricalEntropy(out)) : (tf.reshape(gaussianEntropy(clippedLogStd()), [K]) as tf.Tensor1D)),

    actorStep(obs, actions, weights) {
      actorLr = scheduledActorLr();
      const step = actorOptimizer.minimize(() => {
        const out = policyOutput(obs);
        return { loss: weightedLogLikelihoodLoss(weights, logProb(out, actions)) as tf.Tensor1D, aux: [out] };
      });
      updates += 1;
      return { loss: step.loss, gradNorm: step.gradNorm, out: step.aux[0] as tf.Tensor3D, lr: actorLr };
    },

    methods: {
      act(observations: tf.Tensor3D): tf.Tensor {
        return tf.tidy(() => {
          const out = policyOutput(normalize.apply(observations));
          return discrete ? tf.argMax(out, 2) : out;
        });
      },
      ...memberMethods(id, K, { memberVars, optimizers: [qOptimizer, vOptimizer, actorOptimizer], values, normalize }),
    },
  };
}
