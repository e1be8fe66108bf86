// Which runs of an experiment train together as one population job: plain data only (the page imports this; it knows
// the algorithms' population keys from the worker's catalog, never from tfjs code).
import type { RunConfig } from './types';

/** An algorithm that trains as populations, and the keys its members must share (network shapes, batch size, ...). */
export interface PopulationInfo {
  algorithmId: string;
  sharedKeys: string[];
  /** Its members learn by interacting (online DQN, SAC, PPO): each acts in its own environments, whatever `interaction` says. */
  online?: boolean;
  /** How much memory one member's update holds, where that limits how many members fit in one population. */
  memberMemory?: MemberMemory;
}

/**
 * The memory one member's update holds, about `bytesPerUnit` times the product of the settings `keys` (each member
 * shares them; `defaults` where a run leaves one out). Fitted to a measurement, not exact.
 */
export interface MemberMemory {
  keys: string[];
  defaults: number[];
  bytesPerUnit: number;
}

/**
 * What one population's updates may hold: tfjs-wasm's heap is wasm32 (4 GiB at most; a Decision Transformer
 * population of 8 at CORL's sizes aborted the runtime there), less room for the dataset and the rest.
 */
export const POPULATION_MEMORY_BYTES = 3 * 2 ** 30;

/** The most members of one population whose updates fit in POPULATION_MEMORY_BYTES with these settings (at least 1). */
export function membersThatFit(memory: MemberMemory, hyperparameters: Record<string, unknown>): number {
  const units = memory.keys.reduce((n, key, i) => n * Number(hyperparameters[key] ?? memory.defaults[i]), 1);
  return Math.max(1, Math.floor(POPULATION_MEMORY_BYTES / (memory.bytesPerUnit * units)));
}

/**
 * Splits runs into jobs for a pool of `workers`: runs of an algorithm with a population version that share dataset
 * (for online DQN, SAC and PPO, the environment it names), backend request and every shared key form populations, spread over the
 * workers so every core trains (a group of 8 on 2 workers: two populations of 4), and split further where more members
 * would not fit in memory (membersThatFit); a population of one is simply a lone run. Returns lists of indices into
 * `configs`, each one job, in the order of their first run.
 */
export function populationJobs(configs: readonly RunConfig[], populations: readonly PopulationInfo[], workers: number): number[][] {
  const groups = new Map<string, number[]>();
  const fits = new Map<string, number>();
  configs.forEach((c, i) => {
    // An offline algorithm's population learns from its dataset only, so its run set to interact with the environment
    // (fine-tuning) trains alone; an online algorithm's population (online DQN, SAC, PPO) interacts member by member.
    const found = populations.find((p) => p.algorithmId === c.algorithmId);
    const info = found && (found.online || c.hyperparameters.interaction !== 'online') ? found : undefined;
    const key = info ? JSON.stringify([c.algorithmId, c.datasetId, c.backend, c.fork ?? null, info.sharedKeys.map((k) => c.hyperparameters[k] ?? null)]) : `alone:${i}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
    if (info?.memberMemory) fits.set(key, membersThatFit(info.memberMemory, c.hyperparameters));
  });
  const jobs: number[][] = [];
  for (const [key, members] of groups.entries()) {
    // Spread over the workers, and in populations small enough for their memory.
    const parts = Math.max(1, Math.min(workers, members.length), Math.ceil(members.length / (fits.get(key) ?? Infinity)));
    const size = Math.ceil(members.length / parts);
    for (let p = 0; p * size < members.length; p++) jobs.push(members.slice(p * size, (p + 1) * size));
  }
  return jobs.sort((a, b) => a[0] - b[0]);
}
