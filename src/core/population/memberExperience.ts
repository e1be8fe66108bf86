// How the members of an online population gather experience (onlinePopulationTrainer.ts): from a replay buffer each
// (replayMembers.ts: online DQN, online SAC) or from on-policy rollouts each (rolloutMembers.ts: PPO). Every member owns
// its streams and environment copies as a lone run does; the schedule is shared, so all members collect and update in
// lockstep, and one batched forward pass acts for all members' environments at each step.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import type { EnvCollector } from '../run/envCollector';
import type { TrainerCheckpoint } from '../run/trainer';
import type { MemberSettings } from './memberSettings';
import type { MemberBatch, OnlinePopulationAgent } from './types';

/** What one member owns whatever its experience: its seed's streams (forked as run/trainer.ts forks them) and environments. */
export interface MemberParts {
  init: Rng;
  sample: Rng;
  evaluate: Rng;
  collector: EnvCollector;
}

/** The population an experience serves: its members' parts, its agent, and its members' settings (read live). */
export interface ExperienceOwner {
  parts: readonly MemberParts[];
  agent: OnlinePopulationAgent;
  settings: MemberSettings;
}

export interface MemberExperience {
  /** Updates still due from what was collected (the lone source's `pending`): a run ends only once none is. */
  readonly pending: boolean;
  /** The next update's minibatch of every member, collecting first where the schedule says so (the caller disposes it). */
  next(update: number): Promise<MemberBatch>;
  /** What member k's lone checkpoint carries of its experience (replay rows), beside its weights. */
  checkpointExtra(member: number): Partial<TrainerCheckpoint>;
  /**
   * The same experience of members `keep` only, for the smaller population `owner` that takes them over (its parts
   * are the kept members'): the position in the schedule, their buffers or rollouts. This one gives them up.
   */
  keep(keep: number[], owner: ExperienceOwner): MemberExperience;
  dispose(): void;
}

/**
 * Every member's current observations as one [K, numEnvs, observationDim] input, `forward` on it, and its outputs read
 * back (one await for all): what each step of collection does once for the whole population.
 */
export async function actForMembers(parts: readonly MemberParts[], forward: (obs: tf.Tensor3D) => tf.Tensor[]): Promise<Float32Array[]> {
  const { numEnvs, env } = parts[0].collector;
  const od = env.observationDim;
  const input = new Float32Array(parts.length * numEnvs * od);
  parts.forEach((m, k) => input.set(m.collector.observations, k * numEnvs * od));
  const obs = tf.tensor3d(input, [parts.length, numEnvs, od]);
  const outs = forward(obs);
  try {
    return await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  } finally {
    tf.dispose([obs, ...outs]);
  }
}

/** Member k's share of a [K, ...] read: its rows. */
export function memberRows(values: Float32Array, member: number, members: number): Float32Array {
  const n = values.length / members;
  return values.subarray(member * n, (member + 1) * n);
}
