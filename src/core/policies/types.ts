import type { Rng } from '../rng';
import type { Action } from '../envs/types';

/** A scripted behaviour policy: maps an observation to an action, drawing noise from the given Rng. */
export interface BehaviorPolicy {
  readonly id: string;
  readonly label: string;
  act(observation: Float32Array, rng: Rng): Action;
}

export interface PolicyLevel {
  id: string;
  label: string;
  description: string;
  make(): BehaviorPolicy;
}
