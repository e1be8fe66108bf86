import { startTransition } from 'react';
import { checkValue, defaultValues, formatValue, HyperparameterError, type HyperValues } from '../../core/run/hyperparameters';
import type { HyperparameterEvent, TrainingReport } from '../../core/run/events';
import type { BackendRequest } from '../../core/tf/backend';
import { onTrainerCrash, reportCallback, trainerClient } from '../client/labClient';
import { appendMetrics, clearMetrics, takeDirty } from './metrics';
import { initialRun, selectedDataset, useLab } from './labStore';
import { initDatasets } from './datasets';
import { startUrlSync } from './urlSync';

const set = useLab.setState;
const get = useLab.getState;

function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // Comlink re-throws worker errors with their message; keep only the message.
  return text.replace(/^Error: /, '');
}

/** Loads the algorithm catalog from the trainer worker, then the saved datasets (or makes the built-in ones). */
export async function initLab(): Promise<void> {
  onTrainerCrash((error) => set((s) => ({ run: { ...s.run, status: 'failed', error } })));
  const catalog = await trainerClient().catalog();
  const values: Record<string, HyperValues> = {};
  for (const a of catalog.algorithms) values[a.id] = defaultValues([...a.hyperparameters, ...catalog.runSchema]);
  set({ catalog, values });
  startUrlSync();
  startChartClock();
  await initDatasets();
}

let clock: ReturnType<typeof setInterval> | null = null;
/** Redraws per second of live charts: well under the 10 Hz limit, since each recharts redraw costs milliseconds per chart. */
const CHART_HZ = 4;
/**
 * Charts redraw on this clock, only when a metric arrived, and as a transition so React renders them in slices
 * between frames instead of one long task.
 */
function startChartClock(): void {
  if (clock) return;
  clock = setInterval(() => {
    if (takeDirty()) startTransition(() => set((s) => ({ chartVersion: s.chartVersion + 1 })));
  }, 1000 / CHART_HZ);
}

const sameEvent = (a: HyperparameterEvent, b: HyperparameterEvent) => a.update === b.update && a.key === b.key && a.to === b.to;

/** Events arrive both as the answer to a change and in the next report; keep each once. */
function mergeEvents(known: HyperparameterEvent[], incoming: HyperparameterEvent[]): HyperparameterEvent[] {
  const fresh = incoming.filter((e) => !known.some((k) => sameEvent(k, e)));
  return fresh.length ? [...known, ...fresh] : known;
}

function onReport(report: TrainingReport): void {
  if (report.metrics) appendMetrics(report.metrics);
  set((s) => ({
    run: {
      ...s.run,
      status: report.status,
      update: report.update,
      updatesPerSecond: report.metrics ? report.updatesPerSecond : s.run.updatesPerSecond,
      error: report.error ?? (report.status === 'failed' ? 'the run failed' : s.run.error),
      notice: report.notice ?? s.run.notice,
    },
    backend: report.backend ?? s.backend,
    events: mergeEvents(s.events, report.events),
    evaluations: report.evaluations.length
      ? [...s.evaluations, ...report.evaluations.map((e) => ({ update: e.update, meanReturn: e.meanReturn, stdReturn: e.stdReturn, normalizedScore: e.normalizedScore }))]
      : s.evaluations,
    episode: report.evaluations.length ? report.evaluations[report.evaluations.length - 1].episode : s.episode,
  }));
}

export async function startRun(options: { paused?: boolean } = {}): Promise<void> {
  const state = get();
  const dataset = selectedDataset(state);
  if (!dataset) {
    set({ run: { ...initialRun, status: 'failed', error: 'Choose or generate a dataset first.' } });
    return;
  }
  clearMetrics();
  set({ run: { ...initialRun, status: 'starting', algorithmId: state.algorithmId, datasetId: dataset.id }, events: [], evaluations: [], episode: null, inputErrors: {} });
  try {
    const backend = await trainerClient().start(
      { dataset, algorithmId: state.algorithmId, hyperparameters: state.values[state.algorithmId], backend: state.backendRequest, paused: options.paused },
      reportCallback(onReport),
    );
    set({ backend });
  } catch (e) {
    set((s) => ({ run: { ...s.run, status: 'failed', error: message(e) } }));
  }
}

export const pauseRun = () => trainerClient().pause();
export const resumeRun = () => trainerClient().resume();
export const stopRun = () => trainerClient().stop();

export async function stepRun(n: number): Promise<void> {
  try {
    await trainerClient().step(n);
  } catch (e) {
    set((s) => ({ run: { ...s.run, error: message(e) } }));
  }
}

/**
 * A control changed. The value is checked here first (instant message); while a run trains, live values go to
 * the worker, which checks again and records the change as an event.
 */
export async function setValue(key: string, raw: unknown): Promise<void> {
  const { catalog, algorithmId, run } = get();
  const algo = catalog?.algorithms.find((a) => a.id === algorithmId);
  const param = [...(algo?.hyperparameters ?? []), ...(catalog?.runSchema ?? [])].find((p) => p.key === key);
  if (!param) return;
  const clearError = (s: ReturnType<typeof get>) => Object.fromEntries(Object.entries(s.inputErrors).filter(([k]) => k !== key));
  try {
    const value = checkValue(param, raw);
    const active = run.status === 'running' || run.status === 'paused';
    if (active && run.algorithmId === algorithmId) {
      if (!param.live) throw new HyperparameterError(key, `${param.label} cannot change while the run trains; stop and start a new run to change it`);
      const events = await trainerClient().setHyperparameters({ [key]: value });
      set((s) => ({ events: mergeEvents(s.events, events) }));
    }
    set((s) => ({ values: { ...s.values, [algorithmId]: { ...s.values[algorithmId], [key]: value } }, inputErrors: clearError(s) }));
  } catch (e) {
    const kept = get().values[algorithmId]?.[key];
    set((s) => ({ inputErrors: { ...clearError(s), [key]: `${message(e)} (kept ${kept !== undefined ? formatValue(kept) : 'the old value'})` } }));
  }
}

export const setBackendRequest = (backendRequest: BackendRequest) => set({ backendRequest });
export const selectDataset = (datasetId: string) => set({ datasetId });
export const selectAlgorithm = (algorithmId: string) => set({ algorithmId, inputErrors: {} });
