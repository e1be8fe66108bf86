// XQL (Garg et al., ICLR 2023) and f-DVL (Sikchi et al., ICLR 2024) for a population of K members trained as one model:
// algos/dualValue.ts's update on the IQL-structured population shell (valueShell.ts). The V losses are the lone run's
// own functions (Gumbel, rescaled Gumbel, chi-square, total variation; each reduced over the rows, so per member here)
// with [K, 1] hyperparameter columns, in the lone learner's order: V on the target critics, the actor against the new V,
// Q on r + gamma V(s'), then the targets. beta, the exponent clip, the rescale switch, lambda and awrBeta are per-member
// device values (with the shell's learning rates, cosine schedule and tau); f-DVL's f (which loss) is shared. ReCOIL,
// the imitation member of the family, runs the same update with its Q learnt from expert against offline data: the
// expert episodes (the dataset's best, `expertEpisodes` shared) are one device copy for all members, each member drawing
// its expert half with its own Rng (memberExpertHalf.ts); its target bound R is per member. Member k and a lone run with
// its seed and settings agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { minOf } from '../algos/critics';
import { dualMetricNames, gumbelLoss, gumbelRescaledLoss, dualValueLoss, takeExpertEpisodes, type DualF } from '../algos/dualValue';
import { iqlQLoss, iqlTarget } from '../algos/iqlLosses';
import { advantageWeights } from '../algos/losses';
import { MemberExpertHalf } from './memberExpertHalf';
import { perMember } from './perMember';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';
import { createValueShellPopulation, VALUE_SHELL_MEMBER_KEYS } from './valueShell';

/** `f`: XQL's fixed reverse KL, or null to read the shared `f` key; `imitation`: ReCOIL (see algos/recoil.ts). */
function createDualValuePopulation(ctx: PopulationContext, id: string, fixedF: DualF | null, memberKeys: readonly string[], imitation = false): PopulationAgent {
  const K = ctx.members;
  const hp = ctx.hyperparameters[0];
  const gamma = Number(hp.gamma); // shared: the dataset's Monte-Carlo returns are discounted with it
  let f: DualF = fixedF ?? (String(hp.f) as DualF);
  const shell = createValueShellPopulation(ctx, id, memberKeys);
  const { critics, qOptimizer, vOptimizer, values, normalize, V } = shell;
  // ReCOIL's expert set, left by its filterRows just before create, as for a lone run (a set of other dimensions, or
  // none: each member's offline batch stands in as its own expert half, as the lone file does).
  const handed = imitation ? takeExpertEpisodes() : null;
  const expert = handed && handed.observationDim === ctx.observationDim && handed.actionDim === ctx.actionDim ? new MemberExpertHalf(handed, ctx.rngs) : null;
  /** A key the algorithm does not have reads as the lone run's fallback (XQL has no lambda, f-DVL no beta). */
  const column = (key: string, fallback: number): tf.Tensor => (values.has(key) ? values.column(key) : tf.scalar(fallback));

  /** The V loss per member: `train` for the gradient, `value` for the chart; the Gumbel loss rescaled where a member's switch is on. */
  const valueLoss = (u: tf.Tensor2D): { train: tf.Tensor1D; value: tf.Tensor1D } => {
    if (f !== 'reverse-kl') return dualValueLoss(f, u, { beta: 1, lambda: column('lambda', 1), maxClip: 7, rescale: false });
    const [beta, maxClip] = [column('beta', 1), column('maxClip', 7)];
    const value = gumbelLoss(u, beta, maxClip);
    const rescaled = gumbelRescaledLoss(u, beta, maxClip);
    return { train: tf.where(tf.greater(values.vector('rescale'), 0.5), rescaled, value) as tf.Tensor1D, value };
  };

  return {
    members: K,
    metricNames: dualMetricNames(imitation),

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const targetQ = minOf(critics.q(obs, batch.actions, 'target'));

        // V as an implicit maximum of the target Q over the dataset actions, through the chosen f.
        const vStep = vOptimizer.minimize(() => {
          const u = tf.sub(targetQ, V(obs)) as tf.Tensor2D;
          const l = valueLoss(u);
          return { loss: l.train, aux: [u, l.value] };
        });
        const [uBefore, vValue] = vStep.aux;
        const maxZ = tf.div(tf.max(uBefore, 1), f === 'reverse-kl' ? values.vector('beta') : 1);

        // The actor against the new V: L_pi = -E[min(exp(awrBeta (Q_target - V)), 100) log pi(a|s)]; ReCOIL's over
        // both halves of its batch, offline and expert.
        const B = obs.shape[1];
        const e = imitation ? (expert ? expert.sample(B) : { observations: batch.observations, actions: batch.actions }) : null;
        const eObs = e ? normalize.apply(e.observations) : null;
        const vNow = V(obs);
        const advantage = tf.sub(targetQ, vNow) as tf.Tensor2D;
        const [actorObs, actorActions, actorAdvantage] =
          e && eObs
            ? [tf.concat([obs, eObs], 1) as tf.Tensor3D, tf.concat([batch.actions, e.actions], 1) as tf.Tensor3D, tf.concat([advantage, tf.sub(minOf(critics.q(eObs, e.actions, 'target')), V(eObs))], 1) as tf.Tensor2D]
            : [obs, batch.actions, advantage];
        const weights = advantageWeights(actorAdvantage, values.column('awrBeta'));
        const actorStep = shell.actorStep(actorObs, actorActions, weights);
        const out = e ? (tf.slice(actorStep.out, [0, 0, 0], [-1, B, -1]) as tf.Tensor3D) : actorStep.out;

        // Q on the new V. RL: y = r + gamma (1 - done) V(s'). ReCOIL: -R + gamma V(s'), an ended episode -R / (1 - gamma)
        // for the offline half, R / (1 - gamma) on the expert half, both halves weighted 1/2; R per member.
        const vNext = V(nextObs);
        const rewardBound = imitation ? values.column('rewardBound') : null;
        const bound = rewardBound ? tf.div(rewardBound, 1 - gamma) : null;
        const y = rewardBound && bound
          ? (tf.add(tf.add(tf.neg(rewardBound), tf.mul(tf.mul(gamma, tf.sub(1, batch.dones)), vNext)), tf.mul(tf.mul(gamma, batch.dones), tf.neg(bound))) as tf.Tensor2D)
          : iqlTarget(batch.rewards, batch.dones, vNext, gamma);
        const qStep = qOptimizer.minimize(() => {
          const qs = critics.q(obs, batch.actions);
          const offline = iqlQLoss(qs, y) as tf.Tensor1D;
          if (!e || !eObs || !bound) return { loss: offline, aux: [minOf(qs), tf.zeros([K])] };
          const qe = critics.q(eObs, e.actions);
          const expertTerm = iqlQLoss(qe, bound);
          return { loss: tf.mul(0.5, tf.add(offline, expertTerm)) as tf.Tensor1D, aux: [minOf(qs), perMember(minOf(qe))] };
        });
        const [qData, qExpert] = qStep.aux;
        critics.updateTargets(values.vector('tau'));

        const qPolicy = minOf(critics.q(obs, shell.greedyColumn(out)));
        return tf.stack(
          [
            vValue,
            qStep.loss,
            actorStep.loss,
            perMember(qData),
            perMember(vNow),
            perMember(qPolicy),
            perMember(batch.mcReturns),
            ...(imitation ? [qExpert] : []),
            perMember(tf.abs(tf.sub(qData, y))),
            perMember(advantage),
            maxZ,
            perMember(weights),
            shell.entropy(out),
            actorStep.lr,
            vStep.gradNorm,
            qStep.gradNorm,
            actorStep.gradNorm,
          ],
          1,
        ) as tf.Tensor2D;
      });
    },

    ...shell.methods,

    setSharedHyperparameters(patch) {
      if (patch.f !== undefined && fixedF === null) f = String(patch.f) as DualF;
    },

    dispose() {
      shell.methods.dispose();
      expert?.dispose();
    },
  };
}

const XQL_MEMBER_KEYS = ['beta', 'maxClip', 'rescale', 'awrBeta', ...VALUE_SHELL_MEMBER_KEYS];
const FDVL_MEMBER_KEYS = ['lambda', 'awrBeta', ...VALUE_SHELL_MEMBER_KEYS];
const RECOIL_MEMBER_KEYS = ['rewardBound', 'lambda', 'beta', 'maxClip', 'rescale', 'awrBeta', ...VALUE_SHELL_MEMBER_KEYS];

export const xqlPopulation: PopulationDef = {
  algorithmId: 'xql',
  memberKeys: XQL_MEMBER_KEYS,
  create: (ctx) => createDualValuePopulation(ctx, 'xql', 'reverse-kl', XQL_MEMBER_KEYS),
};

export const fdvlPopulation: PopulationDef = {
  algorithmId: 'f-dvl',
  memberKeys: FDVL_MEMBER_KEYS,
  create: (ctx) => createDualValuePopulation(ctx, 'f-dvl', null, FDVL_MEMBER_KEYS),
};

export const recoilPopulation: PopulationDef = {
  algorithmId: 'recoil',
  memberKeys: RECOIL_MEMBER_KEYS,
  create: (ctx) => createDualValuePopulation(ctx, 'recoil', null, RECOIL_MEMBER_KEYS, true),
};
