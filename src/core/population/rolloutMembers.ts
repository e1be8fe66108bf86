// On-policy rollout experience for a population (PPO): every member collects T vector steps of its own N environment
// copies under its own policy, bootstraps its time-limit cuts, computes its GAE with its own gamma and lambda, and
// shuffles its own minibatches from its own sampling stream, exactly as run/rolloutSource.ts does for a lone run (both
// through run/rolloutRecord.ts). The schedule (T, epochs, minibatch size, copies) is shared, so all members collect
// and update in lockstep; each step is one batched forward pass for every member's copies.
import * as tf from '@tensorflow/tfjs';
import { minibatchPlan, RolloutRecord, type RolloutColumns } from '../run/rolloutRecord';
import type { TrainerCheckpoint } from '../run/trainer';
import { actForMembers, memberRows, type ExperienceOwner, type MemberExperience } from './memberExperience';
import type { MemberRolloutBatch, OnlinePopulationAgent, RolloutPopulationAgent } from './types';

type ColumnTensors = Record<keyof RolloutColumns, tf.Tensor>;

export class RolloutMembers implements MemberExperience {
  private readonly agent: RolloutPopulationAgent;

  /** `rollout` and `queues`: a larger population's, for the members it hands over (keep). */
  constructor(
    private readonly owner: ExperienceOwner,
    /** Every member's last rollout, member-major: [K * rows, width] (or [K * rows]) per column. */
    private rollout: { columns: ColumnTensors; rows: number } | null = null,
    /** Per member, the row indices of the minibatches still to hand out (all members hold as many). */
    private queues: Int32Array[][] = owner.parts.map(() => []),
  ) {
    this.agent = rolloutAgent(owner.agent);
  }

  private get members(): number {
    return this.owner.parts.length;
  }

  get pending(): boolean {
    return this.queues[0].length > 0;
  }

  /** V of each member on its own rows ([K * rows * obs] values, member-major), read back. */
  private async values(observations: Float32Array, rows: number): Promise<Float32Array> {
    const od = this.owner.parts[0].collector.env.observationDim;
    const obs = tf.tensor3d(observations, [this.members, rows, od]);
    const v = this.agent.stateValue(obs);
    try {
      return Float32Array.from(await v.data());
    } finally {
      tf.dispose([obs, v]);
    }
  }

  /** RolloutSource's collect for every member at once. */
  private async collect(update: number): Promise<void> {
    const { parts, settings } = this.owner;
    const K = this.members;
    const T = Number(settings.values[0].numSteps);
    const c0 = parts[0].collector;
    const [N, od] = [c0.numEnvs, c0.env.observationDim];
    const records = parts.map((m) => new RolloutRecord(T, N, od, m.collector.discrete ? 1 : m.collector.env.actionDim));
    const gamma = (k: number) => Number(settings.values[k].gamma);
    for (let t = 0; t < T; t++) {
      this.agent.observeEnvSteps(c0.envSteps);
      const [a, lp, v] = await actForMembers(parts, (obs) => {
        const step = this.agent.rolloutStep(obs);
        return [step.actions, step.logProbs, step.values];
      });
      const cut = parts.map((m, k) => {
        const result = m.collector.step(memberRows(a, k, K), update);
        return { result, rows: records[k].record(t, result.previous, memberRows(a, k, K), memberRows(lp, k, K), memberRows(v, k, K), result) };
      });
      // Time-limit cuts: V of every member's final observations in one pass, padded to the most rows any member has.
      const R = Math.max(...cut.map((x) => x.rows.length));
      if (R === 0) continue;
      const finals = new Float32Array(K * R * od);
      cut.forEach((x, k) => finals.set(RolloutRecord.finalObservations(x.result, x.rows, od), k * R * od));
      const finalValues = await this.values(finals, R);
      cut.forEach((x, k) => records[k].bootstrap(t, x.rows, memberRows(finalValues, k, K), gamma(k)));
    }
    const [last] = await actForMembers(parts, (obs) => [this.agent.stateValue(obs)]);
    const columns = records.map((r, k) => r.columns(r.advantages(memberRows(last, k, K), gamma(k), Number(settings.values[k].gaeLambda))));
    this.disposeRollout();
    const rows = records[0].rows;
    const stacked = Object.fromEntries(
      (Object.keys(columns[0]) as (keyof RolloutColumns)[]).map((key) => {
        const width = columns[0][key].width;
        const all = new Float32Array(K * rows * (width ?? 1));
        columns.forEach((col, k) => all.set(col[key].values, k * rows * (width ?? 1)));
        return [key, tf.keep(width === null ? tf.tensor1d(all) : tf.tensor2d(all, [K * rows, width]))];
      }),
    ) as ColumnTensors;
    this.rollout = { columns: stacked, rows };
  }

  async next(update: number): Promise<MemberRolloutBatch> {
    const values = this.owner.settings.values[0];
    if (!this.pending) {
      await this.collect(update);
      const rows = this.rollout!.rows;
      this.queues = this.owner.parts.map((m) => minibatchPlan(rows, Number(values.batchSize), Number(values.epochs), m.sample));
    }
    const picks = this.queues.map((q) => q.shift()!);
    const { columns, rows } = this.rollout!;
    const B = picks[0].length;
    const flat = new Int32Array(this.members * B);
    picks.forEach((p, k) => p.forEach((row, j) => (flat[k * B + j] = k * rows + row)));
    const gathered = tf.tidy(() => {
      const idx = tf.tensor1d(flat, 'int32');
      return Object.fromEntries(Object.entries(columns).map(([key, t]) => [key, tf.reshape(tf.gather(t, idx), [this.members, B, ...t.shape.slice(1)])]));
    });
    return gathered as unknown as MemberRolloutBatch;
  }

  /** Rollouts are used once and dropped: a lone PPO checkpoint carries none. */
  checkpointExtra(): Partial<TrainerCheckpoint> {
    return {};
  }

  keep(keep: number[], owner: ExperienceOwner): MemberExperience {
    let kept: { columns: ColumnTensors; rows: number } | null = null;
    if (this.rollout) {
      const { columns, rows } = this.rollout;
      const idx = Int32Array.from(keep.flatMap((k) => Array.from({ length: rows }, (_, i) => k * rows + i)));
      const gathered = tf.tidy(() => {
        const at = tf.tensor1d(idx, 'int32');
        return Object.fromEntries(Object.entries(columns).map(([key, t]) => [key, tf.keep(tf.gather(t, at))])) as ColumnTensors;
      });
      kept = { columns: gathered, rows };
    }
    this.disposeRollout();
    return new RolloutMembers(owner, kept, keep.map((k) => this.queues[k]));
  }

  private disposeRollout(): void {
    if (this.rollout) tf.dispose(Object.values(this.rollout.columns));
    this.rollout = null;
  }

  dispose(): void {
    this.disposeRollout();
  }
}

/** The population agent as an on-policy actor-critic (PPO's), or an error naming what it lacks. */
function rolloutAgent(agent: OnlinePopulationAgent): RolloutPopulationAgent {
  const a = agent as Partial<RolloutPopulationAgent>;
  if (!a.rolloutStep || !a.stateValue) throw new Error('a rollout population needs an agent with rolloutStep and stateValue (an on-policy actor-critic)');
  return agent as RolloutPopulationAgent;
}
