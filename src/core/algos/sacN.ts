// SAC-N and EDAC (An, Moon, Kim & Song, "Uncertainty-Based Offline Reinforcement Learning with Diversified Q-Ensemble",
// NeurIPS 2021, arXiv:2110.01548), as CORL implements them (algorithms/offline/sac_n.py and edac.py).
// SAC-N is offline SAC (sac.ts) with N critics instead of two: the TD target and the actor take the minimum over the
// ensemble, and where the data says nothing the critics disagree, so the minimum falls below the mean by about the
// ensemble's spread: actions away from the data are penalised by their uncertainty, without any behaviour model.
// EDAC is SAC-N plus eta times an ensemble-similarity loss on the critics: the mean cosine similarity of the action
// gradients grad_a Q_i(s, a) of distinct members. Diverse gradients make the spread grow fast as an action leaves the
// data, so far fewer critics are needed (CORL: 10 against SAC-N's 200-500 on MuJoCo).
// Both live in this one file because EDAC is exactly SAC-N with eta > 0 (CORL's two files differ only in that term).
// As CORL: a tanh-Gaussian actor with log std clipped to [-5, 2] (EDAC's values, not SAC's [-20, 2]), hidden biases
// 0.1 and output layers from U(-1e-3, 1e-3) (actor) and U(-3e-3, 3e-3) (critics); states are not normalised; each
// update steps alpha, then the actor, then the critics (the paper's order, CORL notes it works better).
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';
import type { HyperParam } from '../run/hyperparameters';
import { batchSizeParam, gammaParam, hiddenParam, learningRateParam, normalizeStatesParam, observationNormalizer, tauParam } from './common';
import { sampleTanhGaussian } from './distributions';
import { EnsembleMLP, ensembleQ, forEveryMember, minOverMembers, stdOverMembers } from './ensemble';
import { minimizeWith } from './minimize';
import { MLP, newVariable, parseHidden, readWeights, writeWeights } from './nets';
import { Adam } from './optim';
import { SAC_ACTOR_AND_Q_METRICS, sacTarget, tanhGaussianQueries } from './sac';
import type { Agent, AgentContext, AlgorithmDef, Batch, ChartGroup, Checkpoint } from './types';

/** EDAC's bounds of the actor's log std (CORL's edac.py), not SAC's [-20, 2]. */
export const EDAC_LOG_STD_MIN = -5;
export const EDAC_LOG_STD_MAX = 2;
/** Added to each gradient norm before normalising (CORL's and the official code's 1e-10). */
const GRAD_NORM_EPS = 1e-10;

/**
 * EDAC's ensemble similarity ES (An et al. 2021, Sec. 4.2: the 1/(N-1) sum over i != j of <grad_a Q_i, grad_a Q_j> of
 * normalised gradients): for each row, sum over ordered pairs i != j of <g_i, g_j> with g_i = grad_a Q_i /
 * (||grad_a Q_i|| + 1e-10), divided by N - 1, then averaged over the batch (as CORL and the official code). Computed as
 * ||sum_i g_i||^2 - sum_i ||g_i||^2, which equals the pair sum, in O(N B A). `grads` is [N, B, A] (a scalar comes
 * back), or [K, N, B, A] for K ensembles (a population: one value per member, [K]).
 */
export function ensembleSimilarity(grads: tf.Tensor3D): tf.Scalar;
export function ensembleSimilarity(grads: tf.Tensor4D): tf.Tensor1D;
export function ensembleSimilarity(grads: tf.Tensor): tf.Tensor {
  const axis = grads.rank - 3; // the ensemble axis
  const n = grads.shape[axis];
  if (n < 2) return tf.zeros(grads.shape.slice(0, axis));
  // ||g|| as sqrt(max(sum g^2, 1e-30)): sqrt's gradient at an exactly zero gradient vector would be NaN.
  const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(grads), -1, true), 1e-30));
  const unit = tf.div(grads, tf.add(norm, GRAD_NORM_EPS));
  const all = tf.sum(tf.square(tf.sum(unit, axis)), -1);
  const self = tf.sum(tf.sum(tf.square(unit), -1), axis);
  return tf.div(tf.mean(tf.sub(all, self), -1), n - 1);
}

/** CORL's EDAC initialisation ("init as in the EDAC paper"): hidden biases 0.1, output layers from U(-bound, bound). */
export const EDAC_HIDDEN_BIAS = 0.1;
export const ACTOR_OUTPUT_BOUND = 1e-3;
export const CRITIC_INIT = { bias: EDAC_HIDDEN_BIAS, outputBound: 3e-3 };

/** The actor's output layer [fanIn, fanOut] drawn from U(-bound, bound), weights then biases, after its MLP's own draws. */
export function edacActorOutputLayer(fanIn: number, fanOut: number, rng: Rng): { w: Float32Array; b: Float32Array } {
  const draw = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-ACTOR_OUTPUT_BOUND, ACTOR_OUTPUT_BOUND));
  return { w: draw(fanIn * fanOut), b: draw(fanOut) };
}

/** Hidden biases 0.1 and the output layer from edacActorOutputLayer. */
function edacActorInit(actor: MLP, ctx: AgentContext): void {
  const last = actor.weights.length - 1;
  const { w, b } = edacActorOutputLayer(actor.sizes[last], actor.sizes[last + 1], ctx.rng);
  tf.tidy(() => {
    actor.biases.forEach((bias, l) => {
      if (l < last) bias.assign(tf.fill(bias.shape, EDAC_HIDDEN_BIAS));
    });
    actor.weights[last].assign(tf.tensor(w, actor.weights[last].shape));
    actor.biases[last].assign(tf.tensor(b, actor.biases[last].shape));
  });
}

/** The metrics of SAC-N (and EDAC, `diversify`), in the order the update stacks them. */
export function ensembleMetricNames(diversify: boolean): string[] {
  return ['critic_loss', 'td_loss', ...(diversify ? ['diversity_loss'] : []), ...SAC_ACTOR_AND_Q_METRICS, 'q_std_data', 'q_std_policy', 'q_std_random', 'critic_grad_norm', 'actor_grad_norm'];
}

function createEnsembleAgent(ctx: AgentContext, id: 'sac-n' | 'edac'): Agent {
  if (ctx.discreteActions !== null) throw new Error(`${id} needs continuous actions`);
  const hp = ctx.hyperparameters;
  const A = ctx.actionDim;
  const N = Number(hp.numCritics);
  const diversify = id === 'edac';
  const hidden = parseHidden(hp.hidden);
  let [gamma, tau, eta] = [Number(hp.gamma), Number(hp.tau), diversify ? Number(hp.eta) : 0];
  const targetEntropy = -A;

  const actor = new MLP(`${id}/actor`, [ctx.observationDim, ...hidden, 2 * A], ctx.rng);
  edacActorInit(actor, ctx);
  const criticSizes = [ctx.observationDim + A, ...hidden, 1];
  const critic = new EnsembleMLP(`${id}/q`, N, criticSizes, ctx.rng, CRITIC_INIT);
  const target = new EnsembleMLP(`${id}/q_target`, N, criticSizes, new Rng(0), CRITIC_INIT);
  target.copyFrom(critic);
  const logAlpha = newVariable(() => tf.scalar(0), `${id}/log_alpha`);
  const alphaOptimizer = new Adam([logAlpha], Number(hp.alphaLr));
  const actorOptimizer = new Adam(actor.variables, Number(hp.actorLr));
  const criticOptimizer = new Adam(critic.variables, Number(hp.lr));
  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));

  const gaussian = (obs: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor2D } => {
    const out = actor.apply(obs);
    const mean = tf.slice(out, [0, 0], [-1, A]) as tf.Tensor2D;
    const logStd = tf.clipByValue(tf.slice(out, [0, A], [-1, A]), EDAC_LOG_STD_MIN, EDAC_LOG_STD_MAX) as tf.Tensor2D;
    return { mean, logStd };
  };
  const policy = (obs: tf.Tensor2D) => {
    const { mean, logStd } = gaussian(obs);
    return sampleTanhGaussian(mean, logStd, ctx.rng);
  };
  const greedy = (obs: tf.Tensor2D): tf.Tensor2D => tf.tanh(gaussian(obs).mean);

  return {
    metricNames: ensembleMetricNames(diversify),

    update(batch: Batch): tf.Tensor1D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);

        // J(alpha) = E[-log alpha (log pi(a|s) + target entropy)], a ~ pi(s) (SAC, Haarnoja et al. 2018, eq. 18).
        const alphaSample = policy(obs).logProb; // a constant here: only log alpha is differentiated
        const alphaStep = alphaOptimizer.minimize(() => tf.neg(tf.mean(tf.mul(logAlpha, tf.add(alphaSample, targetEntropy)))) as tf.Scalar);
        const alpha = tf.exp(logAlpha) as tf.Scalar;

        // J_pi = E[alpha log pi(a|s) - min_j Q_j(s, a)], a ~ pi(s) reparameterised (An et al. 2021, Sec. 3.2, the SAC-N actor objective).
        const actorStep = minimizeWith(actorOptimizer, () => {
          const { action, logProb } = policy(obs);
          const q = ensembleQ(critic, N, obs, action);
          return { loss: tf.mean(tf.sub(tf.mul(alpha, logProb), minOverMembers(q))) as tf.Scalar, aux: [logProb, q] };
        });
        const [logProb, qPolicyAll] = actorStep.aux as [tf.Tensor1D, tf.Tensor2D];

        // y = r + gamma (1 - d) (min_j Q_target_j(s', a') - alpha log pi(a'|s')), a' ~ pi(s') (An et al. 2021, Sec. 3.2, clipped Q-learning over N critics).
        const next = policy(nextObs);
        const y = sacTarget(batch.rewards, batch.dones, minOverMembers(ensembleQ(target, N, nextObs, next.action)), next.logProb, alpha, gamma, true);
        const criticStep = minimizeWith(criticOptimizer, () => {
          const input = forEveryMember(tf.concat([obs, batch.actions], 1) as tf.Tensor2D, N);
          const forward = diversify ? critic.applyWithInputGradient(input) : { out: critic.apply(input), inputGradient: null };
          const q = tf.squeeze(forward.out, [2]) as tf.Tensor2D;
          // sum_i E[(Q_i(s, a) - y)^2] (Sec. 3.2, summed over the members as CORL).
          const td = tf.sum(tf.mean(tf.square(tf.sub(q, tf.expandDims(y, 0))), 1)) as tf.Scalar;
          if (!forward.inputGradient) return { loss: td, aux: [td, q] };
          // + eta * ES, EDAC's ensemble similarity of grad_a Q_i (Sec. 4.2; the last A input columns are the action).
          const gradA = tf.slice(forward.inputGradient, [0, 0, ctx.observationDim], [-1, -1, A]) as tf.Tensor3D;
          const similarity = ensembleSimilarity(gradA);
          return { loss: tf.add(td, tf.mul(eta, similarity)) as tf.Scalar, aux: [td, q, similarity] };
        });
        const [td, qDataAll, similarity] = criticStep.aux as [tf.Scalar, tf.Tensor2D, tf.Scalar | undefined];
        target.softUpdateFrom(critic, tau);

        // CORL's q_random_std: the spread at uniform random actions, after the step.
        const random = tf.randomUniform(batch.actions.shape, -1, 1, 'float32', ctx.rng.nextUint32()) as tf.Tensor2D;
        const qRandomAll = ensembleQ(critic, N, obs, random);
        const qData = minOverMembers(qDataAll);

        return tf.stack([
          similarity ? criticStep.loss : td, // without the diversity term the loss is the TD loss itself
          td,
          ...(similarity ? [similarity] : []),
          actorStep.loss,
          alphaStep.loss,
          alpha,
          tf.neg(tf.mean(logProb)),
          tf.mean(qData),
          tf.mean(minOverMembers(qPolicyAll)),
          tf.mean(y),
          tf.mean(batch.mcReturns),
          tf.mean(tf.abs(tf.sub(qData, y))),
          tf.mean(stdOverMembers(qDataAll)),
          tf.mean(stdOverMembers(qPolicyAll)),
          tf.mean(stdOverMembers(qRandomAll)),
          criticStep.gradNorm,
          actorStep.gradNorm,
        ]) as tf.Tensor1D;
      });
    },

    ...tanhGaussianQueries(actor, A, normalize, greedy, policy, (obs, actions) => minOverMembers(ensembleQ(critic, N, obs, actions))),

    setHyperparameters(patch) {
      if (patch.lr !== undefined) criticOptimizer.learningRate = Number(patch.lr);
      if (patch.actorLr !== undefined) actorOptimizer.learningRate = Number(patch.actorLr);
      if (patch.alphaLr !== undefined) alphaOptimizer.learningRate = Number(patch.alphaLr);
      if (patch.tau !== undefined) tau = Number(patch.tau);
      if (patch.eta !== undefined && diversify) eta = Number(patch.eta);
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: id, weights: await readWeights([critic, target, actor, { variables: [logAlpha] }]) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights([critic, target, actor, { variables: [logAlpha] }], checkpoint.weights);
    },

    dispose() {
      critic.dispose();
      target.dispose();
      actor.dispose();
      logAlpha.dispose();
      for (const o of [alphaOptimizer, actorOptimizer, criticOptimizer]) o.dispose();
      normalize.dispose();
    },
  };
}

function ensembleHyperparameters(numCritics: number, numCriticsHelp: string, extra: HyperParam[]): HyperParam[] {
  return [
    { ...learningRateParam(3e-4), label: 'critic learning rate', help: 'Adam step size of the Q ensemble (3e-4, as CORL).' },
    { ...learningRateParam(3e-4, 'actorLr', 'actor learning rate'), help: 'Adam step size of the tanh-Gaussian actor (3e-4, as CORL).' },
    { ...learningRateParam(3e-4, 'alphaLr', 'alpha learning rate'), help: 'Adam step size of log alpha, the entropy temperature tuned towards entropy -actionDim (3e-4, as CORL).' },
    { key: 'numCritics', label: 'critics (N)', help: numCriticsHelp, kind: 'int', default: numCritics, min: 2, max: 500, live: false },
    ...extra,
    tauParam,
    gammaParam,
    batchSizeParam,
    hiddenParam('256,256,256'),
    { ...normalizeStatesParam(false), help: 'Standardise observations with the dataset mean and std (eps 1e-3). CORL\'s SAC-N and EDAC do not (off).' },
  ];
}

const ensembleCharts: ChartGroup[] = [
  {
    title: 'Q on data vs Monte-Carlo return',
    metrics: ['q_data', 'q_policy', 'mc_return'],
    help: 'Healthy: Q on dataset actions (the minimum over the ensemble) at or a little below the return, and Q at the policy\'s actions not far above it. Broken: both climb far above the return (too few critics, or too little diversity, for this data).',
  },
  {
    title: 'Ensemble spread: uncertainty on and off the data',
    metrics: ['q_std_data', 'q_std_policy', 'q_std_random'],
    help: 'Standard deviation over the N critics of Q at dataset actions, at the policy\'s actions and at uniform random actions. The minimum over the ensemble sits about this far below the mean, so the spread is the penalty. Healthy: small on data, larger at random (out-of-distribution) actions; the policy stays where it is small. Broken: the spread on random actions is no larger than on data (the critics agree where they know nothing: nothing holds Q down there).',
  },
  { title: 'Gradient norms', metrics: ['critic_grad_norm', 'actor_grad_norm'], help: 'Size of each network\'s gradient before its step. Growing spikes: instability.' },
];

const ensembleMetricHelp: Record<string, string> = {
  critic_loss: 'The critics\' whole loss: the summed TD losses, plus eta times the diversity loss for EDAC.',
  td_loss: 'Squared TD error of each critic against the shared pessimistic target, summed over the ensemble.',
  diversity_loss: 'EDAC\'s ensemble similarity: the mean cosine similarity of the critics\' action gradients over distinct pairs, times N. Falls as the critics learn to disagree about which way Q rises off the data.',
  actor_loss: 'E[alpha log pi - min_j Q_j(s, pi(s))]: falls as the actor finds actions every critic rates highly.',
  alpha_loss: 'Loss of the entropy temperature; it pushes the policy entropy towards -actionDim.',
  entropy_alpha: 'The entropy temperature alpha = exp(log alpha). Falls while the policy is more random than the target entropy.',
  entropy: 'Policy entropy estimate -E[log pi(a|s)] on the batch states.',
  q_data: 'Mean over the batch of min_j Q_j(s, a) at the dataset actions. Draw it against mc_return: at or a bit below it is the design.',
  q_policy: 'Mean of min_j Q_j(s, a) at actions sampled from the policy. Far above mc_return: the ensemble is too small or too alike to hold these actions down.',
  target_q: 'Mean TD target (min over the target critics minus alpha log pi). Rising without bound: the critics feed on their own overestimates.',
  mc_return: 'Mean discounted return-to-go of the batch rows in the dataset: what Q on dataset actions should be close to (a lower estimate where episodes were cut by a time limit).',
  td_error: 'Mean |min_j Q_j(s, a) - y| on the batch.',
  q_std_data: 'Standard deviation over the critics of Q at dataset actions, averaged over the batch: the ensemble\'s uncertainty where there is data. Should be small.',
  q_std_policy: 'Standard deviation over the critics of Q at the policy\'s actions (CORL\'s q_policy_std). Grows when the actor drifts off the data.',
  q_std_random: 'Standard deviation over the critics of Q at uniform random actions (CORL\'s q_random_std): the uncertainty off the data. Should be well above q_std_data.',
  critic_grad_norm: 'Gradient norm of the critic loss (all members together).',
  actor_grad_norm: 'Gradient norm of the actor loss.',
};

const paper = 'An, Moon, Kim & Song, "Uncertainty-Based Offline Reinforcement Learning with Diversified Q-Ensemble", NeurIPS 2021';

export const sacN: AlgorithmDef = {
  id: 'sac-n',
  name: 'SAC-N',
  paper,
  summary: 'Offline SAC with N critics and the minimum over them: actions the data never tried are held down by the critics\' disagreement.',
  family: 'offline',
  actions: ['continuous'],
  usesNextState: true,
  hyperparameters: ensembleHyperparameters(10, 'Number of Q networks. More: a stronger penalty off the data (the minimum of more draws). CORL\'s config default is 10; its D4RL runs use 200-500 (An et al. needed up to 500 on hopper).', []),
  charts: ensembleCharts,
  metricHelp: ensembleMetricHelp,
  create: (ctx) => createEnsembleAgent(ctx, 'sac-n'),
};

export const edac: AlgorithmDef = {
  id: 'edac',
  name: 'EDAC',
  paper,
  summary: 'SAC-N plus a loss that makes the critics\' action gradients point different ways, so a small ensemble is already uncertain off the data.',
  family: 'offline',
  actions: ['continuous'],
  usesNextState: true,
  hyperparameters: ensembleHyperparameters(10, 'Number of Q networks (10, as CORL; the paper used 10-50). The diversity loss lets a small ensemble do what SAC-N needs hundreds for.', [
    {
      key: 'eta',
      label: 'diversity weight (eta)',
      help: 'Weight of the ensemble-similarity loss on the critics (1.0, as CORL). 0: plain SAC-N. Larger: more diverse action gradients, a stronger penalty off the data.',
      kind: 'number',
      default: 1,
      min: 0,
      max: 100,
      live: true,
    },
  ]),
  charts: ensembleCharts,
  metricHelp: ensembleMetricHelp,
  create: (ctx) => createEnsembleAgent(ctx, 'edac'),
};
