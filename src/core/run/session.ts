import * as tf from '@tensorflow/tfjs';
import { selectBackend, trySetBackend, type BackendName, type BackendProbe, type BackendReport, type BackendRequest, configureWasm, type WasmFiles } from '../tf/backend';
import { describeWebGpuAdapter } from '../tf/webgpuAdapter';
import { fixedUpdates } from './crossCheck';
import type { HyperparameterEvent, RunStatus, TrainingReport } from './events';
import { measureUpdatesPerSecond, type MeasureSpec } from './measure';
import { getAlgorithm, listAlgorithms } from '../algos/registry';
import type { AlgorithmDef } from '../algos/types';
import type { HyperParam } from './hyperparameters';
import { runSchema } from './runSettings';
import type { InspectRequest, InspectResult } from './inspect';
import { datasetEnvSpec } from '../data/datasetEnv';
import { prepareEnv } from '../envs/prepare';
import type { Dataset } from '../data/dataset';
import type { PolicyDatasetOptions } from './policyDataset';
import { exportPolicy, type PolicyExportFiles, type PolicyExportInfo } from './policyExport';
import { Trainer, TrainingDivergedError, type TickResult, type TrainerCheckpoint, type TrainerConfig } from './trainer';
import { PopulationJob, type PopulationStart } from '../population/populationJob';
import { populationInfo } from '../population/registry';
import type { PopulationInfo } from '../experiments/populations';

/** What the page knows of an algorithm: plain data only, so it crosses the worker boundary. */
export type AlgorithmInfo = Omit<AlgorithmDef, 'create' | 'filterRows'>;

export interface Catalog {
  algorithms: AlgorithmInfo[];
  runSchema: HyperParam[];
  /** Algorithms whose runs can train together as one population job (src/core/population). */
  populations?: PopulationInfo[];
}

export function algorithmInfo(a: AlgorithmDef): AlgorithmInfo {
  const { id, name, paper, summary, family, actions, hyperparameters, usesNextState, batchKind, experience, charts, metricHelp } = a;
  return { id, name, paper, summary, family, actions, hyperparameters, usesNextState, batchKind, experience, charts, metricHelp };
}

export type ReportListener = (report: TrainingReport) => void;

export interface SessionOptions {
  wasmFiles?: WasmFiles;
  /** Time budget of one training tick; the host handles messages (pause, hyperparameters) between ticks. */
  tickMs?: number;
}

/** Updates between checkpoints when no evaluation comes sooner. */
const CHECKPOINT_EVERY = 2000;

const yieldToHost = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * For `auto`: start on this backend at once instead of measuring every backend first (the page remembered what a
 * measurement on this device chose for this network shape, or guesses the likely-fastest and measures later).
 */
export interface BackendHint {
  name: BackendName;
  reason: string;
  /** What was measured before, shown with the choice. */
  measured?: Partial<Record<BackendName, number | null>>;
}

/** How a job starts: the run's id (named on every report), its config, and optionally where it starts from. */
export interface JobStart extends TrainerConfig {
  runId: string;
  backend?: BackendRequest;
  backendHint?: BackendHint;
  paused?: boolean;
  /** Continue from this checkpoint (a fork, a run restored after a reload), with `hyperparameters` applied over its own. */
  from?: TrainerCheckpoint;
}

/** What exporting the policy of a run without a worker needs: its dataset and algorithm (a JobStart fits). */
export type PolicySource = Pick<TrainerConfig, 'dataset' | 'algorithmId' | 'hyperparameters'>;

/** What policyExport needs to know of a trainer's run: names, shapes and, for a continuous box, the env's action range. */
function policyInfo(trainer: Trainer): PolicyExportInfo {
  const d = trainer.config.dataset;
  const spec = datasetEnvSpec(d);
  const space = spec?.actionSpace;
  const box = space?.kind === 'box' && d.discreteActions === null && space.low.length === d.actionDim ? space : null;
  return {
    algorithmName: trainer.algorithm.name,
    envId: spec?.id ?? d.envId ?? null,
    observationDim: d.observationDim,
    actionDim: d.actionDim,
    discreteActions: d.discreteActions,
    ...(box ? { actionLow: Array.from(box.low), actionHigh: Array.from(box.high) } : {}),
  };
}

/**
 * One job of the worker pool, driven by messages: start, pause, resume, step, stop, setHyperparameters. A job is one
 * run today (a population of runs trained as one batched model later); every report carries its run id.
 * The trainer worker exposes this object through Comlink; tests use it directly.
 */
export class TrainingSession {
  private trainer: Trainer | null = null;
  private listener: ReportListener = () => {};
  private status: RunStatus = 'idle';
  private backend: BackendReport | null = null;
  private backendKey = '';
  private loop: Promise<void> | null = null;
  private looping = false;
  private readonly tickMs: number;
  private config: TrainerConfig | null = null;
  private checkpoint: TrainerCheckpoint | null = null;
  private runId = '';
  /** Set while the loop is held between ticks for a backend switch (the run stays 'running' to the page). */
  private holding = false;
  /** A population job (several runs as one batched model), when this worker hosts one instead of a lone run. */
  private population: PopulationJob | null = null;

  constructor(options: SessionOptions = {}) {
    this.tickMs = options.tickMs ?? 100;
    configureWasm(options.wasmFiles);
  }

  /** The algorithms and run settings the page builds its controls from (plain data, no tensors). */
  catalog(): Catalog {
    return {
      algorithms: listAlgorithms().map(algorithmInfo),
      runSchema,
      populations: populationInfo((id) => [...getAlgorithm(id).hyperparameters, ...runSchema]),
    };
  }

  getStatus(): RunStatus {
    return this.status;
  }

  getBackend(): BackendReport | null {
    return this.backend;
  }

  /**
   * Chooses the backend for this algorithm and dataset shape (measuring when `auto` without a hint; a population's
   * K-member update when `members` > 1); cached per shape. A hint that cannot start falls back to measuring.
   */
  async prepareBackend(request: BackendRequest, config: TrainerConfig, hint?: BackendHint, members = 1): Promise<BackendReport> {
    const d = config.dataset;
    const spec: MeasureSpec = {
      algorithmId: config.algorithmId,
      observationDim: d.observationDim,
      actionDim: d.actionDim,
      discreteActions: d.discreteActions,
      hyperparameters: config.hyperparameters,
      ...(members > 1 ? { members } : {}),
    };
    const key = JSON.stringify([request, spec, hint?.name ?? null]);
    if (this.backend && key === this.backendKey) return this.backend;
    const hinted = request === 'auto' && hint ? await this.hintedBackend(hint) : null;
    this.backend = hinted ?? (await selectBackend(request, () => measureUpdatesPerSecond(spec)));
    this.backendKey = key;
    return this.backend;
  }

  private async hintedBackend(hint: BackendHint): Promise<BackendReport | null> {
    const failure = await trySetBackend(hint.name);
    if (failure) return null;
    const probes: BackendProbe[] = Object.entries(hint.measured ?? { [hint.name]: null }).map(([name, ups]) => ({ name: name as BackendName, initialised: true, updatesPerSecond: ups ?? null, note: name === hint.name ? 'in use' : '' }));
    return { requested: 'auto', active: hint.name, probes, reason: hint.reason, adapter: await describeWebGpuAdapter() };
  }

  /**
   * Measures every backend on this shape's real networks, as `auto` does, on an idle session (the page runs it in the
   * background and remembers the result). Refused while a run is active here (a finished run's trainer is disposed);
   * the next start chooses again.
   */
  async measureBackends(spec: MeasureSpec): Promise<BackendReport> {
    if (this.status === 'starting' || this.status === 'running' || this.status === 'paused') throw new Error('this trainer worker is busy with a run: measure when a worker is free');
    // A run that ended here leaves its trainer until the next start: it goes now.
    await this.stop();
    this.backend = null;
    this.backendKey = '';
    return selectBackend('auto', () => measureUpdatesPerSecond(spec));
  }

  /**
   * Moves the run to another backend between ticks: checkpoint (weights and optimizer moments), rebuild on `name`,
   * carry on; the curves continue. Returns the new report, or null when nothing changed (same backend, no run, or
   * `name` could not start: the run stays where it was).
   */
  async switchBackend(name: BackendName, reason: string): Promise<BackendReport | null> {
    if (!this.trainer || !this.config || !this.backend || this.backend.active === name || this.holding) return null;
    this.holding = true;
    const from = this.backend.active;
    try {
      await this.loop;
      if (!this.trainer) return null;
      const checkpoint = await this.trainer.checkpoint();
      this.trainer.dispose();
      this.trainer = null;
      const failure = await trySetBackend(name);
      if (failure) await trySetBackend(from);
      this.trainer = Trainer.restore(this.config, checkpoint);
      this.checkpoint = checkpoint;
      if (failure) return null;
      this.backend = { ...this.backend, active: name, reason };
      this.backendKey = '';
      this.listener({ runId: this.runId, wallMs: this.trainer.wallMs, update: this.trainer.update, status: this.status, metrics: null, evaluations: [], events: [], updatesPerSecond: 0, backend: this.backend, notice: `moved from ${from} to ${name} at update ${checkpoint.update.toLocaleString()}: ${reason}` });
      return this.backend;
    } finally {
      this.holding = false;
      if (this.status === 'running' && this.trainer && !this.looping) this.loop = this.runLoop();
    }
  }

  /** Starts a run (stopping any current one). Training proceeds in ticks until paused, stopped or finished. */
  async start(config: JobStart, listener: ReportListener): Promise<BackendReport> {
    await this.stop();
    this.listener = listener;
    this.runId = config.runId;
    this.status = 'starting';
    try {
      await prepareEnv(config.dataset.envId);
      const backend = await this.prepareBackend(config.backend ?? 'auto', config, config.backendHint);
      this.trainer = config.from ? Trainer.restore(config, config.from, config.hyperparameters ?? {}) : new Trainer(config);
      this.config = config;
      this.checkpoint = await this.trainer.checkpoint();
      this.status = config.paused ? 'paused' : 'running';
      this.emit({ metrics: null, evaluations: [], events: [], updatesPerSecond: 0 });
      if (!config.paused) this.loop = this.runLoop();
      return backend;
    } catch (e) {
      this.fail(e);
      throw e;
    }
  }

  /**
   * Starts a population job: the members (runs with their own ids and settings) train as one batched model, each
   * reported under its own run id. The backend is chosen as for a lone run, but for the population's own work: the
   * page's hint is the choice remembered for this population size, and measuring times the K-member update.
   */
  async startPopulation(start: PopulationStart, listener: ReportListener): Promise<BackendReport> {
    await this.stop();
    try {
      await prepareEnv(start.dataset.envId);
      const backend = await this.prepareBackend(start.backend ?? 'auto', { dataset: start.dataset, algorithmId: start.algorithmId, hyperparameters: start.members[0]?.hyperparameters }, start.backendHint, start.members.length);
      this.population = new PopulationJob(start, listener, this.tickMs, (e) => {
        for (const runId of start.members.map((m) => m.runId)) listener({ runId, wallMs: 0, update: 0, status: 'failed', metrics: null, evaluations: [], events: [], updatesPerSecond: 0, error: e instanceof Error ? e.message : String(e) });
      });
      this.population.begin(backend);
      return backend;
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      for (const m of start.members) listener({ runId: m.runId, wallMs: 0, update: 0, status: 'failed', metrics: null, evaluations: [], events: [], updatesPerSecond: 0, error });
      throw e;
    }
  }

  /** The population job hosting `runId`, or null when this worker trains it alone (or not at all). */
  private populationOf(runId: string | undefined): PopulationJob | null {
    if (!this.population) return null;
    if (runId === undefined) throw new Error('this worker trains a population: name the run');
    return this.population;
  }

  /**
   * Pause of a population member: it leaves the population with its checkpoint (weights, optimizer moments, settings,
   * position), which the page keeps and resumes as a lone run; the other members train on.
   */
  async leavePopulation(runId: string): Promise<TrainerCheckpoint> {
    const job = this.populationOf(runId);
    if (!job) throw new Error('this worker trains no population');
    const checkpoint = await job.leave(runId);
    if (job.done) await this.endPopulation();
    return checkpoint;
  }

  private async endPopulation(): Promise<void> {
    const job = this.population;
    this.population = null;
    await job?.stop();
  }

  pause(): void {
    if (this.population) throw new Error('a population member pauses by leaving its population (leavePopulation)');
    if (this.status === 'running') this.status = 'paused';
  }

  resume(): void {
    if (this.status !== 'paused' || !this.trainer) return;
    this.status = 'running';
    // A pause and resume within one tick: the loop that is still running simply carries on.
    if (!this.looping) this.loop = this.runLoop();
  }

  /** While paused: exactly `n` more updates (evaluating if one falls due), then report. */
  async step(n = 1): Promise<void> {
    if (this.population) throw new Error('a population member steps once it trains alone: pause it first');
    if (!this.trainer || this.status !== 'paused') throw new Error('step needs a paused run');
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new Error(`step count must be a whole number from 1 to 1,000,000, got ${n}`);
    await this.loop;
    let left = n;
    while (left > 0 && !this.trainer.finished) {
      const before = this.trainer.update;
      const tick = await this.guard(() => this.trainer!.run(this.tickMs, left));
      if (!tick) return;
      left -= this.trainer.update - before;
      this.emit(tick);
      if (this.trainer.update === before && tick.evaluations.length === 0) break;
    }
  }

  /** Applies a change before the next update and returns the events; throws a message naming the bad key. */
  setHyperparameters(patch: Record<string, unknown>, runId?: string): HyperparameterEvent[] {
    const job = this.populationOf(runId);
    if (job) return job.setHyperparameters(runId!, patch);
    if (!this.trainer) throw new Error('no run to change: start one first');
    return this.trainer.setHyperparameters(patch);
  }

  /**
   * The run's full state now (weights, optimizer moments, settings, position): for forks, PBT's exploit and keeping
   * runs across reloads. Taken between ticks.
   */
  async currentCheckpoint(runId?: string): Promise<TrainerCheckpoint> {
    const job = this.populationOf(runId);
    if (job) return job.checkpoint(runId!);
    if (!this.trainer) throw new Error('no run to checkpoint');
    return this.trainer.checkpoint();
  }

  /** The current agent's greedy policy as a TensorFlow.js LayersModel (see run/policyExport.ts); taken between ticks. */
  async exportPolicy(): Promise<PolicyExportFiles> {
    if (this.population) throw new Error('this run trains in a population: export it from its checkpoint once it ends or is paused');
    if (!this.trainer) throw new Error('no run to export: start one first');
    return exportPolicy(this.trainer.agent, policyInfo(this.trainer));
  }

  /**
   * The policy of a run that no longer has a worker, from its checkpoint: a trainer is restored on this (idle)
   * session, exported and disposed. Refused while a run is active here. The trainer of a run that ended here (the
   * pool frees a finished run's worker without stopping it) is disposed first: its variables' names would clash.
   */
  async exportPolicyFrom(source: PolicySource, checkpoint: TrainerCheckpoint): Promise<PolicyExportFiles> {
    if (this.status === 'starting' || this.status === 'running' || this.status === 'paused') throw new Error('this trainer worker is busy with a run: export again when a worker is free');
    await this.stop();
    // The checkpoint's own settings build the networks it fits (a JobStart's hyperparameters are the run's config).
    const trainer = Trainer.restore({ dataset: source.dataset, algorithmId: source.algorithmId }, checkpoint);
    try {
      return await exportPolicy(trainer.agent, policyInfo(trainer));
    } finally {
      trainer.dispose();
    }
  }

  /**
   * A dataset recorded from a run's policy (PolicyDatasetOptions): from the live run here, or, on an idle worker,
   * from its checkpoint (restored as exportPolicyFrom does, then disposed). Progress goes to `onProgress`.
   */
  async recordDataset(opts: Omit<PolicyDatasetOptions, 'onProgress'>, onProgress?: (fraction: number) => void, from?: { source: PolicySource; checkpoint: TrainerCheckpoint }): Promise<Dataset> {
    const report = onProgress ? (f: number) => void onProgress(f) : undefined;
    if (!from) {
      if (!this.trainer) throw new Error('no run here to record from');
      return this.trainer.recordDataset({ ...opts, onProgress: report });
    }
    if (this.status === 'starting' || this.status === 'running' || this.status === 'paused') throw new Error('this trainer worker is busy with a run: try again when a worker is free');
    await this.stop();
    await prepareEnv(from.source.dataset.envId);
    const trainer = Trainer.restore({ dataset: from.source.dataset, algorithmId: from.source.algorithmId }, from.checkpoint);
    try {
      return await trainer.recordDataset({ ...opts, onProgress: report });
    } finally {
      trainer.dispose();
    }
  }

  /** The transitions the running (online) run saw, as a "replay" dataset; taken between ticks. */
  replayDataset(name: string): Dataset {
    if (this.population) throw new Error('this run trains in a population: pause it (it then trains alone) to save its replay');
    if (!this.trainer) throw new Error('no run to save: start one first');
    return this.trainer.replayDataset(name);
  }

  /** PBT: take over another member's weights and optimizer state, then apply the explored values (see Trainer.adopt). */
  adopt(checkpoint: TrainerCheckpoint, patch: Record<string, unknown>, source: string, runId?: string): HyperparameterEvent[] {
    const job = this.populationOf(runId);
    if (job) return job.adopt(runId!, checkpoint, patch, source);
    if (!this.trainer) throw new Error('no run to copy into');
    return this.trainer.adopt(checkpoint, patch, source);
  }

  /**
   * Lets go of a paused run without a word to its listener (it is not stopped: the page keeps its checkpoint and
   * starts it again later), so the worker can take a queued job.
   */
  async detach(): Promise<void> {
    if (!this.trainer) return;
    this.listener = () => {};
    this.status = 'idle';
    await this.loop;
    this.trainer.dispose();
    this.trainer = null;
    this.config = this.checkpoint = null;
  }

  /** Stops the run (or, in a population, the named member; the job ends with its last member). */
  async stop(runId?: string): Promise<void> {
    if (this.population) {
      if (runId !== undefined && this.population.hosts(runId)) this.population.stopMember(runId);
      if (runId === undefined || this.population.done) await this.endPopulation();
      return;
    }
    if (!this.trainer) return;
    const wasActive = this.status === 'running' || this.status === 'paused';
    if (wasActive) this.status = 'stopped';
    await this.loop;
    if (wasActive) this.emit({ metrics: null, evaluations: [], events: [], updatesPerSecond: 0 });
    this.trainer.dispose();
    this.trainer = null;
    this.config = this.checkpoint = null;
  }

  /**
   * Switches to `backend` and runs updates from seeded weights and a fixed batch (see fixedUpdates); the run's
   * backend choice is forgotten, so the next start chooses again. Refused while a run is active.
   */
  async checkBackend(backend: BackendName, spec: MeasureSpec, seed: number, updates: number): Promise<{ backend: BackendName; metrics: number[][] | null; error: string | null }> {
    if (this.trainer) throw new Error('stop the run before checking backends');
    this.backend = null;
    const failure = await trySetBackend(backend);
    if (failure) return { backend, metrics: null, error: failure };
    return { backend, metrics: await fixedUpdates(spec, seed, updates), error: null };
  }

  /** Training updates per second of an algorithm's real networks on one backend (bench/); refused during a run. */
  async benchmark(backend: BackendName, spec: MeasureSpec, budgetMs = 3000): Promise<{ backend: BackendName; updatesPerSecond: number | null; error: string | null }> {
    if (this.trainer) throw new Error('stop the run before benchmarking');
    this.backend = null;
    const failure = await trySetBackend(backend);
    if (failure) return { backend, updatesPerSecond: null, error: failure };
    return { backend, updatesPerSecond: await measureUpdatesPerSecond(spec, budgetMs, 100_000), error: null };
  }

  /** Asks the running (or paused) agent about states and actions; see run/inspect.ts. */
  async inspect(request: InspectRequest): Promise<InspectResult> {
    if (this.population) throw new Error('this run trains in a population: pause it (it then trains alone) to inspect its values');
    if (!this.trainer) throw new Error('no run to inspect: start one first');
    return this.trainer.inspect(request);
  }

  /** Live tensors on the backend, for the memory check in the page. */
  tensorCount(): number {
    return tf.memory().numTensors;
  }

  private async runLoop(): Promise<void> {
    this.looping = true;
    try {
      await this.loopTicks();
    } finally {
      this.looping = false;
    }
  }

  private async loopTicks(): Promise<void> {
    while (this.status === 'running' && this.trainer && !this.holding) {
      const tick = await this.guard(() => this.trainer!.run(this.tickMs));
      if (!tick) return;
      if (this.trainer.finished && this.status === 'running') this.status = 'finished';
      this.emit(tick);
      await yieldToHost();
    }
    // A pause that lands between ticks must still reach the page.
    if (this.status === 'paused' && !this.holding) this.emit({ metrics: null, evaluations: [], events: [], updatesPerSecond: 0 });
  }

  private async guard(work: () => Promise<TickResult>): Promise<TickResult | null> {
    try {
      const tick = await work();
      await this.keepCheckpoint(tick);
      return tick;
    } catch (e) {
      if (await this.recoverOnCpu(e)) return { metrics: null, evaluations: [], events: [], updatesPerSecond: 0 };
      this.fail(e);
      return null;
    }
  }

  /** A checkpoint after every evaluation and every CHECKPOINT_EVERY updates: where a run resumes if the GPU is lost. */
  private async keepCheckpoint(tick: TickResult): Promise<void> {
    if (!this.trainer || !this.checkpoint) return;
    if (tick.evaluations.length > 0 || this.trainer.update - this.checkpoint.update >= CHECKPOINT_EVERY) this.checkpoint = await this.trainer.checkpoint();
  }

  /**
   * A GPU backend (webgpu, webgl) that fails mid-run, e.g. a lost device: switch to wasm (or cpu) and resume from the
   * last checkpoint, and say so. Errors of the run itself (divergence, bad data) are not retried.
   */
  private async recoverOnCpu(e: unknown): Promise<boolean> {
    const from = this.backend?.active;
    if (!this.config || !this.checkpoint || (from !== 'webgpu' && from !== 'webgl') || e instanceof TrainingDivergedError) return false;
    const reason = e instanceof Error ? e.message : String(e);
    try {
      this.trainer?.dispose();
    } catch {
      // The lost device's tensors cannot always be released; they go with it.
    }
    this.trainer = null;
    for (const to of ['wasm', 'cpu'] as const) {
      if ((await trySetBackend(to)) !== null) continue;
      this.trainer = Trainer.restore(this.config, this.checkpoint);
      this.backend = { ...this.backend!, active: to, reason: `fell back from ${from}: ${reason}` };
      this.backendKey = '';
      this.listener({
        runId: this.runId,
        wallMs: this.trainer.wallMs,
        update: this.trainer.update,
        status: this.status,
        metrics: null,
        evaluations: [],
        events: [],
        updatesPerSecond: 0,
        backend: this.backend,
        notice: `The ${from} backend failed (${reason}). Training resumed on ${to} from the checkpoint at update ${this.checkpoint.update}; optimizer state restarted.`,
      });
      return true;
    }
    return false;
  }

  private fail(e: unknown): void {
    this.status = 'failed';
    this.listener({ runId: this.runId, wallMs: this.trainer?.wallMs ?? 0, update: this.trainer?.update ?? 0, status: 'failed', metrics: null, evaluations: [], events: [], updatesPerSecond: 0, error: e instanceof Error ? e.message : String(e) });
  }

  private emit(tick: TickResult): void {
    this.listener({ runId: this.runId, wallMs: this.trainer?.wallMs ?? 0, update: this.trainer?.update ?? 0, status: this.status, ...tick });
  }
}

