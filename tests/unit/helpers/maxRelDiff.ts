import { expect } from 'vitest';

/** The largest relative difference between two equally long series (1e-3 absolute floor): a population member against its lone run. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-3 + Math.abs(b[i])));
  return worst;
}
