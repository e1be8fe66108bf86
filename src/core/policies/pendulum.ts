// Measured mean returns, 100 seeded episodes (policies/evaluate.ts, bench/policies.bench.ts):
//   random -1206.7, medium -885.6, expert -139.9.
import { pendulumSpec } from '../envs/pendulum';
import { epsilonMix, randomPolicy } from './random';
import type { BehaviorPolicy, PolicyLevel } from './types';

// Pendulum-v1 model (pendulum.ts): theta'' = 3g/(2l) sin(theta) + 3/(m l²) u = 15 sin(theta) + 3u, theta = 0 up.
const GRAVITY_TERM = 15;
const MAX_TORQUE = 2;
// E = ½ theta'² + 15 cos(theta) changes at dE/dt = 3 u theta'; upright at rest E = 15.
const E_UPRIGHT = GRAVITY_TERM;
// Within this angle of upright a PD law takes over (tuned by hand: returns barely change for 0.4..0.8).
const CATCH_ANGLE = 0.5;
const KP = 10;
const KD = 2;

/**
 * Expert: energy swing-up (full torque along theta' while the energy is below upright's, against it when
 * above), then a PD stabiliser near the top.
 */
export function pendulumExpert(): BehaviorPolicy {
  return {
    id: 'expert',
    label: 'expert',
    act: (o) => {
      const theta = Math.atan2(o[1], o[0]);
      const thetaDot = o[2];
      let u: number;
      if (Math.abs(theta) < CATCH_ANGLE) u = -(KP * theta + KD * thetaDot);
      else {
        const energy = 0.5 * thetaDot * thetaDot + GRAVITY_TERM * Math.cos(theta);
        // At rest at the bottom theta' is 0: kick in a fixed direction to start the swing.
        u = (E_UPRIGHT - energy) * (thetaDot === 0 ? 1 : thetaDot) > 0 ? MAX_TORQUE : -MAX_TORQUE;
      }
      return Float32Array.of(Math.max(-MAX_TORQUE, Math.min(MAX_TORQUE, u)));
    },
  };
}

const MEDIUM_EPSILON = 0.8;

export const pendulumPolicies: PolicyLevel[] = [
  { id: 'random', label: 'random', description: 'uniform random torque', make: () => randomPolicy(pendulumSpec.actionSpace) },
  {
    id: 'medium',
    label: 'medium',
    description: `the expert, but a uniform random torque ${Math.round(MEDIUM_EPSILON * 100)}% of the time`,
    make: () => epsilonMix(pendulumExpert(), randomPolicy(pendulumSpec.actionSpace), MEDIUM_EPSILON, 'medium', 'medium'),
  },
  { id: 'expert', label: 'expert', description: 'energy swing-up, then a PD stabiliser at the top', make: pendulumExpert },
];
