import type { Agent, Batch } from '../algos/types';
import type { Rng } from '../rng';
import type { DeviceDataset } from './deviceDataset';
import type { EnvCollector, TrainingEpisode } from './envCollector';
import type { ExperienceSource } from './experience';
import type { HyperValues } from './hyperparameters';
import { concatBatches, ReplayBuffer, storeStep, type ReplaySnapshot } from './replayBuffer';

/** How a replay source interleaves acting and learning (SB3's train_freq / gradient_steps / learning_starts). */
export interface ReplaySchedule {
  /** Environment steps (all copies) before the first update. */
  learningStarts: number;
  /** Vector steps collected between two rounds of updates. */
  trainFrequency: number;
  /** Updates per round. */
  gradientSteps: number;
  /** Share of each batch drawn from the offline dataset (RLPD's symmetric sampling: 0.5); 0 without offline data. */
  offlineShare: number;
  /** Environment steps over which the share falls linearly to 0 (0: it stays). */
  offlineShareDecaySteps: number;
}

/**
 * The share of offline rows in a batch after `stepsOnline` environment steps of fine-tuning: constant, or decaying
 * linearly to 0 over `decaySteps` (an extension of RLPD's fixed 50%).
 */
export function offlineShareAt(share: number, decaySteps: number, stepsOnline: number): number {
  if (decaySteps <= 0) return share;
  return share * Math.max(0, 1 - stepsOnline / decaySteps);
}

/** The settings of a replay schedule from a run's values; keys an algorithm does not have take the fine-tuning defaults. */
export function replaySchedule(values: HyperValues): ReplaySchedule {
  const num = (key: string, fallback: number) => (values[key] === undefined ? fallback : Number(values[key]));
  return {
    learningStarts: num('learningStarts', 0),
    trainFrequency: num('trainFrequency', 1),
    gradientSteps: num('gradientSteps', 1),
    offlineShare: num('offlineShare', 0),
    offlineShareDecaySteps: num('offlineShareDecaySteps', 0),
  };
}

/**
 * Online experience in a replay buffer, collected by the agent's own (exploring) policy in the worker's environments;
 * optionally mixed with offline rows at a live share (offline-to-online fine-tuning).
 */
export class ReplaySource implements ExperienceSource {
  readonly buffer: ReplayBuffer;
  private updatesThisRound: number;
  private share = 0;
  private readonly startSteps: number;
  /** Rows a checkpoint brought back: they count toward learningStarts, so a resumed run does not wait again. */
  private restoredRows = 0;

  constructor(
    readonly collector: EnvCollector,
    private readonly agent: Agent,
    capacity: number,
    gamma: number,
    private schedule: ReplaySchedule,
    private readonly rng: Rng,
    private readonly offline: DeviceDataset | null = null,
  ) {
    const width = collector.discrete ? 1 : collector.env.actionDim;
    this.buffer = new ReplayBuffer(capacity, collector.env.observationDim, width, gamma);
    this.updatesThisRound = schedule.gradientSteps; // collect before the first update
    this.startSteps = collector.envSteps;
  }

  get envSteps(): number {
    return this.collector.envSteps;
  }

  /** Updates still due in this round (with gradient steps > 1, the round that ends the budget is finished). */
  get pending(): boolean {
    return this.updatesThisRound < this.schedule.gradientSteps && this.collected >= this.schedule.learningStarts;
  }

  /** Transitions this source has: collected since it started, plus those a checkpoint restored. */
  private get collected(): number {
    return this.collector.envSteps - this.startSteps + this.restoredRows;
  }

  /** Refills the (empty) buffer from a checkpoint's snapshot. */
  restore(snapshot: ReplaySnapshot): void {
    this.buffer.restore(snapshot);
    this.restoredRows = this.buffer.size;
  }

  get metricNames(): string[] {
    return this.offline ? ['offline_share'] : [];
  }

  metrics(): number[] {
    return this.offline ? [this.share] : [];
  }

  /** One batched step of every copy into the buffer. */
  private async collectStep(update: number): Promise<void> {
    const actions = await this.collector.act(this.agent);
    storeStep(this.buffer, this.collector.step(actions, update));
  }

  async next(batchSize: number, update: number): Promise<Batch> {
    const s = this.schedule;
    while (this.updatesThisRound >= s.gradientSteps || this.collected < s.learningStarts || this.buffer.size === 0) {
      for (let k = 0; k < s.trainFrequency; k++) await this.collectStep(update);
      this.updatesThisRound = 0;
    }
    this.updatesThisRound += 1;
    if (!this.offline) return this.buffer.sample(batchSize, this.rng);
    this.share = offlineShareAt(s.offlineShare, s.offlineShareDecaySteps, this.collector.envSteps - this.startSteps);
    // Fine-tuning draws online rows of ended episodes only (their return-to-go is known, as in the dataset); until the
    // first episode ends, batches are all offline.
    const fromOffline = this.buffer.closedRows === 0 ? batchSize : Math.round(this.share * batchSize);
    if (fromOffline === 0) return this.buffer.sample(batchSize, this.rng, true);
    const offlineRows = this.offline.sample(fromOffline, this.rng, true);
    if (fromOffline === batchSize) return offlineRows;
    return concatBatches(offlineRows, this.buffer.sample(batchSize - fromOffline, this.rng, true));
  }

  takeEpisodes(): TrainingEpisode[] {
    return this.collector.takeEpisodes();
  }

  setHyperparameters(values: HyperValues): void {
    this.schedule = replaySchedule(values);
  }

  dispose(): void {
    // CPU memory only; nothing on the backend.
  }
}
