// Proximal Policy Optimization (Schulman et al., "Proximal Policy Optimization Algorithms", arXiv:1707.06347, 2017):
// collect T steps from N environment copies with the current policy, estimate advantages by GAE (Schulman et al.
// 2016; run/rolloutSource.ts), then take K epochs of minibatch steps on the clipped surrogate (eq. 7) plus a value
// loss and an entropy bonus (eq. 9). Separate actor and critic MLPs with tanh units, one Adam over both (eps 1e-5,
// gradient norm clipped at 0.5), advantages normalised per minibatch: Stable-Baselines3's PPO as used by
// rl-baselines3-zoo, whose CartPole-v1 settings are the defaults (its linear decay of the learning rate and clip
// range is left out: both stay where they are set, and both are live). Continuous actions: a Gaussian with a
// state-independent log std (initially 0); the sample is clipped to the box only when it reaches the environment.
// Weights are initialised like PyTorch's nn.Linear, not SB3's orthogonal init.
import * as tf from '@tensorflow/tfjs';
import type { HyperParam } from '../run/hyperparameters';
import { actionIndices, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer } from './common';
import { categoricalEntropy, gaussianEntropy, gaussianLogProb, normalNoise, softmaxAction } from './distributions';
import { pickActions } from './losses';
import { minimizeWith } from './minimize';
import { MLP, newVariable, parseHidden, readWeights, writeWeights } from './nets';
import { onlineRunParams } from './onlineParams';
import { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import type { Agent, AgentContext, AlgorithmDef, Checkpoint, RolloutBatch, RolloutStep } from './types';

// The losses take a lone run's minibatch ([B] rows, number settings: scalars out) or every member's minibatch of a
// population ([K, B] rows, settings as [K, 1] columns: [K] out, population/ppo.ts); means run over the last axis.

/** clip(x, -c, c) + 1 around 1 or 0: a number bound as tf.clipByValue (the lone run's kernels), a [K, 1] column per member. */
function clipAround(x: tf.Tensor, centre: number, c: number | tf.Tensor): tf.Tensor {
  if (typeof c === 'number') return tf.clipByValue(x, centre - c, centre + c);
  return tf.minimum(tf.maximum(x, tf.sub(centre, c)), tf.add(centre, c));
}

/** L^CLIP (eq. 7), as a loss: mean of max(-A r, -A clip(r, 1 - eps, 1 + eps)), r = exp(log pi - log pi_old). */
export function ppoClipLoss(logProbs: tf.Tensor1D, oldLogProbs: tf.Tensor1D, advantages: tf.Tensor1D, clip: number): tf.Scalar;
export function ppoClipLoss(logProbs: tf.Tensor2D, oldLogProbs: tf.Tensor2D, advantages: tf.Tensor2D, clip: tf.Tensor): tf.Tensor1D;
export function ppoClipLoss(logProbs: tf.Tensor, oldLogProbs: tf.Tensor, advantages: tf.Tensor, clip: number | tf.Tensor): tf.Tensor {
  const ratio = tf.exp(tf.sub(logProbs, oldLogProbs));
  const unclipped = tf.mul(tf.neg(advantages), ratio);
  const clipped = tf.mul(tf.neg(advantages), clipAround(ratio, 1, clip));
  return tf.mean(tf.maximum(unclipped, clipped), -1);
}

/**
 * The value loss: mean (V - R)^2, or with value clipping (PPO2's option, off by default in SB3) the larger of that and
 * (V_old + clip(V - V_old, -eps, eps) - R)^2. A population passes eps per member (null: no member clips), Infinity
 * where a member does not clip (the larger of two equal squares: the plain loss and its gradient).
 */
export function ppoValueLoss(values: tf.Tensor1D, oldValues: tf.Tensor1D, returns: tf.Tensor1D, clip: number | null): tf.Scalar;
export function ppoValueLoss(values: tf.Tensor2D, oldValues: tf.Tensor2D, returns: tf.Tensor2D, clip: tf.Tensor | null): tf.Tensor1D;
export function ppoValueLoss(values: tf.Tensor, oldValues: tf.Tensor, returns: tf.Tensor, clip: number | tf.Tensor | null): tf.Tensor {
  if (clip === null) return tf.mean(tf.square(tf.sub(values, returns)), -1);
  const clipped = tf.add(oldValues, clipAround(tf.sub(values, oldValues), 0, clip));
  return tf.mean(tf.maximum(tf.square(tf.sub(values, returns)), tf.square(tf.sub(clipped, returns))), -1);
}

/** (A - mean A) / (std A + 1e-8) over the minibatch (SB3's normalize_advantage; std with Bessel's correction as torch), per member for [K, B]. */
export function normalizeAdvantages<T extends tf.Tensor1D | tf.Tensor2D>(advantages: T): T {
  const n = advantages.shape[advantages.rank - 1];
  if (n < 2) return advantages;
  const mean = tf.mean(advantages, -1, true);
  const std = tf.sqrt(tf.div(tf.sum(tf.square(tf.sub(advantages, mean)), -1, true), n - 1));
  return tf.div(tf.sub(advantages, mean), tf.add(std, 1e-8)) as T;
}

/** Share of ratios r = exp(log r) that left [1 - eps, 1 + eps] and the KL(pi_old || pi) estimate E[(r - 1) - log r] (Schulman's low-variance estimator, as SB3 and CleanRL log), over the last axis. */
export function policyChange(logRatio: tf.Tensor, clip: number | tf.Tensor): { approxKl: tf.Tensor; clipFraction: tf.Tensor } {
  const ratio = tf.exp(logRatio);
  return {
    approxKl: tf.mean(tf.sub(tf.sub(ratio, 1), logRatio), -1),
    clipFraction: tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clip), 'float32'), -1),
  };
}

export function createPPOAgent(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const discrete = ctx.discreteActions !== null;
  const A = ctx.actionDim;
  const hidden = parseHidden(hp.hidden);
  let [clip, entCoef, vfCoef, clipValue] = [Number(hp.clipRange), Number(hp.entCoef), Number(hp.vfCoef), Boolean(hp.clipValue)];
  const actor = new MLP('ppo/actor', [ctx.observationDim, ...hidden, discrete ? ctx.discreteActions! : A], ctx.rng, 'tanh');
  const critic = new MLP('ppo/critic', [ctx.observationDim, ...hidden, 1], ctx.rng, 'tanh');
  const logStd = newVariable(() => tf.zeros([A]), 'ppo/log_std');
  const variables = [...actor.variables, ...critic.variables, ...(discrete ? [] : [logStd])];
  const optimizer = new Adam(variables, Number(hp.lr), { epsilon: 1e-5, clipNorm: 0.5 });
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  const value = (obs: tf.Tensor2D) => tf.reshape(critic.apply(obs), [-1]) as tf.Tensor1D;
  /** log pi(a|s) and the entropy of pi(.|s) on normalised observations. */
  const logProbOf = (obs: tf.Tensor2D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } => {
    const out = actor.apply(obs);
    if (discrete) return { logProb: pickActions(tf.logSoftmax(out) as tf.Tensor2D, actionIndices(actions), ctx.discreteActions!), entropy: categoricalEntropy(out) };
    const logProb = gaussianLogProb(actions, out, logStd);
    return { logProb, entropy: tf.add(tf.zerosLike(logProb), gaussianEntropy(logStd as tf.Tensor1D)) as tf.Tensor1D };
  };
  const sample = (obs: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor => {
    const out = actor.apply(obs);
    if (discrete) return softmaxAction(out, mode, ctx.rng);
    return mode === 'greedy' ? tf.clipByValue(out, -1, 1) : tf.add(out, tf.mul(tf.exp(logStd), normalNoise(out.shape, ctx.rng)));
  };

  const agent: Agent = {
    metricNames: ['policy_loss', 'value_loss', 'entropy', 'approx_kl', 'clip_fraction', 'value', 'return', 'grad_norm'],

    rolloutStep(observations: tf.Tensor2D): RolloutStep {
      return tf.tidy(() => {
        const obs = normalize.apply(observations);
        const actions = sample(obs, 'sample');
        const asRows = (discrete ? tf.reshape(tf.cast(actions, 'float32'), [-1, 1]) : actions) as tf.Tensor2D;
        return { actions, logProbs: logProbOf(obs, asRows).logProb, values: value(obs) };
      });
    },

    update(batch: RolloutBatch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const advantages = normalizeAdvantages(batch.advantages);
        // L = L^CLIP - c_ent H[pi] + c_vf (V - R)^2 (eq. 9, as a loss to minimise).
        const step = minimizeWith(optimizer, () => {
          const { logProb, entropy } = logProbOf(obs, batch.actions);
          const v = value(obs);
          const policyLoss = ppoClipLoss(logProb, batch.logProbs, advantages, clip);
          const valueLoss = ppoValueLoss(v, batch.values, batch.returns, clipValue ? clip : null);
          const meanEntropy = tf.mean(entropy) as tf.Scalar;
          const loss = tf.add(tf.sub(policyLoss, tf.mul(entCoef, meanEntropy)), tf.mul(vfCoef, valueLoss)) as tf.Scalar;
          return { loss, aux: [policyLoss, valueLoss, meanEntropy, logProb, v] };
        });
        const [policyLoss, valueLoss, meanEntropy, logProb, v] = step.aux;
        const { approxKl, clipFraction } = policyChange(tf.sub(logProb, batch.logProbs), clip);
        return tf.stack([policyLoss, valueLoss, meanEntropy, approxKl, clipFraction, tf.mean(v), tf.mean(batch.returns), step.gradNorm]) as tf.Tensor1D;
      });
    },

    act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => sample(normalize.apply(observations), mode));
    },

    stateValue(observations: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => value(normalize.apply(observations)));
    },

    policyNetwork() {
      return mlpPolicyNetwork(actor, normalize.stats, discrete ? { kind: 'argmax', description: 'action logits' } : { kind: 'clip', description: 'the Gaussian mean, clipped to the box' });
    },

    setHyperparameters(patch) {
      if (patch.lr !== undefined) optimizer.learningRate = Number(patch.lr);
      if (patch.clipRange !== undefined) clip = Number(patch.clipRange);
      if (patch.entCoef !== undefined) entCoef = Number(patch.entCoef);
      if (patch.vfCoef !== undefined) vfCoef = Number(patch.vfCoef);
      if (patch.clipValue !== undefined) clipValue = Boolean(patch.clipValue);
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: 'ppo', weights: await readWeights([actor, critic, { variables: [logStd] }]) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights([actor, critic, { variables: [logStd] }], checkpoint.weights);
    },

    dispose() {
      actor.dispose();
      critic.dispose();
      logStd.dispose();
      optimizer.dispose();
      normalize.dispose();
    },
  };
  return agent;
}

export const ppoHyperparameters: HyperParam[] = [
  { ...learningRateParam(1e-3), help: 'Adam step size of actor and critic together (1e-3: zoo CartPole-v1, which decays it linearly to 0; here it stays).' },
  { key: 'clipRange', label: 'clip range', help: 'epsilon of the clipped objective: the new policy gains nothing from moving its probability ratio beyond 1 +- epsilon (0.2, Schulman et al.).', kind: 'number', default: 0.2, min: 0.01, max: 1, live: true },
  { key: 'entCoef', label: 'entropy coefficient', help: 'Weight of the entropy bonus: keeps the policy random for longer (0 for CartPole in the zoo; 0.01 in the paper\'s Atari runs).', kind: 'number', default: 0, min: 0, max: 1, live: true },
  { key: 'vfCoef', label: 'value coefficient', help: 'Weight of the value loss in the shared objective (0.5).', kind: 'number', default: 0.5, min: 0, max: 10, live: true },
  { key: 'clipValue', label: 'clip the value update', help: 'Also clip how far V moves from its rollout value, by the clip range (PPO2\'s option; off by default, as in SB3).', kind: 'bool', default: false, live: true },
  { key: 'numSteps', label: 'rollout steps (T)', help: 'Steps of each environment copy per rollout (32: zoo CartPole). T x copies transitions per rollout.', kind: 'int', default: 32, min: 1, max: 8192, live: true },
  { key: 'epochs', label: 'epochs (K)', help: 'Passes over each rollout in minibatches (20: zoo CartPole). More reuse, more risk of moving too far: watch approx_kl.', kind: 'int', default: 20, min: 1, max: 100, live: true },
  { key: 'batchSize', label: 'minibatch size', help: 'Rollout transitions per update (256: zoo CartPole).', kind: 'int', default: 256, min: 2, max: 8192, live: true },
  { ...gammaParam, default: 0.98, help: 'Discount (0.98: zoo CartPole).' },
  { key: 'gaeLambda', label: 'GAE lambda', help: 'Bias-variance knob of GAE: 0 is the one-step TD advantage, 1 the Monte-Carlo return minus V (0.8: zoo CartPole).', kind: 'number', default: 0.8, min: 0, max: 1, live: true },
  hiddenParam('64,64'),
  normalizeStatesParam(false),
  ...onlineRunParams({ numEnvs: 8, totalEnvSteps: 100_000 }),
];

export const ppo: AlgorithmDef = {
  id: 'ppo',
  name: 'PPO',
  paper: 'Schulman et al., "Proximal Policy Optimization Algorithms", arXiv:1707.06347, 2017 (GAE: Schulman et al., ICLR 2016)',
  summary: 'On-policy actor-critic: rollouts from several environment copies, GAE advantages, several epochs of clipped policy steps.',
  family: 'online',
  experience: 'rollout',
  actions: ['discrete', 'continuous'],
  hyperparameters: ppoHyperparameters,
  charts: [
    { title: 'Value vs return', metrics: ['value', 'return'], help: 'The critic\'s V(s) on the rollout against the GAE returns it regresses on: they should meet.' },
    { title: 'Policy change', metrics: ['approx_kl', 'clip_fraction'], help: 'How far each update moves the policy. KL above ~0.05 or most ratios clipped: the steps are too big (lower the learning rate or epochs).' },
  ],
  metricHelp: {
    policy_loss: 'The clipped surrogate loss -min(r A, clip(r) A) with normalised advantages. Hovers near 0; it is not a measure of progress.',
    value_loss: 'Mean squared error of V(s) against the GAE returns.',
    entropy: 'Mean entropy of the policy on the rollout. Falls as the policy becomes sure; a collapse early means premature convergence.',
    approx_kl: 'Estimated KL divergence between the rollout policy and the current one.',
    clip_fraction: 'Share of rollout transitions whose probability ratio left [1 - eps, 1 + eps].',
    value: 'Mean V(s) on the minibatch.',
    return: 'Mean GAE return target on the minibatch.',
    grad_norm: 'Gradient norm of the joint loss before clipping at 0.5.',
  },
  create: createPPOAgent,
};
