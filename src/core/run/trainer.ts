import * as tf from '@tensorflow/tfjs';
import { getAlgorithm } from '../algos/registry';
import type { Agent, AlgorithmDef, Checkpoint, ExperienceKind } from '../algos/types';
import { collectOptimizers, type Adam, type OptimizerState } from '../algos/optim';
import type { Dataset } from '../data/dataset';
import { observationStats } from '../data/statistics';
import { datasetEnvSpec, envOptionsOf } from '../data/datasetEnv';
import { actionScaleFor, type ActionScale } from './actionScale';
import { Rng } from '../rng';
import { DeviceDataset } from './deviceDataset';
import { inspectAgent, type InspectRequest, type InspectResult } from './inspect';
import { generatePolicyDataset, type PolicyDatasetOptions } from './policyDataset';
import { evaluateAgent, type EvaluationResult } from './evaluate';
import type { HyperparameterEvent, MetricBatch } from './events';
import { resolveValues, validatePatch, type HyperParam, type HyperValues } from './hyperparameters';
import { runSchema } from './runSettings';
import type { SamplingMode } from '../data/trajectoryWeights';
import { EnvCollector, type TrainingEpisode } from './envCollector';
import { OfflineSource, type ExperienceSource } from './experience';
import { snapshotRowBytes, type ReplayBuffer, type ReplaySnapshot } from './replayBuffer';
import { ReplaySource, replaySchedule } from './replaySource';
import { RolloutSource, rolloutSettings } from './rolloutSource';
import { checkFinetunable, FINETUNE_BUFFER_CAPACITY } from './finetune';

export interface TrainerConfig {
  dataset: Dataset;
  /** Updates already done (a run restored from a checkpoint): the agent's schedules continue from here. */
  startUpdate?: number;
  algorithmId: string;
  /** Algorithm and run settings in one patch; anything left out takes its default. */
  hyperparameters?: Record<string, unknown>;
  /** Environment steps already taken (a restored online run): the step count and exploration schedules go on from here. */
  startEnvSteps?: number;
}

export interface TickResult {
  metrics: MetricBatch | null;
  evaluations: EvaluationResult[];
  events: HyperparameterEvent[];
  updatesPerSecond: number;
  /** Environment steps taken so far (online experience; 0 for offline runs). */
  envSteps?: number;
  /** Episodes of the acting policy that ended during the tick (online experience). */
  episodes?: TrainingEpisode[];
}

/** How often the host awaits a small read: bounds the queue of work an async backend (webgpu, webgl) holds. */
const SYNC_EVERY = 4;

export class TrainingDivergedError extends Error {}

/** Enough to resume a run elsewhere (another backend, another worker, after a reload): weights, optimizer moments, settings and position. */
export interface TrainerCheckpoint {
  update: number;
  hyperparameters: HyperValues;
  agent: Checkpoint;
  /** Every Adam of the agent, in creation order; absent in old checkpoints (the moments then restart). */
  optimizers?: OptimizerState[];
  /** Training time up to this checkpoint, for the wall-time axis. */
  wallMs?: number;
  /** Environment steps up to this checkpoint (online runs). */
  envSteps?: number;
  /**
   * The replay buffer's latest rows (replay-based online runs and fine-tuning), at most REPLAY_CHECKPOINT_BYTES of
   * them: a paused, resumed, reloaded or forked run keeps learning from what it saw. Absent in older checkpoints and
   * for PPO (its rollouts are used once and dropped).
   */
  replay?: ReplaySnapshot;
}

/**
 * The most replay rows a checkpoint carries, in bytes (8 MiB: about 160k CartPole rows, 70k Hopper rows). Checkpoints
 * are copied to the page and stored in IndexedDB every few seconds while a run trains, so a 1M-row SAC buffer (116 MB
 * on Hopper) is cut to its latest rows; the oldest, the least on-policy, are the ones dropped.
 */
export const REPLAY_CHECKPOINT_BYTES = 8 * 1024 * 1024;

/** The latest rows of `buffer` that a checkpoint carries (at most REPLAY_CHECKPOINT_BYTES of them). */
export function checkpointReplay(buffer: ReplayBuffer): ReplaySnapshot {
  return buffer.snapshot(Math.floor(REPLAY_CHECKPOINT_BYTES / snapshotRowBytes(buffer.observationDim, buffer.actionDim)));
}

/**
 * Training of one agent, independent of any worker or page: the worker drives it with ticks, Node tests drive it
 * directly. Batches come from an experience source (experience.ts): the dataset for offline algorithms, a replay
 * buffer or rollouts filled in the dataset's environment for online ones, and a replay buffer mixed with the dataset
 * when an offline run is switched to online fine-tuning (the `interaction` setting, an event like any change).
 */
export class Trainer {
  readonly algorithm: AlgorithmDef;
  readonly schema: HyperParam[];
  readonly agent: Agent;
  /** Updates done so far; also the index of the next update. */
  update = 0;
  /** Milliseconds spent in updates and evaluations so far (not paused time): the wall-time x-axis. */
  wallMs = 0;
  private values: HyperValues;
  private readonly optimizers: Adam[];
  private readonly data: DeviceDataset;
  private readonly sampleRng: Rng;
  private readonly evalRng: Rng;
  private readonly envRng: Rng;
  private source: ExperienceSource;
  /** Environment steps of sources that were replaced (a fine-tuning run switched back offline) or before a restore. */
  private envStepsBase: number;
  private readonly envId: string | null;
  private readonly actionScale: ActionScale | null;
  private pendingEvents: HyperparameterEvent[] = [];
  private lastEvaluatedAt = -1;

  constructor(readonly config: TrainerConfig) {
    this.algorithm = getAlgorithm(config.algorithmId);
    this.schema = [...this.algorithm.hyperparameters, ...runSchema];
    this.values = resolveValues(this.schema, config.hyperparameters ?? {}, this.algorithm.name);
    const d = config.dataset;
    const kind = d.discreteActions !== null ? 'discrete' : 'continuous';
    if (!this.algorithm.actions.includes(kind)) throw new Error(`${this.algorithm.name} does not handle ${kind} actions`);
    const rng = new Rng(Number(this.values.seed));
    const initRng = rng.fork();
    this.sampleRng = rng.fork();
    this.evalRng = rng.fork();
    this.envRng = rng.fork();
    this.envStepsBase = config.startEnvSteps ?? 0;
    // The dataset's own environment: a custom layout is evaluated on that map, not the registered one.
    const envSpec = datasetEnvSpec(d);
    this.envId = envSpec ? envSpec.id : null;
    if (this.algorithm.batchKind === 'sequences' && this.values.contextLength === undefined) throw new Error(`${this.algorithm.name} trains on sequences but has no contextLength hyperparameter`);
    const keepRows = this.algorithm.filterRows ? this.algorithm.filterRows(d, this.values) : null;
    const stats = observationStats(d, keepRows ?? undefined);
    this.actionScale = envSpec ? actionScaleFor(envSpec.actionSpace, d.actionDim) : null;
    this.data = new DeviceDataset(d, this.values.gamma !== undefined ? Number(this.values.gamma) : 0.99, this.actionScale, keepRows);
    this.applySampling();
    const built = collectOptimizers(() =>
      this.algorithm.create({
        observationDim: d.observationDim,
        actionDim: d.actionDim,
        discreteActions: d.discreteActions,
        hyperparameters: this.values,
        rng: initRng,
        observationMean: stats.mean,
        observationStd: stats.std,
        startUpdate: config.startUpdate ?? 0,
        dataset: d,
        actionScale: this.actionScale,
      }),
    );
    this.agent = built.value;
    this.optimizers = built.optimizers;
    if (this.experienceKind(this.values) !== 'offline' && this.algorithm.experience === undefined) checkFinetunable(this.algorithm, this.envId, d.name);
    this.source = this.makeSource(this.values);
  }

  /** Where batches come from under `values`: the algorithm's own kind, or a replay buffer once an offline run goes online. */
  private experienceKind(values: HyperValues): ExperienceKind {
    const own = this.algorithm.experience ?? 'offline';
    return own === 'offline' && values.interaction === 'online' ? 'replay' : own;
  }

  private makeSource(values: HyperValues): ExperienceSource {
    const kind = this.experienceKind(values);
    if (kind === 'offline') return new OfflineSource(this.data, this.algorithm, this.sampleRng, Number(values.contextLength ?? 1));
    if (!this.envId) throw new Error(`${this.algorithm.name} learns by interacting, but dataset "${this.config.dataset.name}" has no environment to interact with`);
    const numEnvs = values.numEnvs === undefined ? 1 : Number(values.numEnvs);
    const collector = new EnvCollector(this.envId, numEnvs, envOptionsOf(this.config.dataset.envOptions), this.envRng.nextUint32(), this.actionScale);
    collector.envSteps = this.envStepsBase;
    if (kind === 'rollout') return new RolloutSource(collector, this.agent, rolloutSettings(values), this.sampleRng);
    const finetuning = (this.algorithm.experience ?? 'offline') === 'offline';
    const capacity = values.bufferSize === undefined ? FINETUNE_BUFFER_CAPACITY : Number(values.bufferSize);
    const gamma = values.gamma === undefined ? 0.99 : Number(values.gamma);
    return new ReplaySource(collector, this.agent, capacity, gamma, replaySchedule(values), this.sampleRng, finetuning ? this.data : null);
  }

  /** Environment steps taken so far by the acting policy (0 for an offline run). */
  get envSteps(): number {
    return Math.max(this.envStepsBase, this.source.envSteps);
  }

  get hyperparameters(): HyperValues {
    return { ...this.values };
  }

  /** Offline runs (and fine-tuning) stop at their total updates, online algorithms at their total environment steps. */
  get finished(): boolean {
    const own = this.algorithm.experience ?? 'offline';
    if (own !== 'offline') return this.envSteps >= Number(this.values.totalEnvSteps) && !this.source.pending;
    return this.update >= Number(this.values.maxUpdates);
  }

  get canEvaluate(): boolean {
    return this.envId !== null;
  }

  /**
   * Validates and applies a change before the next update (all-or-nothing), and records one event per key
   * that changed. Throws a HyperparameterError naming the key when the value is bad or not live.
   */
  setHyperparameters(patch: Record<string, unknown>): HyperparameterEvent[] {
    const checked = validatePatch(this.schema, patch, this.algorithm.name, true);
    const next = { ...this.values, ...checked };
    const switching = this.experienceKind(next) !== this.experienceKind(this.values);
    if (switching) checkFinetunable(this.algorithm, this.envId, this.config.dataset.name);
    const events: HyperparameterEvent[] = [];
    for (const [key, to] of Object.entries(checked)) {
      const from = this.values[key];
      if (from === to) continue;
      const label = this.schema.find((p) => p.key === key)!.label;
      events.push({ update: this.update, key, label, from, to });
    }
    this.values = { ...this.values, ...checked };
    if ('sampling' in checked || 'samplingTemperature' in checked) this.applySampling();
    this.agent.setHyperparameters(checked);
    if (switching) {
      // The switch to online (or back): a new source; the steps taken so far keep counting.
      this.envStepsBase = this.envSteps;
      this.source.dispose();
      this.source = this.makeSource(this.values);
    } else this.source.setHyperparameters(this.values);
    this.pendingEvents.push(...events);
    return events;
  }

  /** The run's batch sampler (uniform, or Hong et al.'s return-weighted) from the current settings. */
  private applySampling(): void {
    this.data.setSampling(this.values.sampling as SamplingMode, Number(this.values.samplingTemperature));
  }

  private evaluationDue(): boolean {
    if (!this.canEvaluate || this.lastEvaluatedAt === this.update) return false;
    return this.update % Number(this.values.updatesPerEval) === 0 || this.finished;
  }

  /** Evaluates the current policy on fresh seeded episodes. */
  async evaluate(): Promise<EvaluationResult> {
    if (!this.envId) throw new Error('this dataset has no environment, so the policy cannot be evaluated');
    const seeds = Array.from({ length: Number(this.values.evalEpisodes) }, () => this.evalRng.nextUint32());
    this.lastEvaluatedAt = this.update;
    return evaluateAgent(this.agent, this.envId, seeds, this.update, this.actionScale, this.config.dataset.envOptions);
  }

  /** A dataset recorded from this agent's policy in the run's environment (policyDataset.ts). */
  recordDataset(opts: PolicyDatasetOptions): Promise<Dataset> {
    if (!this.envId) throw new Error('this dataset has no environment, so the policy cannot be rolled out');
    if (this.config.dataset.envOptions?.layout !== undefined) throw new Error('recording a dataset on a custom layout is not supported: use Generate a dataset on that layout');
    return generatePolicyDataset(this.agent, this.envId, this.actionScale, opts);
  }

  /**
   * Runs updates until `budgetMs` has passed or `maxCount` updates are done (or the run's total is reached),
   * evaluating when due. Metrics are stacked on the device and read once.
   */
  async run(budgetMs: number, maxCount = Number.POSITIVE_INFINITY): Promise<TickResult> {
    const evaluations: EvaluationResult[] = [];
    const pending: tf.Tensor1D[] = [];
    const firstUpdate = this.update;
    const start = performance.now();
    let evalTime = 0;
    try {
      if (this.evaluationDue()) {
        const t0 = performance.now();
        evaluations.push(await this.evaluate());
        evalTime += performance.now() - t0;
      }
      while (pending.length < maxCount && !this.finished && performance.now() - start < budgetMs) {
        const batch = await this.source.next(Number(this.values.batchSize), this.update);
        if (this.agent.prepareUpdate) await this.agent.prepareUpdate(batch);
        const agentMetrics = this.agent.update(batch);
        tf.dispose(Object.values(batch));
        const extra = this.source.metrics();
        const metrics = extra.length === 0 ? agentMetrics : tf.tidy(() => tf.concat([agentMetrics, tf.tensor1d(extra)]) as tf.Tensor1D);
        if (extra.length > 0) agentMetrics.dispose();
        pending.push(metrics);
        this.update += 1;
        if (pending.length % SYNC_EVERY === 0) await metrics.data();
        if (this.evaluationDue()) {
          const t0 = performance.now();
          evaluations.push(await this.evaluate());
          evalTime += performance.now() - t0;
          break; // let the host report the evaluation before training on
        }
      }
      const metrics = await this.readMetrics(pending, firstUpdate);
      const trainTime = performance.now() - start - evalTime;
      const events = this.pendingEvents;
      this.pendingEvents = [];
      this.wallMs += performance.now() - start;
      return {
        metrics,
        evaluations,
        events,
        updatesPerSecond: trainTime > 0 ? (pending.length / trainTime) * 1000 : 0,
        envSteps: this.envSteps,
        episodes: this.source.takeEpisodes(),
      };
    } finally {
      tf.dispose(pending);
    }
  }

  private async readMetrics(pending: tf.Tensor1D[], firstUpdate: number): Promise<MetricBatch | null> {
    if (pending.length === 0) return null;
    const stacked = tf.stack(pending);
    const values = (await stacked.data()) as Float32Array;
    stacked.dispose();
    const names = [...this.agent.metricNames, ...this.source.metricNames];
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        const update = firstUpdate + Math.floor(i / names.length);
        throw new TrainingDivergedError(`${names[i % names.length]} became ${values[i]} at update ${update}: training diverged (try a lower learning rate)`);
      }
    }
    return { names, firstUpdate, rows: pending.length, values };
  }

  async checkpoint(): Promise<TrainerCheckpoint> {
    const optimizers = await Promise.all(this.optimizers.map((o) => o.state()));
    const checkpoint: TrainerCheckpoint = { update: this.update, hyperparameters: this.hyperparameters, agent: await this.agent.save(), optimizers, wallMs: this.wallMs, envSteps: this.envSteps };
    if (this.source instanceof ReplaySource && this.source.buffer.size > 0) checkpoint.replay = checkpointReplay(this.source.buffer);
    return checkpoint;
  }

  /** Weights and optimizer moments from a checkpoint of the same algorithm and shapes (keeps this run's update count). */
  loadState(checkpoint: TrainerCheckpoint): void {
    this.agent.load(checkpoint.agent);
    const states = checkpoint.optimizers;
    if (states && states.length === this.optimizers.length) this.optimizers.forEach((o, i) => o.setState(states[i]));
  }

  /**
   * Population-based training's exploit and explore: take over another member's weights and optimizer state, then
   * change hyperparameters (live ones), each change an event with its source named. Keeps this run's own update count.
   */
  adopt(checkpoint: TrainerCheckpoint, patch: Record<string, unknown>, source: string): HyperparameterEvent[] {
    validatePatch(this.schema, patch, this.algorithm.name, true); // all-or-nothing: a bad value copies nothing
    this.loadState(checkpoint);
    const events = this.setHyperparameters(patch);
    for (const e of events) e.source = source;
    return events;
  }

  /** A trainer on the current backend, continuing from a checkpoint taken on any backend, with `patch` applied (a fork). */
  static restore(config: TrainerConfig, checkpoint: TrainerCheckpoint, patch: Record<string, unknown> = {}): Trainer {
    const trainer = new Trainer({ ...config, startUpdate: checkpoint.update, startEnvSteps: checkpoint.envSteps ?? 0, hyperparameters: { ...checkpoint.hyperparameters, ...patch } });
    trainer.loadState(checkpoint);
    if (checkpoint.replay && trainer.source instanceof ReplaySource) trainer.source.restore(checkpoint.replay);
    trainer.update = checkpoint.update;
    trainer.wallMs = checkpoint.wallMs ?? 0;
    trainer.lastEvaluatedAt = checkpoint.update;
    return trainer;
  }

  /**
   * The transitions this run's acting policy saw, episode by episode, as a "replay" dataset for offline lessons (the
   * episodes that ended since it last went online; environment units). Throws where the run has not interacted.
   */
  replayDataset(name: string): Dataset {
    const c = this.source.collector;
    if (!c) throw new Error('this run has not interacted with its environment: there is no replay to save');
    const d = this.config.dataset;
    return c.recorder.toDataset({ id: `replay-${this.values.seed}-${Date.now().toString(36)}`, name, envId: this.envId, behavior: `${this.algorithm.name} while training (replay)`, discreteActions: d.discreteActions, envOptions: d.envOptions });
  }

  /** Questions about the current agent (value heatmaps, Q(s, .) slices), answered between updates. */
  inspect(request: InspectRequest): Promise<InspectResult> {
    return inspectAgent(this.agent, this.config.dataset, this.actionScale, request);
  }

  dispose(): void {
    this.source.dispose();
    this.agent.dispose();
    this.data.dispose();
  }
}
