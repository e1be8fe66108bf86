// Measured mean returns, 100 seeded episodes (policies/evaluate.ts, bench/policies.bench.ts):
//   FrozenLake-4x4  random 0.04,     medium 0.29,     expert 0.76  (Gymnasium quotes an optimum of 0.74)
//   FrozenLake-8x8  random 0.00,     medium 0.34,     expert 0.90  (Gymnasium: 0.91)
//   CliffWalking    random -2081.65, medium -1379.12, expert -13   (the 13-step path along the cliff)
//   GridWorld       random -1.682,   medium -0.952,   expert 0.452
import { GridWorld, isGridWorldSpec, stateIndexOf } from '../envs/gridWorld';
import { getEnvSpec } from '../envs/registry';
import type { EnvSpec } from '../envs/types';
import { epsilonMix, randomPolicy } from './random';
import type { BehaviorPolicy, PolicyLevel } from './types';
import { valueIteration } from './valueIteration';

// Planning discount: close to 1 so the expert maximises the chance of reaching the goal (FrozenLake)
// rather than hurrying; 0.999 beats 0.99 on FrozenLake 8x8 within its 200 steps.
const EXPERT_GAMMA = 0.999;

function gridSpecOf(envId: string, spec?: EnvSpec) {
  const s = spec ?? getEnvSpec(envId);
  if (!isGridWorldSpec(s)) throw new Error(`${envId}: not a GridWorld environment`);
  return s;
}

/** Expert: greedy in the optimal action values from value iteration on the env's own transition model. */
export function gridWorldExpert(envId: string, spec?: EnvSpec): BehaviorPolicy {
  const gridSpec = gridSpecOf(envId, spec);
  const { policy } = valueIteration(new GridWorld(gridSpec), EXPERT_GAMMA);
  return {
    id: 'expert',
    label: 'expert',
    act: (o) => policy[stateIndexOf(gridSpec.grid, o)],
  };
}

// Share of random moves in the medium policy, per preset (tuned so medium sits about a third of the way
// from random to expert); a custom layout uses DEFAULT_MEDIUM_EPSILON.
const MEDIUM_EPSILON: Record<string, number> = {
  'FrozenLake-4x4': 0.18,
  'FrozenLake-8x8': 0.22,
  CliffWalking: 0.85,
  GridWorld: 0.7,
};
const DEFAULT_MEDIUM_EPSILON = 0.5;

export function gridWorldPolicies(envId: string): PolicyLevel[] {
  const eps = MEDIUM_EPSILON[envId] ?? DEFAULT_MEDIUM_EPSILON;
  return [
    { id: 'random', label: 'random', description: 'uniform random moves', make: (spec) => randomPolicy(gridSpecOf(envId, spec).actionSpace) },
    {
      id: 'medium',
      label: 'medium',
      description: `the optimal policy, but a random move ${Math.round(eps * 100)}% of the time`,
      make: (spec) => epsilonMix(gridWorldExpert(envId, spec), randomPolicy(gridSpecOf(envId, spec).actionSpace), eps, 'medium', 'medium'),
    },
    { id: 'expert', label: 'expert', description: `optimal policy from value iteration (gamma ${EXPERT_GAMMA})`, make: (spec) => gridWorldExpert(envId, spec) },
  ];
}
