import { CartPole, cartPoleSpec } from './cartpole';
import { TimeLimit } from './timeLimit';
import type { Env, EnvSpec } from './types';

export interface EnvOptions {
  /** Seed for the first reset (later resets without a seed continue the stream, as in Gymnasium). */
  seed?: number;
}

interface EnvEntry {
  spec: EnvSpec;
  create(options: EnvOptions): Env;
}

const entries: EnvEntry[] = [{ spec: cartPoleSpec, create: () => new CartPole() }];

export function listEnvs(): EnvSpec[] {
  return entries.map((e) => e.spec);
}

export function getEnvSpec(id: string): EnvSpec {
  const entry = entries.find((e) => e.spec.id === id);
  if (!entry) throw new Error(`Unknown environment "${id}". Known: ${entries.map((e) => e.spec.id).join(', ')}`);
  return entry.spec;
}

/** Like gym.make: the environment wrapped in a TimeLimit at spec.maxEpisodeSteps. */
export function makeEnv(id: string, options: EnvOptions = {}): TimeLimit {
  getEnvSpec(id);
  const entry = entries.find((e) => e.spec.id === id)!;
  const env = new TimeLimit(entry.create(options));
  if (options.seed !== undefined) env.reset(options.seed);
  return env;
}
