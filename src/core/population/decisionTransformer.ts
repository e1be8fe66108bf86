// Decision Transformer (Chen et al., "Decision Transformer: Reinforcement Learning via Sequence Modeling", NeurIPS 2021;
// CORL's dt.py defaults) for a population of K members trained as one model: algos/decisionTransformer.ts's network with
// a leading members axis on every weight (memberWeights.ts), its attention's batched products folding the members into
// their batch axis. Each member draws its initial weights and its dropout masks from its own Rng as its lone run does,
// and trains with its own learning rate, warmup, weight decay and dropout rate (device values; the gradient clip is
// shared), and is evaluated asking for its own target return. Member k and a lone run with its seed and settings agree update by update
// (tests/unit/population.dt.test.ts).
import * as tf from '@tensorflow/tfjs';
import { ContextWindows } from '../algos/dtContext';
import { DecisionTransformerModel, dtLoss, dtMetrics, dtShape, newestPrediction } from '../algos/decisionTransformer';
import { MemberAdam } from './memberAdam';
import { memberDropout } from './memberDropout';
import { memberMethods } from './memberStates';
import { memberWeights } from './memberWeights';
import { populationBasics } from './populationBasics';
import type { MemberEpisodeMemory, MemberSequenceBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

function createDTPopulation(ctx: PopulationContext): PopulationAgent {
  const { K, prefix, hp, discrete, values, normalize } = populationBasics(ctx, dtPopulation.memberKeys);
  const [obsDim, actDim, context] = [ctx.observationDim, ctx.actionDim, Number(hp.contextLength)];
  const weights = memberWeights(prefix, ctx.rngs);
  const model = new DecisionTransformerModel(dtShape(ctx, hp), weights, normalize.apply);
  // In the lone optimizer's order (its checkpoints' moments).
  const memberVars = model.parts.flatMap((p) => p.variables).map((v) => weights.memberVariable(v));
  let updates = ctx.startUpdate ?? 0; // a resumed, forked or kept population continues its warmup
  let rate: tf.Tensor1D | null = null; // this update's learning rates [K], read by the optimizer's step
  // The clip is shared: the wasm Adam kernel clips every member at one norm (a live change writes it here).
  const adamOptions = { clipNorm: Number(hp.gradClip), weightDecay: () => values.vector('weightDecay') };
  const optimizer = new MemberAdam(K, memberVars, () => rate!, adamOptions);
  const methods = memberMethods('dt', K, { memberVars, optimizers: [optimizer], values, normalize });

  /** Linear warmup (algos/decisionTransformer.ts's warmupRate) per member: lr * min(1, (t + 1) / warmup). */
  const warmedUp = (t: number): tf.Tensor1D => tf.mul(values.vector('lr'), tf.minimum(1, tf.div(t + 1, tf.maximum(1, values.vector('warmup'))))) as tf.Tensor1D;
  /** Greedy action per row from predictions [K, n, outputs]. */
  const greedy = (out: tf.Tensor): tf.Tensor => (discrete ? tf.argMax(out, -1) : out);

  return {
    members: K,
    metricNames: discrete ? ['loss', 'accuracy', 'entropy', 'lr', 'grad_norm'] : ['loss', 'action_std', 'lr', 'grad_norm'],

    update(batch): tf.Tensor2D {
      const b = batch as MemberSequenceBatch;
      const t = updates;
      updates += 1;
      return tf.tidy(() => {
        rate = warmedUp(t);
        const drop = memberDropout(ctx.rngs, values);
        const step = optimizer.minimize(() => {
          const out = model.predict(b.states, b.actions, b.returnsToGo, b.timesteps, drop);
          return { loss: dtLoss(out, b, actDim, ctx.discreteActions) as tf.Tensor1D, aux: [out] };
        });
        const [out] = step.aux;
        const metrics = tf.stack([step.loss, ...dtMetrics(out, b, discrete), rate, step.gradNorm], 1) as tf.Tensor2D;
        rate = null;
        return metrics;
      });
    },

    act(observations: tf.Tensor3D): tf.Tensor {
      // Without an episode's context (inspection of single states): each state as the first step of an episode asked
      // for its member's target return.
      return tf.tidy(() => {
        const n = observations.shape[1];
        const target = tf.mul(tf.ones([K, n, 1, 1]), values.column('targetReturn', 4));
        const out = model.predict(tf.expandDims(observations, 2), tf.zeros([K, n, 1, actDim]), target, tf.zeros([K, n, 1], 'int32'));
        return greedy(tf.reshape(out, [K, n, -1]));
      });
    },

    beginEpisodes(episodes: number): MemberEpisodeMemory {
      // Row k * n + i is member k's episode i, asked for member k's target return.
      const windows = new ContextWindows(context, obsDim, actDim, Array.from({ length: K * episodes }, (_, r) => values.get(Math.floor(r / episodes), 'targetReturn')));
      const playing = (active: readonly boolean[][]) => active.flatMap((list, k) => list.flatMap((a, i) => (a ? [k * episodes + i] : [])));
      const rowsOf = (ids: number[], all: Float32Array, width: number) => {
        const out = new Float32Array(ids.length * width);
        ids.forEach((id, r) => out.set(all.subarray(id * width, (id + 1) * width), r * width));
        return out;
      };
      const everyRow = Array.from({ length: K * episodes }, (_, r) => r);
      return {
        act(active, observations) {
          const ids = playing(active);
          windows.push(ids, rowsOf(ids, observations, obsDim));
          const w = windows.windows(everyRow); // rows not playing give predictions nobody reads
          return tf.tidy(() => {
            const out = model.predict(
              tf.tensor4d(w.states, [K, episodes, context, obsDim]),
              tf.tensor4d(w.actions, [K, episodes, context, actDim]),
              tf.tensor4d(w.returns, [K, episodes, context, 1]),
              tf.tensor3d(w.timesteps, [K, episodes, context], 'int32'),
            );
            return greedy(newestPrediction(out, w.newest));
          });
        },
        observe(active, actions, rewards) {
          const ids = playing(active);
          windows.observe(ids, rowsOf(ids, actions, actDim), rowsOf(ids, rewards, 1));
        },
      };
    },

    ...methods,
    setSharedHyperparameters(patch) {
      if (patch.gradClip !== undefined) adamOptions.clipNorm = Number(patch.gradClip);
    },
    dispose() {
      methods.dispose();
      model.disposeMasks();
    },
  };
}

export const dtPopulation: PopulationDef = {
  algorithmId: 'dt',
  // Everything that shapes the network or the windows (context length, sizes, reward scale) is shared, and the clip.
  memberKeys: ['lr', 'warmup', 'weightDecay', 'dropout', 'targetReturn'],
  // Every activation of its update is a window's tokens times the width, per layer: tfjs-wasm's heap grew by 902 MiB
  // per member at batch 64, context 20, embedding 128, 3 layers (bench/README.md), 1,924 bytes per unit of their product.
  memberMemory: { keys: ['batchSize', 'contextLength', 'embedding', 'layers'], bytesPerUnit: 1924 },
  create: createDTPopulation,
};
