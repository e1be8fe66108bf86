import type { OptimumGap } from '../../../core/tabular/optimumGap';

/** Tolerance under which the greedy policy's value counts as the optimum's. */
const SAME = 1e-6;

/** The learner against value iteration's optimum: its greedy policy's true value at the start, and its values' largest error. */
export function GapLine({ gap, who = 'greedy policy' }: { gap: OptimumGap; who?: string }) {
  const optimal = Math.abs(gap.policyValue - gap.optimalValue) < SAME;
  return (
    <p className="small" data-testid="tabular-gap" data-optimal={optimal}>
      {who}'s value at the start <strong>{gap.policyValue.toFixed(2)}</strong>, optimum V* {gap.optimalValue.toFixed(2)}
      {optimal ? ' (optimal)' : ''} · max |V − V*| {gap.maxError.toFixed(3)} over the cells an episode can visit
    </p>
  );
}
