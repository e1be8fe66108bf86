import { makeEnv, type EnvOptions } from '../envs/registry';
import { Rng } from '../rng';
import type { ReferenceScores } from '../envs/types';
import { getPolicyLevel } from './index';

export interface PolicyEvaluation {
  envId: string;
  level: string;
  episodes: number;
  mean: number;
  std: number;
  returns: number[];
}

/**
 * Mean undiscounted return of a behaviour policy over seeded episodes: episode k resets the env with seed
 * `seed + k` and gives the policy its own stream, so every episode is reproducible on its own.
 * This is how the lab's reference scores (random = min, expert = max) are measured, with 100 episodes.
 */
export function evaluatePolicy(envId: string, level: string, episodes = 100, seed = 0, options: Omit<EnvOptions, 'seed'> = {}): PolicyEvaluation {
  const env = makeEnv(envId, options);
  const policy = getPolicyLevel(envId, level).make(env.spec);
  const returns: number[] = [];
  for (let k = 0; k < episodes; k++) {
    let obs = env.reset(seed + k);
    const rng = new Rng(((seed + k) ^ 0x5bd1e995) >>> 0);
    let total = 0;
    for (;;) {
      const r = env.step(policy.act(obs, rng));
      total += r.reward;
      obs = r.observation;
      if (r.terminated || r.truncated) break;
    }
    returns.push(total);
  }
  env.dispose();
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes);
  return { envId, level, episodes, mean, std, returns };
}

/**
 * Reference returns as the lab measures them for its own environments: the random and expert behaviour policies'
 * mean returns over 100 seeded episodes (episode seeds 0..99). For a custom layout this is what makes its
 * normalized score honest: 0 is a random walk on this map, 100 the planner's return on it.
 */
export function measureReferenceScores(envId: string, options: Omit<EnvOptions, 'seed'> = {}, episodes = 100): ReferenceScores {
  const min = evaluatePolicy(envId, 'random', episodes, 0, options).mean;
  const max = evaluatePolicy(envId, 'expert', episodes, 0, options).mean;
  return { min, max, source: `lab random/expert policies on ${options.layout !== undefined ? 'this custom layout' : envId} (${episodes} episodes)` };
}
