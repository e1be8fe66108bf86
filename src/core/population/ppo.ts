// Proximal Policy Optimization (Schulman et al., "Proximal Policy Optimization Algorithms", arXiv:1707.06347, 2017) for
// a population of K members trained as one model: algos/ppo.ts with a leading members axis. Tanh actor and critic
// MLPs drawn from each member's init Rng in the lone agent's order, a state-independent log std per member
// (continuous), one Adam over all of them (eps 1e-5, each member's gradient norm clipped at 0.5). The learning rate,
// clip range, entropy and value coefficients and the value-clipping switch are per-member device values; the losses are
// the lone agent's functions on [K, B] minibatches. Member k samples its actions from its own init Rng exactly as its
// lone agent does, so it collects the rollouts its lone run collects (rolloutMembers.ts).
import * as tf from '@tensorflow/tfjs';
import { categoricalEntropy, gaussianEntropy, gaussianLogProb } from '../algos/distributions';
import { pickActions } from '../algos/losses';
import { normalizeAdvantages, policyChange, ppoClipLoss, ppoValueLoss } from '../algos/ppo';
import { BatchedMLP } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { memberNoise } from './memberNoise';
import { memberMethods } from './memberStates';
import { memberVariable } from './memberVariables';
import { perMember } from './perMember';
import { populationBasics } from './populationBasics';
import type { MemberRolloutBatch, PopulationContext, RolloutPopulationAgent, RolloutPopulationDef } from './types';

/** Device values per member; gamma and gaeLambda differ per member too, on the host (the rollout's GAE reads them). */
const PPO_DEVICE_KEYS = ['lr', 'clipRange', 'entCoef', 'vfCoef', 'clipValue'];

export function createPPOPopulation(ctx: PopulationContext): RolloutPopulationAgent {
  const id = 'ppo';
  const { K, prefix, discrete, hidden, values, normalize } = populationBasics(ctx, PPO_DEVICE_KEYS);
  const A = ctx.actionDim;
  const n = ctx.discreteActions;
  // The lone agent's draw order from each member's Rng: actor, then critic; log std starts at 0.
  const actor = new BatchedMLP(prefix, `${id}/actor`, [ctx.observationDim, ...hidden, discrete ? n! : A], K, ctx.rngs, 'tanh');
  const critic = new BatchedMLP(prefix, `${id}/critic`, [ctx.observationDim, ...hidden, 1], K, ctx.rngs, 'tanh');
  const logStd = memberVariable(() => tf.zeros([K, 1, A]), `${prefix}/${id}/log_std`, `${id}/log_std`, [A]);
  const trained = [...actor.memberVariables, ...critic.memberVariables, ...(discrete ? [] : [logStd])];
  const optimizer = new MemberAdam(K, trained, () => values.vector('lr'), { epsilon: 1e-5, clipNorm: 0.5 });
  const value = (obs: tf.Tensor3D) => tf.squeeze(critic.apply(obs), [2]) as tf.Tensor2D;
  /** log pi(a|s) and the entropy of pi(.|s) on normalised observations, [K, n] each; actions [K, n, 1 or A]. */
  const logProbOf = (obs: tf.Tensor3D, actions: tf.Tensor3D): { logProb: tf.Tensor2D; entropy: tf.Tensor2D } => {
    const out = actor.apply(obs);
    if (discrete) {
      const idx = tf.cast(tf.squeeze(actions, [2]), 'int32') as tf.Tensor2D;
      return { logProb: pickActions(tf.logSoftmax(out), idx, n!), entropy: categoricalEntropy(out) };
    }
    const logProb = gaussianLogProb(actions, out, logStd.variable);
    return { logProb, entropy: tf.add(tf.zerosLike(logProb), gaussianEntropy(logStd.variable)) as tf.Tensor2D };
  };
  /** Member k's draw from its own Rng, as the lone agent's softmaxAction / normalNoise draws it. */
  const sample = (obs: tf.Tensor3D, mode: 'sample' | 'greedy'): tf.Tensor => {
    const out = actor.apply(obs);
    if (discrete) {
      if (mode === 'greedy') return tf.argMax(out, 2);
      return tf.stack(tf.unstack(out).map((logits, k) => tf.reshape(tf.multinomial(logits as tf.Tensor2D, 1, ctx.rngs[k].nextUint32()), [-1])));
    }
    if (mode === 'greedy') return tf.clipByValue(out, -1, 1);
    return tf.add(out, tf.mul(tf.exp(logStd.variable), memberNoise(ctx.rngs, out.shape.slice(1))));
  };
  const methods = memberMethods(id, K, { memberVars: [...actor.memberVariables, ...critic.memberVariables, logStd], optimizers: [optimizer], values, normalize });

  return {
    members: K,
    metricNames: ['policy_loss', 'value_loss', 'entropy', 'approx_kl', 'clip_fraction', 'value', 'return', 'grad_norm'],

    observeEnvSteps() {},

    rolloutStep(observations: tf.Tensor3D) {
      return tf.tidy(() => {
        const obs = normalize.apply(observations);
        const actions = sample(obs, 'sample');
        const asRows = (discrete ? tf.expandDims(tf.cast(actions, 'float32'), 2) : actions) as tf.Tensor3D;
        return { actions, logProbs: logProbOf(obs, asRows).logProb, values: value(obs) };
      });
    },

    stateValue(observations: tf.Tensor3D): tf.Tensor2D {
      return tf.tidy(() => value(normalize.apply(observations)));
    },

    update(batch: MemberRolloutBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const advantages = normalizeAdvantages(batch.advantages);
        const clip = values.column('clipRange');
        // A member that does not clip its value update clips it at infinity (ppoValueLoss: the plain loss); when no
        // member clips, the clipped branch is left out.
        const clipping = Array.from({ length: K }, (_, k) => values.get(k, 'clipValue')).some((on) => on > 0.5);
        const valueClip = clipping ? tf.where(tf.greater(values.column('clipValue'), 0.5), clip, tf.fill([K, 1], Number.POSITIVE_INFINITY)) : null;
        // L = L^CLIP - c_ent H[pi] + c_vf (V - R)^2 (eq. 9, as a loss to minimise), per member.
        const step = optimizer.minimize(() => {
          const { logProb, entropy } = logProbOf(obs, batch.actions);
          const v = value(obs);
          const policyLoss = ppoClipLoss(logProb, batch.logProbs, advantages, clip);
          const valueLoss = ppoValueLoss(v, batch.values, batch.returns, valueClip);
          const meanEntropy = perMember(entropy);
          const loss = tf.add(tf.sub(policyLoss, tf.mul(values.vector('entCoef'), meanEntropy)), tf.mul(values.vector('vfCoef'), valueLoss)) as tf.Tensor1D;
          return { loss, aux: [policyLoss, valueLoss, meanEntropy, logProb, v] };
        });
        const [policyLoss, valueLoss, meanEntropy, logProb, v] = step.aux;
        const { approxKl, clipFraction } = policyChange(tf.sub(logProb, batch.logProbs), clip);
        return tf.stack([policyLoss, valueLoss, meanEntropy, approxKl, clipFraction, perMember(v), perMember(batch.returns), step.gradNorm], 1) as tf.Tensor2D;
      });
    },

    act(observations: tf.Tensor3D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => sample(normalize.apply(observations), mode));
    },

    ...methods,
  };
}

export const ppoPopulation: RolloutPopulationDef = {
  algorithmId: 'ppo',
  memberKeys: [...PPO_DEVICE_KEYS, 'gamma', 'gaeLambda'],
  create: createPPOPopulation,
};
