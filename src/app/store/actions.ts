import { startTransition } from 'react';
import { checkValue, defaultValues, formatValue, type HyperValues } from '../../core/run/hyperparameters';
import type { BackendRequest } from '../../core/tf/backend';
import { labPool } from '../client/labClient';
import { focusedRun, isActive, useLab } from './labStore';
import { generate, initDatasets } from './datasets';
import { changeRun, message, startCheckpointClock } from './runs';
import { restoreRuns } from './runRestore';
import { runStorage } from './runStorage';
import { deviceInfo } from './backendMemory';
import { resolveLinkDataset, startUrlSync } from './urlSync';

const set = useLab.setState;
const get = useLab.getState;

/** Loads the algorithm catalog from a trainer worker, the kept runs, then the saved datasets (or makes the built-in ones). */
export async function initLab(): Promise<void> {
  runStorage().open();
  void deviceInfo(); // the WebGPU adapter, asked now so Start does not wait for it

  const catalog = await labPool().withIdleWorker((api) => api.catalog());
  const values: Record<string, HyperValues> = {};
  for (const a of catalog.algorithms) values[a.id] = defaultValues([...a.hyperparameters, ...catalog.runSchema]);
  set({ catalog, values });
  startUrlSync();
  startChartClock();
  await restoreRuns();
  startCheckpointClock();
  await initDatasets();
  // A link's dataset this browser lacks: made again from the link's recipe, or named as missing.
  await resolveLinkDataset(({ envId: _env, ...recipe }) => generate(recipe));
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
    if (get().metrics.takeDirty()) startTransition(() => set((s) => ({ chartVersion: s.chartVersion + 1 })));
  }, 1000 / CHART_HZ);
}

/**
 * A control changed. The value is checked here first (instant message); while a run trains, live values go to
 * the worker, which checks again and records the change as an event.
 */
export async function setValue(key: string, raw: unknown): Promise<void> {
  const { catalog, algorithmId } = get();
  const run = focusedRun(get());
  const algo = catalog?.algorithms.find((a) => a.id === algorithmId);
  const param = [...(algo?.hyperparameters ?? []), ...(catalog?.runSchema ?? [])].find((p) => p.key === key);
  if (!param) return;
  const clearError = (s: ReturnType<typeof get>) => Object.fromEntries(Object.entries(s.inputErrors).filter(([k]) => k !== key));
  try {
    const value = checkValue(param, raw);
    // The focused run follows live changes of its own algorithm's controls; the form keeps every value for new runs.
    if (run && isActive(run) && run.status !== 'queued' && run.config.algorithmId === algorithmId && param.live) await changeRun(run.id, { [key]: value });
    set((s) => ({ values: { ...s.values, [algorithmId]: { ...s.values[algorithmId], [key]: value } }, inputErrors: clearError(s) }));
  } catch (e) {
    const kept = get().values[algorithmId]?.[key];
    set((s) => ({ inputErrors: { ...clearError(s), [key]: `${message(e)} (kept ${kept !== undefined ? formatValue(kept) : 'the old value'})` } }));
  }
}

export const setBackendRequest = (backendRequest: BackendRequest) => set({ backendRequest });
export const selectDataset = (datasetId: string) => set({ datasetId });
export const selectAlgorithm = (algorithmId: string) => set({ algorithmId, inputErrors: {} });
