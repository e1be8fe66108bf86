// Replay experience for an online population (online DQN, online SAC): each member fills its own replay buffer from
// its own environments and samples its batches from it with its own sampling stream, on the shared schedule of
// run/replaySource.ts (collect trainFrequency vector steps, then gradientSteps updates, from learningStarts on).
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../algos/types';
import { ReplayBuffer, storeStep } from '../run/replayBuffer';
import { replaySchedule } from '../run/replaySource';
import { checkpointReplay, type TrainerCheckpoint } from '../run/trainer';
import { actForMembers, memberRows, type ExperienceOwner, type MemberExperience } from './memberExperience';
import type { MemberBatch } from './types';

export class ReplayMembers implements MemberExperience {
  /** `buffers` and `updatesThisRound`: a larger population's, for the members it hands over (keep). */
  constructor(
    private readonly owner: ExperienceOwner,
    private readonly buffers: ReplayBuffer[] = owner.parts.map((m, k) => {
      const v = owner.settings.values[k];
      return new ReplayBuffer(Number(v.bufferSize), m.collector.env.observationDim, m.collector.discrete ? 1 : m.collector.env.actionDim, Number(v.gamma));
    }),
    private updatesThisRound = replaySchedule(owner.settings.values[0]).gradientSteps, // collect before the first update
  ) {}

  private get envSteps(): number {
    return this.owner.parts[0].collector.envSteps;
  }

  /** Updates still due in this round (the round that ends the budget is finished, as ReplaySource.pending). */
  get pending(): boolean {
    const s = replaySchedule(this.owner.settings.values[0]);
    return this.updatesThisRound < s.gradientSteps && this.envSteps >= s.learningStarts;
  }

  /** One vector step of every member's environments: one forward pass acts for all of them ([K, numEnvs, obs]). */
  private async collectStep(update: number): Promise<void> {
    const { parts, agent } = this.owner;
    agent.observeEnvSteps(this.envSteps);
    // [K, numEnvs] indices (discrete) or [K, numEnvs, actionDim] rows in [-1, 1], which each EnvCollector maps to its box.
    const [actions] = await actForMembers(parts, (obs) => [agent.act(obs, 'sample')]);
    parts.forEach((m, k) => storeStep(this.buffers[k], m.collector.step(memberRows(actions, k, parts.length), update)));
  }

  /** ReplaySource.next for every member. */
  async next(update: number): Promise<MemberBatch> {
    const values = this.owner.settings.values[0];
    const s = replaySchedule(values);
    while (this.updatesThisRound >= s.gradientSteps || this.envSteps < s.learningStarts || this.buffers[0].size === 0) {
      for (let i = 0; i < s.trainFrequency; i++) await this.collectStep(update);
      this.updatesThisRound = 0;
    }
    this.updatesThisRound += 1;
    const B = Number(values.batchSize);
    const batches = this.owner.parts.map((m, k) => this.buffers[k].sample(B, m.sample));
    const keys = ['observations', 'actions', 'rewards', 'nextObservations', 'dones', 'mcReturns'] as const;
    const out = Object.fromEntries(keys.map((key) => [key, tf.stack(batches.map((b: Batch) => b[key]))])) as unknown as MemberBatch;
    tf.dispose(batches.flatMap((b) => Object.values(b)));
    return out;
  }

  /** The latest rows of member k's buffer (capped as a lone run's), so Trainer.restore resumes it alone. */
  checkpointExtra(member: number): Partial<TrainerCheckpoint> {
    const buffer = this.buffers[member];
    return buffer.size > 0 ? { replay: checkpointReplay(buffer) } : {};
  }

  keep(keep: number[], owner: ExperienceOwner): MemberExperience {
    return new ReplayMembers(
      owner,
      keep.map((k) => this.buffers[k]),
      this.updatesThisRound,
    );
  }

  dispose(): void {}
}
