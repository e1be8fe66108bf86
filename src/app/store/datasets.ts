import type { Dataset } from '../../core/data/dataset';
import type { ExportFormat } from '../../core/data/datasetService';
import type { GenerateOptions } from '../../core/data/generate';
import { reattachEnvironment, type EnvChoice, type ImportProgress, type ImportStage } from '../../core/data/importFile';
import { listEnvs } from '../../core/envs/registry';
import { datasetJob, JobCancelled, progressCallback, type DatasetJob } from '../client/labClient';
import { deleteSavedDataset, loadSavedDatasets, saveDataset, updateSavedInfo } from '../persist/datasetDb';
import { storageEstimate } from '../persist/db';
import { inspectionKey, useDatasets } from './datasetsState';
import { download } from './download';
import { useLab } from './labStore';
import { builtInPresets, generatedId, preferredPresetName } from './presets';

const lab = useLab;
const ui = useDatasets;

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/^Error: /, '');
const isCancel = (e: unknown): boolean => e instanceof JobCancelled || (e instanceof Error && e.name === 'JobCancelled');

// ---- one job at a time on a fresh dataset worker (generation and import), the rest wait in line ----------------

type Progress = (label: string, fraction: number) => void;
let tail: Promise<void> = Promise.resolve();
const cancelledGroups = new Set<string>();

/** Queues work for a dataset worker; its progress and a Cancel button show in the dataset panel. */
function enqueue(label: string, work: (job: DatasetJob, progress: Progress) => Promise<void>, group?: string, onCancel?: () => void): Promise<void> {
  ui.setState((s) => ({ queued: s.queued + 1 }));
  const run = async () => {
    ui.setState((s) => ({ queued: s.queued - 1 }));
    if (group && cancelledGroups.has(group)) return;
    const job = datasetJob();
    const cancel = () => {
      if (group) cancelledGroups.add(group);
      job.cancel();
      onCancel?.();
    };
    lab.setState({ generation: { label, progress: 0, cancel } });
    try {
      await work(job, (l, f) => lab.setState((s) => (s.generation ? { generation: { ...s.generation, label: l, progress: f } } : {})));
    } finally {
      job.cancel();
      lab.setState({ generation: null });
    }
  };
  tail = tail.then(run, run);
  return tail;
}

/** Adds a dataset made elsewhere (a run's policy recorded in a trainer worker) and selects it; it is saved like any other. */
export function addRecordedDataset(d: Dataset): void {
  addDataset(d, true);
}

export function cancelJob(): void {
  lab.getState().generation?.cancel?.();
}

// ---- the list of datasets and the selection ----------------------------------------------------------------

const datasetsOf = (envId: string) => lab.getState().datasets.filter((d) => d.envId === envId);

/** The dataset to select when an environment opens: its expert preset, else its newest dataset. */
function preferredFor(envId: string, datasets: readonly Dataset[]): Dataset | null {
  const own = datasets.filter((d) => d.envId === envId);
  return own.find((d) => d.name === preferredPresetName(envId)) ?? own[own.length - 1] ?? null;
}

/** A name not used by another dataset, so lists and links tell them apart: "name", "name (2)", ... */
function freeName(name: string, id: string, datasets: readonly Dataset[]): string {
  const taken = new Set(datasets.filter((d) => d.id !== id).map((d) => d.name));
  if (!taken.has(name)) return name;
  let k = 2;
  while (taken.has(`${name} (${k})`)) k++;
  return `${name} (${k})`;
}

/**
 * Adds a dataset (replacing one with its id) and saves it. `select`: make it the current dataset, opening its
 * environment; otherwise it is selected only when the current environment has no dataset selected.
 */
function addDataset(d: Dataset, select: boolean): void {
  lab.setState((s) => {
    const dataset = { ...d, name: freeName(d.name, d.id, s.datasets) };
    const datasets = [...s.datasets.filter((x) => x.id !== d.id), dataset];
    const current = s.datasets.find((x) => x.id === s.datasetId);
    if (select) return { datasets, datasetId: dataset.id, envId: dataset.envId ?? s.envId };
    const needsOne = !current || current.envId !== s.envId;
    return { datasets, datasetId: needsOne && dataset.envId === s.envId ? dataset.id : s.datasetId };
  });
  void persist(lab.getState().datasets.find((x) => x.id === d.id)!);
}

/** A run's replay (the transitions an online run saw) joins the datasets, without changing the current one. */
export function addReplayDataset(d: Dataset): void {
  addDataset(d, false);
}

let saving: Promise<void> = Promise.resolve();
/** Datasets being deleted: a save of one that finishes later removes what it wrote. */
const deleting = new Set<string>();
/** Saves in the background, one dataset after another; a full disk is said once, the dataset stays loaded. */
function persist(d: Dataset): Promise<void> {
  saving = saving.then(async () => {
    try {
      const bytes = await saveDataset(d);
      if (deleting.has(d.id) || !lab.getState().datasets.some((x) => x.id === d.id)) await deleteSavedDataset(d.id); // deleted meanwhile
      else ui.setState((s) => ({ saved: { ...s.saved, [d.id]: bytes } }));
    } catch (e) {
      ui.setState({ storageNote: errorText(e) });
    }
    ui.setState({ usage: await storageEstimate() });
  });
  return saving;
}

/** Selects a dataset; one of another environment opens that environment. */
export function selectDataset(datasetId: string): void {
  lab.setState((s) => ({ datasetId, envId: s.datasets.find((d) => d.id === datasetId)?.envId ?? s.envId }));
}

// ---- start, presets and environment changes ------------------------------------------------------------------

const presetsAsked = new Set<string>();

/**
 * Makes an environment's built-in datasets, once per session, when it has no dataset yet (first start, or the
 * first visit of an environment); they are saved like any other.
 */
export function ensurePresets(envId: string): Promise<void> {
  if (presetsAsked.has(envId) || datasetsOf(envId).length > 0) return Promise.resolve();
  presetsAsked.add(envId);
  const group = `presets:${envId}`;
  cancelledGroups.delete(group);
  const jobs = builtInPresets(envId).map((p) =>
    enqueue(
      `making ${p.name}`,
      (job, progress) => generateWith(job, progress, { envId, mix: p.mix, transitions: p.transitions, seed: p.seed, name: p.name, id: generatedId(p.name, p.transitions, p.seed) }, false),
      group,
      // Cancelled presets are offered again on the next visit if the environment still has no dataset.
      () => presetsAsked.delete(envId),
    ),
  );
  return Promise.all(jobs).then(() => undefined);
}

/** A new environment: keep the selection if it belongs there, else select the environment's preferred dataset. */
function onEnvironmentChanged(envId: string): void {
  const s = lab.getState();
  const current = s.datasets.find((d) => d.id === s.datasetId);
  if (!current || current.envId !== envId) lab.setState({ datasetId: preferredFor(envId, s.datasets)?.id ?? null });
  void ensurePresets(envId);
}

let started = false;

/** Loads the saved datasets (IndexedDB) and makes the current environment's presets if it has none. */
export async function initDatasets(): Promise<void> {
  if (started) return;
  started = true;
  lab.subscribe((s, prev) => {
    if (s.envId !== prev.envId) onEnvironmentChanged(s.envId);
  });
  try {
    const { saved, problems } = await loadSavedDatasets();
    lab.setState((s) => {
      const known = new Set(s.datasets.map((d) => d.id));
      const datasets = [...saved.map((x) => x.dataset).filter((d) => !known.has(d.id)), ...s.datasets];
      return { datasets, datasetId: s.datasetId ?? preferredFor(s.envId, datasets)?.id ?? null };
    });
    ui.setState({
      saved: Object.fromEntries(saved.map((x) => [x.dataset.id, x.bytes])),
      storageNote: problems.length ? `Some saved datasets could not be read and were skipped: ${problems.join('; ')}` : null,
    });
  } catch (e) {
    ui.setState({ storageNote: `Saved datasets are not available (${errorText(e)}): new datasets last until the page is reloaded.` });
  }
  ui.setState({ usage: await storageEstimate() });
  await ensurePresets(lab.getState().envId);
}

// ---- generate ------------------------------------------------------------------------------------------------

async function generateWith(job: DatasetJob, progress: Progress, options: Omit<GenerateOptions, 'onProgress'>, select: boolean): Promise<void> {
  const label = `making ${options.name ?? 'a dataset'}`;
  try {
    const dataset = await job.run((api) => api.generate(options, progressCallback((f) => progress(label, f))));
    addDataset(dataset, select);
  } catch (e) {
    lab.setState({ datasetError: isCancel(e) ? `Cancelled ${options.name ?? 'the generation'}; nothing was added.` : `Could not generate ${options.name ?? 'the dataset'}: ${errorText(e)}` });
  }
}

/** Generates a dataset in the current environment from the panel's settings, and selects it. */
export function generate(options: Omit<GenerateOptions, 'onProgress' | 'envId'>): Promise<void> {
  const envId = lab.getState().envId;
  lab.setState({ datasetError: null });
  return enqueue(`making ${options.name ?? 'a dataset'}`, (job, progress) => generateWith(job, progress, { ...options, envId }, true));
}

// ---- import --------------------------------------------------------------------------------------------------

const STAGES: Record<ImportStage, string> = { reading: 'reading', parsing: 'parsing', checking: 'checking', done: 'loaded' };

function envChoice(): EnvChoice {
  const { importEnv } = ui.getState();
  if (importEnv === 'none') return { kind: 'none' };
  if (importEnv !== 'auto' && listEnvs().some((e) => e.id === importEnv)) return { kind: 'env', envId: importEnv };
  return { kind: 'auto', prefer: lab.getState().envId };
}

const importCount = { n: 0 };

/**
 * Imports dropped or picked files, one after another, in the dataset worker (the File goes over as a handle;
 * the page never holds the bytes). A bad file's DatasetFormatError is shown and nothing loaded before changes.
 * A Minari data/metadata.json among the files is passed along with its main_data.hdf5.
 */
export async function importFiles(files: readonly File[]): Promise<void> {
  lab.setState({ datasetError: null });
  const metadataFile = files.length > 1 ? files.find((f) => f.name.toLowerCase() === 'metadata.json') : undefined;
  const metadataJson = metadataFile ? await metadataFile.text() : undefined;
  const env = envChoice(); // as chosen when the files came, even if the choice changes while they wait
  const jobs = files
    .filter((f) => f !== metadataFile)
    .map((file) =>
      enqueue(`reading ${file.name}`, async (job, progress) => {
        try {
          const request = { fileName: file.name, env, ...(metadataJson && /\.(hdf5|h5)$/i.test(file.name) ? { metadataJson } : {}) };
          const result = await job.run((api) => api.importFile(file, request, progressCallback<ImportProgress>((p) => progress(`${STAGES[p.stage]} ${file.name}`, p.fraction))));
          // Unique per import: the same file imported twice is two datasets, not a silent replacement.
          const id = `${result.dataset.id}-${Date.now().toString(36)}${importCount.n++}`;
          addDataset({ ...result.dataset, id }, true);
          ui.setState({ lastImport: { datasetId: id, fileName: file.name, decision: result.decision, fits: result.fits } });
        } catch (e) {
          lab.setState({ datasetError: isCancel(e) ? `Cancelled the import of ${file.name}; nothing was added.` : `Could not import ${file.name}: ${errorText(e)}` });
        }
      }),
    );
  await Promise.all(jobs);
}

// ---- change, delete, export ----------------------------------------------------------------------------------

/** Attaches a dataset to another environment (or none) after checking its dimensions fit. */
export async function setDatasetEnvironment(id: string, envId: string | null): Promise<void> {
  const d = lab.getState().datasets.find((x) => x.id === id);
  if (!d) return;
  let moved: Dataset;
  try {
    moved = reattachEnvironment(d, envId);
  } catch (e) {
    lab.setState({ datasetError: `${d.name} cannot be used with ${envId}: ${errorText(e)}` });
    return;
  }
  lab.setState((s) => ({
    datasets: s.datasets.map((x) => (x.id === id ? moved : x)),
    envId: s.datasetId === id && envId ? envId : s.envId,
    datasetError: null,
  }));
  await updateSavedInfo(moved).catch((e: unknown) => ui.setState({ storageNote: errorText(e) }));
}

/** Removes a dataset from the page and from storage (not the one a run is training on). */
export async function deleteDataset(id: string): Promise<void> {
  const s = lab.getState();
  const d = s.datasets.find((x) => x.id === id);
  if (!d) return;
  const user = Object.values(s.runs).find((r) => r.config.datasetId === id && ['queued', 'starting', 'running', 'paused'].includes(r.status));
  if (user) {
    lab.setState({ datasetError: `${d.name} is in use by the run ${user.name}: stop it before deleting the dataset.` });
    return;
  }
  // Gone from storage before it leaves the list, so a reload right after never brings it back. A save of it still
  // under way deletes what it wrote when it finishes (persist).
  deleting.add(id);
  await deleteSavedDataset(id).catch((e: unknown) => ui.setState({ storageNote: `Could not delete ${d.name} from storage: ${errorText(e)}` }));
  lab.setState((st) => {
    const datasets = st.datasets.filter((x) => x.id !== id);
    return { datasets, datasetId: st.datasetId === id ? (preferredFor(st.envId, datasets)?.id ?? null) : st.datasetId, datasetError: null };
  });
  ui.setState((u) => {
    const { [id]: _gone, ...saved } = u.saved;
    const inspections = Object.fromEntries(Object.entries(u.inspections).filter(([k]) => !k.startsWith(`${id}|`)));
    return { saved, inspections, lastImport: u.lastImport?.datasetId === id ? null : u.lastImport };
  });
  ui.setState({ usage: await storageEstimate() });
}

/** Writes a dataset as D4RL-layout HDF5 or NPZ in a worker and downloads it. */
export async function exportDataset(id: string, format: ExportFormat): Promise<void> {
  const d = lab.getState().datasets.find((x) => x.id === id);
  if (!d) return;
  ui.setState({ exporting: `${d.name}.${format}` });
  try {
    const file = await datasetJob().run((api) => api.exportFile(d, format));
    download(file.blob, file.fileName);
  } catch (e) {
    lab.setState({ datasetError: `Could not export ${d.name}: ${errorText(e)}` });
  } finally {
    ui.setState({ exporting: null });
  }
}

// ---- inspection ----------------------------------------------------------------------------------------------

let inspecting: { key: string; job: DatasetJob } | null = null;

/**
 * Computes the inspector's numbers in a worker once per dataset and environment (SACo generates a reference
 * dataset, which can take seconds). A newer request stops an unfinished older one.
 */
export function requestInspection(d: Dataset): void {
  const key = inspectionKey(d);
  if (ui.getState().inspections[key]) return;
  if (inspecting) {
    const stale = inspecting.key;
    inspecting.job.cancel();
    ui.setState((u) => ({ inspections: Object.fromEntries(Object.entries(u.inspections).filter(([k]) => k !== stale)) }));
  }
  const job = datasetJob();
  inspecting = { key, job };
  ui.setState((u) => ({ inspections: { ...u.inspections, [key]: { status: 'computing' } } }));
  const replay = lab.getState().datasets.find((x) => x.source === 'replay' && x.envId === d.envId && x.id !== d.id) ?? null;
  job
    .run((api) => api.inspect(d, { replay }))
    .then((result) => ui.setState((u) => ({ inspections: { ...u.inspections, [key]: { status: 'ready', result } } })))
    .catch((e: unknown) => {
      if (!isCancel(e)) ui.setState((u) => ({ inspections: { ...u.inspections, [key]: { status: 'failed', error: errorText(e) } } }));
    })
    .finally(() => {
      if (inspecting?.key === key) inspecting = null;
    });
}
