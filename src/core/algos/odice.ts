// ODICE (Mao, Xu, Zhang & Zhan, "ODICE: Revealing the Mystery of Distribution Correction Estimation via
// Orthogonal-gradient Update", ICLR 2024 spotlight; official code github.com/maoliyuan/ODICE-Pytorch).
// V-DICE learns a state value V from the dual objective min_V (1 - lambda) E_D[V(s)] + lambda E_D[f*(r + gamma V(s') - V(s))].
// Its true gradient has two parts: the forward gradient through V(s) and the backward gradient through V(s'). When they
// point against each other the backward part cancels the forward one; ODICE keeps the forward gradient and adds only the
// part of the backward gradient orthogonal to it (the orthogonal-gradient update). The policy is then extracted by
// weighted behaviour cloning with the optimal density ratio w*(s, a) = (f')^-1(r + gamma V(s') - V(s)), clipped at 0.
// Details and defaults as the official code (main_odice_rl.py, configs/offline_RL.yaml, odice.py): Pearson chi^2,
// lambda 0.6, eta 1, twin V (min), value and policy lr 2e-4, L2 weight decay 1e-4 on the policy, Polyak target V (0.005)
// used on the side that is not differentiated, weights clipped at 100, a Gaussian policy with an unsquashed mean and a
// state-independent log std in [-5, 2] (actions clipped to [-1, 1]), a 1024x1024 policy net. Not reproduced: the
// LayerNorm of the value net (the lab's MLP has none). Rewards: main_odice_rl.py rescales them only for D4RL
// halfcheetah/hopper/walker2d (times max_episode_steps / (max - min return)) and rewrites AntMaze's (0 / -3); the
// rewardScale option multiplies them by a given factor, 1 (unchanged, as the script leaves other data) by default. Discrete actions (the lab's extension): a softmax policy; V only
// reads states, so the value learning is unchanged.
// Equation numbers: arXiv 2402.00348v1 as read from memory (the paper's text was not at hand; the official code was).
import * as tf from '@tensorflow/tfjs';
import type { HyperParam } from '../run/hyperparameters';
import { Rng } from '../rng';
import { actionIndices, batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, tauParam } from './common';
import { categoricalEntropy, gaussianEntropy, gaussianLogProb, sampleClippedGaussian, softmaxAction } from './distributions';
import { EXP_ADV_MAX, pickActions } from './losses';
import { minimizeWith } from './minimize';
import { MLP, newVariable, parseHidden, readWeights, softUpdate, writeWeights } from './nets';
import { Adam } from './optim';
import { mlpPolicyNetwork } from './policyNetwork';
import type { Agent, AgentContext, AlgorithmDef, Batch, Checkpoint } from './types';

const LOG_STD_MIN = -5;
const LOG_STD_MAX = 2;

export type FDivergence = 'pearson' | 'reverse-kl';
export type GradientRule = 'orthogonal' | 'true' | 'semi';

/**
 * The convex conjugate f*(y) of the f-divergence (the official code's f_star). Pearson chi^2, f(x) = (x - 1)^2 on
 * x >= 0: f*(y) = y w - (w - 1)^2 with w = max(y / 2 + 1, 0) (= y + y^2 / 4 for y >= -2); reverse KL: exp(y - 1).
 */
export function fStar(y: tf.Tensor, f: FDivergence): tf.Tensor {
  if (f === 'reverse-kl') return tf.exp(tf.sub(y, 1));
  const w = tf.relu(tf.add(tf.div(y, 2), 1));
  return tf.sub(tf.mul(y, w), tf.square(tf.sub(w, 1)));
}

/**
 * The policy weight from the residual y = r + gamma V(s') - V(s): the official code's f_prime_inverse, max(y, 0) for
 * Pearson chi^2 and exp(y - 1) for reverse KL, clipped at 100. (For Pearson the exact optimal ratio would be
 * max(y / 2 + 1, 0); the code, whose results the paper reports, uses max(y, 0), and so does this.)
 */
export function odiceWeights(residual: tf.Tensor, f: FDivergence): tf.Tensor {
  const w = f === 'reverse-kl' ? tf.exp(tf.sub(residual, 1)) : tf.relu(residual);
  return tf.minimum(w, EXP_ADV_MAX);
}

/**
 * The V-DICE loss with lambda (eq. 3): (1 - lambda) mean V(s) + lambda mean f*(r + gamma (1 - done) V(s') - V(s)).
 * `v` and `vNext` may carry a leading twin axis [2, B]; rewards and dones are [B].
 */
export function diceLoss(v: tf.Tensor, vNext: tf.Tensor, rewards: tf.Tensor1D, dones: tf.Tensor1D, gamma: number, lambda: number, f: FDivergence): tf.Scalar {
  const residual = tf.sub(tf.add(rewards, tf.mul(tf.mul(gamma, tf.sub(1, dones)), vNext)), v);
  return tf.add(tf.mul(1 - lambda, tf.mean(v)), tf.mul(lambda, tf.mean(fStar(residual, f)))) as tf.Scalar;
}

/** The sum of elementwise products of two lists of tensors: the dot product of the flattened, concatenated vectors. */
function dot(a: tf.Tensor[], b: tf.Tensor[]): tf.Scalar {
  return tf.sum(tf.stack(a.map((x, i) => tf.sum(tf.mul(x, b[i]))))) as tf.Scalar;
}

/**
 * From the dot products <g_f, g_b>, ||g_f||^2 and ||g_b||^2 (scalars, or [K] for a population): the projection
 * coefficient <g_f, g_b> / ||g_f||^2 (floored at 1e-10) and the angle between the gradients in degrees.
 */
export function projectionTerms<T extends tf.Tensor>(fb: T, ff: T, bb: T): { coef: T; angle: T } {
  const coef = tf.div(fb, tf.maximum(ff, 1e-10)) as T;
  const cosine = tf.clipByValue(tf.div(fb, tf.maximum(tf.sqrt(tf.mul(ff, bb)), 1e-20)), -1, 1);
  return { coef, angle: tf.mul(tf.acos(cosine), 180 / Math.PI) as T };
}

/**
 * The orthogonal-gradient update (eq. 6): g = g_forward + (g_backward - (<g_f, g_b> / ||g_f||^2) g_forward), the
 * backward gradient (eta already in it) projected onto the normal plane of the forward gradient; ||g_f||^2 floored at
 * 1e-10 as the official code does (f* can zero the forward gradient). Also returns the angle between the two gradients
 * in degrees and the projection coefficient. `rule` 'true' adds the backward gradient whole, 'semi' drops it.
 */
export function orthogonalGradient(forward: tf.Tensor[], backward: tf.Tensor[], rule: GradientRule = 'orthogonal'): { combined: tf.Tensor[]; angle: tf.Scalar; coef: tf.Scalar } {
  const { coef, angle } = projectionTerms(dot(forward, backward), dot(forward, forward), dot(backward, backward));
  const combined = forward.map((g, i) => {
    if (rule === 'semi') return g;
    if (rule === 'true') return tf.add(g, backward[i]);
    return tf.add(g, tf.sub(backward[i], tf.mul(coef, g)));
  });
  return { combined, angle, coef };
}

/** Gradients of `loss` with respect to `variables`, in their order. */
function gradients(loss: () => tf.Scalar, variables: tf.Variable[]): { value: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = tf.variableGrads(loss, variables);
  return { value, grads: variables.map((x) => grads[x.name]) };
}

/** The update's metrics, in order (a population reports the same, per member). */
export const ODICE_METRICS = [
  'v_data', 'mc_return', 'dice_loss', 'forward_loss', 'backward_loss', 'grad_angle', 'parallel_coef', 'residual',
  'ratio_mean', 'ratio_max', 'ratio_zero', 'actor_loss', 'entropy', 'v_grad_norm', 'forward_grad_norm', 'backward_grad_norm', 'actor_grad_norm',
];

function createODICE(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const discrete = ctx.discreteActions !== null;
  const k = ctx.discreteActions ?? 0;
  const hidden = parseHidden(hp.hidden);
  const actorHidden = parseHidden(hp.actorHidden);
  const gamma = Number(hp.gamma);
  const twin = Boolean(hp.twinV);
  let [lambda, eta, tau, weightDecay] = [Number(hp.lambda), Number(hp.eta), Number(hp.tau), Number(hp.weightDecay)];
  const rewardScale = Number(hp.rewardScale ?? 1);
  let f = String(hp.fDivergence) as FDivergence;
  let rule = String(hp.gradientRule) as GradientRule;

  const values = Array.from({ length: twin ? 2 : 1 }, (_, i) => new MLP(`odice/v${i + 1}`, [ctx.observationDim, ...hidden, 1], ctx.rng));
  // Targets start as copies; their own draws come from a throwaway Rng so the lab's stream is unaffected.
  const targets = values.map((v, i) => {
    const t = new MLP(`odice/v${i + 1}_target`, [ctx.observationDim, ...hidden, 1], new Rng(0));
    t.copyFrom(v);
    return t;
  });
  const actor = new MLP('odice/actor', [ctx.observationDim, ...actorHidden, discrete ? k : ctx.actionDim], ctx.rng);
  const logStd = discrete ? null : newVariable(() => tf.zeros([1, ctx.actionDim]), 'odice/actor_log_std');
  const vVariables = values.flatMap((v) => v.variables);
  const actorVariables = logStd ? [...actor.variables, logStd] : actor.variables;
  const vOptimizer = new Adam(vVariables, Number(hp.lr));
  const actorOptimizer = new Adam(actorVariables, Number(hp.actorLr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));

  /** Every value head on a batch of states: [heads, B]. */
  const heads = (nets: MLP[], obs: tf.Tensor2D): tf.Tensor2D => tf.stack(nets.map((n) => tf.reshape(n.apply(obs), [-1]))) as tf.Tensor2D;
  /** V(s) = min over the twin heads (the official TwinV's forward). */
  const V = (nets: MLP[], obs: tf.Tensor2D): tf.Tensor1D => tf.min(heads(nets, obs), 0) as tf.Tensor1D;
  const clippedLogStd = () => tf.clipByValue(logStd!, LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor2D;
  const logProb = (out: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D =>
    discrete ? pickActions(tf.logSoftmax(out), actionIndices(actions), k) : gaussianLogProb(actions, out, clippedLogStd());

  return {
    metricNames: ODICE_METRICS,

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const discount = tf.mul(gamma, tf.sub(1, batch.dones));
        const rewards = rewardScale === 1 ? batch.rewards : tf.mul(batch.rewards, rewardScale);
        const targetV = V(targets, obs);
        const targetVNext = V(targets, nextObs);
        const vData = tf.mean(V(values, obs)); // before this update's step

        // Forward part of eq. 3's f* term: gradient through V(s) only (V(s') from the target net), lambda E[f*(.)].
        let forwardResidual: tf.Tensor = tf.zeros([0]);
        const forward = gradients(() => {
          forwardResidual = tf.keep(tf.sub(tf.add(rewards, tf.mul(discount, targetVNext)), heads(values, obs)));
          return tf.mul(lambda, tf.mean(fStar(forwardResidual, f))) as tf.Scalar;
        }, vVariables);
        // Backward part: gradient through V(s') only (V(s) from the target net), lambda eta E[f*(.)].
        const backward = gradients(() => {
          const residual = tf.sub(tf.add(rewards, tf.mul(discount, heads(values, nextObs))), targetV);
          return tf.mul(lambda * eta, tf.mean(fStar(residual, f))) as tf.Scalar;
        }, vVariables);
        // The (1 - lambda) E[V(s)] term's gradient is added after the projection, as the official code does.
        const initial = gradients(() => tf.mul(1 - lambda, tf.mean(heads(values, obs))) as tf.Scalar, vVariables);
        const { combined, angle, coef } = orthogonalGradient(forward.grads, backward.grads, rule);
        const grads = combined.map((g, i) => tf.add(g, initial.grads[i]));
        // Adam applied to the hand-made gradient: the loss sum_i <g_i, x_i> with g_i constant has exactly g_i as gradient.
        const vStep = vOptimizer.minimize(() => dot(grads, vVariables));
        targets.forEach((t, i) => softUpdate(t, values[i], tau));

        // Weighted BC (eq. 8): max_pi E_D[w*(s, a) log pi(a|s)], w* from the forward residual (mean over twin heads).
        const residual = tf.clone(forwardResidual);
        tf.dispose(forwardResidual);
        const weights = tf.mean(odiceWeights(residual, f), 0) as tf.Tensor1D;
        const actorStep = minimizeWith(actorOptimizer, () => {
          const out = actor.apply(obs);
          const nll = tf.neg(tf.mean(tf.mul(weights, logProb(out, batch.actions))));
          // PyTorch Adam's weight_decay: L2 in the gradient, wd * x, i.e. (wd / 2) ||x||^2 in the loss.
          const l2 = weightDecay > 0 ? tf.mul(weightDecay / 2, dot(actorVariables, actorVariables)) : tf.scalar(0);
          return { loss: tf.add(nll, l2) as tf.Scalar, aux: [out, nll] as [tf.Tensor2D, tf.Scalar] };
        });
        const [out, nll] = actorStep.aux;

        const entropy = discrete ? tf.mean(categoricalEntropy(out)) : gaussianEntropy(clippedLogStd());
        const norm = (gs: tf.Tensor[]) => tf.sqrt(dot(gs, gs));
        return tf.stack([
          vData,
          tf.mean(batch.mcReturns),
          tf.add(forward.value, initial.value),
          forward.value,
          backward.value,
          angle,
          coef,
          tf.mean(residual),
          tf.mean(weights),
          tf.max(weights),
          tf.mean(tf.cast(tf.equal(weights, 0), 'float32')),
          nll,
          tf.reshape(entropy, []),
          vStep.gradNorm,
          norm(forward.grads),
          norm(backward.grads),
          actorStep.gradNorm,
        ]) as tf.Tensor1D;
      });
    },

    act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => {
        const out = actor.apply(normalize.apply(observations));
        if (discrete) return softmaxAction(out, mode, ctx.rng);
        return mode === 'greedy' ? tf.clipByValue(out, -1, 1) : sampleClippedGaussian(out, clippedLogStd(), ctx.rng);
      });
    },

    stateValue(observations: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => V(values, normalize.apply(observations)));
    },

    policyNetwork() {
      return mlpPolicyNetwork(
        actor,
        normalize.stats,
        discrete ? { kind: 'argmax', description: 'logits of the softmax policy' } : { kind: 'clip', description: 'the mean of the Gaussian policy, clipped to [-1, 1]' },
      );
    },

    setHyperparameters(patch) {
      if (patch.lr !== undefined) vOptimizer.learningRate = Number(patch.lr);
      if (patch.actorLr !== undefined) actorOptimizer.learningRate = Number(patch.actorLr);
      if (patch.lambda !== undefined) lambda = Number(patch.lambda);
      if (patch.eta !== undefined) eta = Number(patch.eta);
      if (patch.tau !== undefined) tau = Number(patch.tau);
      if (patch.weightDecay !== undefined) weightDecay = Number(patch.weightDecay);
      if (patch.fDivergence !== undefined) f = String(patch.fDivergence) as FDivergence;
      if (patch.gradientRule !== undefined) rule = String(patch.gradientRule) as GradientRule;
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: 'odice', weights: await readWeights([...values, ...targets, actor, ...(logStd ? [{ variables: [logStd] }] : [])]) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights([...values, ...targets, actor, ...(logStd ? [{ variables: [logStd] }] : [])], checkpoint.weights);
    },

    dispose() {
      for (const n of [...values, ...targets, actor]) n.dispose();
      logStd?.dispose();
      vOptimizer.dispose();
      actorOptimizer.dispose();
      normalize.dispose();
    },
  };
}

const odiceHyperparameters: HyperParam[] = [
  {
    key: 'lambda',
    label: 'lambda',
    help: 'Weight of the f* (Bellman residual) term against (1 - lambda) E[V(s)] in the DICE loss. Larger: V climbs towards the best actions in the data, less conservative. Official code: 0.6 (the paper tunes it per dataset in its appendix D).',
    kind: 'number',
    default: 0.6,
    min: 0.01,
    max: 0.99,
    live: true,
  },
  {
    key: 'eta',
    label: 'eta (backward weight)',
    help: 'Weight of the backward gradient (through V(s\')) added after its projection onto the normal plane of the forward gradient. 0: forward gradient only. Official code: 1.',
    kind: 'number',
    default: 1,
    min: 0,
    max: 10,
    live: true,
  },
  {
    key: 'gradientRule',
    label: 'gradient rule',
    help: "How the two value gradients combine. 'orthogonal': ODICE's update; 'true': plain sum (true-gradient V-DICE); 'semi': forward gradient only (semi-gradient). Official default: orthogonal.",
    kind: 'choice',
    default: 'orthogonal',
    choices: ['orthogonal', 'true', 'semi'],
    live: true,
  },
  {
    key: 'fDivergence',
    label: 'f-divergence',
    help: "The divergence of the state-action distribution from the data's: Pearson chi^2 (policy weights max(residual, 0)) or reverse KL (weights exp(residual - 1)). Official code: Pearson chi^2.",
    kind: 'choice',
    default: 'pearson',
    choices: ['pearson', 'reverse-kl'],
    live: true,
  },
  {
    key: 'rewardScale',
    label: 'reward scale',
    help: "Rewards are multiplied by this before the value learning. The official training script rescales rewards only for D4RL locomotion (halfcheetah, hopper, walker2d: times max_episode_steps / (max - min episode return of the data), 1000 steps) and rewrites AntMaze rewards to 0 at the goal and -3 elsewhere; other data unchanged, hence 1 here. With Pearson chi^2 the residual settles near 2 ((1 - lambda) / lambda - 1) whatever the scale, while its spread across actions grows with it, so the scale decides how many policy weights are non-zero.",
    kind: 'number',
    default: 1,
    min: 1e-3,
    max: 1000,
    log: true,
    live: false,
  },
  { ...learningRateParam(2e-4), help: 'Adam step size of the value net(s). Official code: 2e-4.' },
  { ...learningRateParam(2e-4, 'actorLr', 'policy learning rate'), help: 'Adam step size of the policy. Official code: 2e-4.' },
  {
    key: 'weightDecay',
    label: 'policy weight decay',
    help: "L2 penalty on the policy's weights (PyTorch Adam's weight_decay: wd * x added to the gradient). Official code: 1e-4.",
    kind: 'number',
    default: 1e-4,
    min: 0,
    max: 0.1,
    live: true,
  },
  { ...tauParam, help: 'Polyak rate of the target value net, used on the side of the residual that is not differentiated. Official code: 0.005.' },
  { key: 'twinV', label: 'twin V', help: 'Two value nets and their minimum (the official TwinV), each trained on the DICE loss. Official code: on for MuJoCo.', kind: 'bool', default: true, live: false },
  gammaParam,
  batchSizeParam,
  hiddenParam('256,256'),
  {
    key: 'actorHidden',
    label: 'policy hidden sizes',
    help: 'Units per hidden layer of the policy network (ReLU MLP). Official code: 1024,1024.',
    kind: 'choice',
    default: '1024,1024',
    choices: ['32,32', '64,64', '128,128', '256,256', '512,512', '1024,1024'],
    live: false,
  },
  normalizeStatesParam(false),
];

export const odice: AlgorithmDef = {
  id: 'odice',
  name: 'ODICE (orthogonal-gradient DICE)',
  paper: 'Mao, Xu, Zhang & Zhan, "ODICE: Revealing the Mystery of Distribution Correction Estimation via Orthogonal-gradient Update", ICLR 2024',
  summary: 'Learns V from the DICE dual, keeping the backward (next-state) gradient only where it does not fight the forward one, then copies the data actions weighted by the optimal density ratio.',
  family: 'offline',
  actions: ['discrete', 'continuous'],
  usesNextState: true,
  hyperparameters: odiceHyperparameters,
  charts: [
    { title: 'V on data vs Monte-Carlo return', metrics: ['v_data', 'mc_return'], help: 'Healthy: V settles near or a little above the discounted return of the data. Runaway growth: the value diverges (lower lambda or the learning rate).' },
    { title: 'Angle between forward and backward gradients', metrics: ['grad_angle'], help: 'Degrees between the gradient through V(s) and the one through V(s\'). Above 90: they conflict, and the plain sum (true gradient) would cancel the forward part; the orthogonal update removes that conflicting component.' },
    { title: 'Optimal ratio w*', metrics: ['ratio_mean', 'ratio_max', 'ratio_zero'], help: 'The policy weights: mean, largest (clipped at 100) and the fraction that are exactly 0. Healthy: a fraction of zeros well below 1 and a mean of order 1. All zeros: the policy learns nothing (lambda too small).' },
    { title: 'DICE loss terms', metrics: ['dice_loss', 'forward_loss', 'backward_loss'], help: 'The loss (1 - lambda) E[V] + lambda E[f*] and its forward and backward f* parts. Look for a steady curve; its level depends on lambda.' },
    { title: 'Gradient norms', metrics: ['v_grad_norm', 'forward_grad_norm', 'backward_grad_norm', 'actor_grad_norm'], help: 'Sizes of the combined value gradient, its forward and backward parts, and the policy gradient. Growing spikes: instability.' },
  ],
  metricHelp: {
    v_data: 'Mean V(s) (minimum of the twin heads) on the batch states.',
    mc_return: 'Mean discounted return-to-go of the batch rows in the data: the reference for V.',
    dice_loss: 'The value loss (1 - lambda) E[V(s)] + lambda E[f*(r + gamma V_target(s\') - V(s))] (eq. 3, with the forward residual).',
    forward_loss: 'lambda E[f*(r + gamma V_target(s\') - V(s))]: the part differentiated through V(s).',
    backward_loss: 'lambda eta E[f*(r + gamma V(s\') - V_target(s))]: the part differentiated through V(s\').',
    grad_angle: 'Angle in degrees between the forward and backward gradients of the value net. Above 90 they conflict: that is where the orthogonal update matters.',
    parallel_coef: '<g_forward, g_backward> / ||g_forward||^2: how much of the forward direction the backward gradient holds; this part is removed by the projection. Negative: conflict.',
    residual: 'Mean Bellman residual r + gamma V_target(s\') - V(s) on the batch (the forward residual).',
    ratio_mean: 'Mean policy weight w* = max(residual, 0) (Pearson) or exp(residual - 1) (reverse KL), clipped at 100.',
    ratio_max: 'Largest policy weight in the batch (clipped at 100). Many at 100: lambda too large.',
    ratio_zero: 'Fraction of batch rows whose policy weight is 0: the data actions the policy ignores.',
    actor_loss: 'Ratio-weighted negative log-likelihood of the data actions (without the L2 term). Its level depends on the weights; look for a steady curve.',
    entropy: 'Entropy of the policy (Gaussian before clipping, or softmax). Falls as the policy commits.',
    v_grad_norm: 'Norm of the combined value gradient Adam applies: forward + projected backward + the (1 - lambda) E[V] term.',
    forward_grad_norm: 'Norm of the forward gradient (through V(s)).',
    backward_grad_norm: 'Norm of the backward gradient (through V(s\'), with eta), before the projection.',
    actor_grad_norm: 'Gradient norm of the policy loss.',
  },
  create: createODICE,
};
