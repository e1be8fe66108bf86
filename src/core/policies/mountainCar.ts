// Measured mean returns, 100 seeded episodes (policies/evaluate.ts, bench/policies.bench.ts):
//   MountainCar-v0            random -200.0, medium -165.7, expert -106.5
//   MountainCarContinuous-v0  random -33.26, medium 7.93,   expert 98.27
import { GOAL_POSITION, MAX_POSITION, MAX_SPEED, MIN_POSITION, mountainCarSpec } from '../envs/mountainCar';
import { mountainCarContinuousSpec } from '../envs/mountainCarContinuous';
import { epsilonMix, randomPolicy } from './random';
import type { BehaviorPolicy, PolicyLevel } from './types';

const FORCE = 0.001;
const GRAVITY = 0.0025;
const LOOKAHEAD = 250;

/** One MountainCar-v0 step of the known dynamics (mountainCar.ts), for the expert's lookahead. */
function simulate(p: number, v: number, a: number): [number, number] {
  v += (a - 1) * FORCE + Math.cos(3 * p) * -GRAVITY;
  v = Math.min(MAX_SPEED, Math.max(-MAX_SPEED, v));
  p = Math.min(MAX_POSITION, Math.max(MIN_POSITION, p + v));
  if (p === MIN_POSITION && v < 0) v = 0;
  return [p, v];
}

/** Steps to the flag taking `first`, then pumping energy (pushing along the velocity). */
function stepsToGoal(p: number, v: number, first: number): number {
  let a = first;
  for (let t = 1; t <= LOOKAHEAD; t++) {
    [p, v] = simulate(p, v, a);
    if (p >= GOAL_POSITION && v >= 0) return t;
    a = v >= 0 ? 2 : 0;
  }
  return LOOKAHEAD + 1;
}

/**
 * Expert for MountainCar-v0: energy pumping (push along the velocity), improved by one step of lookahead:
 * each step it takes the push after which pumping reaches the flag soonest (plain pumping scores -118.9).
 */
export function mountainCarExpert(): BehaviorPolicy {
  return {
    id: 'expert',
    label: 'expert',
    act: (o) => {
      let best = 2;
      let bestSteps = Infinity;
      for (const a of [0, 2, 1]) {
        const steps = stepsToGoal(o[0], o[1], a);
        if (steps < bestSteps) [best, bestSteps] = [a, steps];
      }
      return best;
    },
  };
}

// Pushing with a quarter of the engine along the velocity still rocks the car out (0.15 does not) and
// costs far less than full throttle: 98.3 against 89.3 for full pumping.
const CONTINUOUS_THROTTLE = 0.25;

/** Expert for MountainCarContinuous-v0: energy pumping at a quarter throttle. */
export function mountainCarContinuousExpert(): BehaviorPolicy {
  return {
    id: 'expert',
    label: 'expert',
    act: (o) => Float32Array.of(o[1] >= 0 ? CONTINUOUS_THROTTLE : -CONTINUOUS_THROTTLE),
  };
}

const MEDIUM_EPSILON = 0.25;
const CONTINUOUS_MEDIUM_EPSILON = 0.68;

export const mountainCarPolicies: PolicyLevel[] = [
  { id: 'random', label: 'random', description: 'uniform random pushes', make: () => randomPolicy(mountainCarSpec.actionSpace) },
  {
    id: 'medium',
    label: 'medium',
    description: `the expert, but a random push ${Math.round(MEDIUM_EPSILON * 100)}% of the time`,
    make: () => epsilonMix(mountainCarExpert(), randomPolicy(mountainCarSpec.actionSpace), MEDIUM_EPSILON, 'medium', 'medium'),
  },
  { id: 'expert', label: 'expert', description: 'energy pumping with one step of lookahead', make: mountainCarExpert },
];

export const mountainCarContinuousPolicies: PolicyLevel[] = [
  { id: 'random', label: 'random', description: 'uniform random engine force', make: () => randomPolicy(mountainCarContinuousSpec.actionSpace) },
  {
    id: 'medium',
    label: 'medium',
    description: `the expert, but a uniform random force ${Math.round(CONTINUOUS_MEDIUM_EPSILON * 100)}% of the time`,
    make: () =>
      epsilonMix(mountainCarContinuousExpert(), randomPolicy(mountainCarContinuousSpec.actionSpace), CONTINUOUS_MEDIUM_EPSILON, 'medium', 'medium'),
  },
  { id: 'expert', label: 'expert', description: 'energy pumping at a quarter throttle', make: mountainCarContinuousExpert },
];
