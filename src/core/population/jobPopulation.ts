// What a population job (populationJob.ts) drives: the offline PopulationTrainer, or the OnlinePopulationTrainer when
// the algorithm learns by interacting (online DQN, online SAC, PPO). Both give each member the meaning of a lone run of its own.
import type { TrainingEpisode } from '../run/envCollector';
import type { HyperparameterEvent } from '../run/events';
import type { HyperValues } from '../run/hyperparameters';
import type { TrainerCheckpoint } from '../run/trainer';
import { OnlinePopulationTrainer } from './onlinePopulationTrainer';
import { PopulationTrainer, type MemberTick, type PopulationConfig } from './populationTrainer';
import { onlinePopulationDef } from './registry';

export interface JobPopulationTick {
  /** Online members also bring the acting policy's episodes that ended during the tick. */
  members: (MemberTick & { episodes?: TrainingEpisode[] })[];
  updatesPerSecond: number;
}

export interface JobPopulation {
  readonly members: number;
  readonly update: number;
  readonly wallMs: number;
  /** Member k reached its own total (updates offline, environment steps online). */
  memberFinished(member: number): boolean;
  /** Member k's position as its lone run reports it (`envSteps` for online members). */
  memberProgress(member: number): { update: number; envSteps?: number };
  hyperparameters(member: number): HyperValues;
  setMemberHyperparameters(member: number, patch: Record<string, unknown>, source?: string): HyperparameterEvent[];
  /** Every member as a lone run's checkpoint. */
  checkpoints(): Promise<TrainerCheckpoint[]>;
  /** A lone run's checkpoint into member k (PBT's exploit). */
  loadMember(member: number, checkpoint: TrainerCheckpoint): void;
  /** The members `keep` as a smaller population that goes on exactly as they would have; this one is handed over. */
  keepMembers(keep: number[]): JobPopulation;
  run(budgetMs: number): Promise<JobPopulationTick>;
  dispose(): void;
}

/** The population for a job's members: online when the algorithm has an online population version. */
export function createJobPopulation(config: PopulationConfig): JobPopulation {
  if (!onlinePopulationDef(config.algorithmId)) return new PopulationTrainer(config);
  if (config.startUpdate) throw new Error(`an online population starts from scratch (startUpdate ${config.startUpdate}): resume a paused run of ${config.algorithmId} alone from its checkpoint`);
  return new OnlinePopulationTrainer({ dataset: config.dataset, algorithmId: config.algorithmId, members: config.members });
}
