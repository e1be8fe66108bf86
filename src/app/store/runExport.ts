// Runs leave the browser and come back: a bundle of runs (zip) to import elsewhere, a run's metrics as CSV, its
// policy as a TensorFlow.js model, and the same experiment for CORL beside its dataset as D4RL HDF5.
// Every failure lands in the run list's notice (runsNotice) with the message of the part that refused.
import { exportBundle, importBundle, metricsCsv } from '../../core/experiments/bundle';
import { corlConfig, exportCorlExperiment } from '../../core/experiments/corl';
import type { MetricsSnapshot, RunRecord } from '../../core/experiments/types';
import type { Dataset } from '../../core/data/dataset';
import { writeZipSync } from '../../core/data/formats/zip';
import type { PolicyExportFiles } from '../../core/run/policyExport';
import { datasetJob, labPool, progressCallback } from '../client/labClient';
import { addRecordedDataset, addReplayDataset } from './datasets';
import { download } from './download';
import { useLab } from './labStore';
import { checkpointOf, message, newId } from './runs';
import { runStorage } from './runStorage';

const get = useLab.getState;
const set = useLab.setState;

const ZIP = 'application/zip';

/** A file name from a run's name: letters, digits, dot, dash and underscore; the rest becomes _. */
const fileStem = (name: string, fallback: string): string => name.trim().replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || fallback;

const emptyMetrics = (): MetricsSnapshot => ({ series: [], clock: { updates: new Float64Array(0), wallMs: new Float64Array(0) } });

/** The run's dataset in this browser: by id, else by name and environment (a run imported from another browser). */
function datasetOf(run: RunRecord): Dataset | null {
  const { datasets } = get();
  return datasets.find((d) => d.id === run.config.datasetId) ?? datasets.find((d) => d.name === run.config.datasetName && d.envId === run.config.envId) ?? null;
}

/** Runs `work`, putting its error (or none) in the run list's notice. */
async function reporting(what: string, work: () => Promise<void> | void): Promise<void> {
  set({ runsNotice: null });
  try {
    await work();
  } catch (e) {
    set({ runsNotice: `${what}: ${message(e)}` });
  }
}

function runOrThrow(id: string): RunRecord {
  const run = get().runs[id];
  if (!run) throw new Error('the run is gone (deleted?)');
  return run;
}

/** The runs (configuration, events, evaluations and metrics) as one zip that importRunsFile reads back. */
export function exportRuns(ids: readonly string[]): Promise<void> {
  return reporting('Could not export the runs', () => {
    const { runs, metrics } = get();
    const chosen = ids.filter((id) => runs[id]);
    if (chosen.length === 0) throw new Error('there are no runs to export');
    const bytes = exportBundle({
      version: 1,
      exportedAt: new Date().toISOString(),
      runs: chosen.map((id) => ({ record: runs[id], metrics: metrics.snapshot(id) ?? emptyMetrics() })),
    });
    const name = chosen.length === 1 ? fileStem(runs[chosen[0]].name, 'run') : `rl-lab-runs-${new Date().toISOString().slice(0, 10)}`;
    download(bytes, `${name}.zip`, ZIP);
  });
}

/** One run's metrics as CSV: update, wall_ms and a column per metric (see metricsCsv). */
export function exportRunCsv(id: string): Promise<void> {
  return reporting('Could not export the metrics', () => {
    const run = runOrThrow(id);
    const snapshot = get().metrics.snapshot(id) ?? emptyMetrics();
    download(new TextEncoder().encode(metricsCsv(snapshot)), `${fileStem(run.name, 'run')}.csv`, 'text/csv');
  });
}

/**
 * Reads a bundle and adds its runs beside the ones here, with new ids, their status as exported (a run that was live
 * comes back stopped), their curves, and keeps them for reloads. A bad file changes nothing and says what is wrong.
 */
export function importRunsFile(file: File): Promise<void> {
  return reporting(`Could not import ${file.name}`, async () => {
    const bundle = importBundle(new Uint8Array(await file.arrayBuffer()), { newId: () => newId('run') });
    if (bundle.runs.length === 0) throw new Error('the bundle holds no runs');
    const { metrics } = get();
    const added: RunRecord[] = bundle.runs.map(({ record }) => ({ ...record, updatesPerSecond: 0, notice: record.notice ?? `imported from ${file.name}` }));
    bundle.runs.forEach(({ metrics: snapshot }, i) => metrics.restore(added[i].id, snapshot));
    set((s) => ({
      runs: { ...s.runs, ...Object.fromEntries(added.map((r) => [r.id, r])) },
      runOrder: [...s.runOrder, ...added.map((r) => r.id)],
      focusRunId: added[added.length - 1].id,
    }));
    metrics.touch();
    for (const r of added) {
      runStorage().saveRecord(r);
      runStorage().saveMetricsSoon(r.id, 0);
    }
  });
}

/** The transitions an online run (or one fine-tuning online) saw, saved as a "replay" dataset beside the others. */
export function saveReplayOf(id: string): Promise<void> {
  return reporting('Could not save the replay', async () => {
    const run = runOrThrow(id);
    const api = labPool().api(id);
    if (!api) throw new Error(`"${run.name}" has no worker now (it ended or waits in the queue): its replay is kept only while it trains`);
    addReplayDataset(await api.replayDataset(`${run.name} replay`));
    set({ runsNotice: `Saved the episodes "${run.name}" saw as the dataset "${run.name} replay".` });
  });
}

/**
 * The run's greedy policy as a TensorFlow.js LayersModel (model.json, weights.bin, README.txt) in one zip: from its
 * worker while it has one, else from its latest checkpoint on an idle worker.
 */
export function exportPolicyOf(id: string): Promise<void> {
  return reporting('Could not export the policy', async () => {
    const run = runOrThrow(id);
    const api = labPool().api(id);
    let files: PolicyExportFiles;
    if (api && !labPool().inPopulation(id)) {
      files = await api.exportPolicy();
    } else {
      const checkpoint = await checkpointOf(id);
      if (!checkpoint) throw new Error(`no checkpoint of "${run.name}" in this browser (a run imported from a bundle has its curves, not its weights): train it first`);
      const dataset = datasetOf(run);
      if (!dataset) throw new Error(`the dataset "${run.config.datasetName}" is not in this browser: import or generate it first`);
      files = await labPool().withIdleWorker((w) => w.exportPolicyFrom({ dataset, algorithmId: run.config.algorithmId, hyperparameters: run.config.hyperparameters }, checkpoint));
    }
    const zip = writeZipSync(
      (['model.json', 'weights.bin', 'README.txt'] as const).map((name) => ({ name, data: files[name] })),
      true,
    );
    download(zip, `${fileStem(run.name, 'policy')}-tfjs.zip`, ZIP);
  });
}

/** Transitions recorded from a run's policy by default (D4RL's datasets have 1M; the lab starts lighter). */
export const RECORDED_TRANSITIONS = 10_000;

/** How a run's policy is rolled out into a dataset (PolicyDatasetOptions without the name). */
export interface PolicyRecording {
  transitions: number;
  seed: number;
  mode: 'sample' | 'greedy';
  /** Gaussian noise on continuous actions in [-1, 1]; ignored for discrete actions. */
  actionNoise: number;
}

/** The run list's one-click recording: sampled with a little action noise, as D4RL made its medium/expert data. */
export const RUN_LIST_RECORDING: Omit<PolicyRecording, 'transitions'> = { seed: 0, mode: 'sample', actionNoise: 0.1 };

/**
 * A dataset recorded from the run's policy in its environment: on the run's worker while it has one, else from its
 * latest checkpoint on an idle worker. The dataset joins the list, selected, saved like any other.
 */
async function recordFrom(id: string, recording: PolicyRecording, onProgress: (fraction: number) => void): Promise<void> {
  const run = runOrThrow(id);
  const dataset = datasetOf(run);
  const stem = `${fileStem(run.name, 'policy').toLowerCase()}-policy`;
  const name = recording.mode === 'greedy' ? `${stem}-greedy` : stem;
  const options = { ...recording, name };
  const progress = progressCallback(onProgress);
  const api = labPool().api(id);
  let recorded: Dataset;
  if (api) recorded = await api.recordDataset(options, progress);
  else {
    const checkpoint = await checkpointOf(id);
    if (!checkpoint) throw new Error(`no checkpoint of "${run.name}" in this browser: train it first`);
    if (!dataset) throw new Error(`the dataset "${run.config.datasetName}" is not in this browser: import or generate it first`);
    recorded = await labPool().withIdleWorker((w) => w.recordDataset(options, progress, { source: { dataset, algorithmId: run.config.algorithmId, hyperparameters: run.config.hyperparameters }, checkpoint }));
  }
  addRecordedDataset(recorded);
}

/** The run list's "Dataset from this policy": errors land in the run list's notice. */
export function recordDatasetOf(id: string, transitions: number, onProgress: (fraction: number) => void): Promise<void> {
  return reporting('Could not record a dataset', () => recordFrom(id, { transitions, ...RUN_LIST_RECORDING }, onProgress));
}

/**
 * The dataset generator's "a trained run's policy": the progress bar and any error show in the dataset panel, as for
 * a generated dataset. One dataset job at a time: a generation or import running refuses it with a message.
 */
export async function recordDatasetFromRun(id: string, recording: PolicyRecording): Promise<void> {
  const run = get().runs[id];
  if (get().generation) {
    set({ datasetError: 'Wait for the dataset job running now to finish (or cancel it), then record the policy.' });
    return;
  }
  set({ datasetError: null, generation: { label: `recording ${recording.transitions.toLocaleString()} transitions of "${run?.name ?? id}"`, progress: 0 } });
  try {
    await recordFrom(id, recording, (f) => set((s) => (s.generation ? { generation: { ...s.generation, progress: f } } : {})));
  } catch (e) {
    set({ datasetError: `Could not record a dataset from "${run?.name ?? id}": ${message(e)}` });
  } finally {
    set({ generation: null });
  }
}

/**
 * The run as a CORL experiment: its config (the lab's settings under CORL's names), its dataset as D4RL-layout HDF5
 * (written in a dataset worker, as the dataset panel's export) and a README. Discrete runs and DQN are refused with
 * the CORL module's reason, before any file is written.
 */
export function exportCorlOf(id: string): Promise<void> {
  return reporting('Could not export for CORL', async () => {
    const run = runOrThrow(id);
    corlConfig(run, 'dataset.hdf5'); // refuses (naming why) what CORL's scripts cannot train
    const dataset = datasetOf(run);
    if (!dataset) throw new Error(`the dataset "${run.config.datasetName}" is not in this browser: import or generate it first`);
    const file = await datasetJob().run((api) => api.exportFile(dataset, 'hdf5'));
    const zip = exportCorlExperiment(run, new Uint8Array(await file.blob.arrayBuffer()), file.fileName);
    download(zip, `${fileStem(run.name, 'run')}-corl.zip`, ZIP);
  });
}
