import type { Space } from '../envs/spaces';
import type { BehaviorPolicy } from './types';

/** Uniform random actions over the action space (D4RL's "random" datasets). */
export function randomPolicy(space: Space): BehaviorPolicy {
  return {
    id: 'random',
    label: 'random',
    act: (_obs, rng) => {
      if (space.kind === 'discrete') return rng.int(space.n);
      const a = new Float32Array(space.low.length);
      for (let i = 0; i < a.length; i++) a[i] = rng.uniform(space.low[i], space.high[i]);
      return a;
    },
  };
}

/** With probability `epsilon` a random action, otherwise the expert's ("medium" = a noisy expert). */
export function epsilonMix(expert: BehaviorPolicy, random: BehaviorPolicy, epsilon: number, id: string, label: string): BehaviorPolicy {
  return {
    id,
    label,
    act: (obs, rng) => (rng.next() < epsilon ? random.act(obs, rng) : expert.act(obs, rng)),
  };
}
