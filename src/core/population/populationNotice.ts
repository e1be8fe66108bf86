// What a population member's run says about the runs it trains with: written when the page hands the runs to one job,
// and again by the job when it drops members that ended. The page clears it once the member itself ends.

/** How every such notice begins (the page recognises it by this). */
export const POPULATION_NOTICE = 'trains with';

/** The notice of a member that trains with `others` other runs as one batched model. */
export function populationNotice(others: number): string {
  if (others === 0) return `${POPULATION_NOTICE} no other run now: the rest of its population job ended, so it trains as a population of one`;
  return `${POPULATION_NOTICE} ${others} other run${others > 1 ? 's' : ''} as one batched model (a population job); Pause lets it go on alone`;
}
