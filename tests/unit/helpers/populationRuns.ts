import { PopulationTrainer, type PopulationConfig } from '../../../src/core/population/populationTrainer';
import type { TrainerCheckpoint } from '../../../src/core/run/trainer';

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

/** A population trained `updates` updates from scratch, then disposed: each member's metric rows and checkpoint. */
export async function populationRun(config: PopulationConfig, updates: number): Promise<{ rows: number[][]; checkpoints: TrainerCheckpoint[]; metricNames: string[] }> {
  const population = new PopulationTrainer(config);
  try {
    const rows = await trainPopulation(population, updates);
    return { rows, checkpoints: await population.checkpoints(), metricNames: population.agent.metricNames };
  } finally {
    population.dispose();
  }
}
