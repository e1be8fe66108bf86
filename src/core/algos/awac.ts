// AWAC (Nair, Gupta, Dalal & Levine, "AWAC: Accelerating Online Reinforcement Learning with Offline Datasets", 2020):
// an off-policy critic for the current policy (policy evaluation by TD, here with twin Q), and a policy fitted by
// advantage-weighted maximum likelihood on the dataset's actions (the policy improvement step), which stays on the data's support without modelling the behaviour
// policy. Details and defaults as CORL (Tarasov et al. 2022): 3x256 ReLU nets, a Gaussian actor with an unsquashed
// mean and a state-independent log std in [-20, 2] (actions clamped to [-1, 1]), weights exp(A / lambda) clipped at
// 100, lambda 1/3 (CORL's locomotion configs; its code default and d3rlpy's is 1), tau 0.005, lr 3e-4, states
// standardised. Discrete actions (the lab's extension): Q(s, .) heads, a softmax actor, and V(s) = sum_a pi(a|s) Q(s, a)
// in place of a sampled action.
import * as tf from '@tensorflow/tfjs';
import type { HyperParam } from '../run/hyperparameters';
import { actionIndices, batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, tauParam } from './common';
import { Critics, minOf } from './critics';
import { categoricalEntropy, gaussianEntropy, gaussianLogProb, LOG_STD_MAX, LOG_STD_MIN, sampleClippedGaussian, softmaxAction } from './distributions';
import { advantageWeights, EXP_ADV_MAX } from './losses';
import { mse, pickActions } from './losses';
import { minimizeWith } from './minimize';
import { MLP, newVariable, parseHidden, readWeights, writeWeights } from './nets';
import { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import type { Agent, AgentContext, AlgorithmDef, Batch, Checkpoint } from './types';

/** The weights of the policy update: exp(A(s, a) / lambda), clipped at 100 (CORL) so one large advantage cannot dominate a batch. */
export function awacWeights(advantage: tf.Tensor1D, lambda: number): tf.Tensor1D {
  return advantageWeights(advantage, 1 / lambda);
}

function createAWAC(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const discrete = ctx.discreteActions !== null;
  const k = ctx.discreteActions ?? 0;
  const hidden = parseHidden(hp.hidden);
  let [lambda, tau] = [Number(hp.lambda), Number(hp.tau)];
  const gamma = Number(hp.gamma);

  const critics = new Critics('awac/q', ctx.observationDim, ctx.actionDim, ctx.discreteActions, hidden, 2, ctx.rng);
  const actor = new MLP('awac/actor', [ctx.observationDim, ...hidden, discrete ? k : ctx.actionDim], ctx.rng);
  const logStd = discrete ? null : newVariable(() => tf.zeros([1, ctx.actionDim]), 'awac/actor_log_std');
  const criticOptimizer = new Adam(critics.variables, Number(hp.lr));
  const actorOptimizer = new Adam(logStd ? [...actor.variables, logStd] : actor.variables, Number(hp.lr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));

  const clippedLogStd = () => tf.clipByValue(logStd!, LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor2D;
  /** A sampled action a ~ pi(.|s), clamped to [-1, 1] as CORL (continuous only). */
  const sample = (mean: tf.Tensor2D): tf.Tensor2D => sampleClippedGaussian(mean, clippedLogStd(), ctx.rng);
  /** log pi(a|s) of the dataset's actions, from the actor's output (Gaussian mean or logits). */
  const logProb = (out: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D =>
    discrete ? pickActions(tf.logSoftmax(out), actionIndices(actions), k) : gaussianLogProb(actions, out, clippedLogStd());
  /** V^pi(s) = E_{a ~ pi} min_i Q_i(s, a): exact over the actions (discrete), one sampled action (continuous, as CORL). */
  const value = (obs: tf.Tensor2D, out: tf.Tensor2D, which: 'online' | 'target'): tf.Tensor1D =>
    discrete ? (tf.sum(tf.mul(tf.softmax(out), minOf(critics.all(obs, which))), -1) as tf.Tensor1D) : minOf(critics.q(obs, sample(out), which));

  return {
    metricNames: ['critic_loss', 'actor_loss', 'q_data', 'mc_return', 'q_policy', 'advantage', 'weight_mean', 'weight_clipped', 'entropy', 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);

        // Policy evaluation: y = r + gamma (1 - done) min_i Q_i_target(s', a'), a' ~ pi(.|s').
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), value(nextObs, actor.apply(nextObs), 'target'))) as tf.Tensor1D;
        // L(Q) = sum_i E[(Q_i(s, a) - y)^2], as CORL.
        const criticStep = criticOptimizer.minimize(() => tf.addN(critics.q(obs, batch.actions).map((q) => mse(q, y))) as tf.Scalar);

        // A(s, a) = Q(s, a) - V(s) with the updated critics, a constant to the actor's gradient.
        const qData = minOf(critics.q(obs, batch.actions));
        const v = value(obs, actor.apply(obs), 'online');
        const advantage = tf.sub(qData, v) as tf.Tensor1D;
        const weights = awacWeights(advantage, lambda);
        // Policy improvement: L(pi) = -E[log pi(a|s) exp(A(s, a) / lambda)] over the data, weights clipped at 100.
        const actorStep = minimizeWith(actorOptimizer, () => {
          const out = actor.apply(obs);
          return { loss: tf.neg(tf.mean(tf.mul(weights, logProb(out, batch.actions)))) as tf.Scalar, aux: [out] };
        });
        const [out] = actorStep.aux;
        critics.updateTargets(tau);

        const entropy = discrete ? tf.mean(categoricalEntropy(out)) : gaussianEntropy(clippedLogStd());
        const clipped = tf.mean(tf.cast(tf.greaterEqual(weights, EXP_ADV_MAX), 'float32'));
        return tf.stack([
          criticStep.loss,
          actorStep.loss,
          tf.mean(qData),
          tf.mean(batch.mcReturns),
          tf.mean(v),
          tf.mean(advantage),
          tf.mean(weights),
          clipped,
          tf.reshape(entropy, []),
          criticStep.gradNorm,
          actorStep.gradNorm,
        ]) as tf.Tensor1D;
      });
    },

    act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => {
        const out = actor.apply(normalize.apply(observations));
        if (discrete) return softmaxAction(out, mode, ctx.rng);
        return mode === 'greedy' ? tf.clipByValue(out, -1, 1) : sample(out);
      });
    },

    qValue(observations: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => minOf(critics.q(normalize.apply(observations), actions)));
    },

    stateValue(observations: tf.Tensor2D): tf.Tensor1D {
      // Q at the greedy action (the mean, clamped), so a heatmap does not flicker with sampling noise.
      return tf.tidy(() => {
        const obs = normalize.apply(observations);
        const out = actor.apply(obs);
        if (discrete) return tf.sum(tf.mul(tf.softmax(out), minOf(critics.all(obs))), -1) as tf.Tensor1D;
        return minOf(critics.q(obs, tf.clipByValue(out, -1, 1) as tf.Tensor2D));
      });
    },

    policyNetwork() {
      return mlpPolicyNetwork(
        actor,
        normalize.stats,
        discrete ? { kind: 'argmax', description: 'logits of the softmax policy' } : { kind: 'clip', description: 'the mean of the Gaussian actor, clipped to [-1, 1] (the last two dense layers do the clip)' },
      );
    },

    setHyperparameters(patch) {
      if (patch.lr !== undefined) criticOptimizer.learningRate = actorOptimizer.learningRate = Number(patch.lr);
      if (patch.lambda !== undefined) lambda = Number(patch.lambda);
      if (patch.tau !== undefined) tau = Number(patch.tau);
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: 'awac', weights: await readWeights([actor, ...critics.networks, ...(logStd ? [{ variables: [logStd] }] : [])]) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights([actor, ...critics.networks, ...(logStd ? [{ variables: [logStd] }] : [])], checkpoint.weights);
    },

    dispose() {
      actor.dispose();
      logStd?.dispose();
      critics.dispose();
      criticOptimizer.dispose();
      actorOptimizer.dispose();
      normalize.dispose();
    },
  };
}

const lambdaParam: HyperParam = {
  key: 'lambda',
  label: 'lambda (temperature)',
  help: 'Temperature of the advantage weights exp(A / lambda). Large: every action weighs about the same (behaviour cloning); small: only the best actions count.',
  kind: 'number',
  default: 1 / 3,
  min: 0.01,
  max: 100,
  log: true,
  live: true,
};

export const awac: AlgorithmDef = {
  id: 'awac',
  name: 'AWAC',
  paper: 'Nair, Gupta, Dalal & Levine, "AWAC: Accelerating Online Reinforcement Learning with Offline Datasets", arXiv 2006.09359, 2020',
  summary: 'Learns Q for its own policy, then imitates the dataset’s actions weighted by how much better than the policy they are.',
  family: 'offline',
  actions: ['discrete', 'continuous'],
  usesNextState: true,
  hyperparameters: [learningRateParam(3e-4), batchSizeParam, hiddenParam('256,256,256'), gammaParam, tauParam, lambdaParam, normalizeStatesParam(true)],
  charts: [
    { title: 'Q on data vs Monte-Carlo return', metrics: ['q_data', 'mc_return', 'q_policy'], help: 'Healthy: Q on the data’s actions settles near the discounted return obtained in the data, and V of the policy close to it. Q far above the returns: overestimation.' },
    { title: 'Advantage weights', metrics: ['weight_mean', 'weight_clipped'], help: 'Mean of exp(A / lambda) and the share capped at 100. Mean near 1 with nothing capped: close to behaviour cloning; many capped: lambda too small, the actor chases a few actions.' },
    { title: 'Gradient norms', metrics: ['critic_grad_norm', 'actor_grad_norm'], help: 'Steady or slowly falling: healthy. Growing spikes: instability.' },
  ],
  metricHelp: {
    critic_loss: 'Sum over the twin critics of the squared TD error. Healthy: falls, then levels off; steady growth: Q is diverging.',
    actor_loss: '-mean of weight * log pi(a|s) over the data’s actions. Its level depends on the weights; watch its trend, not its value.',
    q_data: 'Mean min_i Q_i(s, a) over the batch’s dataset actions. Should approach the Monte-Carlo return.',
    mc_return: 'Mean discounted return actually obtained from the batch’s states in the data: the reference for Q on data.',
    q_policy: 'Mean V(s) = E_pi Q(s, a) of the current policy on the batch’s states. Above q_data: the policy is believed better than the data.',
    advantage: 'Mean A = Q(s, a) - V(s) on the batch. Negative: the policy is believed better than the data’s actions on average.',
    weight_mean: 'Mean advantage weight exp(A / lambda), capped at 100. About 1: behaviour cloning; large: a few actions dominate.',
    weight_clipped: 'Share of the batch whose weight hit the cap of 100. Above a few percent: lambda is too small for these advantages.',
    entropy: 'Policy entropy: the Gaussian’s (from its log std) or the softmax’s. Falling: the policy grows sure of itself.',
    critic_grad_norm: 'Norm of the critics’ gradient before the step. Spikes that grow: instability.',
    actor_grad_norm: 'Norm of the actor’s gradient before the step.',
  },
  create: createAWAC,
};
