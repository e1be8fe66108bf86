import type { PopulationTrainer } from '../../../src/core/population/populationTrainer';

/** Trains `updates` more population updates; returns each member's metric rows, flat, in the lone run's layout. */
export async function trainPopulation(p: PopulationTrainer, updates: number): Promise<number[][]> {
  const rows: number[][] = p.agent.metricNames.length ? Array.from({ length: p.members }, () => []) : [];
  const target = p.update + updates;
  while (p.update < target) {
    const tick = await p.run(1e9, target - p.update);
    tick.members.forEach((m, k) => m.metrics && rows[k].push(...m.metrics.values));
  }
  return rows;
}
