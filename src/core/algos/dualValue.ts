// Shared pieces of the dual-V family: XQL (Garg et al., "Extreme Q-Learning: MaxEnt RL without Entropy", ICLR 2023),
// f-DVL and ReCOIL (Sikchi, Zheng, Zhang & Niekum, "Dual RL: Unification and New Methods for Reinforcement and
// Imitation Learning", ICLR 2024). All three keep IQL's structure (twin Q with Polyak targets, a state-value net V, an
// advantage-weighted actor) and differ in the loss that fits V as an implicit maximum of Q over the dataset actions:
// the Gumbel loss (XQL = reverse-KL dual), or the chi-square / total-variation duals of f-DVL. Loss forms as in the
// official DVL code (github.com/hari-sikchi/DVL, offline/critic.py) and its learner's update order: V on the target
// critics, then the actor against the new V, then Q on r + gamma V(s'), then the target critics.
import * as tf from '@tensorflow/tfjs';
import { episodeReturns, episodeStarts } from '../data/episodes';
import type { Dataset } from '../data/dataset';
import { datasetEnvSpec } from '../data/datasetEnv';
import { actionScaleFor, toUnitActions } from '../run/actionScale';
import type { HyperParam, HyperValues } from '../run/hyperparameters';
import { batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, tauParam } from './common';
import { minOf } from './critics';
import { advantageWeights, mse } from './losses';
import { minimizeWith } from './minimize';
import type { Agent, AgentContext, Batch, ChartGroup } from './types';
import { createValueAgentShell } from './valueAgentShell';

/** The conjugate f* that fits V: reverse KL (XQL's Gumbel loss), Pearson chi-square or total variation (f-DVL). */
export type DualF = 'reverse-kl' | 'chi-square' | 'total-variation';

// The V losses reduce over the batch's rows (the last axis): a lone run's u [B] gives a scalar, a population's [K, B] one
// loss per member; each hyperparameter is a number (lone) or a [K, 1] column (population/dualValue.ts).
type Hyper = number | tf.Tensor;
/** A lone run's rows [B] give a scalar loss, a population's [K, B] one per member. */
type Rows = tf.Tensor1D | tf.Tensor2D;
type RowLoss<U extends Rows> = U extends tf.Tensor2D ? tf.Tensor1D : tf.Scalar;

const rowMean = <U extends Rows>(x: tf.Tensor): RowLoss<U> => tf.mean(x, -1) as RowLoss<U>;

/** z = (Q - V) / beta clipped from above at maxClip, as XQL's and DVL's code (jnp.minimum(z, max_clip)). */
export function clippedZ<T extends tf.Tensor>(u: T, beta: Hyper, maxClip: Hyper): T {
  return tf.minimum(tf.div(u, beta), maxClip) as T;
}

/** x as a constant to the gradient (jax.lax.stop_gradient; tfjs has no such op). */
export const detach = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)] };
}) as (x: tf.Tensor) => tf.Tensor;

/** Gumbel regression loss (XQL Sec. 3): mean(exp(z) - z - 1), z = (Q - V) / beta clipped at maxClip. Its value. */
export function gumbelLoss<U extends Rows>(u: U, beta: Hyper, maxClip: Hyper): RowLoss<U> {
  const z = clippedZ(u, beta, maxClip);
  return rowMean<U>(tf.sub(tf.sub(tf.exp(z), z), 1));
}

/**
 * The same loss divided by exp(max z) (max z over the batch, floored at -1, held constant): XQL's code trains on this
 * form, an adaptive step size against exploding exponentials. Same minimiser, gradients scaled by exp(-max z).
 */
export function gumbelRescaledLoss<U extends Rows>(u: U, beta: Hyper, maxClip: Hyper): RowLoss<U> {
  const z = clippedZ(u, beta, maxClip);
  const m = tf.maximum(detach(tf.max(z, -1, true)), -1);
  const em = tf.exp(tf.neg(m));
  return rowMean<U>(tf.sub(tf.sub(tf.exp(tf.sub(z, m)), tf.mul(z, em)), em));
}

/** f-DVL, Pearson chi-square (DVL code): mean(lambda max(u + u^2 / 4, 0) - (1 - lambda) u), u = Q - V. */
export function chiSquareLoss<U extends Rows>(u: U, lambda: Hyper): RowLoss<U> {
  const conjugate = tf.relu(tf.add(u, tf.div(tf.square(u), 4)));
  return rowMean<U>(tf.sub(tf.mul(lambda, conjugate), tf.mul(tf.sub(1, lambda), u)));
}

/** f-DVL, total variation (DVL code): mean(lambda max(u, 0) - (1 - lambda) u), u = Q - V. */
export function totalVariationLoss<U extends Rows>(u: U, lambda: Hyper): RowLoss<U> {
  return rowMean<U>(tf.sub(tf.mul(lambda, tf.relu(u)), tf.mul(tf.sub(1, lambda), u)));
}

/** The V loss for one f: `train` is what the gradient follows, `value` what the v_loss chart shows. */
export function dualValueLoss<U extends Rows>(f: DualF, u: U, o: { beta: Hyper; lambda: Hyper; maxClip: Hyper; rescale: boolean }): { train: RowLoss<U>; value: RowLoss<U> } {
  if (f === 'reverse-kl') {
    const value = gumbelLoss(u, o.beta, o.maxClip);
    return { train: o.rescale ? gumbelRescaledLoss(u, o.beta, o.maxClip) : value, value };
  }
  const loss = f === 'chi-square' ? chiSquareLoss(u, o.lambda) : totalVariationLoss(u, o.lambda);
  return { train: loss, value: loss };
}

// ---------------------------------------------------------------------------------------------------------------
// Expert episodes for ReCOIL. A dataset does not say which episodes are expert, so ReCOIL takes the `expertEpisodes`
// best episodes by undiscounted return as its expert set (a teaching stand-in for separately given demonstrations).
// The trainer calls filterRows(dataset) just before create(ctx), synchronously, in the same worker: filterRows leaves
// that set here and create takes it. An agent built without a dataset (checkpoint restore, synthetic batches) has none
// and uses each offline batch as its own expert half.

export interface ExpertData {
  observations: Float32Array;
  actions: Float32Array;
  nextObservations: Float32Array;
  terminals: Float32Array;
  size: number;
  episodes: number;
  observationDim: number;
  actionDim: number;
}

let pendingExpert: ExpertData | null = null;

/** Rows (ascending) of the k episodes with the highest undiscounted return; ties keep data order. */
export function topEpisodeRows(d: Pick<Dataset, 'size' | 'rewards' | 'terminals' | 'timeouts'>, k: number): Int32Array {
  const starts = episodeStarts(d);
  const returns = episodeReturns(d);
  const best = Array.from(returns, (_, e) => e)
    .sort((a, b) => returns[b] - returns[a] || a - b)
    .slice(0, Math.max(1, Math.min(k, returns.length)))
    .sort((a, b) => a - b);
  const rows: number[] = [];
  for (const e of best) for (let i = starts[e]; i < starts[e + 1]; i++) rows.push(i);
  return Int32Array.from(rows);
}

/** Copies the expert rows (with a valid next state) out of a dataset, actions in the [-1, 1] box the agent sees. */
export function expertData(d: Dataset, k: number): ExpertData {
  const rows = Array.from(topEpisodeRows(d, k)).filter((i) => d.nextValid[i] === 1);
  const env = datasetEnvSpec(d);
  const unitActions = toUnitActions(d.actions, env ? actionScaleFor(env.actionSpace, d.actionDim) : null);
  const [o, a] = [d.observationDim, d.actionDim];
  const out: ExpertData = {
    observations: new Float32Array(rows.length * o),
    actions: new Float32Array(rows.length * a),
    nextObservations: new Float32Array(rows.length * o),
    terminals: new Float32Array(rows.length),
    size: rows.length,
    episodes: Math.max(1, Math.min(k, episodeReturns(d).length)),
    observationDim: o,
    actionDim: a,
  };
  rows.forEach((r, j) => {
    out.observations.set(d.observations.subarray(r * o, (r + 1) * o), j * o);
    out.nextObservations.set(d.nextObservations.subarray(r * o, (r + 1) * o), j * o);
    out.actions.set(unitActions.subarray(r * a, (r + 1) * a), j * a);
    out.terminals[j] = d.terminals[r];
  });
  return out;
}

/** filterRows of ReCOIL: trains on every row, and leaves the expert set for the agent about to be created. */
export function handOverExpertEpisodes(d: Dataset, hp: HyperValues): Int32Array {
  pendingExpert = expertData(d, Number(hp.expertEpisodes));
  return Int32Array.from({ length: d.size }, (_, i) => i);
}

/** Takes (and clears) the expert set filterRows left; exported for tests. */
export function takeExpertEpisodes(): ExpertData | null {
  const e = pendingExpert;
  pendingExpert = null;
  return e;
}

// ---------------------------------------------------------------------------------------------------------------
// The agent.

export interface DualValueOptions {
  /** Checkpoint and variable name prefix, and the algorithm id. */
  id: string;
  /** Fixed f (XQL), or null to read the `f` hyperparameter. */
  f: DualF | null;
  /** ReCOIL: Q learns from expert vs offline data instead of rewards (see recoil.ts). */
  imitation: boolean;
}

export const dualMetricNames = (imitation: boolean): string[] => [
  'v_loss',
  'q_loss',
  'actor_loss',
  'q_data',
  'v_data',
  'q_policy',
  'mc_return',
  ...(imitation ? ['q_expert'] : []),
  'td_error',
  'advantage',
  'max_z',
  'adv_weight',
  'entropy',
  'actor_lr',
  'v_grad_norm',
  'q_grad_norm',
  'actor_grad_norm',
];

export function createDualValueAgent(ctx: AgentContext, options: DualValueOptions): Agent {
  const hp = ctx.hyperparameters;
  const { id, imitation } = options;
  let f: DualF = options.f ?? (String(hp.f) as DualF);
  let [beta, lambda, maxClip, rescale] = [Number(hp.beta ?? 1), Number(hp.lambda ?? 1), Number(hp.maxClip ?? 7), Boolean(hp.rescale ?? true)];
  let [awrBeta, tau, rewardBound] = [Number(hp.awrBeta), Number(hp.tau), Number(hp.rewardBound ?? 2)];
  const gamma = Number(hp.gamma);

  // IQL's twin Q, V, Gaussian (tanh mean) or softmax actor with its cosine schedule, and the agent's queries: valueAgentShell.ts.
  const shell = createValueAgentShell(ctx, id);
  const { critics, qOptimizer, vOptimizer, normalize, V } = shell;

  // A set of other dimensions was left by some other dataset: ignored.
  const handed = imitation ? takeExpertEpisodes() : null;
  const expert = handed && handed.observationDim === ctx.observationDim && handed.actionDim === ctx.actionDim ? handed : null;
  const expertTensors = expert
    ? {
        observations: tf.tensor2d(expert.observations, [expert.size, ctx.observationDim]),
        actions: tf.tensor2d(expert.actions, [expert.size, ctx.actionDim]),
      }
    : null;

  const residualScale = () => (f === 'reverse-kl' ? beta : 1);

  /** ReCOIL's expert half: as many expert rows as the batch has, drawn with the agent's Rng (or the batch itself). */
  const expertHalf = (batch: Batch): { observations: tf.Tensor2D; actions: tf.Tensor2D } => {
    if (!expertTensors || !expert) return { observations: batch.observations, actions: batch.actions };
    const n = batch.observations.shape[0];
    const idx = tf.tensor1d(Int32Array.from({ length: n }, () => ctx.rng.int(expert.size)), 'int32');
    return { observations: tf.gather(expertTensors.observations, idx), actions: tf.gather(expertTensors.actions, idx) };
  };

  return {
    metricNames: dualMetricNames(imitation),

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const targetQ = minOf(critics.q(obs, batch.actions, 'target'));
        const lossOptions = { beta, lambda, maxClip, rescale };

        // V as an implicit maximum of the target Q over the dataset actions, through the chosen f (see the algorithm files).
        const vStep = minimizeWith(vOptimizer, () => {
          const u = tf.sub(targetQ, V(obs)) as tf.Tensor1D;
          const l = dualValueLoss(f, u, lossOptions);
          return { loss: l.train, aux: [u, l.value] };
        });
        const [uBefore, vValue] = vStep.aux;
        const maxZ = tf.div(tf.max(uBefore), residualScale());

        // The actor against the new V (DVL's learner order): L_pi = -E[min(exp(awrBeta (Q_target - V)), 100) log pi(a|s)].
        // ReCOIL: over both halves of its batch, offline and expert.
        const e = imitation ? expertHalf(batch) : null;
        const eObs = e ? normalize.apply(e.observations) : null;
        const vNow = V(obs);
        const advantage = tf.sub(targetQ, vNow) as tf.Tensor1D;
        const [actorObs, actorActions, actorAdvantage] =
          e && eObs
            ? [tf.concat([obs, eObs]) as tf.Tensor2D, tf.concat([batch.actions, e.actions]) as tf.Tensor2D, tf.concat([advantage, tf.sub(minOf(critics.q(eObs, e.actions, 'target')), V(eObs))]) as tf.Tensor1D]
            : [obs, batch.actions, advantage];
        const weights = advantageWeights(actorAdvantage, awrBeta);
        const actorStep = shell.actorStep(actorObs, actorActions, weights);
        const out = actorStep.out.slice([0, 0], [obs.shape[0], -1]) as tf.Tensor2D;

        // Q on the new V. RL: y = r + gamma (1 - done) V(s'). ReCOIL: see recoil.ts.
        const notDone = tf.sub(1, batch.dones);
        const vNext = V(nextObs);
        const bound = rewardBound / (1 - gamma);
        const y = imitation
          ? (tf.add(tf.add(-rewardBound, tf.mul(tf.mul(gamma, notDone), vNext)), tf.mul(tf.mul(gamma, batch.dones), -bound)) as tf.Tensor1D)
          : (tf.add(batch.rewards, tf.mul(tf.mul(gamma, notDone), vNext)) as tf.Tensor1D);
        const qStep = minimizeWith(qOptimizer, () => {
          const qs = critics.q(obs, batch.actions);
          const offline = tf.div(tf.addN(qs.map((q) => mse(q, y))), qs.length) as tf.Scalar;
          if (!e || !eObs) return { loss: offline, aux: [minOf(qs), tf.scalar(0)] };
          const qe = critics.q(eObs, e.actions);
          const expertTerm = tf.div(tf.addN(qe.map((q) => mse(q, tf.fill(q.shape, bound)))), qe.length);
          return { loss: tf.mul(0.5, tf.add(offline, expertTerm)) as tf.Scalar, aux: [minOf(qs), tf.mean(minOf(qe))] };
        });
        const [qData, qExpert] = qStep.aux;
        critics.updateTargets(tau);

        const qPolicy = minOf(critics.q(obs, shell.greedyColumn(out)));
        return tf.stack([
          vValue,
          qStep.loss,
          actorStep.loss,
          tf.mean(qData),
          tf.mean(vNow),
          tf.mean(qPolicy),
          tf.mean(batch.mcReturns),
          ...(imitation ? [qExpert] : []),
          tf.mean(tf.abs(tf.sub(qData, y))),
          tf.mean(advantage),
          maxZ,
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
      if (patch.f !== undefined && options.f === null) f = String(patch.f) as DualF;
      if (patch.beta !== undefined) beta = Number(patch.beta);
      if (patch.lambda !== undefined) lambda = Number(patch.lambda);
      if (patch.maxClip !== undefined) maxClip = Number(patch.maxClip);
      if (patch.rescale !== undefined) rescale = Boolean(patch.rescale);
      if (patch.awrBeta !== undefined) awrBeta = Number(patch.awrBeta);
      if (patch.tau !== undefined) tau = Number(patch.tau);
      if (patch.rewardBound !== undefined) rewardBound = Number(patch.rewardBound);
    },

    dispose() {
      shell.methods.dispose();
      if (expertTensors) tf.dispose([expertTensors.observations, expertTensors.actions]);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Controls and charts shared by the three.

export const awrBetaParam: HyperParam = {
  key: 'awrBeta',
  label: 'policy inverse temperature',
  help: 'Actor weights are exp(awrBeta * (Q - V)), clipped at 100. 0: plain behaviour cloning; large: copy only the best actions. 3: IQL’s locomotion config, which the XQL and DVL code build on.',
  kind: 'number',
  default: 3,
  min: 0,
  max: 100,
  live: true,
};

export const maxClipParam: HyperParam = {
  key: 'maxClip',
  label: 'Gumbel exponent clip',
  help: 'z = (Q - V) / beta is clipped from above at this value before exp(z) (XQL code default 7; DVL’s README runs use 5). Larger: exp(z) can explode.',
  kind: 'number',
  default: 7,
  min: 0.5,
  max: 50,
  live: true,
};

export const rescaleParam: HyperParam = {
  key: 'rescale',
  label: 'rescale by exp(max z)',
  help: 'Train on the Gumbel loss divided by exp(max z) of the batch, as XQL’s code does (an adaptive step size). Off: the plain loss, whose gradients explode with z.',
  kind: 'bool',
  default: true,
  live: true,
};

/** Learning rates, cosine schedule, tau, gamma, batch, sizes, normalisation: IQL's CORL defaults, as the DVL code. */
export function sharedDualParams(): HyperParam[] {
  return [
    learningRateParam(3e-4),
    { ...learningRateParam(3e-4, 'actorLr', 'actor learning rate'), help: 'Adam step size of the policy (before the cosine schedule, if on).' },
    { key: 'actorCosine', label: 'cosine actor schedule', help: "Anneal the actor's learning rate to 0 over the run's total updates along a cosine, as the DVL and XQL code do.", kind: 'bool', default: true, live: true },
    tauParam,
    gammaParam,
    batchSizeParam,
    hiddenParam('256,256'),
    normalizeStatesParam(true),
  ];
}

export const dualCharts = (vTitle: string, vHelp: string): ChartGroup[] => [
  { title: 'Q on data vs Monte-Carlo return', metrics: ['q_data', 'v_data', 'q_policy', 'mc_return'], help: 'Healthy: Q and V track the return of the data and sit above it (V looks for the best actions). Broken: they climb without end.' },
  { title: vTitle, metrics: ['v_loss', 'max_z'], help: vHelp },
  { title: 'Value and Q losses', metrics: ['v_loss', 'q_loss'], help: 'Healthy: both fall and level off. A Q loss that keeps rising: the values are drifting.' },
  { title: 'Gradient norms', metrics: ['v_grad_norm', 'q_grad_norm', 'actor_grad_norm'], help: "Size of each network's gradient before its step. Growing spikes: instability." },
];

export const dualMetricHelp: Record<string, string> = {
  v_loss: 'The value loss (its value, before any rescaling) of V against the target Q on the dataset actions. Finite and levelling off: healthy; jumping by orders of magnitude: exp(z) exploding (XQL).',
  q_loss: 'Squared error of Q against its target (mean of the twin critics). Healthy: falls and levels off.',
  actor_loss: 'Advantage-weighted negative log-likelihood of the dataset actions. Look for a steady curve, not a value.',
  q_data: 'Mean Q(s, a) on the batch’s dataset actions (minimum of the twin critics).',
  v_data: 'Mean V(s) on the batch states, after this update’s V step.',
  q_policy: 'Mean Q at the policy’s greedy action: a gap above q_data means the policy picks actions Q knows little about.',
  mc_return: 'Mean discounted return-to-go of the batch rows in the data.',
  td_error: 'Mean |Q(s, a) - y| on the batch, y the Q target.',
  advantage: 'Mean Q_target(s, a) - V(s) after the V step. Negative once V sits above most dataset actions.',
  max_z: 'Largest residual of the batch before the V step: z = (Q - V) / beta for the Gumbel loss, Q - V for the chi-square and TV losses. exp(max z) is what can explode in XQL; a growing max_z is the warning.',
  adv_weight: 'Mean actor weight exp(awrBeta A), clipped at 100.',
  entropy: 'Entropy of the policy (Gaussian before clipping, or softmax).',
  actor_lr: 'The actor’s learning rate after the cosine schedule.',
  v_grad_norm: 'Gradient norm of the V loss (of the rescaled loss when rescaling is on).',
  q_grad_norm: 'Gradient norm of the Q loss.',
  actor_grad_norm: 'Gradient norm of the policy loss.',
  q_expert: 'ReCOIL: mean Q on the expert half of the batch; it is pulled to rewardBound / (1 - gamma).',
};
