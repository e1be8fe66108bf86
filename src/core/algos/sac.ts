// Soft Actor-Critic (Haarnoja et al., "Soft Actor-Critic Algorithms and Applications", arXiv:1812.05905, 2018: twin Q
// and automatic entropy tuning), trained purely from a fixed dataset: naive offline SAC, the continuous baseline that
// shows what goes wrong offline. The actor climbs Q towards actions the data never tried, the critic's target
// Q(s', a' ~ pi) then evaluates exactly those actions, and nothing in the data corrects their overestimates.
// Networks as CORL's CQL (which is this algorithm plus a conservative term, cqlContinuous.ts): a tanh-Gaussian actor
// whose log std is offset by -1 and clipped to [-20, 2], twin Q on [s, a], Polyak-averaged targets, log alpha tuned
// towards the target entropy -actionDim with the actor's learning rate.
import * as tf from '@tensorflow/tfjs';
import type { HyperParam, HyperValues } from '../run/hyperparameters';
import { batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, tauParam, type ObservationNormalizer } from './common';
import { Critics, minOf } from './critics';
import { LOG_STD_MAX, LOG_STD_MIN, sampleTanhGaussian } from './distributions';
import { GsdeExploration } from './gsde';
import { mse } from './losses';
import { minimizeWith } from './minimize';
import { MLP, newVariable, parseHidden, readWeights, writeWeights } from './nets';
import { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import type { Agent, AgentContext, AlgorithmDef, Batch, ChartGroup, Checkpoint } from './types';

/** CORL's TanhGaussianPolicy adds this to the network's log std output (initial std about e^-1). */
export const LOG_STD_OFFSET = -1;

/** The metrics of SAC's actor, temperature and Q estimates, in the order its update (and SAC-N's) stacks them. */
export const SAC_ACTOR_AND_Q_METRICS = ['actor_loss', 'alpha_loss', 'entropy_alpha', 'entropy', 'q_data', 'q_policy', 'target_q', 'mc_return', 'td_error'];

/** A policy sample: actions in (-1, 1) and their log-probabilities. */
export type PolicySampler = (observations: tf.Tensor2D) => { action: tf.Tensor2D; logProb: tf.Tensor1D };

/** What a critic regulariser sees inside the critic's gradient scope. Observations are already normalised. */
export interface CriticScope {
  observations: tf.Tensor2D;
  nextObservations: tf.Tensor2D;
  /** Q_i(s, a_data) of each online critic (with gradients). */
  qData: tf.Tensor1D[];
  critics: Critics;
  /** Fresh samples of the current policy (no gradient reaches the actor from the critic loss). */
  policy: PolicySampler;
  /** The batch's Monte-Carlo returns-to-go (Cal-QL's lower bound). */
  mcReturns: tf.Tensor1D;
}

/** An extra critic loss added to SAC's TD loss (continuous CQL's conservative term), with its own metrics and variables. */
export interface ContinuousQRegularizer {
  metricNames: string[];
  penalty(scope: CriticScope): { loss: tf.Scalar; metrics: tf.Scalar[] };
  /** After the critic step, with the penalty's metrics (e.g. a Lagrange multiplier step). */
  afterCriticStep?(metrics: tf.Scalar[]): void;
  /** Variables to checkpoint. */
  variables: tf.Variable[];
  setHyperparameters(patch: HyperValues): void;
  dispose(): void;
}

/**
 * SAC's soft TD target (eq. 3 and 5): y = r + gamma (1 - done) (min_i Q_target_i(s', a') - alpha log pi(a'|s')), a' ~ pi(s').
 * Rows [B], or each member's rows [K, B] with alpha [K, 1] (populations).
 */
export function sacTarget<T extends tf.Tensor>(rewards: T, dones: T, nextTargetQ: T, nextLogProb: T, alpha: tf.Tensor | number, gamma: number, backupEntropy: boolean): T {
  const soft = backupEntropy ? tf.sub(nextTargetQ, tf.mul(alpha, nextLogProb)) : nextTargetQ;
  return tf.add(rewards, tf.mul(tf.mul(gamma, tf.sub(1, dones)), soft)) as T;
}

/**
 * The queries of an agent with a tanh-Gaussian actor whose first A outputs are the Gaussian's mean (SAC, SAC-N, EDAC):
 * greedy actions tanh(mean), sampled ones from `policy`, Q(s, a) as the pessimistic `minQ` over the critics, and
 * V(s) = minQ(s, greedy action). Observations are raw; `greedy`, `policy` and `minQ` see them normalised.
 */
export function tanhGaussianQueries(
  actor: MLP,
  A: number,
  normalize: ObservationNormalizer,
  greedy: (obs: tf.Tensor2D) => tf.Tensor2D,
  policy: PolicySampler,
  minQ: (obs: tf.Tensor2D, actions: tf.Tensor2D) => tf.Tensor1D,
): Pick<Agent, 'act' | 'qValue' | 'stateValue' | 'policyNetwork'> {
  return {
    act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => {
        const obs = normalize.apply(observations);
        return mode === 'greedy' ? greedy(obs) : policy(obs).action;
      });
    },

    qValue(observations: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => minQ(normalize.apply(observations), actions));
    },

    stateValue(observations: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(observations);
        return minQ(obs, greedy(obs));
      });
    },

    policyNetwork() {
      // The actor's first A outputs are the Gaussian's mean; the greedy action is its tanh.
      return mlpPolicyNetwork(actor, normalize.stats, { kind: 'tanh', columns: A, description: 'the tanh-squashed mean of the Gaussian actor' });
    },
  };
}

/** Offline SAC, optionally with a critic regulariser; `id` names the checkpoint's algorithm. */
export function createSACAgent(ctx: AgentContext, id: string, regularizer: ContinuousQRegularizer | null): Agent {
  if (ctx.discreteActions !== null) throw new Error(`${id} needs continuous actions`);
  const hp = ctx.hyperparameters;
  const A = ctx.actionDim;
  const hidden = parseHidden(hp.hidden);
  let [gamma, tau, backupEntropy] = [Number(hp.gamma), Number(hp.tau), Boolean(hp.backupEntropy)];
  // A fixed temperature (SB3's numeric ent_coef) instead of the automatic one; only online SAC offers the switch.
  let [autoAlpha, fixedAlpha] = [hp.autoAlpha === undefined || Boolean(hp.autoAlpha), Number(hp.alpha ?? 0.1)];
  const targetEntropy = -A;

  const critics = new Critics(`${id}/q`, ctx.observationDim, A, null, hidden, 2, ctx.rng);
  // gSDE (online SAC's exploration option): the actor outputs only the mean; the noise scale is gsde.logSigma.
  const useGsde = hp.exploration === 'gsde';
  const actor = new MLP(`${id}/actor`, [ctx.observationDim, ...hidden, useGsde ? A : 2 * A], ctx.rng);
  const gsde = useGsde ? new GsdeExploration(`${id}/actor`, actor, Number(hp.sdeLogStdInit), Number(hp.sdeSampleFreq), ctx.rng) : null;
  const logAlpha = newVariable(() => tf.scalar(0), `${id}/log_alpha`);
  const criticOptimizer = new Adam(critics.variables, Number(hp.lr));
  const actorOptimizer = new Adam(gsde ? [...actor.variables, gsde.logSigma] : actor.variables, Number(hp.actorLr));
  const alphaOptimizer = new Adam([logAlpha], Number(hp.actorLr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));

  /** The actor's Gaussian before the tanh: mean and clipped log std, each [n, A]. */
  const gaussian = (obs: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor2D } => {
    const out = actor.apply(obs);
    const mean = tf.slice(out, [0, 0], [-1, A]) as tf.Tensor2D;
    const logStd = tf.clipByValue(tf.add(tf.slice(out, [0, A], [-1, A]), LOG_STD_OFFSET), LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor2D;
    return { mean, logStd };
  };
  const policy: PolicySampler = gsde
    ? gsde.training
    : (obs) => {
        const { mean, logStd } = gaussian(obs);
        return sampleTanhGaussian(mean, logStd, ctx.rng);
      };
  const greedy = gsde ? gsde.greedy : (obs: tf.Tensor2D): tf.Tensor2D => tf.tanh(gaussian(obs).mean);
  const extraVariables = () => [logAlpha, ...(regularizer?.variables ?? []), ...(gsde ? [gsde.logSigma] : [])];

  return {
    metricNames: ['td_loss', ...(regularizer?.metricNames ?? []), ...SAC_ACTOR_AND_Q_METRICS, 'critic_grad_norm', 'actor_grad_norm'],

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const alpha = (autoAlpha ? tf.exp(logAlpha) : tf.scalar(fixedAlpha)) as tf.Scalar;
        gsde?.redrawTrainingNoise();

        const next = policy(nextObs);
        const y = sacTarget(batch.rewards, batch.dones, minOf(critics.q(nextObs, next.action, 'target')), next.logProb, alpha, gamma, backupEntropy);
        // J_Q = sum_i E[(Q_i(s, a) - y)^2] (eq. 5; the sum over the twins as CORL), plus the regulariser, if any.
        const criticStep = minimizeWith(criticOptimizer, () => {
          const qs = critics.q(obs, batch.actions);
          const td = tf.addN(qs.map((q) => mse(q, y))) as tf.Scalar;
          const reg = regularizer?.penalty({ observations: obs, nextObservations: nextObs, qData: qs, critics, policy, mcReturns: batch.mcReturns });
          return { loss: reg ? tf.add(td, reg.loss) : td, aux: [td, minOf(qs), ...(reg?.metrics ?? [])] };
        });
        const [td, qData, ...regMetrics] = criticStep.aux;
        regularizer?.afterCriticStep?.(regMetrics as tf.Scalar[]);

        // J_pi = E[alpha log pi(a|s) - min_i Q_i(s, a)], a ~ pi(s) reparameterised (eq. 7).
        const actorStep = minimizeWith(actorOptimizer, () => {
          const { action, logProb } = policy(obs);
          const qPolicy = minOf(critics.q(obs, action));
          return { loss: tf.mean(tf.sub(tf.mul(alpha, logProb), qPolicy)) as tf.Scalar, aux: [logProb, qPolicy] };
        });
        const [logProb, qPolicy] = actorStep.aux;

        // J(alpha) = E[-log alpha (log pi(a|s) + target entropy)] (eq. 18, on log alpha as CORL).
        const alphaLoss = () => tf.neg(tf.mean(tf.mul(logAlpha, tf.add(logProb, targetEntropy)))) as tf.Scalar;
        const alphaStep = autoAlpha ? alphaOptimizer.minimize(alphaLoss) : { loss: alphaLoss() };
        critics.updateTargets(tau);

        return tf.stack([
          td,
          ...regMetrics,
          actorStep.loss,
          alphaStep.loss,
          alpha,
          tf.neg(tf.mean(logProb)),
          tf.mean(qData),
          tf.mean(qPolicy),
          tf.mean(y),
          tf.mean(batch.mcReturns),
          tf.mean(tf.abs(tf.sub(qData, y))),
          criticStep.gradNorm,
          actorStep.gradNorm,
        ]) as tf.Tensor1D;
      });
    },

    ...tanhGaussianQueries(actor, A, normalize, greedy, gsde ? gsde.acting : policy, (obs, actions) => minOf(critics.q(obs, actions))),

    ...(gsde ? { observeEnvSteps: (envSteps: number) => gsde.observeEnvSteps(envSteps) } : {}),

    setHyperparameters(patch) {
      if (patch.lr !== undefined) criticOptimizer.learningRate = Number(patch.lr);
      if (patch.actorLr !== undefined) actorOptimizer.learningRate = alphaOptimizer.learningRate = Number(patch.actorLr);
      if (patch.tau !== undefined) tau = Number(patch.tau);
      if (patch.backupEntropy !== undefined) backupEntropy = Boolean(patch.backupEntropy);
      if (patch.autoAlpha !== undefined) autoAlpha = Boolean(patch.autoAlpha);
      if (patch.alpha !== undefined) fixedAlpha = Number(patch.alpha);
      if (patch.sdeSampleFreq !== undefined && gsde) gsde.sampleFreq = Number(patch.sdeSampleFreq);
      regularizer?.setHyperparameters(patch);
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: id, weights: await readWeights([...critics.networks, actor, { variables: extraVariables() }]) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights([...critics.networks, actor, { variables: extraVariables() }], checkpoint.weights);
    },

    dispose() {
      critics.dispose();
      actor.dispose();
      logAlpha.dispose();
      for (const o of [criticOptimizer, actorOptimizer, alphaOptimizer]) o.dispose();
      normalize.dispose();
      regularizer?.dispose();
      gsde?.dispose();
    },
  };
}

/** SAC's controls; CQL uses them with its own actor learning rate and entropy backup, and adds its own. */
export function sacHyperparameters(defaults: { actorLr: number; actorLrHelp: string; backupEntropy: boolean; backupHelp: string }): HyperParam[] {
  return [
    { ...learningRateParam(3e-4), label: 'critic learning rate', help: 'Adam step size of the twin Q networks (3e-4, as CORL).' },
    { ...learningRateParam(defaults.actorLr, 'actorLr', 'actor learning rate'), help: defaults.actorLrHelp },
    tauParam,
    gammaParam,
    { key: 'backupEntropy', label: 'entropy in the target', help: defaults.backupHelp, kind: 'bool', default: defaults.backupEntropy, live: true },
    batchSizeParam,
    hiddenParam('256,256,256'),
    normalizeStatesParam(true),
  ];
}

export const sacCharts: ChartGroup[] = [
  {
    title: 'Q on data vs Monte-Carlo return',
    metrics: ['q_data', 'q_policy', 'mc_return'],
    help: 'Healthy: Q on dataset actions tracks the return, and Q at the policy\'s actions is not far above it. Broken (overestimation): q_policy climbs far above the return and drags q_data with it.',
  },
  { title: 'Gradient norms', metrics: ['critic_grad_norm', 'actor_grad_norm'], help: 'Size of each network\'s gradient before its step. Growing spikes: instability.' },
];

export const sacMetricHelp: Record<string, string> = {
  td_loss: 'Squared TD error of the twin critics (summed) against the soft target. Offline it can look fine while the values drift: watch q_policy against mc_return.',
  actor_loss: 'E[alpha log pi - Q(s, pi(s))]: falls as the actor finds actions Q rates highly, whether or not the data supports them.',
  alpha_loss: 'Loss of the entropy temperature; it pushes the policy entropy towards -actionDim.',
  entropy_alpha: 'The entropy temperature alpha = exp(log alpha). Falls while the policy is more random than the target entropy.',
  entropy: 'Policy entropy estimate -E[log pi(a|s)] on the batch states. Tuned towards -actionDim.',
  q_data: 'Mean Q(s, a) on the batch\'s dataset actions (minimum of the twin critics). Draw it against mc_return.',
  q_policy: 'Mean Q(s, a) at actions sampled from the policy. Far above q_data and mc_return: overestimation on actions the data never tried.',
  target_q: 'Mean TD target. Rising without bound: the critic is feeding on its own overestimates.',
  mc_return: 'Mean discounted return-to-go of the batch rows in the dataset: what Q on dataset actions should be close to (a lower estimate where episodes were cut by a time limit).',
  td_error: 'Mean |Q(s, a) - y| on the batch.',
  critic_grad_norm: 'Gradient norm of the critic loss.',
  actor_grad_norm: 'Gradient norm of the actor loss.',
};

export const sac: AlgorithmDef = {
  id: 'sac',
  name: 'Offline SAC (naive)',
  paper: 'Haarnoja et al., "Soft Actor-Critic Algorithms and Applications", arXiv:1812.05905, 2018',
  summary: 'Soft actor-critic trained only on the dataset: the continuous baseline whose Q overestimates the actions the actor drifts to.',
  family: 'offline',
  actions: ['continuous'],
  usesNextState: true,
  hyperparameters: sacHyperparameters({
    actorLr: 3e-4,
    actorLrHelp: 'Adam step size of the actor and of log alpha (3e-4, Haarnoja et al.).',
    backupEntropy: true,
    backupHelp: 'Subtract alpha log pi(a\'|s\') in the TD target (the soft Bellman backup of Haarnoja et al.).',
  }),
  charts: sacCharts,
  metricHelp: sacMetricHelp,
  create: (ctx) => createSACAgent(ctx, 'sac', null),
};
