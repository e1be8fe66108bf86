import { cartPoleSpec } from '../envs/cartpole';
import { epsilonMix, randomPolicy } from './random';
import type { BehaviorPolicy, PolicyLevel } from './types';

/**
 * Expert: a linear state-feedback controller (push towards where the pole is falling, corrected for
 * cart drift). Gains chosen by hand; it balances for the full 500 steps from every reset we tried.
 */
export function cartPoleExpert(): BehaviorPolicy {
  return {
    id: 'expert',
    label: 'expert',
    act: (o) => (0.08 * o[0] + 0.25 * o[1] + 3.0 * o[2] + 0.6 * o[3] > 0 ? 1 : 0),
  };
}

export const cartPolePolicies: PolicyLevel[] = [
  { id: 'random', label: 'random', description: 'uniform random pushes', make: () => randomPolicy(cartPoleSpec.actionSpace) },
  {
    id: 'medium',
    label: 'medium',
    description: 'the expert, but a random push 55% of the time (about a third of the expert return)',
    make: () => epsilonMix(cartPoleExpert(), randomPolicy(cartPoleSpec.actionSpace), 0.55, 'medium', 'medium'),
  },
  { id: 'expert', label: 'expert', description: 'a linear balance controller', make: cartPoleExpert },
];
