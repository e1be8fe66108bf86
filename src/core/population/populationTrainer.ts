// Offline training of K runs of one algorithm on one dataset as one batched model (a population job of the worker pool).
// Each member keeps what makes it a run of its own: its seed (initial weights, batch sampling, evaluation resets), its
// per-member hyperparameters, its update events, evaluations and checkpoints, which are a lone run's checkpoints.
import * as tf from '@tensorflow/tfjs';
import { getAlgorithm } from '../algos/registry';
import { membersThatFit, POPULATION_MEMORY_BYTES } from '../experiments/populations';
import type { AlgorithmDef } from '../algos/types';
import type { Dataset } from '../data/dataset';
import { observationStats } from '../data/statistics';
import { datasetEnvSpec } from '../data/datasetEnv';
import type { SamplingMode } from '../data/trajectoryWeights';
import { Rng } from '../rng';
import { actionScaleFor, type ActionScale } from '../run/actionScale';
import { DeviceDataset, type SequenceRows } from '../run/deviceDataset';
import type { EvaluationResult } from '../run/evaluate';
import type { HyperparameterEvent, MetricBatch } from '../run/events';
import { HyperparameterError, type HyperParam, type HyperValues } from '../run/hyperparameters';
import { MemberSettings } from './memberSettings';
import { runSchema } from '../run/runSettings';
import type { TrainerCheckpoint } from '../run/trainer';
import { evaluateMembers } from './evaluateMembers';
import { loadMemberCheckpoint, memberCheckpoints } from './memberCheckpoints';
import { checkKeep, checkMember } from './memberIndex';
import { readMemberMetrics } from './memberMetrics';
import { onlinePopulationDef, populationAlgorithms, populationDef } from './registry';
import type { MemberBatch, MemberSequenceBatch, PopulationAgent, PopulationDef } from './types';

export interface PopulationConfig {
  dataset: Dataset;
  algorithmId: string;
  /** One settings patch per member (its seed among them); anything left out takes its default. */
  members: Record<string, unknown>[];
  startUpdate?: number;
}

export interface MemberTick {
  /** This member's rows of the tick (none once it finished or diverged). */
  metrics: MetricBatch | null;
  evaluations: EvaluationResult[];
  events: HyperparameterEvent[];
  /** Set once when the member's metrics became non-finite; its slice trains on, unreported, until the job drops it (keepMembers). */
  error?: string;
}

export interface PopulationTick {
  members: MemberTick[];
  /** Population updates per second (each one updates every member). */
  updatesPerSecond: number;
}

const SYNC_EVERY = 4;

export class PopulationTrainer {
  readonly algorithm: AlgorithmDef;
  readonly def: PopulationDef;
  readonly schema: HyperParam[];
  readonly agent: PopulationAgent;
  readonly shared: string[];
  update = 0;
  wallMs = 0;
  private readonly settings: MemberSettings;
  private readonly values: HyperValues[];
  /** Each member's streams, forked from its seed as a lone Trainer forks them: initialisation (and the update's noise), batch sampling, evaluation resets. */
  private readonly rngs: { init: Rng; sample: Rng; evaluate: Rng }[];
  private readonly data: DeviceDataset;
  private readonly envId: string | null;
  private readonly actionScale: ActionScale | null;
  private pendingEvents: HyperparameterEvent[][];
  private readonly lastEvaluatedAt: number[];
  private readonly diverged: (string | null)[];
  /** Set once keepMembers handed this population's state to a smaller one. */
  private handedOver = false;

  /** `data`: the dataset already on the device, handed over by a larger population of the same settings (keepMembers). */
  constructor(
    readonly config: PopulationConfig,
    data?: DeviceDataset,
  ) {
    this.algorithm = getAlgorithm(config.algorithmId);
    if (onlinePopulationDef(config.algorithmId)) throw new Error(`${this.algorithm.name} learns by interacting: its population trains with OnlinePopulationTrainer`);
    const def = populationDef(config.algorithmId);
    if (!def) throw new Error(`${this.algorithm.name} has no population version (populations: ${populationAlgorithms().join(', ')}); train its runs alone`);
    this.def = def;
    this.schema = [...this.algorithm.hyperparameters, ...runSchema];
    this.settings = new MemberSettings(this.schema, def, this.algorithm.name, config.members);
    this.values = this.settings.values;
    this.shared = this.settings.shared;
    this.checkMemory();
    if (this.values.some((v) => v.interaction === 'online')) throw new HyperparameterError('interaction', 'a population trains on its dataset only: train a run that interacts with its environment (interaction online) alone');
    const d = config.dataset;
    const kind = d.discreteActions !== null ? 'discrete' : 'continuous';
    if (!this.algorithm.actions.includes(kind)) throw new Error(`${this.algorithm.name} does not handle ${kind} actions`);
    // Each member's streams as a lone Trainer forks them from its seed: initialisation, sampling, evaluation.
    this.rngs = this.values.map((v) => {
      const rng = new Rng(Number(v.seed));
      return { init: rng.fork(), sample: rng.fork(), evaluate: rng.fork() };
    });
    const envSpec = datasetEnvSpec(d);
    this.envId = envSpec ? envSpec.id : null;
    const first = this.values[0];
    // The rows a lone run trains on (e.g. %BC's best episodes): the filter reads shared keys only, so one set serves all.
    const keepRows = this.algorithm.filterRows ? this.algorithm.filterRows(d, first) : null;
    const stats = observationStats(d, keepRows ?? undefined);
    this.actionScale = envSpec ? actionScaleFor(envSpec.actionSpace, d.actionDim) : null;
    this.data = data ?? new DeviceDataset(d, first.gamma !== undefined ? Number(first.gamma) : 0.99, this.actionScale, keepRows);
    this.data.setSampling(first.sampling as SamplingMode, Number(first.samplingTemperature));
    this.agent = def.create({
      members: this.values.length,
      observationDim: d.observationDim,
      actionDim: d.actionDim,
      discreteActions: d.discreteActions,
      hyperparameters: this.values,
      rngs: this.rngs.map((f) => f.init),
      observationMean: stats.mean,
      observationStd: stats.std,
      startUpdate: config.startUpdate ?? 0,
      dataset: d,
      actionScale: this.actionScale,
    });
    this.update = config.startUpdate ?? 0;
    this.pendingEvents = this.values.map(() => []);
    this.lastEvaluatedAt = this.values.map(() => -1);
    this.diverged = this.values.map(() => null);
  }

  get members(): number {
    return this.values.length;
  }

  /** Refuses more members than fit in a population's memory (the runtime would abort mid-update), naming the sizes. */
  private checkMemory(): void {
    const memory = this.def.memberMemory;
    if (!memory) return;
    const fit = membersThatFit({ ...memory, defaults: [] }, this.values[0]);
    if (this.members <= fit) return;
    const sizes = memory.keys.map((key) => `${this.settings.label(key)} ${String(this.values[0][key])}`).join(', ');
    const gib = (this.members * memory.bytesPerUnit * memory.keys.reduce((n, key) => n * Number(this.values[0][key]), 1)) / 2 ** 30;
    throw new Error(`a ${this.algorithm.name} population of ${this.members} members at ${sizes} would hold about ${gib.toFixed(1)} GiB in its updates, more than the ${POPULATION_MEMORY_BYTES / 2 ** 30} GiB one population may use: train at most ${fit} members together`);
  }

  hyperparameters(member: number): HyperValues {
    return { ...this.values[member] };
  }

  memberFinished(member: number): boolean {
    return this.update >= Number(this.values[member].maxUpdates);
  }

  /** Where member k stands, as its lone run reports it: the population's updates, up to its own total. */
  memberProgress(member: number): { update: number } {
    return { update: Math.min(this.update, Number(this.values[member].maxUpdates)) };
  }

  get finished(): boolean {
    return this.values.every((_, k) => this.memberFinished(k));
  }

  /**
   * A live change of one member: per-member keys are written to its slice of the device values; per-run keys (evaluation
   * cadence, total updates) to its own settings. A shared key is refused naming it (change it for every member, or
   * train the run alone). All-or-nothing; one event per key that changed.
   */
  setMemberHyperparameters(member: number, patch: Record<string, unknown>, source?: string): HyperparameterEvent[] {
    const checked = this.checkMemberPatch(member, patch);
    const events = this.record(member, checked, source);
    this.agent.setMemberHyperparameters(member, checked);
    return events;
  }

  /** Validates a live change of one member (see MemberSettings.checkMemberPatch). */
  private checkMemberPatch(member: number, patch: Record<string, unknown>): HyperValues {
    this.checkMember(member);
    return this.settings.checkMemberPatch(member, patch);
  }

  /** A live change of keys every member shares (batch size, sampling, TD3's policy delay): applied to all members. */
  setSharedHyperparameters(patch: Record<string, unknown>): HyperparameterEvent[][] {
    const checked = this.settings.checkSharedPatch(patch);
    const events = this.values.map((_, k) => this.record(k, checked));
    if ('sampling' in checked || 'samplingTemperature' in checked) this.data.setSampling(this.values[0].sampling as SamplingMode, Number(this.values[0].samplingTemperature));
    this.agent.setSharedHyperparameters(checked);
    return events;
  }

  private record(member: number, checked: HyperValues, source?: string): HyperparameterEvent[] {
    const events = this.settings.apply(member, checked, this.update, source);
    this.pendingEvents[member].push(...events);
    return events;
  }

  private checkMember(member: number): void {
    checkMember(member, this.members);
  }

  /** K minibatches from the members' own sampling seeds, gathered in one pass and stacked [K, B, ...]. */
  private sampleMembers(): MemberBatch {
    const K = this.members;
    const B = Number(this.values[0].batchSize);
    const needsNext = this.algorithm.usesNextState ?? false;
    const idx = new Int32Array(K * B);
    this.rngs.forEach((r, k) => idx.set(this.data.sampleRows(B, r.sample, needsNext), k * B));
    const flat = this.data.gatherRows(idx, needsNext);
    const out = tf.tidy(() => {
      const rows = (t: tf.Tensor2D) => tf.reshape(t, [K, B, t.shape[1]]) as tf.Tensor3D;
      const cols = (t: tf.Tensor1D) => tf.reshape(t, [K, B]) as tf.Tensor2D;
      return {
        observations: rows(flat.observations),
        actions: rows(flat.actions),
        rewards: cols(flat.rewards),
        nextObservations: rows(flat.nextObservations),
        dones: cols(flat.dones),
        mcReturns: cols(flat.mcReturns),
        ...(flat.nextActions ? { nextActions: rows(flat.nextActions) } : {}),
      };
    });
    tf.dispose(Object.values(flat));
    return out;
  }

  /** K members' windows (sequence models), each member's from its own sampling seed, gathered in one pass [K, B, T, ...]. */
  private sampleMemberSequences(): MemberSequenceBatch {
    const [K, B, T] = [this.members, Number(this.values[0].batchSize), Number(this.values[0].contextLength)];
    const rows = this.rngs.map((r) => this.data.sequenceRows(B, T, r.sample));
    const joined = <A extends Int32Array | Float32Array>(part: (x: SequenceRows) => A, make: (n: number) => A): A => {
      const out = make(K * B * T);
      rows.forEach((x, k) => out.set(part(x), k * B * T));
      return out;
    };
    const all = { idx: joined((x) => x.idx, (n) => new Int32Array(n)), mask: joined((x) => x.mask, (n) => new Float32Array(n)), timesteps: joined((x) => x.timesteps, (n) => new Int32Array(n)) };
    return this.data.gatherSequences(all, [K, B, T]) as MemberSequenceBatch;
  }

  private evaluationDue(member: number): boolean {
    if (this.envId === null || this.lastEvaluatedAt[member] === this.update || this.diverged[member]) return false;
    const max = Number(this.values[member].maxUpdates);
    if (this.update > max) return false;
    return this.update % Number(this.values[member].updatesPerEval) === 0 || this.update === max;
  }

  /** Evaluates the members that are due (or those listed) in one batched pass over their environments. */
  async evaluate(members?: number[]): Promise<(EvaluationResult | null)[]> {
    if (!this.envId) throw new Error('this dataset has no environment, so the policies cannot be evaluated');
    const due = members ?? this.values.flatMap((_, k) => (this.evaluationDue(k) ? [k] : []));
    const seeds = this.values.map((v, k) => (due.includes(k) ? Array.from({ length: Number(v.evalEpisodes) }, () => this.rngs[k].evaluate.nextUint32()) : []));
    for (const k of due) this.lastEvaluatedAt[k] = this.update;
    return evaluateMembers(this.agent, this.envId, seeds, this.update, this.actionScale, this.config.dataset.envOptions);
  }

  private anyEvaluationDue(): boolean {
    return this.values.some((_, k) => this.evaluationDue(k));
  }

  /** Updates of every member until `budgetMs` passed or `maxCount` updates are done; metrics [K, metrics] per update, read once. */
  async run(budgetMs: number, maxCount = Number.POSITIVE_INFINITY): Promise<PopulationTick> {
    const evaluations: EvaluationResult[][] = this.values.map(() => []);
    const pending: tf.Tensor2D[] = [];
    const firstUpdate = this.update;
    const start = performance.now();
    let evalTime = 0;
    const evaluateDue = async () => {
      const t0 = performance.now();
      (await this.evaluate()).forEach((r, k) => r && evaluations[k].push(r));
      evalTime += performance.now() - t0;
    };
    try {
      if (this.anyEvaluationDue()) await evaluateDue();
      while (pending.length < maxCount && !this.finished && performance.now() - start < budgetMs) {
        const batch = this.algorithm.batchKind === 'sequences' ? this.sampleMemberSequences() : this.sampleMembers();
        if (this.agent.prepareUpdate) await this.agent.prepareUpdate(batch);
        const metrics = this.agent.update(batch);
        tf.dispose(Object.values(batch));
        pending.push(metrics);
        this.update += 1;
        if (pending.length % SYNC_EVERY === 0) await metrics.data();
        if (this.anyEvaluationDue()) {
          await evaluateDue();
          break;
        }
        // A member reaching its total ends the tick, so its final checkpoint is taken at exactly that update.
        if (this.values.some((v) => Number(v.maxUpdates) === this.update)) break;
      }
      const metrics = await this.readMetrics(pending, firstUpdate);
      const trainTime = performance.now() - start - evalTime;
      this.wallMs += performance.now() - start;
      const events = this.pendingEvents;
      this.pendingEvents = this.values.map(() => []);
      return {
        members: metrics.map((m, k) => ({ ...m, evaluations: evaluations[k], events: events[k] })),
        updatesPerSecond: trainTime > 0 ? (pending.length / trainTime) * 1000 : 0,
      };
    } finally {
      tf.dispose(pending);
    }
  }

  /** One read of [updates, K, metrics]; each member gets its rows up to its total updates, or up to its divergence. */
  private readMetrics(pending: tf.Tensor2D[], firstUpdate: number): Promise<{ metrics: MetricBatch | null; error?: string }[]> {
    const rowsOf = (k: number) => Math.max(0, Math.min(pending.length, Number(this.values[k].maxUpdates) - firstUpdate));
    return readMemberMetrics(pending, this.agent.metricNames, firstUpdate, rowsOf, this.diverged);
  }

  /** Every member as a lone run's checkpoint (weights, optimizer moments, settings, position). */
  checkpoints(): Promise<TrainerCheckpoint[]> {
    return memberCheckpoints(this.agent, this.update, this.wallMs, (k) => this.hyperparameters(k));
  }

  /** A lone run's checkpoint (same algorithm and shapes) into member k's slices; member k keeps its settings. */
  loadMember(member: number, checkpoint: TrainerCheckpoint): void {
    this.checkMember(member);
    loadMemberCheckpoint(this.agent, this.algorithm.id, member, checkpoint);
  }

  /** PBT's exploit and explore inside the population: member `to` takes member `from`'s weights and optimizer state, then `patch`. */
  exploit(from: number, to: number, patch: Record<string, unknown>, source: string): HyperparameterEvent[] {
    this.checkMemberPatch(to, patch); // a bad value copies nothing
    this.agent.copyMember(from, to);
    return this.setMemberHyperparameters(to, patch, source);
  }

  /**
   * A population of members `keep` only (e.g. when the others stopped), which goes on exactly as they would have gone
   * on here: a new model of keep.length members takes over their weights, targets, optimizer moments and steps, live
   * values, update counter, every Rng's position, evaluation and divergence state, pending events, and this
   * population's dataset on the device. This population is disposed; call between runs, not during one.
   */
  keepMembers(keep: number[]): PopulationTrainer {
    checkKeep(keep, this.members);
    const next = new PopulationTrainer({ ...this.config, members: keep.map((k) => this.values[k]), startUpdate: this.update }, this.data);
    try {
      next.agent.takeMembers(this.agent.keepMembers(keep));
    } catch (e) {
      next.agent.dispose(); // the dataset stays this population's
      throw e;
    }
    keep.forEach((k, j) => {
      for (const stream of ['init', 'sample', 'evaluate'] as const) next.rngs[j][stream].copyFrom(this.rngs[k][stream]);
      next.pendingEvents[j] = this.pendingEvents[k];
      next.lastEvaluatedAt[j] = this.lastEvaluatedAt[k];
      next.diverged[j] = this.diverged[k];
    });
    next.wallMs = this.wallMs;
    this.agent.dispose();
    this.handedOver = true;
    return next;
  }

  dispose(): void {
    if (this.handedOver) return; // its dataset is the smaller population's now, its agent gone
    this.agent.dispose();
    this.data.dispose();
  }
}
