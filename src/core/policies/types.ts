import type { Rng } from '../rng';
import type { Action, EnvSpec } from '../envs/types';

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
  /**
   * A fresh policy. Pass the env's spec when it may differ from the registered one (a custom GridWorld or
   * PointMaze layout): policies that plan on the layout read it from there.
   */
  make(spec?: EnvSpec): BehaviorPolicy;
}
