// Implicit Q-Learning (Kostrikov, Nair & Levine, ICLR 2022) for a population of K members trained as one model:
// algos/iql.ts and the networks of algos/valueAgentShell.ts with a leading members axis. The losses are the lone run's own
// functions (algos/iqlLosses.ts: eq. 5 expectile V, eq. 6 Q regression, eq. 7 advantage-weighted actor, each reduced
// over the rows, so per member here) with [K, 1] hyperparameter columns; every hyperparameter that
// may differ between members is a device vector read by the update. Member k and a lone run with member k's seed and
// settings agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { minOf } from '../algos/critics';
import { iqlQLoss, iqlTarget, iqlValueLoss } from '../algos/iqlLosses';
import { advantageWeights } from '../algos/losses';
import { perMember } from './perMember';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';
import { createValueShellPopulation, VALUE_SHELL_MEMBER_KEYS } from './valueShell';

function createIQLPopulation(ctx: PopulationContext): PopulationAgent {
  const gamma = Number(ctx.hyperparameters[0].gamma); // shared: the dataset's Monte-Carlo returns (mc_return) are discounted with it
  // Twin Q, V and the actor in the lone shell's draw order, with their Adams: population/valueShell.ts.
  const shell = createValueShellPopulation(ctx, 'iql', iqlPopulation.memberKeys);
  const { critics, qOptimizer, vOptimizer, values, normalize, V } = shell;

  return {
    members: ctx.members,
    metricNames: ['v_loss', 'q_loss', 'actor_loss', 'q_data', 'v_data', 'q_policy', 'mc_return', 'td_error', 'advantage', 'adv_weight', 'entropy', 'actor_lr', 'v_grad_norm', 'q_grad_norm', 'actor_grad_norm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        const obs = normalize.apply(batch.observations);
        const nextObs = normalize.apply(batch.nextObservations);
        const targetQ = minOf(critics.q(obs, batch.actions, 'target'));
        const y = iqlTarget(batch.rewards, batch.dones, V(nextObs), gamma);

        // L_V (eq. 5), the expectile per member.
        const vStep = vOptimizer.minimize(() => {
          const { loss, advantage } = iqlValueLoss(targetQ, V(obs), values.column('expectile'));
          return { loss: loss as tf.Tensor1D, aux: [advantage] };
        });
        const [advantage] = vStep.aux;

        // L_Q (eq. 6), averaged over the twin critics.
        const qStep = qOptimizer.minimize(() => {
          const qs = critics.q(obs, batch.actions);
          return { loss: iqlQLoss(qs, y) as tf.Tensor1D, aux: [minOf(qs)] };
        });
        const [qData] = qStep.aux;
        critics.updateTargets(values.vector('tau'));

        // L_pi = -E[exp(beta (Q_target(s, a) - V(s))) log pi(a|s)] (eq. 7), exp clipped at 100, beta per member.
        const weights = advantageWeights(advantage, values.column('beta'));
        const actorStep = shell.actorStep(obs, batch.actions, weights);

        const qPolicy = minOf(critics.q(obs, shell.greedyColumn(actorStep.out)));
        return tf.stack(
          [
            vStep.loss,
            qStep.loss,
            actorStep.loss,
            perMember(qData),
            perMember(tf.sub(targetQ, advantage)),
            perMember(qPolicy),
            perMember(batch.mcReturns),
            perMember(tf.abs(tf.sub(qData, y))),
            perMember(advantage),
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
  };
}

export const iqlPopulation: PopulationDef = {
  algorithmId: 'iql',
  memberKeys: ['expectile', 'beta', ...VALUE_SHELL_MEMBER_KEYS],
  create: createIQLPopulation,
};
