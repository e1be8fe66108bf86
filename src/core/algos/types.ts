import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import type { ActionScale } from '../run/actionScale';
import type { HyperParam, HyperValues } from '../run/hyperparameters';
import type { Rng } from '../rng';

/** A minibatch gathered on the tfjs backend. Discrete actions are stored as their index in a float column. */
export interface Batch {
  observations: tf.Tensor2D;
  actions: tf.Tensor2D;
  rewards: tf.Tensor1D;
  nextObservations: tf.Tensor2D;
  /** 1 where the environment ended the episode (terminal), else 0. */
  dones: tf.Tensor1D;
  /** Discounted Monte-Carlo return-to-go of each row in the data (data/returns.ts): what Q on dataset actions should approach. */
  mcReturns: tf.Tensor1D;
  /** The data's action at s' (ReBRAC's critic penalty); the row's own action where the episode ends there. TD batches only. */
  nextActions?: tf.Tensor2D;
}

/**
 * Windows of `contextLength` consecutive steps within episodes, for sequence models (Decision Transformer). A window
 * that runs past its episode's end is padded with zeros (mask 0) on the right.
 */
export interface SequenceBatch {
  /** [B, K, observationDim] */
  states: tf.Tensor3D;
  /** [B, K, actionDim]: unit-box actions, or the discrete index in a float column. */
  actions: tf.Tensor3D;
  /** Undiscounted return from each step to its episode's end, [B, K, 1]. */
  returnsToGo: tf.Tensor3D;
  /** Step index within the episode, [B, K] int32. */
  timesteps: tf.Tensor2D;
  /** 1 for steps of the episode, 0 for padding, [B, K]. */
  mask: tf.Tensor2D;
}

/**
 * A minibatch of an on-policy rollout (PPO): the transitions plus what the acting policy computed when it acted and the
 * advantages estimated from them (GAE, run/rolloutBuffer.ts). mcReturns holds the same value targets as `returns`.
 */
export interface RolloutBatch extends Batch {
  /** log pi_old(a|s) of the acting policy. */
  logProbs: tf.Tensor1D;
  /** GAE advantage estimates A_t. */
  advantages: tf.Tensor1D;
  /** Value targets A_t + V_old(s_t). */
  returns: tf.Tensor1D;
  /** V_old(s_t) when acting (value clipping). */
  values: tf.Tensor1D;
}

/** What the trainer hands to Agent.update: a SequenceBatch when the algorithm's batchKind is 'sequences', a RolloutBatch for 'rollout' experience, else a Batch. */
export type TrainingBatch = Batch | SequenceBatch | RolloutBatch;

/**
 * Where an algorithm's batches come from (DESIGN.md, experience sources): a fixed dataset ('offline'), a replay buffer
 * filled by vectorised environments in the worker ('replay', DQN, SAC), or fresh on-policy rollouts ('rollout', PPO).
 */
export type ExperienceKind = 'offline' | 'replay' | 'rollout';

/** What a rollout needs from the acting policy, in one forward pass for every environment copy. */
export interface RolloutStep {
  actions: tf.Tensor;
  logProbs: tf.Tensor1D;
  values: tf.Tensor1D;
}

/**
 * Evaluation-time memory of policies that condition on the episode so far (Decision Transformer: the recent states and
 * actions, and the return still to get). Evaluation begins one per batch of episodes and calls act, then observe, each step.
 */
export interface EpisodeMemory {
  /** Greedy actions for the listed episodes (indices into the batch begun) given their observations (rows of observationDim). */
  act(episodes: number[], observations: Float32Array): tf.Tensor;
  /** The actions act returned, as read back (unit box, or indices), and the rewards the environment gave for them. */
  observe(episodes: number[], actions: Float32Array, rewards: Float32Array): void;
}

export interface ChartGroup {
  title: string;
  metrics: string[];
  /** What a healthy and a broken picture look like. */
  help: string;
}

export interface AgentContext {
  observationDim: number;
  actionDim: number;
  /**
   * Number of discrete actions, or null for continuous actions. Continuous actions are always in [-1, 1]^actionDim
   * here: the trainer maps the environment's bounds to it (run/actionScale.ts), so algorithms need no rescaling.
   */
  discreteActions: number | null;
  hyperparameters: HyperValues;
  /** Seeds weight initialisation and any sampling inside the agent. */
  rng: Rng;
  /** Per-dimension mean and std of dataset observations, for algorithms that normalise states. */
  observationMean: Float32Array;
  observationStd: Float32Array;
  /** Updates already done when the agent is restored from a checkpoint: schedules (cosine, target period, policy delay) go on from there. */
  startUpdate?: number;
  /**
   * The dataset trained on, for algorithms that look rows up themselves (PRDC's nearest-neighbour index); set by the
   * Trainer, absent where an agent is built without one (speed measurements, synthetic batches). Its actions are in
   * the environment's units: map them with `actionScale` (null: already in [-1, 1]) as batches are.
   */
  dataset?: Dataset;
  actionScale?: ActionScale | null;
}

/** One fully connected layer of an exported policy: y = activation(x kernel + bias). */
export interface DenseLayerWeights {
  inputDim: number;
  outputDim: number;
  /** [inputDim, outputDim], row-major. */
  kernel: Float32Array;
  bias: Float32Array;
  activation: 'relu' | 'tanh' | 'linear';
}

/**
 * The greedy policy as plain dense layers on raw observations (any state normalisation folded into the first layer),
 * for export as a feed-forward model (run/policyExport.ts).
 */
export interface PolicyNetwork {
  layers: DenseLayerWeights[];
  /** 'actions': the outputs are the actions, in [-1, 1]; 'scores': one number per discrete action, the action is the argmax. */
  output: 'actions' | 'scores';
  /** What the outputs are, in words (e.g. "Q-values", "tanh of the Gaussian mean"). */
  description: string;
}

export interface Checkpoint {
  algorithm: string;
  weights: Record<string, { shape: number[]; values: Float32Array }>;
}

export interface Agent {
  /** One gradient update; returns the stacked scalar metrics (in metricNames order), still on the device. */
  update(batch: TrainingBatch): tf.Tensor1D;
  /**
   * Optional: awaited just before update(batch) with the same batch, for algorithms that need numbers on the CPU first
   * (PRDC's nearest-neighbour search reads pi(s) here with an async read; a synchronous read fails on webgpu in a worker).
   */
  prepareUpdate?(batch: TrainingBatch): Promise<void>;
  readonly metricNames: string[];
  /** Actions for a batch of observations: [n] int32 indices (discrete) or [n, actionDim] floats. */
  act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor;
  setHyperparameters(patch: HyperValues): void;
  /** Q(s, a) the agent acts on (e.g. the min of twin critics), for inspection: Q(s, .) plots, overestimation. */
  qValue?(observations: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D;
  /** V(s): IQL's value net, max_a Q for discrete critics, Q(s, pi(s)) for actor-critics; for value heatmaps. */
  stateValue?(observations: tf.Tensor2D): tf.Tensor1D;
  /**
   * Feed-forward policies: the greedy policy (what act(obs, 'greedy') returns, argmax left to the reader for discrete
   * actions) as plain dense layers on raw observations, read from the current weights. Absent for sequence models.
   */
  policyNetwork?(): Promise<PolicyNetwork>;
  /** Sequence policies only: memory for `count` evaluation episodes run in lockstep (see EpisodeMemory). */
  beginEpisodes?(count: number): EpisodeMemory;
  /** Online agents: the environment steps taken so far, told before acting (exploration schedules such as epsilon). */
  observeEnvSteps?(envSteps: number): void;
  /** On-policy agents: sampled actions with their log-probabilities and V(s), for a rollout buffer. */
  rolloutStep?(observations: tf.Tensor2D): RolloutStep;
  save(): Promise<Checkpoint>;
  load(checkpoint: Checkpoint): void;
  dispose(): void;
}

export interface AlgorithmDef {
  id: string;
  name: string;
  /** The paper, cited. */
  paper: string;
  summary: string;
  family: 'offline' | 'online' | 'imitation';
  actions: ('discrete' | 'continuous')[];
  hyperparameters: HyperParam[];
  /** Trains on (s, a, r, s') and so samples only rows whose next state is known (D4RL qlearning_dataset). */
  usesNextState?: boolean;
  /** Where batches come from (default 'offline'); online algorithms interact with the dataset's environment. */
  experience?: ExperienceKind;
  /** 'sequences': trains on SequenceBatch windows whose length is the `contextLength` hyperparameter. Default 'transitions'. */
  batchKind?: 'transitions' | 'sequences';
  /**
   * Rows the algorithm trains on (ascending indices), chosen before training, e.g. filtered BC's best episodes. The
   * trainer samples only these and takes the observation statistics from them. Default: every row.
   */
  filterRows?(dataset: Dataset, hyperparameters: HyperValues): Int32Array;
  /** Metrics drawn together in one chart (e.g. Q on data vs the Monte-Carlo return); others get a chart each. */
  charts?: ChartGroup[];
  /** What each metric means, and what healthy and broken curves look like. */
  metricHelp: Record<string, string>;
  create(ctx: AgentContext): Agent;
}
