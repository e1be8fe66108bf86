// ODICE (Mao, Xu, Zhang & Zhan, "ODICE: Revealing the Mystery of Distribution Correction Estimation via
// Orthogonal-gradient Update", ICLR 2024) for a population of K members trained as one model: algos/odice.ts with a
// leading members axis. The orthogonal-gradient projection is each member's own: the dot products and norms of its
// forward and backward value gradients reduce over everything but the members axis, so grad_angle and parallel_coef
// are per member. Every hyperparameter that may differ is a device vector, the gradient rule and the f-divergence too
// (held as choice indices; both branches are computed and each member takes its own), so one population can compare
// the orthogonal, true and semi-gradient rules. Shared: network shapes, twin V, gamma, batch size, state
// standardisation. Member k and a lone run with its seed and settings agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { categoricalEntropy, gaussianEntropy, gaussianLogProb } from '../algos/distributions';
import { pickActions } from '../algos/losses';
import { parseHidden } from '../algos/nets';
import { fStar, ODICE_METRICS, odiceWeights, projectionTerms } from '../algos/odice';
import type { HyperValues } from '../run/hyperparameters';
import { BatchedMLP, softUpdateMembers } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { memberMethods } from './memberStates';
import { memberVariable } from './memberVariables';
import { perMember } from './perMember';
import { populationBasics } from './populationBasics';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

const LOG_STD_MIN = -5;
const LOG_STD_MAX = 2;

/** The choice keys held per member as indices into these lists (the lone file's GradientRule and FDivergence). */
const CHOICES: Record<string, readonly string[]> = { gradientRule: ['orthogonal', 'true', 'semi'], fDivergence: ['pearson', 'reverse-kl'] };

/** A member's values with the choice keys as their indices, as MemberValues holds numbers. */
function asIndices(values: HyperValues): HyperValues {
  const out = { ...values };
  for (const [key, options] of Object.entries(CHOICES)) {
    if (out[key] === undefined) continue;
    const i = options.indexOf(String(out[key]));
    if (i < 0) throw new Error(`ODICE: ${key} must be one of ${options.join(', ')}, got ${String(out[key])}`);
    out[key] = i;
  }
  return out;
}

/** Per member: the sum of elementwise products of two lists of [K, ...] tensors over all but the members axis, [K]. */
function memberDot(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): tf.Tensor1D {
  return tf.addN(a.map((x, i) => tf.sum(tf.mul(x, b[i]), x.shape.slice(1).map((_, j) => j + 1)))) as tf.Tensor1D;
}

/** Gradients of per-member losses [K] (summed: member k's loss reads only its slices) and the losses themselves. */
function memberGradients(loss: () => tf.Tensor1D, variables: readonly tf.Variable[]): { value: tf.Tensor1D; grads: tf.Tensor[] } {
  let kept: tf.Tensor1D | null = null;
  const { grads } = tf.variableGrads(() => {
    kept = tf.keep(loss());
    return tf.sum(kept);
  }, variables as tf.Variable[]);
  const value = tf.clone(kept!);
  tf.dispose(kept!);
  return { value, grads: variables.map((x) => grads[x.name]) };
}

/**
 * The orthogonal-gradient update (ODICE eq. 6) for each member on its own gradient vectors [K, ...]:
 * g_f + (g_b - (<g_f, g_b> / ||g_f||^2) g_f), ||g_f||^2 floored at 1e-10 as the lone file (algos/odice.ts's
 * orthogonalGradient); `rules` [K] holds each member's rule index (0 orthogonal, 1 true: g_f + g_b, 2 semi: g_f).
 * Also each member's angle between the two gradients (degrees) and its projection coefficient.
 */
export function memberOrthogonalGradient(forward: tf.Tensor[], backward: tf.Tensor[], rules: tf.Tensor1D): { combined: tf.Tensor[]; angle: tf.Tensor1D; coef: tf.Tensor1D } {
  const { coef, angle } = projectionTerms(memberDot(forward, backward), memberDot(forward, forward), memberDot(backward, backward));
  const combined = forward.map((g, i) => {
    const column = (x: tf.Tensor) => tf.reshape(x, [-1, ...g.shape.slice(1).map(() => 1)]);
    const projected = tf.add(g, tf.sub(backward[i], tf.mul(column(coef), g)));
    return tf.where(tf.equal(column(rules), 0), projected, tf.where(tf.equal(column(rules), 1), tf.add(g, backward[i]), g));
  });
  return { combined, angle, coef };
}

function createODICEPopulation(ctx: PopulationContext): PopulationAgent {
  const { K, prefix, hp, discrete, hidden, gamma, values, normalize } = populationBasics(ctx, odicePopulation.memberKeys, ctx.hyperparameters.map(asIndices));
  const n = ctx.discreteActions ?? 0;
  const actorHidden = parseHidden(hp.actorHidden);
  const twin = Boolean(hp.twinV);

  // The lone file's draw order from each member's Rng: the value net(s), then the actor; targets start as copies.
  const nets = Array.from({ length: twin ? 2 : 1 }, (_, i) => new BatchedMLP(prefix, `odice/v${i + 1}`, [ctx.observationDim, ...hidden, 1], K, ctx.rngs));
  const targets = nets.map((v) => {
    const t = new BatchedMLP(prefix, `${v.loneName}_target`, v.sizes, K, null);
    t.copyFrom(v);
    return t;
  });
  const actor = new BatchedMLP(prefix, 'odice/actor', [ctx.observationDim, ...actorHidden, discrete ? n : ctx.actionDim], K, ctx.rngs);
  const logStd = discrete ? null : memberVariable(() => tf.zeros([K, 1, ctx.actionDim]), `${prefix}/odice/actor_log_std`, 'odice/actor_log_std', [1, ctx.actionDim]);
  const vMemberVars = nets.flatMap((v) => v.memberVariables);
  const vVariables = vMemberVars.map((v) => v.variable);
  const actorMemberVars = logStd ? [...actor.memberVariables, logStd] : actor.memberVariables;
  const actorVariables = actorMemberVars.map((v) => v.variable);
  const vOptimizer = new MemberAdam(K, vMemberVars, () => values.vector('lr'));
  const actorOptimizer = new MemberAdam(K, actorMemberVars, () => values.vector('actorLr'));
  const memberVars = [...vMemberVars, ...targets.flatMap((t) => t.memberVariables), ...actor.memberVariables, ...(logStd ? [logStd] : [])];

  /** Every value head on each member's states: [K, heads, B]. */
  const heads = (group: BatchedMLP[], obs: tf.Tensor3D): tf.Tensor3D => tf.stack(group.map((v) => tf.squeeze(v.apply(obs), [2])), 1) as tf.Tensor3D;
  /** V(s) = min over the twin heads, [K, B]. */
  const V = (group: BatchedMLP[], obs: tf.Tensor3D): tf.Tensor2D => tf.min(heads(group, obs), 1) as tf.Tensor2D;
  const clippedLogStd = () => tf.clipByValue(logStd!.variable, LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor3D;
  const logProb = (out: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D =>
    discrete ? pickActions(tf.logSoftmax(out), tf.cast(tf.squeeze(actions, [2]), 'int32') as tf.Tensor2D, n) : gaussianLogProb(actions, out, clippedLogStd());

  /** Members whose choice key holds option `i`, as a [K, 1, ...] mask to broadcast against `like` (member-major). */
  const is = (key: string, i: number, like: tf.Tensor): tf.Tensor => tf.equal(values.column(key, like.rank), i);
  /** The residual as the reverse-KL branch reads it: 0 for Pearson members, so its exp stays finite (and its gradient 0). */
  const klOnly = (y: tf.Tensor): tf.Tensor => tf.where(is('fDivergence', 1, y), y, tf.zerosLike(y));
  /** Each member's f*(y) (Pearson chi^2 or reverse KL), y [K, ...]. */
  const memberFStar = (y: tf.Tensor): tf.Tensor => tf.where(is('fDivergence', 1, y), fStar(klOnly(y), 'reverse-kl'), fStar(y, 'pearson'));
  /** Each member's policy weights from the residual, clipped at 100. */
  const memberWeights = (y: tf.Tensor): tf.Tensor => tf.where(is('fDivergence', 1, y), odiceWeights(klOnly(y), 'reverse-kl'), odiceWeights(y, 'pearson'));

  const methods = memberMethods('odice', K, { memberVars, optimizers: [vOptimizer, actorOptimizer], values, normalize });

  return {
    members: K,
    metricNames: ODICE_METRICS,

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const lambda = values.vector('lambda');
        // Rewards and discounts as [K, 1, B], to meet the heads axis.
        const rewards = tf.expandDims(tf.mul(batch.rewards, values.column('rewardScale')), 1);
        const discount = tf.expandDims(tf.mul(gamma, tf.sub(1, batch.dones)), 1);
        const targetV = tf.expandDims(V(targets, obs), 1);
        const targetVNext = tf.expandDims(V(targets, nextObs), 1);
        const vData = perMember(V(nets, obs)); // before this update's step

        // Forward part of the f* term: through V(s) only (V(s') from the targets), lambda E[f*(.)] per member.
        let forwardResidual: tf.Tensor = tf.zeros([0]);
        const forward = memberGradients(() => {
          forwardResidual = tf.keep(tf.sub(tf.add(rewards, tf.mul(discount, targetVNext)), heads(nets, obs)));
          return tf.mul(lambda, perMember(memberFStar(forwardResidual))) as tf.Tensor1D;
        }, vVariables);
        // Backward part: through V(s') only (V(s) from the targets), lambda eta E[f*(.)].
        const backward = memberGradients(() => {
          const residual = tf.sub(tf.add(rewards, tf.mul(discount, heads(nets, nextObs))), targetV);
          return tf.mul(tf.mul(lambda, values.vector('eta')), perMember(memberFStar(residual))) as tf.Tensor1D;
        }, vVariables);
        // The (1 - lambda) E[V(s)] term's gradient joins after the projection, as the official code adds it.
        const initial = memberGradients(() => tf.mul(tf.sub(1, lambda), perMember(heads(nets, obs))) as tf.Tensor1D, vVariables);
        const { combined, angle, coef } = memberOrthogonalGradient(forward.grads, backward.grads, values.vector('gradientRule'));
        const grads = combined.map((g, i) => tf.add(g, initial.grads[i]));
        // Adam on the hand-made gradient: sum_k <g_k, x_k> with g constant has exactly g as its gradient.
        const vStep = vOptimizer.minimize(() => ({ loss: memberDot(grads, vVariables), aux: [] }));
        targets.forEach((t, i) => softUpdateMembers(t, nets[i], values.vector('tau')));

        // Weighted BC (eq. 8): max_pi E_D[w*(s, a) log pi(a|s)], w* from the forward residual (mean over the heads).
        const residual = tf.clone(forwardResidual);
        tf.dispose(forwardResidual);
        const weights = tf.mean(memberWeights(residual), 1) as tf.Tensor2D;
        const actorStep = actorOptimizer.minimize(() => {
          const out = actor.apply(obs);
          const nll = tf.neg(perMember(tf.mul(weights, logProb(out, batch.actions))));
          // PyTorch Adam's weight_decay: (wd / 2) ||x||^2 in the loss, wd per member.
          const l2 = tf.mul(tf.div(values.vector('weightDecay'), 2), memberDot(actorVariables, actorVariables));
          return { loss: tf.add(nll, l2) as tf.Tensor1D, aux: [out, nll] as [tf.Tensor3D, tf.Tensor1D] };
        });
        const [out, nll] = actorStep.aux;

        const entropy = discrete ? perMember(categoricalEntropy(out)) : tf.reshape(gaussianEntropy(clippedLogStd()), [K]);
        const norm = (gs: tf.Tensor[]) => tf.sqrt(memberDot(gs, gs));
        return tf.stack(
          [
            vData,
            perMember(batch.mcReturns),
            tf.add(forward.value, initial.value),
            forward.value,
            backward.value,
            angle,
            coef,
            perMember(residual),
            perMember(weights),
            tf.max(weights, 1),
            perMember(tf.cast(tf.equal(weights, 0), 'float32')),
            nll,
            entropy,
            vStep.gradNorm,
            norm(forward.grads),
            norm(backward.grads),
            actorStep.gradNorm,
          ],
          1,
        ) as tf.Tensor2D;
      });
    },

    act(observations: tf.Tensor3D): tf.Tensor {
      return tf.tidy(() => {
        const out = actor.apply(normalize.apply(observations));
        return discrete ? tf.argMax(out, 2) : tf.clipByValue(out, -1, 1);
      });
    },

    ...methods,
    setMemberHyperparameters: (member, patch) => methods.setMemberHyperparameters(member, asIndices(patch)),
  };
}

export const odicePopulation: PopulationDef = {
  algorithmId: 'odice',
  memberKeys: ['lr', 'actorLr', 'lambda', 'eta', 'tau', 'weightDecay', 'rewardScale', 'gradientRule', 'fDivergence'],
  create: createODICEPopulation,
};
