import { PopulationJob, type PopulationStart } from '../../../src/core/population/populationJob';
import type { TrainingReport } from '../../../src/core/run/events';

/** Waits (polling) until `condition` holds; fails naming `what` after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A population job begun with 10 ms ticks: its reports go to `reports`, each size its computed population takes to `sizes`. */
export function beginJob(start: PopulationStart, reports: TrainingReport[], sizes: number[] = []): PopulationJob {
  let job: PopulationJob | null = null;
  job = new PopulationJob(start, (r) => {
    reports.push(r);
    if (job && sizes.at(-1) !== job.trainer.members) sizes.push(job.trainer.members);
  }, 10, (e) => {
    throw e;
  });
  job.begin(null);
  return job;
}
