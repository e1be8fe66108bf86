// Measured mean returns, 100 seeded episodes (policies/evaluate.ts, bench/policies.bench.ts):
//   random -496.6, medium -342.9, expert -83.45.
import { acrobotSpec } from '../envs/acrobot';
import { epsilonMix, randomPolicy } from './random';
import type { BehaviorPolicy, PolicyLevel } from './types';

// Torque against the swing of the first link (slightly mixed with the second link's) pumps energy into the
// chain; the mix weight was picked by a small search over 100 seeded episodes.
const SECOND_LINK_WEIGHT = -0.1;

/** Expert: energy pumping, torque +1 when theta1' - 0.1 theta2' < 0, else -1. */
export function acrobotExpert(): BehaviorPolicy {
  return {
    id: 'expert',
    label: 'expert',
    act: (o) => (o[4] + SECOND_LINK_WEIGHT * o[5] < 0 ? 2 : 0),
  };
}

const MEDIUM_EPSILON = 0.8;

export const acrobotPolicies: PolicyLevel[] = [
  { id: 'random', label: 'random', description: 'uniform random torques', make: () => randomPolicy(acrobotSpec.actionSpace) },
  {
    id: 'medium',
    label: 'medium',
    description: `the expert, but a random torque ${Math.round(MEDIUM_EPSILON * 100)}% of the time`,
    make: () => epsilonMix(acrobotExpert(), randomPolicy(acrobotSpec.actionSpace), MEDIUM_EPSILON, 'medium', 'medium'),
  },
  { id: 'expert', label: 'expert', description: 'energy pumping against the first link’s swing', make: acrobotExpert },
];
