// XQL (Garg et al., ICLR 2023) and f-DVL (Sikchi et al., ICLR 2024) for a population of K members trained as one model:
// algos/dualValue.ts's update on the IQL-structured population shell (valueShell.ts). The V losses are the lone run's
// own functions (Gumbel, rescaled Gumbel, chi-square, total variation; each reduced over the rows, so per member here)
// with [K, 1] hyperparameter columns, in the lone learner's order: V on the target critics, the actor against the new V,
// Q on r + gamma V(s'), then the targets. beta, the exponent clip, the rescale switch, lambda and awrBeta are per-member
// device values (with the shell's learning rates, cosine schedule and tau); f-DVL's f (which loss) is shared. ReCOIL,
// the imitation member of the family, trains as lone runs. Member k and a lone run with its seed and settings agree update
// by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { minOf } from '../algos/critics';
import { dualMetricNames, gumbelLoss, gumbelRescaledLoss, dualValueLoss, type DualF } from '../algos/dualValue';
import { iqlQLoss, iqlTarget } from '../algos/iqlLosses';
import { advantageWeights } from '../algos/losses';
import { perMember } from './perMember';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';
import { createValueShellPopulation, VALUE_SHELL_MEMBER_KEYS } from './valueShell';

/** `f`: XQL's fixed reverse KL, or null to read f-DVL's shared `f` key. */
function createDualValuePopulation(ctx: PopulationContext, id: string, fixedF: DualF | null, memberKeys: readonly string[]): PopulationAgent {
  const K = ctx.members;
  const hp = ctx.hyperparameters[0];
  const gamma = Number(hp.gamma); // shared: the dataset's Monte-Carlo returns are discounted with it
  let f: DualF = fixedF ?? (String(hp.f) as DualF);
  const shell = createValueShellPopulation(ctx, id, memberKeys);
  const { critics, qOptimizer, vOptimizer, values, normalize, V } = shell;
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
    metricNames: dualMetricNames(false),

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

        // The actor against the new V: L_pi = -E[min(exp(awrBeta (Q_target - V)), 100) log pi(a|s)].
        const vNow = V(obs);
        const advantage = tf.sub(targetQ, vNow) as tf.Tensor2D;
        const weights = advantageWeights(advantage, values.column('awrBeta'));
        const actorStep = shell.actorStep(obs, batch.actions, weights);

        // Q on the new V: y = r + gamma (1 - done) V(s'), averaged over the twin critics.
        const y = iqlTarget(batch.rewards, batch.dones, V(nextObs), gamma);
        const qStep = qOptimizer.minimize(() => {
          const qs = critics.q(obs, batch.actions);
          return { loss: iqlQLoss(qs, y) as tf.Tensor1D, aux: [minOf(qs)] };
        });
        const [qData] = qStep.aux;
        critics.updateTargets(values.vector('tau'));

        const qPolicy = minOf(critics.q(obs, shell.greedyColumn(actorStep.out)));
        return tf.stack(
          [
            vValue,
            qStep.loss,
            actorStep.loss,
            perMember(qData),
            perMember(vNow),
            perMember(qPolicy),
            perMember(batch.mcReturns),
            perMember(tf.abs(tf.sub(qData, y))),
            perMember(advantage),
            maxZ,
            perMember(weights),
            shell.entropy(actorStep.out),
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
  };
}

const XQL_MEMBER_KEYS = ['beta', 'maxClip', 'rescale', 'awrBeta', ...VALUE_SHELL_MEMBER_KEYS];
const FDVL_MEMBER_KEYS = ['lambda', 'awrBeta', ...VALUE_SHELL_MEMBER_KEYS];

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
