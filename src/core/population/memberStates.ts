// What every population agent does the same way: saving, loading and copying members (its networks' member variables
// and its Adams, in the lone run's checkpoint order), live per-member values, and disposal.
import * as tf from '@tensorflow/tfjs';
import type { ObservationNormalizer } from '../algos/common';
import type { MemberAdam } from './memberAdam';
import type { MemberValues } from './memberValues';
import { assignMembers, copyMap, gatherMembers, permuteMembers, readMemberWeights, writeMemberWeights, type MemberVariable } from './memberVariables';
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

/** Every method of a population agent but its update and acting. */
export type MemberMethods = Omit<PopulationAgent, 'members' | 'metricNames' | 'update' | 'act'>;

/**
 * The methods of a population agent that only depend on what it holds: `memberVars` every checkpointed variable (all
 * of its networks, targets included), `optimizers` its Adams in creation order, `extra` other [K, ...] state that a
 * copied member takes along and that is disposed with the agent. setSharedHyperparameters does nothing here: an
 * algorithm whose update reads a shared key overrides it.
 */
export function memberMethods(
  algorithm: string,
  members: number,
  held: { memberVars: readonly MemberVariable[]; optimizers: readonly MemberAdam[]; values: MemberValues; normalize: ObservationNormalizer; extra?: readonly tf.Variable[] },
): MemberMethods {
  // Every [K, ...] variable the agent holds, in one fixed order: what a member is, besides its values and Adam steps.
  const memberAxis = [...held.memberVars.map((v) => v.variable), ...(held.extra ?? []), ...held.optimizers.flatMap((o) => o.moments)];
  return {
    ...memberStateMethods(algorithm, members, held.memberVars, held.optimizers, held.extra),
    keepMembers: (keep) => ({ tensors: gatherMembers(memberAxis, keep), values: held.values.select(keep), steps: held.optimizers.map((o) => o.step) }),
    takeMembers(carry) {
      if (carry.steps.length !== held.optimizers.length) {
        tf.dispose(carry.tensors);
        throw new Error(`carried state has ${carry.steps.length} optimizers, this ${algorithm} population ${held.optimizers.length}`);
      }
      assignMembers(memberAxis, carry.tensors);
      held.values.setColumns(carry.values);
      held.optimizers.forEach((o, i) => (o.step = carry.steps[i]));
    },
    setMemberHyperparameters: (member, patch) => held.values.setFrom(member, patch),
    setSharedHyperparameters: () => {},
    dispose() {
      for (const v of held.memberVars) v.variable.dispose();
      for (const v of held.extra ?? []) v.dispose();
      for (const o of held.optimizers) o.dispose();
      held.normalize.dispose();
      held.values.dispose();
    },
  };
}
