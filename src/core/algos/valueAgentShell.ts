// The shell shared by IQL-structured agents: IQL (iql.ts) and the dual-V family XQL / f-DVL / ReCOIL (dualValue.ts).
// Networks as CORL's IQL: twin Q with Polyak-averaged targets, a state-value net V, and an actor that is a Gaussian with
// tanh mean and a state-independent log std clipped to [-20, 2] (continuous) or a softmax over logits (discrete),
// stepped with a cosine learning-rate schedule. What differs between the algorithms (the V loss, the Q target, the
// advantage weights and the order of the steps) stays in each algorithm's file; here: the networks, the actor's
// weighted-likelihood step, and the agent's queries, controls, checkpoints and disposal.
import * as tf from '@tensorflow/tfjs';
import type { HyperValues } from '../run/hyperparameters';
import { actionIndices, observationNormalizer, type ObservationNormalizer } from './common';
import { Critics, minOf } from './critics';
import { categoricalEntropy, gaussianEntropy, gaussianLogProb, LOG_STD_MAX, LOG_STD_MIN, sampleClippedGaussian, softmaxAction } from './distributions';
import { weightedLogLikelihoodLoss } from './iqlLosses';
import { pickActions } from './losses';
import { minimizeWith } from './minimize';
import { MLP, newVariable, parseHidden, readWeights, writeWeights } from './nets';
import { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import type { Agent, AgentContext } from './types';

/** Cosine annealing of a learning rate from `base` at update 0 to 0 at update `total` (PyTorch's CosineAnnealingLR). */
export function cosineRate(base: number, update: number, total: number): number {
  return base * 0.5 * (1 + Math.cos((Math.PI * Math.min(update, total)) / Math.max(1, total)));
}

/** The agent methods the shell answers in full. */
export type ValueAgentMethods = Pick<Agent, 'act' | 'qValue' | 'stateValue' | 'policyNetwork' | 'save' | 'load' | 'dispose'>;

export interface ValueAgentShell {
  critics: Critics;
  qOptimizer: Adam;
  vOptimizer: Adam;
  normalize: ObservationNormalizer;
  /** V(s) as [n]. */
  V(obs: tf.Tensor2D): tf.Tensor1D;
  /** The greedy action of an actor output as a column Q can read: the mean (continuous) or the argmax index (discrete). */
  greedyColumn(out: tf.Tensor2D): tf.Tensor2D;
  /** Entropy of the policy: the Gaussian's before clipping (continuous), the softmax's averaged over the batch (discrete). */
  entropy(out: tf.Tensor2D): tf.Tensor;
  /**
   * One actor step on L_pi = -E[w log pi(a|s)] over the given rows, at the scheduled learning rate (cosine, if on),
   * then one count on the schedule. Returns the loss, the gradient norm and the actor output on `obs` (mean or logits).
   */
  actorStep(obs: tf.Tensor2D, actions: tf.Tensor2D, weights: tf.Tensor1D): { loss: tf.Scalar; gradNorm: tf.Scalar; out: tf.Tensor2D };
  /** The actor's learning rate of the last step. */
  actorLearningRate(): number;
  /** lr (Q and V), actorLr, actorCosine, maxUpdates. */
  setHyperparameters(patch: HyperValues): void;
  methods: ValueAgentMethods;
}

/** The networks, optimizers and agent methods of an IQL-structured agent; `id` prefixes the variable names and names the checkpoints. */
export function createValueAgentShell(ctx: AgentContext, id: string): ValueAgentShell {
  const hp = ctx.hyperparameters;
  const discrete = ctx.discreteActions !== null;
  const k = ctx.discreteActions ?? 0;
  const hidden = parseHidden(hp.hidden);
  let [actorLr, cosine, totalUpdates] = [Number(hp.actorLr), Boolean(hp.actorCosine), Number(hp.maxUpdates ?? 1_000_000)];
  let updates = ctx.startUpdate ?? 0; // a resumed or forked run continues its schedules

  const critics = new Critics(`${id}/q`, ctx.observationDim, ctx.actionDim, ctx.discreteActions, hidden, 2, ctx.rng);
  const value = new MLP(`${id}/v`, [ctx.observationDim, ...hidden, 1], ctx.rng);
  const actor = new MLP(`${id}/actor`, [ctx.observationDim, ...hidden, discrete ? k : ctx.actionDim], ctx.rng);
  // State-independent log std of the Gaussian actor (continuous actions only), starting at std 1 as CORL's.
  const logStd = discrete ? null : newVariable(() => tf.zeros([1, ctx.actionDim]), `${id}/actor_log_std`);
  const qOptimizer = new Adam(critics.variables, Number(hp.lr));
  const vOptimizer = new Adam(value.variables, Number(hp.lr));
  const actorOptimizer = new Adam(logStd ? [...actor.variables, logStd] : actor.variables, actorLr);
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  const networks = () => [...critics.networks, value, actor, ...(logStd ? [{ variables: [logStd] }] : [])];

  const V = (obs: tf.Tensor2D): tf.Tensor1D => tf.reshape(value.apply(obs), [-1]);
  const clippedLogStd = () => tf.clipByValue(logStd!, LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor2D;
  /** Continuous: the policy mean tanh(f(s)); discrete: the logits. */
  const policyOutput = (obs: tf.Tensor2D): tf.Tensor2D => (discrete ? actor.apply(obs) : tf.tanh(actor.apply(obs)));
  const logProb = (out: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D =>
    discrete ? pickActions(tf.logSoftmax(out), actionIndices(actions), k) : gaussianLogProb(actions, out, clippedLogStd());

  return {
    critics,
    qOptimizer,
    vOptimizer,
    normalize,
    V,

    greedyColumn: (out) => (discrete ? (tf.reshape(tf.cast(tf.argMax(out, 1), 'float32'), [-1, 1]) as tf.Tensor2D) : out),

    entropy: (out) => (discrete ? tf.mean(categoricalEntropy(out)) : gaussianEntropy(clippedLogStd())),

    actorStep(obs, actions, weights) {
      actorOptimizer.learningRate = cosine ? cosineRate(actorLr, updates, totalUpdates) : actorLr;
      const step = minimizeWith(actorOptimizer, () => {
        const out = policyOutput(obs);
        return { loss: weightedLogLikelihoodLoss(weights, logProb(out, actions)) as tf.Scalar, aux: [out] };
      });
      updates += 1;
      return { loss: step.loss, gradNorm: step.gradNorm, out: step.aux[0] };
    },

    actorLearningRate: () => actorOptimizer.learningRate,

    setHyperparameters(patch) {
      if (patch.lr !== undefined) qOptimizer.learningRate = vOptimizer.learningRate = Number(patch.lr);
      if (patch.actorLr !== undefined) actorLr = Number(patch.actorLr);
      if (patch.actorCosine !== undefined) cosine = Boolean(patch.actorCosine);
      if (patch.maxUpdates !== undefined) totalUpdates = Number(patch.maxUpdates);
    },

    methods: {
      act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
        return tf.tidy(() => {
          const out = policyOutput(normalize.apply(observations));
          if (discrete) return softmaxAction(out, mode, ctx.rng);
          return mode === 'greedy' ? out : sampleClippedGaussian(out, clippedLogStd(), ctx.rng);
        });
      },

      qValue(observations: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D {
        return tf.tidy(() => minOf(critics.q(normalize.apply(observations), actions)));
      },

      stateValue(observations: tf.Tensor2D): tf.Tensor1D {
        return tf.tidy(() => V(normalize.apply(observations)));
      },

      policyNetwork() {
        return mlpPolicyNetwork(
          actor,
          normalize.stats,
          discrete ? { kind: 'argmax', description: 'logits of the softmax policy' } : { kind: 'tanh', description: 'the mean of the Gaussian actor (tanh)' },
        );
      },

      async save() {
        return { algorithm: id, weights: await readWeights(networks()) };
      },

      load(checkpoint) {
        writeWeights(networks(), checkpoint.weights);
      },

      dispose() {
        critics.dispose();
        value.dispose();
        actor.dispose();
        logStd?.dispose();
        for (const o of [qOptimizer, vOptimizer, actorOptimizer]) o.dispose();
        normalize.dispose();
      },
    },
  };
}
