import type { AlgorithmDef, TrainingBatch } from '../algos/types';
import type { Rng } from '../rng';
import type { DeviceDataset } from './deviceDataset';
import type { EnvCollector, TrainingEpisode } from './envCollector';
import type { HyperValues } from './hyperparameters';

/**
 * Where the Trainer's batches come from (DESIGN.md, experience sources): the offline dataset, a replay buffer filled
 * by environments in the worker (replaySource.ts), or on-policy rollouts (rolloutSource.ts). A source may step its
 * environments inside `next`, so it is async; it counts the environment steps it took.
 */
export interface ExperienceSource {
  /** Environment steps taken so far (0 for the offline dataset). */
  readonly envSteps: number;
  /** True while batches of experience already collected wait to be trained on (PPO's epochs over its last rollout). */
  readonly pending: boolean;
  /** The next batch to update on (the caller disposes its tensors). `update` is the index of the update it feeds. */
  next(batchSize: number, update: number): Promise<TrainingBatch>;
  /** Training episodes of the acting policy that ended since the last call. */
  takeEpisodes(): TrainingEpisode[];
  /** Run-level numbers drawn beside the agent's metrics for the batch just returned (e.g. the offline share). */
  readonly metricNames: string[];
  metrics(): number[];
  /** The environments the source acts in (absent for the offline dataset). */
  readonly collector?: EnvCollector;
  /** The run's settings changed (live ones the source reads: schedules, shares). */
  setHyperparameters(values: HyperValues): void;
  dispose(): void;
}

/** Today's source: uniform (or return-weighted) rows of the dataset on the device, or windows for sequence models. */
export class OfflineSource implements ExperienceSource {
  readonly envSteps = 0;
  readonly pending = false;
  readonly metricNames: string[] = [];

  constructor(
    readonly data: DeviceDataset,
    private readonly algorithm: AlgorithmDef,
    private readonly rng: Rng,
    private contextLength: number,
  ) {}

  async next(batchSize: number): Promise<TrainingBatch> {
    return this.algorithm.batchKind === 'sequences' ? this.data.sampleSequences(batchSize, this.contextLength, this.rng) : this.data.sample(batchSize, this.rng, this.algorithm.usesNextState ?? false);
  }

  takeEpisodes(): TrainingEpisode[] {
    return [];
  }

  metrics(): number[] {
    return [];
  }

  setHyperparameters(values: HyperValues): void {
    if (values.contextLength !== undefined) this.contextLength = Number(values.contextLength);
  }

  dispose(): void {
    // The dataset belongs to the trainer (it outlives a switch to online fine-tuning).
  }
}
