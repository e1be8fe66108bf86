// Implicit Q-Learning (Kostrikov, Nair & Levine, "Offline Reinforcement Learning with Implicit Q-Learning", ICLR 2022).
// Q is never evaluated on actions outside the dataset: V(s) is fitted as an upper expectile of Q over the dataset's
// actions (eq. 5), Q regresses on r + gamma V(s') (eq. 6), and the policy is extracted by advantage-weighted regression
// (eq. 7). Details and defaults as CORL (Tarasov et al. 2022): twin Q and their minimum, Polyak-averaged target Q,
// exp(beta A) clipped at 100, a Gaussian actor with tanh mean and a state-independent log std clipped to [-20, 2], and a
// cosine learning-rate schedule for the actor. Discrete actions (the lab's extension): Q(s, .) heads and a softmax policy.
import * as tf from '@tensorflow/tfjs';
import type { HyperParam } from '../run/hyperparameters';
import { batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, tauParam } from './common';
import { minOf } from './critics';
import { iqlQLoss, iqlTarget, iqlValueLoss } from './iqlLosses';
import { advantageWeights } from './losses';
import { minimizeWith } from './minimize';
import type { Agent, AgentContext, AlgorithmDef, Batch } from './types';
import { createValueAgentShell } from './valueAgentShell';

export { cosineRate } from './valueAgentShell';

function createIQL(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  let [expectile, beta, tau, gamma] = [Number(hp.expectile), Number(hp.beta), Number(hp.tau), Number(hp.gamma)];

  // Twin Q, V, the Gaussian (tanh mean) or softmax actor with its cosine schedule, and the agent's queries: valueAgentShell.ts.
  const shell = createValueAgentShell(ctx, 'iql');
  const { critics, qOptimizer, vOptimizer, normalize, V } = shell;

  return {
    metricNames: ['v_loss', 'q_loss', 'actor_loss', 'q_data', 'v_data', 'q_policy', 'mc_return', 'td_error', 'advantage', 'adv_weight', 'entropy', 'actor_lr', 'v_grad_norm', 'q_grad_norm', 'actor_grad_norm'],

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const targetQ = minOf(critics.q(obs, batch.actions, 'target'));
        // The Q target uses V(s') from before this update's V step, as CORL.
        const y = iqlTarget(batch.rewards, batch.dones, V(nextObs), gamma);

        // L_V (eq. 5); the advantage A = Q_target - V is kept for the policy.
        const vStep = minimizeWith(vOptimizer, () => {
          const { loss, advantage } = iqlValueLoss(targetQ, V(obs), expectile);
          return { loss: loss as tf.Scalar, aux: [advantage] };
        });
        const [advantage] = vStep.aux;

        // L_Q (eq. 6), averaged over the twin critics.
        const qStep = minimizeWith(qOptimizer, () => {
          const qs = critics.q(obs, batch.actions);
          return { loss: iqlQLoss(qs, y) as tf.Scalar, aux: [minOf(qs)] };
        });
        const [qData] = qStep.aux;
        critics.updateTargets(tau);

        // L_pi = -E[exp(beta (Q_target(s, a) - V(s))) log pi(a|s)] (eq. 7), exp clipped at 100.
        const weights = advantageWeights(advantage, beta);
        const actorStep = shell.actorStep(obs, batch.actions, weights);
        const { out } = actorStep;

        const qPolicy = minOf(critics.q(obs, shell.greedyColumn(out)));
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
          tf.reshape(shell.entropy(out), []),
          tf.scalar(shell.actorLearningRate()),
          vStep.gradNorm,
          qStep.gradNorm,
          actorStep.gradNorm,
        ]) as tf.Tensor1D;
      });
    },

    ...shell.methods,

    setHyperparameters(patch) {
      shell.setHyperparameters(patch); // lr, actorLr, actorCosine, maxUpdates
      if (patch.expectile !== undefined) expectile = Number(patch.expectile);
      if (patch.beta !== undefined) beta = Number(patch.beta);
      if (patch.tau !== undefined) tau = Number(patch.tau);
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
