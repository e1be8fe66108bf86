import type { BoxSpace, Space } from './spaces';

/** Reference returns for the D4RL normalized score: 100 * (R - min) / (max - min). */
export interface ReferenceScores {
  readonly min: number;
  readonly max: number;
  /** Where the numbers come from (D4RL, or the lab's own random/expert policies). */
  readonly source: string;
}

export interface EnvSpec {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly maxEpisodeSteps: number;
  readonly referenceScores?: ReferenceScores;
  /** The return commonly called "solved", where there is one. */
  readonly solvedThreshold?: number;
  readonly observationLabels: readonly string[];
  readonly actionLabels: readonly string[];
}

export interface StepResult {
  observation: Float32Array;
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

/** Gymnasium's contract. Actions: an integer for Discrete spaces, a Float32Array for Box spaces. */
export interface Env {
  readonly spec: EnvSpec;
  reset(seed?: number): Float32Array;
  step(action: number | Float32Array): StepResult;
  /** The simulator state in Gymnasium's `env.unwrapped.state` layout. */
  getState(): Float64Array;
  setState(state: Float64Array): void;
  /** Frees what the env holds outside the JS heap (MuJoCo's wasm model and data); absent where nothing is held. */
  dispose?(): void;
}

export type Action = number | Float32Array;
