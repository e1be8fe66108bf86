// Online training of K runs of one algorithm as one batched model (PureJaxRL trains many DQN and PPO agents at once
// this way; online DQN, online SAC and PPO here), driven as a population job of the worker pool (populationJob.ts).
// Each member is a lone run of its own: its seed's streams forked as run/trainer.ts forks them (initialisation and
// exploration, batch sampling, evaluation resets, environment), its own environment copies (EnvCollector), its own
// experience (a replay buffer: replayMembers.ts; on-policy rollouts: rolloutMembers.ts), per-member settings, events,
// episodes and evaluations. The experience's schedule is shared, so every member collects and updates at the moments a
// lone run's source gives it, and one batched forward pass acts for all members' environments at each step.
import * as tf from '@tensorflow/tfjs';
import { getAlgorithm } from '../algos/registry';
import type { AlgorithmDef } from '../algos/types';
import type { Dataset } from '../data/dataset';
import { datasetEnvSpec, envOptionsOf } from '../data/datasetEnv';
import { observationStats } from '../data/statistics';
import { Rng } from '../rng';
import { actionScaleFor, type ActionScale } from '../run/actionScale';
import { EnvCollector, type TrainingEpisode } from '../run/envCollector';
import type { EvaluationResult } from '../run/evaluate';
import type { HyperparameterEvent, MetricBatch } from '../run/events';
import type { HyperValues } from '../run/hyperparameters';
import { runSchema } from '../run/runSettings';
import type { TrainerCheckpoint } from '../run/trainer';
import { evaluateMembers } from './evaluateMembers';
import { loadMemberCheckpoint, memberCheckpoints } from './memberCheckpoints';
import type { MemberExperience, MemberParts } from './memberExperience';
import { checkKeep, checkMember } from './memberIndex';
import { readMemberMetrics } from './memberMetrics';
import { MemberSettings } from './memberSettings';
import { onlinePopulationAlgorithms, onlinePopulationDef } from './registry';
import { ReplayMembers } from './replayMembers';
import { RolloutMembers } from './rolloutMembers';
import type { OnlinePopulationAgent } from './types';

export interface OnlinePopulationConfig {
  /** Supplies the environment (its envId and options) and the observation statistics, as for a lone online run. */
  dataset: Dataset;
  algorithmId: string;
  /** One settings patch per member (its seed among them); anything left out takes its default. */
  members: Record<string, unknown>[];
}

export interface OnlineMemberTick {
  metrics: MetricBatch | null;
  /** The acting policy's episodes that ended during the tick. */
  episodes: TrainingEpisode[];
  evaluations: EvaluationResult[];
  events: HyperparameterEvent[];
  /** Set once when the member's metrics became non-finite. */
  error?: string;
}

export interface OnlinePopulationTick {
  members: OnlineMemberTick[];
  /** Environment steps each member has taken (all members step in lockstep). */
  envSteps: number;
  /** Population updates per second (each updates every member). */
  updatesPerSecond: number;
}

const SYNC_EVERY = 4;

export class OnlinePopulationTrainer {
  readonly algorithm: AlgorithmDef;
  readonly agent: OnlinePopulationAgent;
  readonly settings: MemberSettings;
  update = 0;
  wallMs = 0;
  private readonly parts: MemberParts[];
  private readonly envId: string;
  private readonly actionScale: ActionScale | null;
  private readonly experience: MemberExperience;
  private pendingEvents: HyperparameterEvent[][];
  private readonly lastEvaluatedAt: number[];
  private readonly diverged: (string | null)[];
  /** Set once keepMembers handed this population's agent to a smaller one. */
  private handedOver = false;

  /** `carried`: members `keep`'s own parts and experience, handed over by a larger population of the same settings (keepMembers). */
  constructor(
    readonly config: OnlinePopulationConfig,
    carried?: { keep: number[]; parts: MemberParts[]; experience: MemberExperience },
  ) {
    this.algorithm = getAlgorithm(config.algorithmId);
    const def = onlinePopulationDef(config.algorithmId);
    if (!def) throw new Error(`${this.algorithm.name} has no online population version (online populations: ${onlinePopulationAlgorithms().join(', ')}); train its runs alone`);
    this.settings = new MemberSettings([...this.algorithm.hyperparameters, ...runSchema], def, this.algorithm.name, config.members);
    const d = config.dataset;
    const kind = d.discreteActions !== null ? 'discrete' : 'continuous';
    if (!this.algorithm.actions.includes(kind)) throw new Error(`${this.algorithm.name} does not handle ${kind} actions (dataset "${d.name}")`);
    const envSpec = datasetEnvSpec(d);
    if (!envSpec) throw new Error(`${this.algorithm.name} learns by interacting, but dataset "${d.name}" has no environment to interact with`);
    this.envId = envSpec.id;
    this.actionScale = actionScaleFor(envSpec.actionSpace, d.actionDim);
    const values = this.settings.values;
    const first = values[0];
    const numEnvs = Number(first.numEnvs);
    // Each member's streams as a lone Trainer forks them from its seed: init, sample, evaluate, env.
    this.parts = carried?.parts ?? values.map((v) => {
      const rng = new Rng(Number(v.seed));
      const [init, sample, evaluate, env] = [rng.fork(), rng.fork(), rng.fork(), rng.fork()];
      const collector = new EnvCollector(this.envId, numEnvs, envOptionsOf(d.envOptions), env.nextUint32(), this.actionScale);
      return { init, sample, evaluate, collector };
    });
    const stats = observationStats(d);
    this.agent = def.create({
      members: values.length,
      observationDim: d.observationDim,
      actionDim: d.actionDim,
      discreteActions: d.discreteActions,
      hyperparameters: values,
      rngs: this.parts.map((m) => m.init),
      observationMean: stats.mean,
      observationStd: stats.std,
      dataset: d,
      actionScale: this.actionScale,
    });
    const owner = { parts: this.parts, agent: this.agent, settings: this.settings };
    try {
      if (carried) this.experience = carried.experience.keep(carried.keep, owner);
      else this.experience = this.algorithm.experience === 'rollout' ? new RolloutMembers(owner) : new ReplayMembers(owner);
    } catch (e) {
      this.agent.dispose();
      throw e;
    }
    this.pendingEvents = values.map(() => []);
    this.lastEvaluatedAt = values.map(() => -1);
    this.diverged = values.map(() => null);
  }

  get members(): number {
    return this.parts.length;
  }

  /** Environment steps each member has taken. */
  get envSteps(): number {
    return this.parts[0].collector.envSteps;
  }

  hyperparameters(member: number): HyperValues {
    return { ...this.settings.values[member] };
  }

  /** Updates still due from what was collected (the round, or the rollout's epochs, that ends the budget is finished). */
  get pending(): boolean {
    return this.experience.pending;
  }

  /** A member finishes as a lone online run does: at its total environment steps, once no update of the round is due. */
  memberFinished(member: number): boolean {
    return this.envSteps >= Number(this.settings.values[member].totalEnvSteps) && !this.pending;
  }

  get finished(): boolean {
    return this.settings.values.every((_, k) => this.memberFinished(k));
  }

  /** Where member k stands, as its lone run reports it: every update (online runs end by env steps, not maxUpdates) and env step. */
  memberProgress(_member: number): { update: number; envSteps: number } {
    return { update: this.update, envSteps: this.envSteps };
  }

  /** A live change of one member's keys (learning rate, exploration, evaluation cadence); shared keys are refused naming them. */
  setMemberHyperparameters(member: number, patch: Record<string, unknown>, source?: string): HyperparameterEvent[] {
    this.checkMember(member);
    const checked = this.settings.checkMemberPatch(member, patch);
    const events = this.settings.apply(member, checked, this.update, source);
    this.pendingEvents[member].push(...events);
    this.agent.setMemberHyperparameters(member, checked);
    return events;
  }

  /** A live change of keys every member shares (the experience's schedule, batch size, target interval): all members at once. */
  setSharedHyperparameters(patch: Record<string, unknown>): HyperparameterEvent[][] {
    const checked = this.settings.checkSharedPatch(patch);
    const events = this.settings.values.map((_, k) => this.settings.apply(k, checked, this.update));
    events.forEach((e, k) => this.pendingEvents[k].push(...e));
    this.agent.setSharedHyperparameters(checked);
    return events;
  }

  private checkMember(member: number): void {
    checkMember(member, this.members);
  }

  private evaluationDue(member: number): boolean {
    if (this.lastEvaluatedAt[member] === this.update || this.diverged[member]) return false;
    return this.update % Number(this.settings.values[member].updatesPerEval) === 0 || this.finished;
  }

  /** Evaluates the members that are due (or those listed) in one batched pass over their environments. */
  async evaluate(members?: number[]): Promise<(EvaluationResult | null)[]> {
    const due = members ?? this.parts.flatMap((_, k) => (this.evaluationDue(k) ? [k] : []));
    const seeds = this.parts.map((m, k) => (due.includes(k) ? Array.from({ length: Number(this.settings.values[k].evalEpisodes) }, () => m.evaluate.nextUint32()) : []));
    for (const k of due) this.lastEvaluatedAt[k] = this.update;
    return evaluateMembers(this.agent, this.envId, seeds, this.update, this.actionScale, this.config.dataset.envOptions);
  }

  /** Updates of every member (collecting as scheduled) until `budgetMs` passed or `maxCount` updates are done. */
  async run(budgetMs: number, maxCount = Number.POSITIVE_INFINITY): Promise<OnlinePopulationTick> {
    const evaluations: EvaluationResult[][] = this.parts.map(() => []);
    const pending: tf.Tensor2D[] = [];
    const firstUpdate = this.update;
    const start = performance.now();
    let evalTime = 0;
    const evaluateDue = async () => {
      if (!this.parts.some((_, k) => this.evaluationDue(k))) return false;
      const t0 = performance.now();
      (await this.evaluate()).forEach((r, k) => r && evaluations[k].push(r));
      evalTime += performance.now() - t0;
      return true;
    };
    try {
      await evaluateDue();
      while (pending.length < maxCount && !this.finished && performance.now() - start < budgetMs) {
        const batch = await this.experience.next(this.update);
        const metrics = this.agent.update(batch);
        tf.dispose(Object.values(batch));
        pending.push(metrics);
        this.update += 1;
        if (pending.length % SYNC_EVERY === 0) await metrics.data();
        if (await evaluateDue()) break; // let the host report the evaluation before training on
      }
      const metrics = await readMemberMetrics(pending, this.agent.metricNames, firstUpdate, () => pending.length, this.diverged);
      const trainTime = performance.now() - start - evalTime;
      this.wallMs += performance.now() - start;
      const events = this.pendingEvents;
      this.pendingEvents = this.parts.map(() => []);
      return {
        members: this.parts.map((m, k) => ({ ...metrics[k], episodes: m.collector.takeEpisodes(), evaluations: evaluations[k], events: events[k] })),
        envSteps: this.envSteps,
        updatesPerSecond: trainTime > 0 ? (pending.length / trainTime) * 1000 : 0,
      };
    } finally {
      tf.dispose(pending);
    }
  }

  /**
   * Every member as a lone online run's checkpoint: weights, optimizer moments, settings, position, environment steps
   * and (replay) the latest rows of its own buffer, capped as a lone run's, so Trainer.restore resumes it alone.
   */
  async checkpoints(): Promise<TrainerCheckpoint[]> {
    // Steps and rows are taken with the weights' read, before any await: a tick going on meanwhile adds nothing to them.
    const envSteps = this.envSteps;
    const replays = this.parts.map((_, k) => this.experience.checkpointExtra(k));
    const all = await memberCheckpoints(this.agent, this.update, this.wallMs, (k) => this.hyperparameters(k));
    return all.map((c, k) => ({ ...c, envSteps, ...replays[k] }));
  }

  /** A lone run's checkpoint (same algorithm and shapes) into member k's slices (PBT's exploit); member k keeps its settings, environments and buffer. */
  loadMember(member: number, checkpoint: TrainerCheckpoint): void {
    this.checkMember(member);
    loadMemberCheckpoint(this.agent, this.algorithm.id, member, checkpoint);
  }

  /**
   * A population of members `keep` only (e.g. when the others stopped), which goes on exactly as they would have gone
   * on here: a new model of keep.length members takes over their weights, targets, optimizer moments and the update's
   * counters; each kept member brings its environments, replay buffer or rollout, Rng streams, live values, pending
   * events, evaluation and divergence state; the update count and the schedule's position carry over. This population's agent is
   * disposed; call between runs, not during one.
   */
  keepMembers(keep: number[]): OnlinePopulationTrainer {
    checkKeep(keep, this.members);
    const kept = keep.map((k) => this.parts[k]);
    // Creating the new model draws initial weights from the members' init streams: their positions are put back after.
    const initPositions = kept.map((m) => copyOf(m.init));
    let next: OnlinePopulationTrainer;
    try {
      next = new OnlinePopulationTrainer({ ...this.config, members: keep.map((k) => this.settings.values[k]) }, { keep, parts: kept, experience: this.experience });
    } finally {
      kept.forEach((m, j) => m.init.copyFrom(initPositions[j]));
    }
    try {
      next.agent.takeMembers(this.agent.keepMembers(keep));
    } catch (e) {
      next.agent.dispose();
      throw e;
    }
    keep.forEach((k, j) => {
      next.pendingEvents[j] = this.pendingEvents[k];
      next.lastEvaluatedAt[j] = this.lastEvaluatedAt[k];
      next.diverged[j] = this.diverged[k];
    });
    next.update = this.update;
    next.wallMs = this.wallMs;
    this.agent.dispose();
    this.handedOver = true;
    return next;
  }

  dispose(): void {
    if (this.handedOver) return; // its agent is gone, its members' parts and experience the smaller population's
    this.experience.dispose();
    this.agent.dispose();
  }
}

function copyOf(rng: Rng): Rng {
  const copy = new Rng(0);
  copy.copyFrom(rng);
  return copy;
}
