// Runs side by side: start (with seeds), pause, resume, stop, delete, rename, hide, focus, fork; reports from the
// pool's workers land here keyed by run id. Runs started together that share algorithm, dataset and network shapes
// train as population jobs (one batched model per worker); each member is still a run of its own here.
import { configKey } from '../../core/experiments/describe';
import { populationJobs } from '../../core/experiments/populations';
import { POPULATION_NOTICE, populationNotice } from '../../core/population/populationNotice';
import type { RunConfig, RunMembership, RunRecord } from '../../core/experiments/types';
import { TRAINING_RETURN, type HyperparameterEvent, type TrainingReport } from '../../core/run/events';
import type { HyperValues } from '../../core/run/hyperparameters';
import type { TrainerCheckpoint } from '../../core/run/trainer';
import type { BackendHint, JobStart } from '../../core/run/session';
import { labPool } from '../client/labClient';
import { isActive, selectedDataset, useLab } from './labStore';
import { runStorage } from './runStorage';
import { backendHint, measureInBackground, shapeKey } from './backendMemory';
import type { NetworkShape } from '../../core/tf/backendChoice';

const set = useLab.setState;
const get = useLab.getState;

export function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^Error: /, ''); // Comlink re-throws a worker's error with its message
}

/** Distinct line colours (colour-blind-safe first: Okabe–Ito, then Tableau). Seeds of one configuration share one. */
const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7f3c8d', '#8c564b', '#4e79a7', '#b07aa1', '#76b7b2', '#9c755f'];

let counter = 0;
export const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/** The colour of a new group: the first palette colour no group uses yet (else cycling). */
function colorForGroup(groupId: string): string {
  const runs = Object.values(get().runs);
  const existing = runs.find((r) => r.membership.groupId === groupId);
  if (existing) return existing.color;
  const used = new Set(runs.map((r) => r.color));
  return PALETTE.find((c) => !used.has(c)) ?? PALETTE[runs.length % PALETTE.length];
}

export function algorithmName(algorithmId: string): string {
  // "Implicit Q-Learning (IQL)" is "IQL" in legends and run names; names without an abbreviation stay whole.
  const name = get().catalog?.algorithms.find((a) => a.id === algorithmId)?.name ?? algorithmId;
  return /\(([A-Z%][^)]{0,20})\)\s*$/.exec(name)?.[1] ?? name;
}

function patchRun(id: string, patch: Partial<RunRecord> | ((r: RunRecord) => Partial<RunRecord>)): void {
  set((s) => {
    const r = s.runs[id];
    if (!r) return s;
    const next = { ...r, ...(typeof patch === 'function' ? patch(r) : patch) };
    return { runs: { ...s.runs, [id]: next } };
  });
  const r = get().runs[id];
  if (r) runStorage().saveRecord(r);
}

/** The form's configuration: the chosen dataset, algorithm and values. */
export function formConfig(): RunConfig | string {
  const s = get();
  const dataset = selectedDataset(s);
  if (!dataset) return 'Choose or generate a dataset first.';
  return { algorithmId: s.algorithmId, envId: dataset.envId, datasetId: dataset.id, datasetName: dataset.name, hyperparameters: { ...s.values[s.algorithmId] }, backend: s.backendRequest };
}

export interface RunOptions {
  name?: string;
  from?: TrainerCheckpoint;
  paused?: boolean;
}

/** Adds a run record (queued) and submits it to the pool; returns its id. */
export function addRun(config: RunConfig, membership: Partial<RunMembership> = {}, options: RunOptions = {}): string {
  const id = createRecord(config, membership, options);
  submit(id, options.from, options.paused);
  return id;
}

/**
 * Adds runs started together (seeds, sweep points): those that share algorithm, dataset and the algorithm's shared
 * settings train as population jobs, spread over the pool's workers (core/experiments/populations.ts); the others,
 * forks and runs started paused go alone. Returns the ids in the order given.
 */
export function addRuns(list: { config: RunConfig; membership?: Partial<RunMembership>; options?: RunOptions }[]): string[] {
  const ids = list.map((r) => createRecord(r.config, r.membership ?? {}, r.options ?? {}));
  const groupable = list.flatMap((r, i) => (r.options?.from || r.options?.paused ? [] : [i]));
  for (const i of list.keys()) if (!groupable.includes(i)) submit(ids[i], list[i].options?.from, list[i].options?.paused);
  const jobs = populationJobs(groupable.map((i) => list[i].config), get().catalog?.populations ?? [], labPool().size);
  for (const job of jobs) {
    const jobIds = job.map((j) => ids[groupable[j]]);
    if (jobIds.length === 1) submit(jobIds[0]);
    else submitPopulation(jobIds);
  }
  return ids;
}

function createRecord(config: RunConfig, membership: Partial<RunMembership>, options: RunOptions): string {
  const id = newId('run');
  const groupId = membership.groupId ?? configKey(config);
  const seed = config.hyperparameters.seed;
  const record: RunRecord = {
    id,
    name: options.name ?? `${algorithmName(config.algorithmId)} · ${config.datasetName} · seed ${String(seed)}`,
    color: colorForGroup(groupId),
    createdAt: Date.now(),
    config,
    membership: { ...membership, groupId },
    status: 'queued',
    error: null,
    notice: null,
    update: options.from?.update ?? 0,
    updatesPerSecond: 0,
    wallMs: options.from?.wallMs ?? 0,
    hidden: false,
    events: [],
    evaluations: [],
  };
  set((s) => ({ runs: { ...s.runs, [id]: record }, runOrder: [...s.runOrder, id], focusRunId: id }));
  runStorage().saveRecord(record);
  return id;
}

/** Starts `seeds` runs of the form's configuration (seeds base, base + 1, ...), keeping every run already there. */
export function startRuns(options: { paused?: boolean; seeds?: number } = {}): string[] {
  const config = formConfig();
  if (typeof config === 'string') {
    set({ runsNotice: config });
    return [];
  }
  const seeds = options.seeds ?? get().seeds;
  const base = Number(config.hyperparameters.seed ?? 0);
  set({ runsNotice: null, inputErrors: {} });
  return addRuns(Array.from({ length: seeds }, (_, i) => ({ config: { ...config, hyperparameters: { ...config.hyperparameters, seed: base + i } }, options: { paused: options.paused } })));
}

/** The dataset a run trains on, from this browser's datasets (by id, else by name and environment). */
function datasetOfRun(run: RunRecord) {
  return get().datasets.find((d) => d.id === run.config.datasetId) ?? get().datasets.find((d) => d.name === run.config.datasetName && d.envId === run.config.envId);
}

/** Hands runs to the pool as one population job: one worker trains them as one batched model, each reported as itself. */
function submitPopulation(ids: string[]): void {
  const runs = ids.map((id) => get().runs[id]);
  const dataset = datasetOfRun(runs[0]);
  if (!dataset) {
    for (const id of ids) patchRun(id, { status: 'failed', error: `the dataset "${runs[0].config.datasetName}" is not in this browser: import or generate it, then start the run again` });
    return;
  }
  const notice = populationNotice(ids.length - 1);
  for (const id of ids) patchRun(id, { status: 'queued', error: null, notice });
  // `auto` starts on the choice remembered for this population size (K members' update, not a lone run's), or on the
  // likely-fastest backend while a spare worker measures the K-member update in the background.
  const shape: NetworkShape = { ...networkShape(runs[0], dataset), members: ids.length };
  const choice = runs[0].config.backend === 'auto' ? backendHint(shape).catch(() => null) : Promise.resolve(null);
  void choice.then((c) => submitPopulationToPool(ids, dataset, c?.hint, c?.measure ? () => void measureInBackground(c.key, shape, noRunsToMove) : null));
}

/** A running population job does not change backend: the measured choice applies from its next start. */
const noRunsToMove = async (): Promise<string[]> => [];

function submitPopulationToPool(all: string[], dataset: NonNullable<ReturnType<typeof datasetOfRun>>, backendHint: BackendHint | undefined, measure: (() => void) | null): void {
  // Members deleted or stopped while the device was being described stay out.
  const ids = all.filter((id) => get().runs[id]?.status === 'queued');
  if (ids.length === 0) return;
  const runs = ids.map((id) => get().runs[id]);
  labPool().submitPopulation({
    start: { dataset, algorithmId: runs[0].config.algorithmId, backend: runs[0].config.backend, backendHint, members: runs.map((r) => ({ runId: r.id, hyperparameters: r.config.hyperparameters })) },
    listener: onReport,
    onAssigned: () => {
      for (const id of ids) patchRun(id, (r) => (r.status === 'queued' ? { status: 'starting' } : {}));
    },
    onStarted: (backend) => {
      if (ids.includes(get().focusRunId ?? '') || get().backend === null) set({ backend });
      measure?.();
    },
    onFailed: (error) => {
      for (const id of ids) {
        const r = get().runs[id];
        if (!r || r.status === 'finished' || r.status === 'stopped' || r.status === 'paused') continue;
        patchRun(id, { status: 'failed', error, updatesPerSecond: 0 });
        void labPool().release(id, false);
      }
    },
  });
}

/** What the backend choice of a run depends on: its algorithm, the data's dimensions and its network sizes. */
function networkShape(run: RunRecord, dataset: { observationDim: number; actionDim: number; discreteActions: number | null }): NetworkShape {
  return { algorithmId: run.config.algorithmId, observationDim: dataset.observationDim, actionDim: dataset.actionDim, discreteActions: dataset.discreteActions, hyperparameters: run.config.hyperparameters };
}

/** Active runs whose backend choice has this key (they move together when a background measurement disagrees). */
async function activeRunsOfKey(key: string): Promise<string[]> {
  const out: string[] = [];
  for (const id of labPool().activeIds()) {
    const r = get().runs[id];
    const d = r && get().datasets.find((x) => x.id === r.config.datasetId);
    if (r && d && r.config.backend === 'auto' && (await shapeKey(networkShape(r, d))) === key) out.push(id);
  }
  return out;
}

/** Hands a run to the pool (from a checkpoint when it resumes after a reload or forks). */
function submit(id: string, from?: TrainerCheckpoint, paused?: boolean): void {
  const run = get().runs[id];
  const dataset = datasetOfRun(run);
  if (!dataset) {
    patchRun(id, { status: 'failed', error: `the dataset "${run.config.datasetName}" is not in this browser: import or generate it, then start the run again` });
    return;
  }
  patchRun(id, { status: 'queued', error: null });
  // `auto` starts at once on the remembered (or likely-fastest) backend instead of measuring every backend first.
  const shape = networkShape(run, dataset);
  const choice = run.config.backend === 'auto' ? backendHint(shape).catch(() => null) : Promise.resolve(null);
  void choice.then((c) => submitToPool(id, { start: { runId: id, dataset, algorithmId: run.config.algorithmId, hyperparameters: run.config.hyperparameters, backend: run.config.backend, backendHint: c?.hint, paused, from }, measure: c?.measure ? () => void measureInBackground(c.key, shape, () => activeRunsOfKey(c.key)) : null }));
}

function submitToPool(id: string, { start, measure }: { start: JobStart; measure: (() => void) | null }): void {
  // Deleted or stopped while the device was being described.
  if (get().runs[id]?.status !== 'queued') return;
  labPool().submit(id, {
    start,
    listener: onReport,
    onAssigned: () => patchRun(id, (r) => (r.status === 'queued' ? { status: 'starting' } : {})),
    onStarted: (backend) => {
      if (get().focusRunId === id || get().backend === null) set({ backend });
      measure?.();
    },
    onFailed: (error) => {
      patchRun(id, { status: 'failed', error, updatesPerSecond: 0 });
      // A failed run leaves its worker (or its dead worker's place) to the next queued run.
      void labPool().release(id, false);
    },
  });
}

const sameEvent = (a: HyperparameterEvent, b: HyperparameterEvent) => a.update === b.update && a.key === b.key && a.to === b.to;

/** Events arrive both as the answer to a change and in the next report; keep each once. */
function mergeEvents(known: HyperparameterEvent[], incoming: HyperparameterEvent[]): HyperparameterEvent[] {
  const fresh = incoming.filter((e) => !known.some((k) => sameEvent(k, e)));
  return fresh.length ? [...known, ...fresh] : known;
}

const listeners = new Set<(report: TrainingReport) => void>();
/** Sweeps and PBT follow their runs' reports here. */
export function onRunReport(listener: (report: TrainingReport) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Milliseconds between store changes for progress alone (update counts, speed), whatever the number of runs. */
const PROGRESS_MS = 100;
const pendingProgress = new Map<string, Pick<RunRecord, 'update' | 'wallMs' | 'updatesPerSecond'>>();
let progressTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * Progress of every run lands in the store together, at most every PROGRESS_MS: eight runs reporting ten times a
 * second are one re-render of the run list and header per tick, not eighty. Anything else a report brings (status,
 * evaluations, events, messages) is applied at once.
 */
function flushProgress(): void {
  progressTimer = null;
  if (pendingProgress.size === 0) return;
  const patches = [...pendingProgress];
  pendingProgress.clear();
  set((s) => {
    const runs = { ...s.runs };
    for (const [id, p] of patches) if (runs[id]) runs[id] = { ...runs[id], ...p };
    return { runs };
  });
  for (const [id] of patches) {
    const r = get().runs[id];
    if (r) runStorage().saveRecord(r);
  }
}

function onReport(report: TrainingReport): void {
  const { metrics } = get();
  const run = get().runs[report.runId];
  if (!run) return; // deleted while a report was on its way
  // A run the page marked failed (its worker died) may still get reports its worker sent just before: they are stale.
  if (run.status === 'failed') return;
  if (report.metrics) metrics.append(report.runId, report.metrics, report.wallMs, report.envSteps ?? 0);
  else metrics.tick(report.runId, report.update, report.wallMs, report.envSteps ?? 0);
  if (report.episodes?.length) metrics.appendPoints(report.runId, TRAINING_RETURN, report.episodes.map((e) => ({ update: e.update, value: e.return })));
  const ended = report.status === 'finished' || report.status === 'stopped' || report.status === 'failed';
  const progressOnly = (report.status === 'idle' || report.status === run.status) && !ended && report.evaluations.length === 0 && report.events.length === 0 && !report.error && !report.notice && !report.backend;
  if (progressOnly) {
    pendingProgress.set(report.runId, { update: report.update, wallMs: report.wallMs, updatesPerSecond: report.metrics ? report.updatesPerSecond : (pendingProgress.get(report.runId)?.updatesPerSecond ?? run.updatesPerSecond) });
    progressTimer ??= setTimeout(flushProgress, PROGRESS_MS);
    if (report.metrics) runStorage().saveMetricsSoon(report.runId);
    for (const l of listeners) l(report);
    return;
  }
  pendingProgress.delete(report.runId);
  patchRun(report.runId, (r) => ({
    status: report.status === 'idle' ? r.status : report.status,
    update: report.update,
    wallMs: report.wallMs,
    updatesPerSecond: ended ? 0 : report.metrics ? report.updatesPerSecond : r.updatesPerSecond,
    error: report.error ?? (report.status === 'failed' ? (r.error ?? 'the run failed') : r.error),
    notice: report.notice ?? (ended && r.notice?.startsWith(POPULATION_NOTICE) ? null : r.notice),
    events: mergeEvents(r.events, report.events),
    evaluations: report.evaluations.length
      ? [...r.evaluations, ...report.evaluations.map((e) => ({ update: e.update, wallMs: report.wallMs, meanReturn: e.meanReturn, stdReturn: e.stdReturn, normalizedScore: e.normalizedScore }))]
      : r.evaluations,
  }));
  if (report.evaluations.length || report.events.length) metrics.touch();
  if (report.evaluations.length) set((s) => ({ episodes: { ...s.episodes, [report.runId]: report.evaluations[report.evaluations.length - 1].episode } }));
  if (report.backend && get().focusRunId === report.runId) set({ backend: report.backend });
  if (report.metrics || report.evaluations.length || report.episodes?.length) runStorage().saveMetricsSoon(report.runId);
  if (report.status === 'finished' || report.status === 'stopped') void endJob(report.runId);
  if (report.status === 'failed') void labPool().release(report.runId, false);
  for (const l of listeners) l(report);
}

/** A run that ended keeps its last checkpoint (for forks and reloads), then frees its worker. */
async function endJob(id: string): Promise<void> {
  await saveCheckpoint(id);
  runStorage().saveMetricsSoon(id, 0);
  await labPool().release(id, false);
}

/** The run's full state from its worker into storage; quietly nothing when it has no worker. */
export async function saveCheckpoint(id: string): Promise<TrainerCheckpoint | null> {
  const api = labPool().api(id);
  if (!api) return null;
  try {
    const checkpoint = await api.currentCheckpoint(id);
    runStorage().saveCheckpoint(id, checkpoint);
    return checkpoint;
  } catch {
    return null;
  }
}

/** The run's latest checkpoint: from its worker while it has one, else the stored one. */
export async function checkpointOf(id: string): Promise<TrainerCheckpoint | null> {
  return (await saveCheckpoint(id)) ?? (await runStorage().loadCheckpoint(id));
}

export async function pauseRun(id: string): Promise<void> {
  const api = labPool().api(id);
  if (api && labPool().inPopulation(id)) {
    // A member of a population leaves it with its checkpoint; the others train on, and Resume trains it alone.
    const checkpoint = await api.leavePopulation(id);
    runStorage().saveCheckpoint(id, checkpoint);
    await labPool().release(id, false);
    // Progress it reported before leaving may still wait for the next batched flush: the checkpoint is where it stands.
    pendingProgress.delete(id);
    patchRun(id, { status: 'paused', update: checkpoint.update, updatesPerSecond: 0, notice: `paused at update ${checkpoint.update.toLocaleString()}: it left its population (the others train on); Resume trains it alone from this checkpoint` });
  } else if (api) {
    await api.pause();
    const checkpoint = await saveCheckpoint(id);
    // Runs are waiting for a worker: this one hands its worker over and resumes later from the checkpoint.
    if (checkpoint && labPool().queuedIds().length > 0) {
      await api.detach();
      await labPool().release(id, false);
      patchRun(id, { status: 'paused', updatesPerSecond: 0, notice: `paused at update ${checkpoint.update.toLocaleString()}; its worker went to a queued run (Resume continues from this checkpoint)` });
    }
  } else if (labPool().isQueued(id)) {
    await labPool().release(id, false);
    patchRun(id, { status: 'paused', notice: 'paused before it started' });
  }
}

export async function resumeRun(id: string): Promise<void> {
  const run = get().runs[id];
  if (!run) return;
  const api = labPool().api(id);
  if (api) {
    await api.resume();
    return;
  }
  // No worker: a run restored after a reload (or paused in the queue) starts again from its checkpoint.
  const from = (await runStorage().loadCheckpoint(id)) ?? undefined;
  const at = from?.update ?? 0;
  // What came after the checkpoint is trained again, so it leaves the record and the curves.
  get().metrics.truncate(id, at);
  patchRun(id, (r) => ({
    notice: from ? `resumed from its checkpoint at update ${at.toLocaleString()}` : null,
    update: at,
    events: r.events.filter((e) => e.update <= at),
    evaluations: r.evaluations.filter((e) => e.update <= at),
  }));
  submit(id, from);
}

export async function stopRun(id: string): Promise<void> {
  const run = get().runs[id];
  if (!run) return;
  if (labPool().isQueued(id) || !labPool().api(id)) {
    await labPool().release(id, false);
    if (isActive(run)) patchRun(id, { status: 'stopped', updatesPerSecond: 0 });
    return;
  }
  await saveCheckpoint(id);
  await labPool().api(id)?.stop(id);
}

export async function stepRun(id: string, n: number): Promise<void> {
  try {
    const api = labPool().api(id);
    if (!api) throw new Error('this run has no worker: resume it first');
    await api.step(n);
  } catch (e) {
    patchRun(id, { error: message(e) });
  }
}

export async function deleteRun(id: string): Promise<void> {
  await labPool().release(id, true);
  get().metrics.delete(id);
  set((s) => {
    const { [id]: _gone, ...runs } = s.runs;
    const { [id]: _episode, ...episodes } = s.episodes;
    const runOrder = s.runOrder.filter((r) => r !== id);
    return { runs, episodes, runOrder, focusRunId: s.focusRunId === id ? (runOrder[runOrder.length - 1] ?? null) : s.focusRunId };
  });
  await runStorage().deleteRun(id);
}

export const renameRun = (id: string, name: string) => {
  const trimmed = name.trim().slice(0, 80);
  if (trimmed) patchRun(id, { name: trimmed });
};
export const toggleHidden = (id: string) => {
  patchRun(id, (r) => ({ hidden: !r.hidden }));
  get().metrics.touch();
};
export const focusRun = (id: string) => set({ focusRunId: id });

/** A live change to one run; returns the events, or throws the worker's message (naming the key). */
export async function changeRun(id: string, patch: HyperValues): Promise<HyperparameterEvent[]> {
  const api = labPool().api(id);
  if (!api) throw new Error('this run is not training: resume it to change it live');
  const events = await api.setHyperparameters(patch, id);
  patchRun(id, (r) => ({ events: mergeEvents(r.events, events), config: { ...r.config, hyperparameters: { ...r.config.hyperparameters, ...patch } } }));
  return events;
}

/**
 * A new run from another run's latest checkpoint with changed hyperparameters (any, live or not): its weights and
 * optimizer state carry on, its curves start at the branching update.
 */
export async function forkRun(id: string, patch: HyperValues): Promise<string | null> {
  const parent = get().runs[id];
  if (!parent) return null;
  const from = await checkpointOf(id);
  if (!from) {
    patchRun(id, { error: 'no checkpoint of this run to fork from yet: let it train or pause it first' });
    return null;
  }
  const hyperparameters = { ...from.hyperparameters, ...patch };
  const config: RunConfig = { ...parent.config, hyperparameters, fork: { runId: id, update: from.update } };
  const changed = Object.entries(patch).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  return addRun(config, {}, { from, name: `${parent.name} ⑂ ${changed || 'fork'} @${from.update}` });
}

/** Seconds between checkpoints of training runs kept for a reload (each is the run's weights and optimizer moments, and for an online run up to 8 MiB of its replay buffer). */
const KEEP_EVERY_S = 20;
let keeping: ReturnType<typeof setInterval> | null = null;

/** Keeps a recent checkpoint of every training run, so a reload resumes close to where it was. */
export function startCheckpointClock(): void {
  keeping ??= setInterval(() => {
    for (const id of labPool().activeIds()) if (get().runs[id]?.status === 'running') void saveCheckpoint(id);
  }, KEEP_EVERY_S * 1000);
}

/**
 * PBT copied another member into this run (TrainingSession.adopt): its record takes the explored values, so a reload
 * resumes with them, and the events (named with their source) at once rather than with the next report.
 */
export function recordAdopted(id: string, patch: HyperValues, events: HyperparameterEvent[]): void {
  patchRun(id, (r) => ({ events: mergeEvents(r.events, events), config: { ...r.config, hyperparameters: { ...r.config.hyperparameters, ...patch } } }));
  get().metrics.touch();
}
