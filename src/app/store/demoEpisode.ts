import { makeEnv } from '../../core/envs/registry';
import { getPolicyLevel } from '../../core/policies/index';
import { Rng } from '../../core/rng';
import type { EpisodeRecord } from '../../core/run/evaluate';

/**
 * One episode of a scripted behaviour policy (random, medium, expert), recorded for the replay like an
 * evaluation episode. Seeded as policies/evaluate.ts seeds episode k: the env resets with `seed`, the policy
 * draws from its own stream, so a demo shows exactly an episode the reference scores were measured on.
 * Pure TypeScript in the page: a few hundred steps take well under a millisecond per step. `layout`: a custom
 * map (EnvOptions.layout) to play on; the policy plans on it, and the replay draws it.
 */
export function recordBehaviourEpisode(envId: string, level: string, seed: number, layout?: string): EpisodeRecord {
  const env = makeEnv(envId, layout !== undefined ? { layout } : {});
  const policy = getPolicyLevel(envId, level).make(env.spec);
  const rng = new Rng((seed ^ 0x5bd1e995) >>> 0);
  let obs = env.reset(seed);
  const states: number[] = Array.from(env.getState());
  const actions: number[] = [];
  const rewards: number[] = [];
  let terminated = false;
  for (;;) {
    const action = policy.act(obs, rng);
    const r = env.step(action);
    if (typeof action === 'number') actions.push(action);
    else actions.push(...action);
    rewards.push(r.reward);
    states.push(...env.getState());
    obs = r.observation;
    if (r.terminated || r.truncated) {
      terminated = r.terminated;
      break;
    }
  }
  env.dispose();
  const length = rewards.length;
  return {
    envId,
    ...(layout !== undefined ? { layout } : {}),
    states: Float64Array.from(states),
    stateDim: states.length / (length + 1),
    actions: Float32Array.from(actions),
    actionDim: actions.length / length,
    rewards: Float32Array.from(rewards),
    length,
    return: rewards.reduce((a, b) => a + b, 0),
    terminated,
  };
}
