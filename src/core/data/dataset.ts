import type { ReferenceScores } from '../envs/types';

/**
 * An offline dataset as flat typed arrays, one row per transition (D4RL's layout plus explicit
 * next observations). Arrays may sit on SharedArrayBuffers so trainer workers read them without a copy.
 */
export interface DatasetInfo {
  id: string;
  name: string;
  /** The environment the data came from, or null when unknown (training then has no evaluation rollouts). */
  envId: string | null;
  /** How it was made: 'generated', 'replay' (an online learner's buffer), or an import format. */
  source: 'generated' | 'replay' | 'd4rl' | 'minari' | 'npz' | 'csv' | 'json';
  /** Behaviour policy description, e.g. "expert", "medium 70% + expert 30%". */
  behavior: string;
  observationDim: number;
  /** Columns per action row: 1 for a discrete action index. */
  actionDim: number;
  /** Number of discrete actions, or null for continuous actions. */
  discreteActions: number | null;
  size: number;
  episodes: number;
  createdAt: number;
  seed?: number;
  /** Small scalar facts read from an imported file (D4RL metadata/*, HDF5 attributes, Minari env_spec), JSON-able. */
  metadata?: Record<string, string | number>;
  /** How the data's environment differs from the registered `envId` (a custom map); absent: the registered one. */
  envOptions?: DatasetEnvOptions;
  /** For a generated dataset: the options that make it again, bit for bit (shared links carry it). */
  recipe?: GenerationRecipe;
}

/** generateDataset's options without callbacks or ids: enough to regenerate a dataset in another browser. */
export interface GenerationRecipe {
  envId: string;
  mix: { policy: string; weight: number }[];
  transitions?: number;
  episodes?: number;
  seed: number;
  actionNoise?: number;
  layout?: string;
  name: string;
}

/**
 * The environment a dataset was made in, when it is not the registered one: evaluation, the replay, value and
 * coverage maps build it as makeEnv(envId, { layout }) (see datasetEnv.ts).
 */
export interface DatasetEnvOptions {
  /** A custom GridWorld or PointMaze map in EnvOptions.layout's text format. */
  layout?: string;
  /**
   * Random and expert reference returns measured on that layout (the lab's behaviour policies, 100 seeded
   * episodes each), so the normalized score compares against this map, not the registered one. Only with `layout`.
   */
  referenceScores?: ReferenceScores;
}

export interface DatasetArrays {
  observations: Float32Array; // size * observationDim
  actions: Float32Array; // size * actionDim (a discrete action is its index)
  rewards: Float32Array; // size
  nextObservations: Float32Array; // size * observationDim
  terminals: Uint8Array; // 1 when the environment ended the episode at this step
  timeouts: Uint8Array; // 1 when a time limit (or the end of the data) cut the episode here
  /**
   * 1 when nextObservations[i] is a real successor state. D4RL files without next_observations have no
   * successor for the last step of a time-limited episode; qlearning_dataset drops those, and so do TD samplers.
   */
  nextValid: Uint8Array;
}

export interface Dataset extends DatasetInfo, DatasetArrays {}

/** Allocates a Float32Array on a SharedArrayBuffer when the page is cross-origin isolated. */
export function sharedFloat32(length: number): Float32Array {
  return typeof SharedArrayBuffer !== 'undefined'
    ? new Float32Array(new SharedArrayBuffer(length * 4))
    : new Float32Array(length);
}

export function sharedUint8(length: number): Uint8Array {
  return typeof SharedArrayBuffer !== 'undefined' ? new Uint8Array(new SharedArrayBuffer(length)) : new Uint8Array(length);
}

export function allocateArrays(size: number, observationDim: number, actionDim: number): DatasetArrays {
  return {
    observations: sharedFloat32(size * observationDim),
    actions: sharedFloat32(size * actionDim),
    rewards: sharedFloat32(size),
    nextObservations: sharedFloat32(size * observationDim),
    terminals: sharedUint8(size),
    timeouts: sharedUint8(size),
    nextValid: sharedUint8(size),
  };
}
