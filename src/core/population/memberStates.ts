// Saving, loading and copying members of a population: the same for every algorithm (its networks' member variables
// and its Adams, in the lone run's checkpoint order).
import type * as tf from '@tensorflow/tfjs';
import type { MemberAdam } from './memberAdam';
import { copyMap, permuteMembers, readMemberWeights, writeMemberWeights, type MemberVariable } from './memberVariables';
import type { PopulationAgent } from './types';

/**
 * `memberVars`: every checkpointed variable in the lone run's order; `optimizers`: its Adams in creation order;
 * `extra`: other [K, ...] state that a copied member takes along (e.g. TD3's last actor metrics).
 */
export function memberStateMethods(algorithm: string, members: number, memberVars: readonly MemberVariable[], optimizers: readonly MemberAdam[], extra: readonly tf.Variable[] = []): Pick<PopulationAgent, 'saveMembers' | 'loadMember' | 'copyMember'> {
  return {
    async saveMembers() {
      const [weights, states] = await Promise.all([readMemberWeights(memberVars, members), Promise.all(optimizers.map((o) => o.memberStates()))]);
      return weights.map((w, k) => ({ agent: { algorithm, weights: w }, optimizers: states.map((s) => s[k]) }));
    },

    loadMember(member, state) {
      writeMemberWeights(memberVars, member, state.agent.weights);
      if (state.optimizers.length === optimizers.length) optimizers.forEach((o, i) => o.setMemberState(member, state.optimizers[i]));
    },

    copyMember(from, to) {
      const sources = copyMap(members, from, to);
      permuteMembers([...memberVars.map((v) => v.variable), ...extra], sources);
      for (const o of optimizers) o.permute(sources);
    },
  };
}
