import { makeEnv, type EnvOptions } from './registry';

/** The simulator state of an env's first reset (seed 0 unless given), for previews; the env is freed after. */
export function initialState(envId: string, options: EnvOptions = {}): Float64Array {
  const env = makeEnv(envId, { seed: 0, ...options });
  const state = env.getState();
  env.dispose();
  return state;
}
