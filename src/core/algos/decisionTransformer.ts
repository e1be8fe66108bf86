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
import type { HyperParam } from '../run/hyperparameters';
import type { Rng } from '../rng';
import { batchSizeParam, learningRateParam, normalizeStatesParam, observationNormalizer } from './common';
import { minimizeWith } from './minimize';
import { readWeights, writeWeights } from './nets';
import { Adam } from './optim';
import { causalMask, Embedding, LayerNorm, Linear, noDropout, TransformerBlock, type Dropout } from './transformer';
import type { Agent, AgentContext, AlgorithmDef, Checkpoint, EpisodeMemory, SequenceBatch } from './types';

/** Linear warmup (CORL's LambdaLR): the learning rate at update t is lr * min(1, (t + 1) / warmup). */
export function warmupRate(lr: number, update: number, warmup: number): number {
  return lr * Math.min(1, (update + 1) / Math.max(1, warmup));
}

/** Mean over real steps (mask 1) of a per-step loss [B, K]; padding past an episode's end does not count. */
export function maskedMean(perStep: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.div(tf.sum(tf.mul(perStep, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
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

  constructor(
    readonly shape: DTShape,
    rng: Rng,
    private readonly normalize: (x: tf.Tensor2D) => tf.Tensor2D = (x) => x,
  ) {
    const { embedding: dim, discreteActions: k } = shape;
    this.timestepEmbedding = new Embedding('dt/timestep', shape.episodeLength, dim, rng);
    this.returnEmbedding = new Linear('dt/return', 1, dim, rng);
    this.stateEmbedding = new Linear('dt/state', shape.observationDim, dim, rng);
    this.actionEmbedding = new Linear('dt/action', k ?? shape.actionDim, dim, rng);
    this.embeddingNorm = new LayerNorm('dt/embedding_norm', dim);
    this.blocks = Array.from({ length: shape.layers }, (_, l) => new TransformerBlock(`dt/block${l}`, dim, shape.heads, rng));
    this.outputNorm = new LayerNorm('dt/output_norm', dim);
    this.actionHead = new Linear('dt/action_head', dim, k ?? shape.actionDim, rng);
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
   * evaluation leave the current action at zero.
   */
  predict(states: tf.Tensor3D, actions: tf.Tensor3D, returnsToGo: tf.Tensor3D, timesteps: tf.Tensor2D, drop: Dropout = noDropout): tf.Tensor3D {
    const { observationDim, discreteActions: k, embedding: dim, rewardScale } = this.shape;
    const [b, steps] = states.shape;
    const s = tf.reshape(this.normalize(tf.reshape(states, [b * steps, observationDim]) as tf.Tensor2D), [b, steps, observationDim]);
    const a = k !== null ? tf.oneHot(tf.cast(tf.reshape(actions, [b, steps]), 'int32'), k) : actions;
    const time = this.timestepEmbedding.apply(timesteps);
    const tokens = tf.stack(
      [tf.add(this.returnEmbedding.apply(tf.mul(returnsToGo, rewardScale)), time), tf.add(this.stateEmbedding.apply(s), time), tf.add(this.actionEmbedding.apply(a), time)],
      2,
    );
    let x = drop(this.embeddingNorm.apply(tf.reshape(tokens, [b, 3 * steps, dim]))) as tf.Tensor3D;
    for (const block of this.blocks) x = block.apply(x, this.maskFor(3 * steps), drop);
    const stateTokens = tf.reshape(tf.slice(tf.reshape(this.outputNorm.apply(x), [b, steps, 3, dim]), [0, 0, 1, 0], [b, steps, 1, dim]), [b, steps, dim]);
    const out = this.actionHead.apply(stateTokens) as tf.Tensor3D;
    return k !== null ? out : tf.tanh(out);
  }

  private maskFor(tokens: number): tf.Tensor2D {
    if (!this.masks.has(tokens)) this.masks.set(tokens, tf.keep(causalMask(tokens)));
    return this.masks.get(tokens)!;
  }

  dispose(): void {
    for (const p of this.parts) tf.dispose(p.variables);
    tf.dispose([...this.masks.values()]);
  }
}

function createDT(ctx: AgentContext): Agent {
  const hp = ctx.hyperparameters;
  const discrete = ctx.discreteActions !== null;
  const k = ctx.discreteActions ?? 0;
  const context = Number(hp.contextLength);
  let [lr, warmup, dropout, targetReturn] = [Number(hp.lr), Number(hp.warmup), Number(hp.dropout), Number(hp.targetReturn)];
  let updates = ctx.startUpdate ?? 0; // a resumed or forked run continues its schedules

  const normalize = observationNormalizer(ctx, Boolean(hp.normalizeStates));
  const model = new DecisionTransformerModel(
    {
      observationDim: ctx.observationDim,
      actionDim: ctx.actionDim,
      discreteActions: ctx.discreteActions,
      embedding: Number(hp.embedding),
      layers: Number(hp.layers),
      heads: Number(hp.heads),
      episodeLength: Number(hp.episodeLength),
      rewardScale: Number(hp.rewardScale),
    },
    ctx.rng,
    normalize.apply,
  );
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
          if (discrete) {
            // L = -E[log p(a_t | tokens before a_t)] over real steps (the paper's cross-entropy for discrete actions).
            const labels = tf.oneHot(tf.cast(tf.reshape(batch.actions, batch.mask.shape), 'int32'), k);
            return { loss: maskedMean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(out)), -1)) as tf.Tensor2D, batch.mask), aux: [out] };
          }
          // L = E[(a_hat_t - a_t)^2] over real steps and action dimensions (section 3: mean squared error).
          return { loss: tf.div(maskedMean(tf.sum(tf.square(tf.sub(out, batch.actions)), -1) as tf.Tensor2D, batch.mask), ctx.actionDim) as tf.Scalar, aux: [out] };
        });
        const { loss, gradNorm } = step;
        const [out] = step.aux;
        const lrNow = tf.scalar(optimizer.learningRate);
        if (discrete) {
          const correct = tf.cast(tf.equal(tf.argMax(out, -1), tf.cast(tf.reshape(batch.actions, batch.mask.shape), 'int32')), 'float32') as tf.Tensor2D;
          const logp = tf.logSoftmax(out);
          const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1)) as tf.Tensor2D;
          return tf.stack([loss, maskedMean(correct, batch.mask), maskedMean(entropy, batch.mask), lrNow, gradNorm]) as tf.Tensor1D;
        }
        // Spread of the predicted actions over the batch's real steps, averaged over action dimensions.
        const m = tf.expandDims(batch.mask, 2);
        const count = tf.maximum(tf.sum(batch.mask), 1);
        const mean = tf.div(tf.sum(tf.mul(out, m), [0, 1]), count);
        const variance = tf.div(tf.sum(tf.mul(tf.square(tf.sub(out, mean)), m), [0, 1]), count);
        return tf.stack([loss, tf.mean(tf.sqrt(variance)), lrNow, gradNorm]) as tf.Tensor1D;
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
   * The last K steps of each evaluation episode, kept on the CPU: states, actions (dataset layout: unit box, or the
   * index), returns still to get, timesteps. Each step the window is right-padded to K like a training window and the
   * prediction is read at the newest state.
   */
  function contextMemory(count: number, target: number): EpisodeMemory {
    const obsDim = ctx.observationDim;
    const actDim = ctx.actionDim;
    const episodes = Array.from({ length: count }, () => ({
      states: new Float32Array(context * obsDim),
      actions: new Float32Array(context * actDim),
      returns: new Float32Array(context),
      timesteps: new Int32Array(context),
      filled: 0,
      step: 0,
      toGo: target,
    }));
    return {
      act(ids: number[], observations: Float32Array): tf.Tensor {
        const n = ids.length;
        const [states, actions, returns, timesteps] = [new Float32Array(n * context * obsDim), new Float32Array(n * context * actDim), new Float32Array(n * context), new Int32Array(n * context)];
        const newest = new Int32Array(n);
        ids.forEach((id, r) => {
          const e = episodes[id];
          if (e.filled === context) {
            // Slide the window: drop the oldest step.
            e.states.copyWithin(0, obsDim);
            e.actions.copyWithin(0, actDim);
            e.returns.copyWithin(0, 1);
            e.timesteps.copyWithin(0, 1);
            e.filled -= 1;
          }
          const j = e.filled;
          e.states.set(observations.subarray(r * obsDim, (r + 1) * obsDim), j * obsDim);
          e.actions.fill(0, j * actDim, (j + 1) * actDim); // a_t is not known yet; the causal mask hides it anyway
          e.returns[j] = e.toGo;
          e.timesteps[j] = e.step;
          e.filled += 1;
          newest[r] = j;
          states.set(e.states, r * context * obsDim);
          actions.set(e.actions, r * context * actDim);
          returns.set(e.returns, r * context);
          timesteps.set(e.timesteps, r * context);
        });
        return tf.tidy(() => {
          const out = model.predict(
            tf.tensor3d(states, [n, context, obsDim]),
            tf.tensor3d(actions, [n, context, actDim]),
            tf.tensor3d(returns, [n, context, 1]),
            tf.tensor2d(timesteps, [n, context], 'int32'),
            noDropout,
          );
          const pick = tf.expandDims(tf.oneHot(tf.tensor1d(newest, 'int32'), context), 2);
          return greedy(tf.sum(tf.mul(out, pick), 1) as tf.Tensor2D);
        });
      },

      observe(ids: number[], actions: Float32Array, rewards: Float32Array) {
        ids.forEach((id, r) => {
          const e = episodes[id];
          e.actions.set(actions.subarray(r * actDim, (r + 1) * actDim), (e.filled - 1) * actDim);
          e.toGo -= rewards[r];
          e.step += 1;
        });
      },
    };
  }
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
