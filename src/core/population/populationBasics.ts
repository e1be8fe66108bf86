// What every population's create begins with, in one place: the member count, a variable prefix of its own, the shared
// settings, the action kind, hidden sizes, discount, the per-member device values and the observation normalizer.
import { observationNormalizer } from '../algos/common';
import { parseHidden } from '../algos/nets';
import type { HyperValues } from '../run/hyperparameters';
import { MemberValues } from './memberValues';
import { populationPrefix } from './memberVariables';
import type { PopulationContext } from './types';

/**
 * `memberValues`: what the device holds per member, when not the resolved settings as they are (ODICE's choice indices).
 * The caller owns `values` and `normalize` (memberMethods disposes both).
 */
export function populationBasics(ctx: PopulationContext, memberKeys: readonly string[], memberValues: readonly HyperValues[] = ctx.hyperparameters) {
  const prefix = populationPrefix();
  // Shared keys are equal in every member, so member 0's settings are the population's.
  const hp = ctx.hyperparameters[0];
  return {
    K: ctx.members,
    prefix,
    hp,
    discrete: ctx.discreteActions !== null,
    // Read when asked: a model without hidden sizes (the Decision Transformer) has none to parse.
    get hidden() {
      return parseHidden(hp.hidden);
    },
    gamma: Number(hp.gamma),
    values: new MemberValues(prefix, memberKeys, memberValues),
    normalize: observationNormalizer({ ...ctx, hyperparameters: hp, rng: ctx.rngs[0] }, Boolean(hp.normalizeStates)),
  };
}
