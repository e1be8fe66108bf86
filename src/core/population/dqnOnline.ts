// Online DQN (Mnih et al., Nature 2015; Double DQN: van Hasselt, Guez & Silver 2016; dueling head: Wang et al. 2016)
// for a population of K members trained as one model: algos/dqnOnline.ts with a leading members axis. The learning
// rate is a per-member device value; the exploration schedule (epsilon start, end, fraction) is per member on the host,
// read at each act; the target interval, TD loss, Double DQN, the dueling head and the total steps are shared. Member k
// draws its exploration from its own init Rng exactly as its lone agent does, so it acts as its lone run would.
import * as tf from '@tensorflow/tfjs';
import { dqnTarget } from '../algos/dqn';
import { duelingQ, epsilonAt } from '../algos/dqnOnline';
import { pickActions } from '../algos/losses';
import type { HyperValues } from '../run/hyperparameters';
import { BatchedCritics } from './batchedCritics';
import { MemberAdam } from './memberAdam';
import { memberMethods } from './memberStates';
import { perMember } from './perMember';
import { populationBasics } from './populationBasics';
import type { MemberBatch, OnlinePopulationAgent, OnlinePopulationDef, PopulationContext } from './types';

const EXPLORATION_KEYS = ['epsilonStart', 'epsilonEnd', 'explorationFraction'] as const;

export function createDQNOnlinePopulation(ctx: PopulationContext): OnlinePopulationAgent {
  const id = 'dqn-online';
  if (ctx.discreteActions === null) throw new Error('DQN needs discrete actions');
  const { K, prefix, hp, hidden, gamma, values, normalize } = populationBasics(ctx, ['lr']);
  const n = ctx.discreteActions;
  const dueling = Boolean(hp.dueling);
  let [targetInterval, loss, double, total] = [Number(hp.targetInterval), String(hp.loss), Boolean(hp.double), Number(hp.totalEnvSteps)];
  const exploration = ctx.hyperparameters.map((h) => ({ start: Number(h.epsilonStart), end: Number(h.epsilonEnd), fraction: Number(h.explorationFraction) }));
  let envSteps = 0;
  let lastTargetBlock = 0;
  const epsilons = () => exploration.map((e) => epsilonAt(envSteps, e.start, e.end, e.fraction * total));
  // The lone agent's networks and names (its checkpoint keys): Q, then its target copy; a dueling head has 1 + n outputs.
  const critic = new BatchedCritics(prefix, `${id}/q`, ctx.observationDim, ctx.actionDim, dueling ? n + 1 : n, hidden, 1, K, ctx.rngs);
  // SB3's DQN clips the gradient's global norm at 10 (per member here).
  const optimizer = new MemberAdam(K, critic.variables, () => values.vector('lr'), { clipNorm: 10 });
  const Q = (obs: tf.Tensor3D, which: 'online' | 'target' = 'online'): tf.Tensor3D => {
    const out = (which === 'online' ? critic.online : critic.target)[0].apply(normalize.apply(obs));
    return dueling ? duelingQ(out) : out;
  };
  const memberVars = critic.networks.flatMap((c) => c.memberVariables);
  const methods = memberMethods(id, K, { memberVars, optimizers: [optimizer], values, normalize });

  return {
    members: K,
    metricNames: ['td_loss', 'q_data', 'q_policy', 'target_q', 'mc_return', 'td_error', 'epsilon', 'grad_norm'],

    observeEnvSteps(steps: number) {
      envSteps = steps;
    },

    update(batch: MemberBatch): tf.Tensor2D {
      // The target is refreshed every `targetInterval` environment steps, as in the lone agent.
      const block = Math.floor(envSteps / targetInterval);
      if (block > lastTargetBlock) {
        critic.target.forEach((t, i) => t.copyFrom(critic.online[i]));
        lastTargetBlock = block;
      }
      return tf.tidy(() => {
        const idx = tf.cast(tf.squeeze(batch.actions, [2]), 'int32') as tf.Tensor2D;
        const y = dqnTarget(batch.rewards, batch.dones, Q(batch.nextObservations, 'target'), double ? Q(batch.nextObservations) : null, gamma);
        const step = optimizer.minimize(() => {
          const qAll = Q(batch.observations);
          const qData = pickActions(qAll, idx, n);
          const td = perMember(loss === 'mse' ? tf.square(tf.sub(qData, y)) : tf.losses.huberLoss(y, qData, undefined, 1, tf.Reduction.NONE));
          return { loss: td, aux: [qAll, qData] };
        });
        const [qAll, qData] = step.aux;
        return tf.stack([step.loss, perMember(qData), perMember(tf.max(qAll, 2)), perMember(y), perMember(batch.mcReturns), perMember(tf.abs(tf.sub(qData, y))), tf.tensor1d(epsilons()), step.gradNorm], 1) as tf.Tensor2D;
      });
    },

    act(observations: tf.Tensor3D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => {
        const best = tf.argMax(Q(observations), 2);
        if (mode === 'greedy') return best;
        // Per member, as algos/qQueries.ts draws for a lone run: one seed for the uniforms, then one for the random actions.
        const rows = observations.shape[1];
        const eps = epsilons();
        const explore: tf.Tensor[] = [];
        const random: tf.Tensor[] = [];
        ctx.rngs.forEach((rng, k) => {
          explore.push(tf.less(tf.randomUniform([rows], 0, 1, 'float32', rng.nextUint32()), eps[k]));
          random.push(tf.randomUniform([rows], 0, n, 'int32', rng.nextUint32()));
        });
        return tf.where(tf.stack(explore), tf.stack(random), best);
      });
    },

    ...methods,

    // The step count and the last target refresh go along, so a smaller population refreshes its targets when this one would have.
    keepMembers: (keep) => ({ ...methods.keepMembers(keep), counters: [envSteps, lastTargetBlock] }),

    takeMembers(carry) {
      methods.takeMembers(carry);
      if (carry.counters) [envSteps, lastTargetBlock] = carry.counters;
    },

    setMemberHyperparameters(member: number, patch: HyperValues) {
      methods.setMemberHyperparameters(member, patch);
      const e = exploration[member];
      if (patch.epsilonStart !== undefined) e.start = Number(patch.epsilonStart);
      if (patch.epsilonEnd !== undefined) e.end = Number(patch.epsilonEnd);
      if (patch.explorationFraction !== undefined) e.fraction = Number(patch.explorationFraction);
    },

    setSharedHyperparameters(patch: HyperValues) {
      if (patch.targetInterval !== undefined) targetInterval = Number(patch.targetInterval);
      if (patch.loss !== undefined) loss = String(patch.loss);
      if (patch.double !== undefined) double = Boolean(patch.double);
      if (patch.totalEnvSteps !== undefined) total = Number(patch.totalEnvSteps);
    },
  };
}

export const dqnOnlinePopulation: OnlinePopulationDef = {
  algorithmId: 'dqn-online',
  memberKeys: ['lr', ...EXPLORATION_KEYS],
  create: createDQNOnlinePopulation,
};
