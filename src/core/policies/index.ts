import { cartPolePolicies } from './cartpole';
import type { PolicyLevel } from './types';

const byEnv: Record<string, PolicyLevel[]> = {
  'CartPole-v1': cartPolePolicies,
};

/** Behaviour policies of an environment, from worst to best. */
export function policyLevels(envId: string): PolicyLevel[] {
  const levels = byEnv[envId];
  if (!levels) throw new Error(`No behaviour policies for environment "${envId}"`);
  return levels;
}

export function getPolicyLevel(envId: string, levelId: string): PolicyLevel {
  const level = policyLevels(envId).find((l) => l.id === levelId);
  if (!level) throw new Error(`Environment "${envId}" has no "${levelId}" policy. Known: ${policyLevels(envId).map((l) => l.id).join(', ')}`);
  return level;
}
