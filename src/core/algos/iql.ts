// Implicit Q-Learning (Kostrikov, Nair & Levine, "Offline Reinforcement Learning with Implicit Q-Learning", ICLR 2022).
// Q is never evaluated on actions outside the dataset: V(s) is fitted as an upper expectile of Q over the dataset's
// actions (eq. 5), Q regresses on r + gamma V(s') (eq. 6), and the policy is extracted by advantage-weighted regression
// (eq. 7). Details and defaults as CORL (Tarasov et al. 2022): twin Q and their minimum, Polyak-averaged target Q,
// exp(beta A) clipped at 100, a Gaussian actor with tanh mean and a state-independent log std clipped to [-20, 2], and a
// cosine learning-rate schedule for the actor. Discrete actions (the lab's extension): Q(s, .) heads and a softmax policy.
import * as tf from '@tensorflow/tfjs';
import type { HyperParam } from '../run/hyperparameters';
import { actionIndices, batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, tauParam } from './common';
import { Critics, minOf } from './critics';
import { categoricalEntropy, gaussianEntropy, gaussianLogProb, normalNoise } from './distributions';
import { expectileLoss, mse, pickActions } from './losses';
import { minimizeWith } from './minimize';
import { MLP, newVariable, parseHidden, readWeights, writeWeights } from './nets';
import { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import { advantageWeights } from './losses';
import type { Agent, AgentContext, AlgorithmDef, Batch, Checkpoint } from './types';

const LOG_STD_MIN = -20;
const LOG_STD_MAX = 2;

/** Cosine annealing of a learning rate from `base` at update 0 to 0 at update `total` (PyTorch's CosineAnnealingLR). */
export function cosineRate(base: number, update: number, total: number): number {
  return base * 0.5 * (1 + Math.cos((Math.PI * Math.min(update, total)) / Math.max(1, total)));
}

function createIQL(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const discrete = ctx.discreteActions !== null;
  const k = ctx.discreteActions ?? 0;
  const hidden = parseHidden(hp.hidden);
  let [expectile, beta, tau, gamma] = [Number(hp.expectile), Number(hp.beta), Number(hp.tau), Number(hp.gamma)];
  let [actorLr, cosine, totalUpdates] = [Number(hp.actorLr), Boolean(hp.actorCosine), Number(hp.maxUpdates ?? 1_000_000)];
  let updates = ctx.startUpdate ?? 0; // a resumed or forked run continues its schedules

  const critics = new Critics('iql/q', ctx.observationDim, ctx.actionDim, ctx.discreteActions, hidden, 2, ctx.rng);
  const value = new MLP('iql/v', [ctx.observationDim, ...hidden, 1], ctx.rng);
  const actor = new MLP('iql/actor', [ctx.observationDim, ...hidden, discrete ? k : ctx.actionDim], ctx.rng);
  // State-independent log std of the Gaussian actor (continuous actions only), starting at std 1 as CORL's.
  const logStd = discrete ? null : newVariable(() => tf.zeros([1, ctx.actionDim]), 'iql/actor_log_std');
  const qOptimizer = new Adam(critics.variables, Number(hp.lr));
  const vOptimizer = new Adam(value.variables, Number(hp.lr));
  const actorOptimizer = new Adam(logStd ? [...actor.variables, logStd] : actor.variables, actorLr);
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));

  const V = (obs: tf.Tensor2D): tf.Tensor1D => tf.reshape(value.apply(obs), [-1]);
  const clippedLogStd = () => tf.clipByValue(logStd!, LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor2D;
  /** Continuous: the policy mean tanh(f(s)); discrete: the logits. */
  const policyOutput = (obs: tf.Tensor2D): tf.Tensor2D => (discrete ? actor.apply(obs) : tf.tanh(actor.apply(obs)));
  const logProb = (out: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D =>
    discrete ? pickActions(tf.logSoftmax(out), actionIndices(actions), k) : gaussianLogProb(actions, out, clippedLogStd());
  const greedy = (out: tf.Tensor2D): tf.Tensor => (discrete ? tf.argMax(out, 1) : out);
  const greedyColumn = (out: tf.Tensor2D): tf.Tensor2D => (discrete ? (tf.reshape(tf.cast(tf.argMax(out, 1), 'float32'), [-1, 1]) as tf.Tensor2D) : out);

  return {
    metricNames: ['v_loss', 'q_loss', 'actor_loss', 'q_data', 'v_data', 'q_policy', 'mc_return', 'td_error', 'advantage', 'adv_weight', 'entropy', 'actor_lr', 'v_grad_norm', 'q_grad_norm', 'actor_grad_norm'],

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const targetQ = minOf(critics.q(obs, batch.actions, 'target'));
        // The Q target uses V(s') from before this update's V step, as CORL.
        const y = tf.add(batch.rewards, tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), V(nextObs))) as tf.Tensor1D;

        // L_V = E[L2^tau(Q_target(s, a) - V(s))] (eq. 5); the advantage A = Q_target - V is kept for the policy.
        const vStep = minimizeWith(vOptimizer, () => {
          const advantage = tf.sub(targetQ, V(obs)) as tf.Tensor1D;
          return { loss: expectileLoss(advantage, expectile), aux: [advantage] };
        });
        const [advantage] = vStep.aux;

        // L_Q = E[(r + gamma (1 - done) V(s') - Q(s, a))^2] (eq. 6), averaged over the twin critics as CORL.
        const qStep = minimizeWith(qOptimizer, () => {
          const qs = critics.q(obs, batch.actions);
          return { loss: tf.div(tf.addN(qs.map((q) => mse(q, y))), qs.length) as tf.Scalar, aux: [minOf(qs)] };
        });
        const [qData] = qStep.aux;
        critics.updateTargets(tau);

        // L_pi = -E[exp(beta (Q_target(s, a) - V(s))) log pi(a|s)] (eq. 7), exp clipped at 100.
        actorOptimizer.learningRate = cosine ? cosineRate(actorLr, updates, totalUpdates) : actorLr;
        const weights = advantageWeights(advantage, beta);
        const actorStep = minimizeWith(actorOptimizer, () => {
          const out = policyOutput(obs);
          return { loss: tf.neg(tf.mean(tf.mul(weights, logProb(out, batch.actions)))) as tf.Scalar, aux: [out] };
        });
        const [out] = actorStep.aux;
        updates += 1;

        const qPolicy = minOf(critics.q(obs, greedyColumn(out)));
        const entropy = discrete ? tf.mean(categoricalEntropy(out)) : gaussianEntropy(clippedLogStd());
        return tf.stack([
          vStep.loss,
          qStep.loss,
          actorStep.loss,
          tf.mean(qData),
          tf.mean(tf.sub(targetQ, advantage)),
          tf.mean(qPolicy),
          tf.mean(batch.mcReturns),
          tf.mean(tf.abs(tf.sub(qData, y))),
          tf.mean(advantage),
          tf.mean(weights),
          tf.reshape(entropy, []),
          tf.scalar(actorOptimizer.learningRate),
          vStep.gradNorm,
          qStep.gradNorm,
          actorStep.gradNorm,
        ]) as tf.Tensor1D;
      });
    },

    act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => {
        const out = policyOutput(normalize.apply(observations));
        if (mode === 'greedy') return greedy(out);
        if (discrete) return tf.reshape(tf.multinomial(out, 1, ctx.rng.nextUint32()), [-1]);
        return tf.clipByValue(tf.add(out, tf.mul(tf.exp(clippedLogStd()), normalNoise(out.shape, ctx.rng))), -1, 1);
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

    setHyperparameters(patch) {
      if (patch.lr !== undefined) qOptimizer.learningRate = vOptimizer.learningRate = Number(patch.lr);
      if (patch.actorLr !== undefined) actorLr = Number(patch.actorLr);
      if (patch.actorCosine !== undefined) cosine = Boolean(patch.actorCosine);
      if (patch.maxUpdates !== undefined) totalUpdates = Number(patch.maxUpdates);
      if (patch.expectile !== undefined) expectile = Number(patch.expectile);
      if (patch.beta !== undefined) beta = Number(patch.beta);
      if (patch.tau !== undefined) tau = Number(patch.tau);
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: 'iql', weights: await readWeights([...critics.networks, value, actor, ...(logStd ? [{ variables: [logStd] }] : [])]) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights([...critics.networks, value, actor, ...(logStd ? [{ variables: [logStd] }] : [])], checkpoint.weights);
    },

    dispose() {
      critics.dispose();
      value.dispose();
      actor.dispose();
      logStd?.dispose();
      for (const o of [qOptimizer, vOptimizer, actorOptimizer]) o.dispose();
      normalize.dispose();
    },
  };
}

const iqlHyperparameters: HyperParam[] = [
  {
    key: 'expectile',
    label: 'expectile (tau)',
    help: 'V fits this expectile of Q over the dataset actions at a state. 0.5: the value of the behaviour policy; towards 1: the best action the data shows. CORL: 0.7 (0.9 on AntMaze).',
    kind: 'number',
    default: 0.7,
    min: 0.5,
    max: 0.999,
    live: true,
  },
  {
    key: 'beta',
    label: 'inverse temperature (beta)',
    help: 'Policy weights are exp(beta * advantage), clipped at 100. 0: plain behaviour cloning; large: copy only the best actions in the data. CORL: 3 (10 on AntMaze).',
    kind: 'number',
    default: 3,
    min: 0,
    max: 100,
    live: true,
  },
  learningRateParam(3e-4),
  { ...learningRateParam(3e-4, 'actorLr', 'actor learning rate'), help: 'Adam step size of the policy (before the cosine schedule, if on).' },
  {
    key: 'actorCosine',
    label: 'cosine actor schedule',
    help: "Anneal the actor's learning rate to 0 over the run's total updates along a cosine, as CORL does.",
    kind: 'bool',
    default: true,
    live: true,
  },
  tauParam,
  gammaParam,
  batchSizeParam,
  hiddenParam('256,256'),
  normalizeStatesParam(true),
];

export const iql: AlgorithmDef = {
  id: 'iql',
  name: 'Implicit Q-Learning (IQL)',
  paper: 'Kostrikov, Nair & Levine, "Offline Reinforcement Learning with Implicit Q-Learning", ICLR 2022',
  summary: 'Learns values only from actions in the data (an upper expectile of Q), then copies the dataset actions weighted by how much better than usual they are.',
  family: 'offline',
  actions: ['discrete', 'continuous'],
  usesNextState: true,
  hyperparameters: iqlHyperparameters,
  charts: [
    { title: 'Q on data vs Monte-Carlo return', metrics: ['q_data', 'v_data', 'q_policy', 'mc_return'], help: 'Healthy: Q and V track the return of the data and sit a little above it (the expectile looks for the better actions). Broken: they climb far above it, or the return on the same batch.' },
    { title: 'Value and Q losses', metrics: ['v_loss', 'q_loss'], help: 'Healthy: both fall and level off. A Q loss that keeps rising: the values are drifting (lower the learning rate or tau).' },
    { title: 'Gradient norms', metrics: ['v_grad_norm', 'q_grad_norm', 'actor_grad_norm'], help: 'Size of each network\'s gradient before its step. Growing spikes: instability.' },
  ],
  metricHelp: {
    v_loss: 'Expectile loss of V against the target Q on dataset actions (eq. 5). Healthy: falls and levels off; it never reaches 0 as the dataset has several actions per state.',
    q_loss: 'Squared TD error of Q against r + gamma V(s\') (eq. 6), mean of the twin critics. Healthy: falls and levels off.',
    actor_loss: 'Advantage-weighted negative log-likelihood of the dataset actions (eq. 7). Its level depends on beta; look for a steady curve, not a value.',
    q_data: 'Mean Q(s, a) on the batch\'s dataset actions (minimum of the twin critics). Draw it against mc_return.',
    v_data: 'Mean V(s) on the batch states. Between the behaviour value (expectile 0.5) and the best dataset action (expectile near 1).',
    q_policy: 'Mean Q at the policy\'s greedy action. IQL never trains Q there, so a gap above q_data means the policy picks actions Q knows little about.',
    mc_return: 'Mean discounted return-to-go of the batch rows in the dataset: what Q on dataset actions should be close to (a lower estimate where episodes were cut by a time limit).',
    td_error: 'Mean |Q(s, a) - (r + gamma V(s\'))| on the batch. Healthy: falls to a small fraction of the reward scale.',
    advantage: 'Mean Q_target(s, a) - V(s) on the batch. Slightly negative once V sits above most dataset actions (expectile > 0.5).',
    adv_weight: 'Mean policy weight exp(beta A), clipped at 100. Near 1: close to behaviour cloning; near 100: a few actions dominate (beta too large).',
    entropy: 'Entropy of the policy (Gaussian before clipping, or softmax). Falls as the policy commits; a collapse to very negative values: log std at its floor.',
    actor_lr: 'The actor\'s learning rate after the cosine schedule.',
    v_grad_norm: 'Gradient norm of the V loss.',
    q_grad_norm: 'Gradient norm of the Q loss.',
    actor_grad_norm: 'Gradient norm of the policy loss.',
  },
  create: createIQL,
};
