// Deep Q-network learning by interaction (Mnih et al., "Human-level control through deep reinforcement learning",
// Nature 2015): act epsilon-greedily in the environment, store every transition in a replay memory, and regress
// Q(s, a) on r + gamma max_a' Q_target(s', a') for minibatches drawn from it; the target network is a copy refreshed
// every few thousand environment steps. Options: Double DQN (van Hasselt, Guez & Silver, AAAI 2016) chooses a' with
// the online network and values it with the target; a dueling head (Wang et al., "Dueling Network Architectures for
// Deep Reinforcement Learning", ICML 2016, eq. 9) writes Q = V + A - mean(A). Here the two streams share the hidden
// layers and split only in the last linear layer. Defaults: rl-baselines3-zoo's CartPole-v1 DQN (hyperparams/dqn.yml
// since December 2020: 50k steps, [256, 256], lr 2.3e-3, batch 64, 128 updates per 256 steps, target copied every 10
// steps; the zoo's benchmark scores 500 with them). Acrobot-v1 differs (bench/online.bench.ts has its settings).
import * as tf from '@tensorflow/tfjs';
import type { HyperParam } from '../run/hyperparameters';
import { actionIndices, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer } from './common';
import { dqnTarget, tdLoss } from './dqn';
import { pickActions } from './losses';
import { minimizeWith } from './minimize';
import { epsilonGreedyQueries } from './qQueries';
import { MLP, parseHidden, readWeights, writeWeights } from './nets';
import { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import type { Agent, AgentContext, AlgorithmDef, Batch, Checkpoint } from './types';
import { Rng } from '../rng';
import { onlineRunParams, replayParams } from './onlineParams';

/**
 * Q(s, .) = V(s) + A(s, .) - mean_a A(s, a) (Wang et al. 2016, eq. 9): `out` is [..., 1 + k], V first on the last axis
 * ([n, 1 + k] for a lone run, [K, n, 1 + k] for a population).
 */
export function duelingQ<T extends tf.Tensor>(out: T): T {
  const last = out.rank - 1;
  const lead = out.shape.slice(0, last);
  const k = out.shape[last] - 1;
  const value = tf.slice(out, out.shape.map(() => 0), [...lead, 1]);
  const advantages = tf.slice(out, [...lead.map(() => 0), 1], [...lead, k]);
  return tf.add(value, tf.sub(advantages, tf.mean(advantages, last, true))) as T;
}

/** Linear exploration schedule (Mnih et al.; SB3/CleanRL's linear_schedule): start -> end over `duration` env steps, then end. */
export function epsilonAt(envSteps: number, start: number, end: number, duration: number): number {
  if (duration <= 0) return end;
  return start + (end - start) * Math.min(1, envSteps / duration);
}

export function createOnlineDQNAgent(ctx: AgentContext): Agent {
  if (ctx.discreteActions === null) throw new Error('DQN needs discrete actions');
  const hp = ctx.hyperparameters;
  const k = ctx.discreteActions;
  const dueling = Boolean(hp.dueling);
  let [gamma, targetInterval, loss, double] = [Number(hp.gamma), Number(hp.targetInterval), String(hp.loss), Boolean(hp.double)];
  let [epsStart, epsEnd, fraction, total] = [Number(hp.epsilonStart), Number(hp.epsilonEnd), Number(hp.explorationFraction), Number(hp.totalEnvSteps)];
  let envSteps = 0;
  let epsilon = epsStart;
  let lastTargetBlock = 0;
  const sizes = [ctx.observationDim, ...parseHidden(hp.hidden), dueling ? k + 1 : k];
  const online = new MLP('dqn-online/q', sizes, ctx.rng);
  const target = new MLP('dqn-online/q_target', sizes, new Rng(0));
  target.copyFrom(online);
  // SB3's DQN clips the gradient's global norm at 10.
  const optimizer = new Adam(online.variables, Number(hp.lr), { clipNorm: 10 });
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  const Q = (obs: tf.Tensor2D, net: MLP = online): tf.Tensor2D => {
    const out = net.apply(normalize.apply(obs));
    return dueling ? duelingQ(out) : out;
  };
  const updateEpsilon = () => (epsilon = epsilonAt(envSteps, epsStart, epsEnd, fraction * total));

  const agent: Agent = {
    metricNames: ['td_loss', 'q_data', 'q_policy', 'target_q', 'mc_return', 'td_error', 'epsilon', 'grad_norm'],

    observeEnvSteps(n: number) {
      envSteps = n;
      updateEpsilon();
    },

    update(batch: Batch): tf.Tensor1D {
      // The target is refreshed every `targetInterval` environment steps (SB3 and CleanRL count steps, not updates).
      const block = Math.floor(envSteps / targetInterval);
      if (block > lastTargetBlock) {
        target.copyFrom(online);
        lastTargetBlock = block;
      }
      return tf.tidy(() => {
        const idx = actionIndices(batch.actions);
        const y = dqnTarget(batch.rewards, batch.dones, Q(batch.nextObservations, target), double ? Q(batch.nextObservations) : null, gamma);
        const step = minimizeWith(optimizer, () => {
          const qAll = Q(batch.observations);
          const qData = pickActions(qAll, idx, k);
          return { loss: tdLoss(qData, y, loss), aux: [qAll, qData] };
        });
        const [qAll, qData] = step.aux;
        return tf.stack([step.loss, tf.mean(qData), tf.mean(tf.max(qAll, 1)), tf.mean(y), tf.mean(batch.mcReturns), tf.mean(tf.abs(tf.sub(qData, y))), tf.scalar(epsilon), step.gradNorm]) as tf.Tensor1D;
      });
    },

    ...epsilonGreedyQueries((o) => Q(o), k, ctx.rng, () => epsilon),

    setHyperparameters(patch) {
      if (patch.lr !== undefined) optimizer.learningRate = Number(patch.lr);
      if (patch.targetInterval !== undefined) targetInterval = Number(patch.targetInterval);
      if (patch.loss !== undefined) loss = String(patch.loss);
      if (patch.double !== undefined) double = Boolean(patch.double);
      if (patch.epsilonStart !== undefined) epsStart = Number(patch.epsilonStart);
      if (patch.epsilonEnd !== undefined) epsEnd = Number(patch.epsilonEnd);
      if (patch.explorationFraction !== undefined) fraction = Number(patch.explorationFraction);
      if (patch.totalEnvSteps !== undefined) total = Number(patch.totalEnvSteps);
      updateEpsilon();
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: 'dqn-online', weights: await readWeights([online, target]) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights([online, target], checkpoint.weights);
    },

    dispose() {
      online.dispose();
      target.dispose();
      optimizer.dispose();
      normalize.dispose();
    },
  };
  // A plain Q head exports as argmax over its outputs; the dueling head's outputs are [V, A], not scores per action.
  if (!dueling) agent.policyNetwork = () => mlpPolicyNetwork(online, normalize.stats, { kind: 'argmax', description: 'Q-values, one per action' });
  return agent;
}

export const dqnOnlineHyperparameters: HyperParam[] = [
  { ...learningRateParam(2.3e-3), help: 'Adam step size of the Q network (2.3e-3: rl-baselines3-zoo CartPole-v1; 6.3e-4 for Acrobot-v1).' },
  { key: 'epsilonStart', label: 'epsilon start', help: 'Share of random actions at the first step; it falls linearly to "epsilon end".', kind: 'number', default: 1, min: 0, max: 1, live: true },
  { key: 'epsilonEnd', label: 'epsilon end', help: 'Share of random actions once exploration has decayed (0.04: zoo CartPole; 0.1 Acrobot). Raise it mid-run to explore again; 0 acts greedily.', kind: 'number', default: 0.04, min: 0, max: 1, live: true },
  { key: 'explorationFraction', label: 'exploration fraction', help: 'Part of the total environment steps over which epsilon falls from start to end (0.16: zoo CartPole; 0.12 Acrobot).', kind: 'number', default: 0.16, min: 0, max: 1, live: true },
  { key: 'targetInterval', label: 'target update (env steps)', help: 'Environment steps between two copies of the online network into the target (10: zoo CartPole, i.e. once per round of updates; 250 Acrobot; Mnih et al. 10,000).', kind: 'int', default: 10, min: 1, max: 1_000_000, live: true },
  { key: 'double', label: 'double DQN', help: 'Choose the next action with the online network and value it with the target (van Hasselt et al. 2016): less overestimation.', kind: 'bool', default: false, live: true },
  { key: 'dueling', label: 'dueling head', help: 'Q = V(s) + A(s, a) - mean A (Wang et al. 2016): the state value is learnt from every action taken. Fixed at the start.', kind: 'bool', default: false, live: false },
  { key: 'loss', label: 'TD loss', help: 'huber: Mnih et al.\'s clipped error (SB3 uses it); mse: squared error.', kind: 'choice', default: 'huber', choices: ['huber', 'mse'], live: true },
  gammaParam,
  { key: 'batchSize', label: 'batch size', help: 'Transitions drawn from the replay buffer per update (64: zoo CartPole; 128 Acrobot).', kind: 'int', default: 64, min: 1, max: 8192, live: true },
  hiddenParam('256,256'),
  normalizeStatesParam(false),
  ...replayParams({ bufferSize: 100_000, learningStarts: 1000, trainFrequency: 256, gradientSteps: 128 }),
  ...onlineRunParams({ numEnvs: 1, totalEnvSteps: 50_000 }),
];

export const dqnOnline: AlgorithmDef = {
  id: 'dqn-online',
  name: 'DQN (online)',
  paper: 'Mnih et al., "Human-level control through deep reinforcement learning", Nature 2015 (double: van Hasselt et al. AAAI 2016; dueling: Wang et al. ICML 2016)',
  summary: 'Q-learning by interaction: epsilon-greedy acting, a replay buffer and a target network. Solves CartPole and Acrobot.',
  family: 'online',
  experience: 'replay',
  actions: ['discrete'],
  usesNextState: true,
  hyperparameters: dqnOnlineHyperparameters,
  charts: [
    { title: 'Q vs Monte-Carlo return', metrics: ['q_data', 'q_policy', 'mc_return'], help: 'Online, the replay data follows the policy, so Q should approach the return of finished episodes. Q far above it: overestimation (try double DQN).' },
  ],
  metricHelp: {
    td_loss: 'Huber (or squared) TD error on a replay batch. It need not fall: the targets move as the policy improves.',
    q_data: 'Mean Q(s, a) on the replay batch\'s actions.',
    q_policy: 'Mean max_a Q(s, a): what the greedy policy expects.',
    target_q: 'Mean TD target r + gamma Q_target(s\', a\').',
    mc_return: 'Mean discounted return-to-go of the batch rows (0 for rows whose episode has not ended yet).',
    td_error: 'Mean |Q(s, a) - y| on the batch.',
    epsilon: 'The share of random actions the acting policy takes now (the schedule, or a value set by hand).',
    grad_norm: 'Gradient norm of the TD loss before clipping at 10.',
  },
  create: createOnlineDQNAgent,
};
