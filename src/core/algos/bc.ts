// Behaviour cloning: supervised learning of the dataset's actions (Pomerleau 1991; the offline-RL baseline of
// CORL, Tarasov et al. 2022). Continuous: deterministic tanh actor with MSE; discrete: softmax policy with cross-entropy.
import * as tf from '@tensorflow/tfjs';
import { batchSizeParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, actionIndices } from './common';
import { categoricalEntropy, softmaxAction } from './distributions';
import { minimizeWith } from './minimize';
import { MLP, parseHidden, readWeights, writeWeights } from './nets';
import { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import type { Agent, AgentContext, AlgorithmDef, Batch, Checkpoint } from './types';

/** The BC agent; `id` names its checkpoints (filtered BC trains the same agent on fewer rows). */
export function createBC(ctx: AgentContext, id = 'bc'): Agent {
  const hp = ctx.hyperparameters;
  const discrete = ctx.discreteActions !== null;
  const outDim = discrete ? ctx.discreteActions! : ctx.actionDim;
  const actor = new MLP('actor', [ctx.observationDim, ...parseHidden(hp.hidden), outDim], ctx.rng);
  const optimizer = new Adam(actor.variables, Number(hp.lr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));

  const policyOutput = (obs: tf.Tensor2D): tf.Tensor2D => actor.apply(normalize.apply(obs));

  return {
    metricNames: discrete ? ['loss', 'accuracy', 'entropy', 'gradNorm'] : ['loss', 'action_std', 'gradNorm'],

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        if (discrete) {
          const labels = tf.oneHot(actionIndices(batch.actions), outDim);
          // L(pi) = -E[log pi(a|s)]; the logits come out of the gradient scope for accuracy and entropy.
          const step = minimizeWith(optimizer, () => {
            const logits = policyOutput(batch.observations);
            return { loss: tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar, aux: [logits] };
          });
          const [logits] = step.aux;
          const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), actionIndices(batch.actions)), 'float32'));
          return tf.stack([step.loss, accuracy, tf.mean(categoricalEntropy(logits)), step.gradNorm]) as tf.Tensor1D;
        }
        // L(pi) = E[(pi(s) - a)^2]
        const step = minimizeWith(optimizer, () => {
          const actions = tf.tanh(policyOutput(batch.observations));
          return { loss: tf.mean(tf.square(tf.sub(actions, batch.actions))) as tf.Scalar, aux: [actions] };
        });
        const [actions] = step.aux;
        const actionStd = tf.mean(tf.sqrt(tf.moments(actions, 0).variance));
        return tf.stack([step.loss, actionStd, step.gradNorm]) as tf.Tensor1D;
      });
    },

    act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => {
        const out = policyOutput(observations);
        if (!discrete) return tf.tanh(out);
        return softmaxAction(out, mode, ctx.rng);
      });
    },

    policyNetwork() {
      return mlpPolicyNetwork(
        actor,
        normalize.stats,
        discrete ? { kind: 'argmax', description: 'logits of the softmax policy' } : { kind: 'tanh', description: 'the deterministic tanh actor' },
      );
    },

    setHyperparameters(patch) {
      if (patch.lr !== undefined) optimizer.learningRate = Number(patch.lr);
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: id, weights: await readWeights([actor]) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights([actor], checkpoint.weights);
    },

    dispose() {
      actor.dispose();
      optimizer.dispose();
      normalize.dispose();
    },
  };
}

export const bc: AlgorithmDef = {
  id: 'bc',
  name: 'Behaviour cloning',
  paper: 'Pomerleau, "Efficient Training of Artificial Neural Networks for Autonomous Navigation", Neural Computation 1991',
  summary: 'Copies the actions in the dataset. As good as the data: excellent on expert data, poor on random data.',
  family: 'imitation',
  actions: ['discrete', 'continuous'],
  hyperparameters: [learningRateParam(3e-4), batchSizeParam, hiddenParam('256,256'), normalizeStatesParam(true)],
  metricHelp: {
    loss: 'Cross-entropy (discrete) or squared error (continuous) to the dataset action. Healthy: falls and levels off; rising or NaN: learning rate too high.',
    accuracy: 'Share of batch states where the policy picks the dataset action. Expert data: close to 1; random data: about 1/#actions, whatever you do.',
    entropy: 'Entropy of the policy’s action probabilities, averaged over the batch. Falls as the policy grows sure; stays near log(#actions) on random data.',
    action_std: 'Spread of the policy’s actions over the batch’s states, averaged over action dimensions. Near 0: the policy ignores the state.',
    gradNorm: 'Size of the gradient step before the optimizer. Spikes that grow: instability.',
  },
  create: (ctx) => createBC(ctx),
};
