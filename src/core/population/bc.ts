// Behaviour cloning (Pomerleau 1991; CORL's baseline) for a population of K members trained as one model: algos/bc.ts
// with a leading members axis. The learning rate is a per-member device value. Member k and a lone run with its seed
// and settings agree update by update (tests/unit/population.test.ts).
import * as tf from '@tensorflow/tfjs';
import { categoricalEntropy } from '../algos/distributions';
import { parseHidden } from '../algos/nets';
import { BatchedMLP } from './batchedMlp';
import { MemberAdam } from './memberAdam';
import { memberMethods } from './memberStates';
import { perMember } from './perMember';
import { populationBasics } from './populationBasics';
import type { MemberBatch, PopulationAgent, PopulationContext, PopulationDef } from './types';

/** The BC population; `id` names the members' checkpoints (filtered BC trains the same agent on fewer rows). */
export function createBCPopulation(ctx: PopulationContext, id = 'bc'): PopulationAgent {
  const { K, prefix, hp, discrete, values, normalize } = populationBasics(ctx, bcPopulation.memberKeys);
  const outDim = ctx.discreteActions ?? ctx.actionDim;
  const actor = new BatchedMLP(prefix, 'actor', [ctx.observationDim, ...parseHidden(hp.hidden), outDim], K, ctx.rngs);
  const optimizer = new MemberAdam(K, actor.memberVariables, () => values.vector('lr'));
  const policyOutput = (obs: tf.Tensor3D): tf.Tensor3D => actor.apply(normalize.apply(obs));

  return {
    members: K,
    metricNames: discrete ? ['loss', 'accuracy', 'entropy', 'gradNorm'] : ['loss', 'action_std', 'gradNorm'],

    update(batch: MemberBatch): tf.Tensor2D {
      return tf.tidy(() => {
        if (discrete) {
          const idx = tf.cast(tf.squeeze(batch.actions, [2]), 'int32') as tf.Tensor2D;
          const labels = tf.oneHot(idx, outDim);
          // L(pi) = -E[log pi(a|s)] per member.
          const step = optimizer.minimize(() => {
            const logits = policyOutput(batch.observations);
            return { loss: perMember(tf.losses.softmaxCrossEntropy(labels, logits, undefined, undefined, tf.Reduction.NONE)), aux: [logits] };
          });
          const [logits] = step.aux;
          const accuracy = perMember(tf.cast(tf.equal(tf.argMax(logits, 2), idx), 'float32'));
          return tf.stack([step.loss, accuracy, perMember(categoricalEntropy(logits as tf.Tensor3D)), step.gradNorm], 1) as tf.Tensor2D;
        }
        // L(pi) = E[(pi(s) - a)^2] per member.
        const step = optimizer.minimize(() => {
          const actions = tf.tanh(policyOutput(batch.observations));
          return { loss: perMember(tf.square(tf.sub(actions, batch.actions))), aux: [actions] };
        });
        const [actions] = step.aux;
        const actionStd = tf.mean(tf.sqrt(tf.moments(actions, 1).variance), 1);
        return tf.stack([step.loss, actionStd, step.gradNorm], 1) as tf.Tensor2D;
      });
    },

    act(observations: tf.Tensor3D): tf.Tensor {
      return tf.tidy(() => {
        const out = policyOutput(observations);
        return discrete ? tf.argMax(out, 2) : tf.tanh(out);
      });
    },

    ...memberMethods(id, K, { memberVars: actor.memberVariables, optimizers: [optimizer], values, normalize }),
  };
}

export const bcPopulation: PopulationDef = {
  algorithmId: 'bc',
  memberKeys: ['lr'],
  create: (ctx) => createBCPopulation(ctx),
};
