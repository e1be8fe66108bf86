// Decision Transformer (Chen, Lu, Rajeswaran, Lee, Grover, Laskin, Abbeel, Srinivas & Mordatch, "Decision Transformer:
// Reinforcement Learning via Sequence Modeling", NeurIPS 2021). RL as sequence modelling: a causal transformer reads
// the last K steps as tokens (R_1, s_1, a_1, ..., R_K, s_K, a_K), where R_t is the return still to come, and predicts
// each a_t from the token s_t (section 3, Algorithm 1). At evaluation it is asked for a target return: R_1 = target,
// then R_{t+1} = R_t - r_t, so the return it is conditioned on is the one it was promised. Details and defaults as
// CORL (Tarasov et al. 2022): embedding 128, 3 layers, 1 head, context 20, dropout 0.1 (embeddings, attention, residual),
// AdamW lr 1e-4 with weight decay 1e-4, gradients clipped at norm 0.25, linear warmup, rewards scaled by 0.001, states
// standardised, windows right-padded and masked in the loss. Discrete actions (as the paper's Atari runs): logits and
// cross-entropy; continuous: tanh outputs and squared error.
import * as tf from '@tensorflow/tfjs';
import type { HyperParam, HyperValues } from '../run/hyperparameters';
import type { Rng } from '../rng';
import { batchSizeParam, learningRateParam, normalizeStatesParam, observationNormalizer } from './common';
import { minimizeWith } from './minimize';
import { readWeights, writeWeights } from './nets';
import { ContextWindows } from './dtContext';
import { Adam } from './optim';
import { causalMask, Embedding, LayerNorm, Linear, loneWeights, noDropout, TransformerBlock, type Dropout, type Weights } from './transformer';
import type { Agent, AgentContext, AlgorithmDef, Checkpoint, EpisodeMemory, SequenceBatch } from './types';

/** Linear warmup (CORL's LambdaLR): the learning rate at update t is lr * min(1, (t + 1) / warmup). */
export function warmupRate(lr: number, update: number, warmup: number): number {
  return lr * Math.min(1, (update + 1) / Math.max(1, warmup));
}

/**
 * Mean over real steps (mask 1) of a per-step loss [B, K]; padding past an episode's end does not count. A population's
 * [members, B, K] gives one mean per member.
 */
export function maskedMean<T extends tf.Tensor>(perStep: T, mask: T): tf.Tensor {
  return tf.div(tf.sum(tf.mul(perStep, mask), [-2, -1]), tf.maximum(tf.sum(mask, [-2, -1]), 1));
}

/** The batch a DT update reads: a SequenceBatch, or a population's with a leading members axis on every tensor. */
export type SequenceTensors = { [K in keyof SequenceBatch]: tf.Tensor };

/**
 * The update's loss from the predictions `out` at every state token: L = -E[log p(a_t | tokens before a_t)] over real
 * steps for discrete actions (the paper's cross-entropy), E[(a_hat_t - a_t)^2] over real steps and action dimensions
 * for continuous ones (section 3: mean squared error). A scalar, or [members] for a population.
 */
export function dtLoss(out: tf.Tensor, batch: SequenceTensors, actionDim: number, discreteActions: number | null): tf.Tensor {
  if (discreteActions !== null) {
    const labels = tf.oneHot(tf.cast(tf.reshape(batch.actions, batch.mask.shape), 'int32'), discreteActions);
    return maskedMean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(out)), -1)), batch.mask);
  }
  return tf.div(maskedMean(tf.sum(tf.square(tf.sub(out, batch.actions)), -1), batch.mask), actionDim);
}

/** The metrics between the loss and the learning rate: accuracy and entropy (discrete), or the actions' spread. */
export function dtMetrics(out: tf.Tensor, batch: SequenceTensors, discrete: boolean): tf.Tensor[] {
  if (discrete) {
    const correct = tf.cast(tf.equal(tf.argMax(out, -1), tf.cast(tf.reshape(batch.actions, batch.mask.shape), 'int32')), 'float32');
    const logp = tf.logSoftmax(out);
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1));
    return [maskedMean(correct, batch.mask), maskedMean(entropy, batch.mask)];
  }
  // Spread of the predicted actions over the batch's real steps, averaged over action dimensions.
  const m = tf.expandDims(batch.mask, -1);
  const count = tf.maximum(tf.sum(m, [-3, -2], true), 1);
  const mean = tf.div(tf.sum(tf.mul(out, m), [-3, -2], true), count);
  const variance = tf.div(tf.sum(tf.mul(tf.square(tf.sub(out, mean)), m), [-3, -2], true), count);
  return [tf.mean(tf.sqrt(variance), [-3, -2, -1])];
}

export interface DTShape {
  observationDim: number;
  actionDim: number;
  discreteActions: number | null;
  embedding: number;
  layers: number;
  heads: number;
  episodeLength: number;
  rewardScale: number;
}

/** The network's shape from the data's dimensions and the settings. */
export function dtShape(dims: Pick<AgentContext, 'observationDim' | 'actionDim' | 'discreteActions'>, hp: HyperValues): DTShape {
  return {
    observationDim: dims.observationDim,
    actionDim: dims.actionDim,
    discreteActions: dims.discreteActions,
    embedding: Number(hp.embedding),
    layers: Number(hp.layers),
    heads: Number(hp.heads),
    episodeLength: Number(hp.episodeLength),
    rewardScale: Number(hp.rewardScale),
  };
}

/** The network: token embeddings, a stack of causal transformer blocks, and an action head on the state tokens. */
export class DecisionTransformerModel {
  // Each token also gets its step's timestep embedding (the paper's positional encoding).
  private readonly timestepEmbedding: Embedding;
  private readonly returnEmbedding: Linear;
  private readonly stateEmbedding: Linear;
  private readonly actionEmbedding: Linear;
  private readonly embeddingNorm: LayerNorm;
  private readonly blocks: TransformerBlock[];
  private readonly outputNorm: LayerNorm;
  private readonly actionHead: Linear;
  private readonly masks = new Map<number, tf.Tensor2D>();

  /** `init`: a lone run's Rng, or the weights of a population's members (population/memberWeights.ts). */
  constructor(
    readonly shape: DTShape,
    init: Rng | Weights,
    private readonly normalize: (x: tf.Tensor2D) => tf.Tensor2D = (x) => x,
  ) {
    const { embedding: dim, discreteActions: k } = shape;
    const weights = 'matrix' in init ? init : loneWeights(init);
    this.timestepEmbedding = new Embedding('dt/timestep', shape.episodeLength, dim, weights);
    this.returnEmbedding = new Linear('dt/return', 1, dim, weights);
    this.stateEmbedding = new Linear('dt/state', shape.observationDim, dim, weights);
    this.actionEmbedding = new Linear('dt/action', k ?? shape.actionDim, dim, weights);
    this.embeddingNorm = new LayerNorm('dt/embedding_norm', dim, weights);
    this.blocks = Array.from({ length: shape.layers }, (_, l) => new TransformerBlock(`dt/block${l}`, dim, shape.heads, weights));
    this.outputNorm = new LayerNorm('dt/output_norm', dim, weights);
    this.actionHead = new Linear('dt/action_head', dim, k ?? shape.actionDim, weights);
  }

  /** Holders of every trainable variable (optimizer, checkpoints). */
  get parts(): { variables: tf.Variable[] }[] {
    return [this.timestepEmbedding, this.returnEmbedding, this.stateEmbedding, this.actionEmbedding, this.embeddingNorm, ...this.blocks, this.outputNorm, this.actionHead];
  }

  /**
   * Predictions at every state token, [B, K, outputs] (tanh actions, or logits), from states [B, K, obs], actions
   * [B, K, actionDim] (unit box, or the index), undiscounted returns-to-go [B, K, 1] and timesteps [B, K] (int32).
   * Tokens are interleaved per step as (R_t, s_t, a_t). Under the causal mask (transformer.ts) the output at s_t sees
   * R_1..R_t, s_1..s_t and a_1..a_{t-1}, never a_t itself nor anything later: it predicts a_t from the past and the
   * return asked for. The same mask makes right padding harmless (padding comes after every real token) and lets
   * evaluation leave the current action at zero. With a population's weights every input and the output lead with
   * the members axis ([members, B, K, ...]), member k's rows through member k's weights.
   */
  predict<T extends tf.Tensor>(states: T, actions: T, returnsToGo: T, timesteps: tf.Tensor, drop: Dropout = noDropout): T {
    const { observationDim, discreteActions: k, embedding: dim, rewardScale } = this.shape;
    const lead = states.shape.slice(0, -1); // [(members,) B, K]
    const s = tf.reshape(this.normalize(tf.reshape(states, [-1, observationDim]) as tf.Tensor2D), states.shape);
    const a = k !== null ? tf.oneHot(tf.cast(tf.reshape(actions, lead), 'int32'), k) : actions;
    const steps = lead[lead.length - 1];
    const sequences = lead.slice(0, -1);
    // Interleaving and picking tokens at rank 4 with the members folded into the batch ([members * B, K, 3, dim]):
    // tfjs-wasm stacks and slices rank-5 tensors in a slow generic path (27 ms against 0.1 ms per update measured).
    const n = sequences.reduce((a, b) => a * b, 1);
    const time = this.timestepEmbedding.apply(timesteps);
    const token = (t: tf.Tensor) => tf.reshape(tf.add(t, time), [n, steps, dim]);
    const tokens = tf.stack([token(this.returnEmbedding.apply(tf.mul(returnsToGo, rewardScale))), token(this.stateEmbedding.apply(s)), token(this.actionEmbedding.apply(a))], 2);
    let x = drop(this.embeddingNorm.apply(tf.reshape(tokens, [...sequences, 3 * steps, dim])));
    for (const block of this.blocks) x = block.apply(x, this.maskFor(3 * steps), drop);
    const byStep = tf.reshape(this.outputNorm.apply(x), [n, steps, 3, dim]);
    const stateTokens = tf.reshape(tf.slice(byStep, [0, 0, 1, 0], [n, steps, 1, dim]), [...lead, dim]);
    const out = this.actionHead.apply(stateTokens) as T;
    return k !== null ? out : tf.tanh(out);
  }

  private maskFor(tokens: number): tf.Tensor2D {
    if (!this.masks.has(tokens)) this.masks.set(tokens, tf.keep(causalMask(tokens)));
    return this.masks.get(tokens)!;
  }

  /** The causal masks it keeps (a population disposes its variables with the rest of its member state). */
  disposeMasks(): void {
    tf.dispose([...this.masks.values()]);
    this.masks.clear();
  }

  dispose(): void {
    for (const p of this.parts) tf.dispose(p.variables);
    this.disposeMasks();
  }
}

function createDT(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const discrete = ctx.discreteActions !== null;
  const context = Number(hp.contextLength);
  let [lr, warmup, dropout, targetReturn] = [Number(hp.lr), Number(hp.warmup), Number(hp.dropout), Number(hp.targetReturn)];
  let updates = ctx.startUpdate ?? 0; // a resumed or forked run continues its schedules

  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  const model = new DecisionTransformerModel(dtShape(ctx, hp), ctx.rng, normalize.apply);
  const optimizer = new Adam(
    model.parts.flatMap((p) => p.variables),
    warmupRate(lr, 0, warmup),
    { weightDecay: Number(hp.weightDecay), clipNorm: Number(hp.gradClip) },
  );
  /** Seeded dropout while training (tfjs draws the mask on the CPU: the same on every backend). */
  const trainingDropout = (): Dropout => (dropout > 0 ? (x) => tf.dropout(x, dropout, undefined, ctx.rng.nextUint32()) : noDropout);

  /** Greedy action per row from predictions [n, outputs]. */
  const greedy = (out: tf.Tensor2D): tf.Tensor => (discrete ? tf.argMax(out, 1) : out);

  return {
    metricNames: discrete ? ['loss', 'accuracy', 'entropy', 'lr', 'grad_norm'] : ['loss', 'action_std', 'lr', 'grad_norm'],

    update(batch: SequenceBatch): tf.Tensor1D {
      optimizer.learningRate = warmupRate(lr, updates, warmup);
      updates += 1;
      return tf.tidy(() => {
        const drop = trainingDropout();
        const step = minimizeWith(optimizer, () => {
          const out = model.predict(batch.states, batch.actions, batch.returnsToGo, batch.timesteps, drop);
          return { loss: dtLoss(out, batch, ctx.actionDim, ctx.discreteActions) as tf.Scalar, aux: [out] };
        });
        const [out] = step.aux;
        return tf.stack([step.loss, ...dtMetrics(out, batch, discrete), tf.scalar(optimizer.learningRate), step.gradNorm]) as tf.Tensor1D;
      });
    },

    act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
      // Without an episode's context (inspection of single states): each state as the first step of an episode
      // asked for the target return.
      return tf.tidy(() => {
        const n = observations.shape[0];
        const out = tf.reshape(
          model.predict(tf.expandDims(observations, 1) as tf.Tensor3D, tf.zeros([n, 1, ctx.actionDim]), tf.fill([n, 1, 1], targetReturn), tf.zeros([n, 1], 'int32'), noDropout),
          [n, -1],
        ) as tf.Tensor2D;
        if (discrete && mode === 'sample') return tf.reshape(tf.multinomial(out, 1, ctx.rng.nextUint32()), [-1]);
        return greedy(out);
      });
    },

    beginEpisodes(count: number): EpisodeMemory {
      return contextMemory(count, targetReturn);
    },

    setHyperparameters(patch) {
      if (patch.lr !== undefined) lr = Number(patch.lr);
      if (patch.warmup !== undefined) warmup = Number(patch.warmup);
      if (patch.dropout !== undefined) dropout = Number(patch.dropout);
      if (patch.targetReturn !== undefined) targetReturn = Number(patch.targetReturn);
      if (patch.weightDecay !== undefined) optimizer.options.weightDecay = Number(patch.weightDecay);
      if (patch.gradClip !== undefined) optimizer.options.clipNorm = Number(patch.gradClip);
    },

    async save(): Promise<Checkpoint> {
      return { algorithm: 'dt', weights: await readWeights(model.parts) };
    },

    load(checkpoint: Checkpoint) {
      writeWeights(model.parts, checkpoint.weights);
    },

    dispose() {
      model.dispose();
      optimizer.dispose();
      normalize.dispose();
    },
  };

  /**
   * The last K steps of each evaluation episode (dtContext.ts). Each step the window is right-padded to K like a
   * training window and the prediction is read at the newest state.
   */
  function contextMemory(count: number, target: number): EpisodeMemory {
    const windows = new ContextWindows(context, ctx.observationDim, ctx.actionDim, Array.from({ length: count }, () => target));
    return {
      act(ids: number[], observations: Float32Array): tf.Tensor {
        windows.push(ids, observations);
        const w = windows.windows(ids);
        const n = ids.length;
        return tf.tidy(() => {
          const out = model.predict(
            tf.tensor3d(w.states, [n, context, ctx.observationDim]),
            tf.tensor3d(w.actions, [n, context, ctx.actionDim]),
            tf.tensor3d(w.returns, [n, context, 1]),
            tf.tensor2d(w.timesteps, [n, context], 'int32'),
            noDropout,
          );
          return greedy(newestPrediction(out, w.newest) as tf.Tensor2D);
        });
      },

      observe(ids: number[], actions: Float32Array, rewards: Float32Array) {
        windows.observe(ids, actions, rewards);
      },
    };
  }
}

/** The prediction at each window's newest step: [..., K, outputs] and `newest` (one index per window) -> [..., outputs]. */
export function newestPrediction(out: tf.Tensor, newest: Int32Array): tf.Tensor {
  const steps = out.shape[out.rank - 2];
  const pick = tf.reshape(tf.oneHot(tf.tensor1d(newest, 'int32'), steps), [...out.shape.slice(0, -1), 1]);
  return tf.sum(tf.mul(out, pick), -2);
}

const dtParams: HyperParam[] = [
  { ...batchSizeParam, default: 64, help: 'Windows of K steps per update (CORL: 64).' },
  { key: 'targetReturn', label: 'target return', help: 'The return the policy is asked for at evaluation (conditioning). Try the best return in the data or a little above: CartPole 500, Pendulum about -150, MountainCarContinuous about 95.', kind: 'number', default: 500, min: -1e6, max: 1e6, live: true },
  { key: 'contextLength', label: 'context length (K)', help: 'Steps the transformer sees at once: 3K tokens (return, state, action per step).', kind: 'int', default: 20, min: 1, max: 100, live: false },
  { key: 'embedding', label: 'embedding size', help: 'Width of every token and of the transformer (CORL: 128). 32 or 64 train several times faster without a GPU.', kind: 'choice', default: '128', choices: ['32', '64', '128', '256'], live: false },
  { key: 'layers', label: 'layers', help: 'Transformer blocks (attention + MLP).', kind: 'int', default: 3, min: 1, max: 8, live: false },
  { key: 'heads', label: 'attention heads', help: 'Heads per attention layer; must divide the embedding size.', kind: 'int', default: 1, min: 1, max: 8, live: false },
  { key: 'dropout', label: 'dropout', help: 'Dropout rate on embeddings, attention weights and residual branches (training only).', kind: 'number', default: 0.1, min: 0, max: 0.5, live: true },
  { key: 'warmup', label: 'warmup updates', help: 'The learning rate rises linearly from 0 over this many updates. CORL warms up for 10k of its 100k updates; 1,000 fits a lab run of 20k and shows learning within a minute.', kind: 'int', default: 1000, min: 1, max: 1_000_000, live: true },
  { key: 'weightDecay', label: 'weight decay', help: 'AdamW’s decoupled weight decay on every weight.', kind: 'number', default: 1e-4, min: 0, max: 0.1, live: true },
  { key: 'gradClip', label: 'gradient clip', help: 'Gradients are scaled down to at most this global norm.', kind: 'number', default: 0.25, min: 0.01, max: 100, log: true, live: true },
  { key: 'rewardScale', label: 'reward scale', help: 'Returns-to-go are multiplied by this before they are embedded, to keep them near 1.', kind: 'number', default: 0.001, min: 1e-5, max: 1, log: true, live: false },
  { key: 'episodeLength', label: 'max episode length', help: 'Size of the timestep embedding table; later steps share its last entry.', kind: 'int', default: 1000, min: 1, max: 100_000, live: false },
];

export const decisionTransformer: AlgorithmDef = {
  id: 'dt',
  name: 'Decision Transformer',
  paper: 'Chen et al., "Decision Transformer: Reinforcement Learning via Sequence Modeling", NeurIPS 2021',
  summary: 'A GPT that reads the recent steps and the return still wanted, and writes the next action. Ask for a high return, get good behaviour (if the data shows how).',
  family: 'offline',
  actions: ['discrete', 'continuous'],
  batchKind: 'sequences',
  hyperparameters: [learningRateParam(1e-4), ...dtParams, normalizeStatesParam(true)],
  metricHelp: {
    loss: 'Cross-entropy (discrete) or squared error (continuous) of the predicted actions on real steps of the windows. Healthy: falls and levels off; NaN or jumps: learning rate too high.',
    accuracy: 'Share of real steps where the predicted action is the data’s. Expert data: near 1; random data: about 1/#actions.',
    entropy: 'Entropy of the predicted action distribution. Falls as the model grows sure; stuck at log(#actions): not learning.',
    action_std: 'Spread of the predicted actions over the batch, averaged over dimensions. Near 0: the model ignores its inputs.',
    lr: 'The learning rate after warmup: a ramp from 0, then flat.',
    grad_norm: 'Global gradient norm before clipping to the gradient clip. Mostly above the clip: every step is clipped.',
  },
  create: createDT,
};
