// Filtered behaviour cloning, "%BC" (Chen et al., "Decision Transformer", NeurIPS 2021, section 5; CORL's BC-10%,
// Tarasov et al. 2022): rank the dataset's episodes by return, keep the best X% and clone only those. On mixed data
// it recovers much of what plain BC loses to the poor episodes. Episodes are ranked by discounted return with the
// `gamma` below (REFERENCES.md; CORL's code default 0.99 — its published D4RL configs set 1, the plain return), and
// int(X% * episodes) of them are kept, at least one, as CORL's keep_best_trajectories. State statistics come from
// the kept rows (the trainer takes them from filterRows), as CORL normalises after filtering.
import type { Dataset } from '../data/dataset';
import { episodeStarts } from '../data/episodes';
import type { HyperParam, HyperValues } from '../run/hyperparameters';
import { bc, createBC } from './bc';
import type { AlgorithmDef } from './types';

/** Rows (ascending) of the best `topPercent`% of episodes by discounted return sum_t gamma^t r_t; ties keep data order. */
export function bestEpisodeRows(d: Pick<Dataset, 'size' | 'rewards' | 'terminals' | 'timeouts'>, topPercent: number, gamma: number): Int32Array {
  const starts = episodeStarts(d);
  const episodes = starts.length - 1;
  const returns = new Float64Array(episodes);
  for (let e = 0; e < episodes; e++) {
    let discount = 1;
    for (let i = starts[e]; i < starts[e + 1]; i++) {
      returns[e] += discount * d.rewards[i];
      discount *= gamma;
    }
  }
  const keep = Math.max(1, Math.floor((topPercent * episodes) / 100));
  const best = Array.from({ length: episodes }, (_, e) => e)
    .sort((a, b) => returns[b] - returns[a] || a - b)
    .slice(0, keep)
    .sort((a, b) => a - b);
  const rows: number[] = [];
  for (const e of best) for (let i = starts[e]; i < starts[e + 1]; i++) rows.push(i);
  return Int32Array.from(rows);
}

const filterParams: HyperParam[] = [
  { key: 'topPercent', label: 'best episodes kept (%)', help: 'Share of episodes, ranked by return, that are cloned (CORL’s BC-10% keeps 10). 100: plain BC.', kind: 'number', default: 10, min: 0.1, max: 100, live: false },
  { key: 'gamma', label: 'ranking discount', help: 'Discount of the return episodes are ranked by. 1: the plain return; below 1 the early steps count more.', kind: 'number', default: 0.99, min: 0, max: 1, live: false },
];

export const bcFiltered: AlgorithmDef = {
  ...bc,
  id: 'bc-filtered',
  name: 'Filtered behaviour cloning (%BC)',
  paper: 'Chen et al., "Decision Transformer: Reinforcement Learning via Sequence Modeling", NeurIPS 2021 (%BC); Tarasov et al., "CORL", 2022 (BC-10%)',
  summary: 'Behaviour cloning on the best episodes only. On data that mixes good and bad behaviour it copies the good.',
  family: 'offline',
  hyperparameters: [...bc.hyperparameters, ...filterParams],
  filterRows: (d: Dataset, hp: HyperValues) => bestEpisodeRows(d, Number(hp.topPercent), Number(hp.gamma)),
  create: (ctx) => createBC(ctx, 'bc-filtered'),
};
