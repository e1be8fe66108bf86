import type * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../algos/types';
import type { MemberMemory } from '../experiments/populations';
import type { Dataset } from '../data/dataset';
import type { ActionScale } from '../run/actionScale';
import type { OptimizerState } from '../algos/optim';
import type { HyperValues } from '../run/hyperparameters';
import type { Rng } from '../rng';

/** K minibatches, one per member, stacked on a leading members axis (each member's rows from its own sampling seed). */
export interface MemberBatch {
  /** [K, B, observationDim] */
  observations: tf.Tensor3D;
  /** [K, B, actionDim] (discrete: the index in a float column) */
  actions: tf.Tensor3D;
  /** [K, B] */
  rewards: tf.Tensor2D;
  nextObservations: tf.Tensor3D;
  dones: tf.Tensor2D;
  mcReturns: tf.Tensor2D;
  /** [K, B, actionDim]: the data's action at s' (see DeviceDataset), in batches of algorithms that use next states. */
  nextActions?: tf.Tensor3D;
}

/** K members' sequence windows (the Decision Transformer's SequenceBatch), each member's from its own sampling seed. */
export interface MemberSequenceBatch {
  /** [K, B, T, observationDim] */
  states: tf.Tensor4D;
  /** [K, B, T, actionDim]: unit-box actions, or the discrete index in a float column. */
  actions: tf.Tensor4D;
  /** [K, B, T, 1] */
  returnsToGo: tf.Tensor4D;
  /** [K, B, T] int32 */
  timesteps: tf.Tensor3D;
  /** [K, B, T]: 1 for steps of the episode, 0 for padding. */
  mask: tf.Tensor3D;
}

/** What the population trainer hands to update: windows for sequence models (batchKind 'sequences'), else transitions. */
export type MemberTrainingBatch = MemberBatch | MemberSequenceBatch;

/**
 * Evaluation-time memory of a population whose policies condition on the episode so far (the lone EpisodeMemory with a
 * members axis): every member plays n episode rows in lockstep; `active[k][i]` says which rows still play.
 */
export interface MemberEpisodeMemory {
  /** Greedy actions [K, n] or [K, n, actionDim] from the observations [K * n * observationDim] (rows not active are ignored). */
  act(active: readonly boolean[][], observations: Float32Array): tf.Tensor;
  /** The actions act returned (as read back) and the rewards of the rows that were active when it acted. */
  observe(active: readonly boolean[][], actions: Float32Array, rewards: Float32Array): void;
}

export interface PopulationContext {
  members: number;
  observationDim: number;
  actionDim: number;
  discreteActions: number | null;
  /** Member k's resolved hyperparameters; the algorithm's shared keys are equal in all of them. */
  hyperparameters: HyperValues[];
  /** Member k's initialisation Rng: the one a lone run with member k's seed hands its agent. */
  rngs: Rng[];
  observationMean: Float32Array;
  observationStd: Float32Array;
  startUpdate?: number;
  /** The dataset every member trains on, for algorithms that index it (PRDC's neighbour search); absent when measuring. */
  dataset?: Dataset;
  /** How the dataset's actions map to [-1, 1], as the members' batches hold them. */
  actionScale?: ActionScale | null;
}

/** One member as a lone run would checkpoint it: the agent's weights and every Adam's moments, in the lone run's order. */
export interface MemberState {
  agent: Checkpoint;
  optimizers: OptimizerState[];
}

/**
 * What some members of a population hand to a smaller population of the same algorithm and settings: every [K, ...]
 * tensor the agent holds (weights, targets, optimizer moments, other per-member state) gathered to those members, the
 * per-member values, and each Adam's step count.
 */
export interface MemberCarry {
  tensors: tf.Tensor[];
  values: Float32Array[];
  steps: number[];
  /** Host-side counters the update reads, the same for every member (online DQN: the env steps it last saw, its last target refresh). */
  counters?: number[];
}

/** K agents of one algorithm trained as one model with a members axis. */
export interface PopulationAgent {
  readonly members: number;
  /** The lone agent's metric names, in its order. */
  readonly metricNames: string[];
  /**
   * Host-side work the next update needs, awaited by the trainer before update(batch) (PRDC's neighbour search reads
   * the batch back asynchronously, which webgpu in a worker requires). Optional.
   */
  prepareUpdate?(batch: MemberTrainingBatch): Promise<void>;
  /** One update of every member (windows for a sequence model); returns [K, metrics] on the device. */
  update(batch: MemberTrainingBatch): tf.Tensor2D;
  /** Each member's actions on its own observations [K, n, observationDim]: [K, n] int32 (discrete) or [K, n, actionDim]. */
  act(observations: tf.Tensor3D, mode: 'greedy'): tf.Tensor;
  /** Sequence policies only: memory for `episodes` evaluation episodes per member, run in lockstep (see MemberEpisodeMemory). */
  beginEpisodes?(episodes: number): MemberEpisodeMemory;
  /** Writes per-member keys (device values) of one member; the next update uses them. Shared keys go through setShared. */
  setMemberHyperparameters(member: number, patch: HyperValues): void;
  /** Changes a key that all members share (e.g. TD3's policy delay): every member at once. */
  setSharedHyperparameters(patch: HyperValues): void;
  /** Every member as a lone run would checkpoint it. */
  saveMembers(): Promise<MemberState[]>;
  /** A lone run's checkpoint into member k's slices (weights and optimizer moments). */
  loadMember(member: number, state: MemberState): void;
  /** PBT's exploit: member `to` takes member `from`'s weights, targets and optimizer moments; its per-member values stay its own (PBT's explore step writes the explored ones). */
  copyMember(from: number, to: number): void;
  /** Everything members `keep` hold, as new tensors, for `takeMembers` of a population of keep.length members. */
  keepMembers(keep: number[]): MemberCarry;
  /** Takes over a larger population's `keepMembers` (then disposes it): member j continues as kept member j would have. */
  takeMembers(carry: MemberCarry): void;
  dispose(): void;
}

export interface PopulationDef {
  algorithmId: string;
  /** Where memory limits the members of one population: what one member's update holds (experiments/populations.ts). */
  memberMemory?: Omit<MemberMemory, 'defaults'>;
  /** Hyperparameters that may differ between members (held on the device as [K] vectors). Every other key is shared. */
  memberKeys: string[];
  create(ctx: PopulationContext): PopulationAgent;
}

/** A population of an online algorithm: its members act in their own environments with their exploring policies. */
export interface OnlinePopulationAgent extends PopulationAgent {
  /** 'sample': each member's exploring actions, drawn from its own init Rng as its lone agent draws them. */
  act(observations: tf.Tensor3D, mode: 'sample' | 'greedy'): tf.Tensor;
  /** Environment steps each member has taken (all members step in lockstep), before the next act or update. */
  observeEnvSteps(envSteps: number): void;
}

export interface OnlinePopulationDef extends PopulationDef {
  create(ctx: PopulationContext): OnlinePopulationAgent;
}

/** Every member's minibatch of its own rollout (algos/types.ts's RolloutBatch with a members axis), each [K, B]. */
export interface MemberRolloutBatch extends MemberBatch {
  logProbs: tf.Tensor2D;
  advantages: tf.Tensor2D;
  returns: tf.Tensor2D;
  values: tf.Tensor2D;
}

/** A population of an on-policy actor-critic (PPO): what its rollouts need, for every member's environment copies at once. */
export interface RolloutPopulationAgent extends OnlinePopulationAgent {
  /** Each member's sampled actions on its observations [K, n, obs] ([K, n] int32 or [K, n, A]), their log-probabilities and V, [K, n]. */
  rolloutStep(observations: tf.Tensor3D): { actions: tf.Tensor; logProbs: tf.Tensor2D; values: tf.Tensor2D };
  /** V of each member on its observations, [K, n]. */
  stateValue(observations: tf.Tensor3D): tf.Tensor2D;
  update(batch: MemberRolloutBatch): tf.Tensor2D;
}

export interface RolloutPopulationDef extends PopulationDef {
  create(ctx: PopulationContext): RolloutPopulationAgent;
}
