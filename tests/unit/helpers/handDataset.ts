import type { Dataset } from '../../../src/core/data/dataset';

/**
 * A dataset of episodes given by their rewards, for hand-computed checks: observation i = action i = i (its row
 * index); episode 1 ends by a time-out, the others by a terminal.
 */
export function handMade(episodes: number[][]): Dataset {
  const rewards = episodes.flat();
  const n = rewards.length;
  const terminals = new Uint8Array(n);
  const timeouts = new Uint8Array(n);
  let end = -1;
  episodes.forEach((ep, e) => {
    end += ep.length;
    (e === 1 ? timeouts : terminals)[end] = 1;
  });
  const rows = Float32Array.from({ length: n }, (_, i) => i);
  return {
    id: 'hand',
    name: 'hand',
    envId: null,
    source: 'generated',
    behavior: 'hand',
    observationDim: 1,
    actionDim: 1,
    discreteActions: null,
    size: n,
    episodes: episodes.length,
    createdAt: 0,
    observations: rows,
    nextObservations: rows,
    actions: rows,
    rewards: Float32Array.from(rewards),
    terminals,
    timeouts,
    nextValid: new Uint8Array(n).fill(1),
  };
}
