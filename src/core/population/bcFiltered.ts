// Filtered behaviour cloning, %BC (Chen et al. 2021; CORL's BC-10%), for a population of K members trained as one
// model: the BC population (bc.ts) on the rows algos/bcFiltered.ts's filterRows keeps. The filter reads only the share
// of episodes kept and the ranking discount, so those are shared keys: every member trains on the same kept rows (and
// standardises states by their statistics, as a lone run), each drawing its own batches from them with its own seed.
import { createBCPopulation } from './bc';
import type { PopulationDef } from './types';

export const bcFilteredPopulation: PopulationDef = {
  algorithmId: 'bc-filtered',
  memberKeys: ['lr'],
  create: (ctx) => createBCPopulation(ctx, 'bc-filtered'),
};
