import { getAlgorithm } from '../../../src/core/algos/registry';

/**
 * The networks of an algorithm at a unit test's size: 32x32 MLPs, with small auxiliary networks where it has them
 * (A2PR's VAE defaults to 750 x 750, ODICE's policy net to 1024 x 1024), or the Decision Transformer as one block of two
 * heads over 32-wide tokens (the smallest choice) and windows of 4 steps.
 */
export function smallNetworks(algorithmId: string): Record<string, unknown> {
  const has = (key: string) => getAlgorithm(algorithmId).hyperparameters.some((p) => p.key === key);
  if (has('embedding')) return { embedding: '32', layers: 1, heads: 2, contextLength: 4, episodeLength: 100 };
  return { hidden: '32,32', ...(has('vaeHidden') ? { vaeHidden: '32,32' } : {}), ...(has('actorHidden') ? { actorHidden: '32,32' } : {}) };
}
