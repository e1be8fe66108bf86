import { create } from 'zustand';
import type { Dataset } from '../../core/data/dataset';
import type { EnvDecision } from '../../core/data/importFile';
import type { DatasetInspection } from '../../core/data/inspectDataset';
import type { ViewGrid } from '../../core/envs/stateView';

export type InspectionState = { status: 'computing' } | { status: 'ready'; result: DatasetInspection } | { status: 'failed'; error: string };

/**
 * The dataset side's own state (the datasets themselves, the selection and dataset errors live in labStore,
 * which the trainer and charts read too).
 */
export interface DatasetsState {
  /** Saved datasets (IndexedDB) and their stored size in bytes. */
  saved: Record<string, number>;
  /** Why datasets are not (all) kept: a full disk, storage unavailable, a damaged saved dataset. */
  storageNote: string | null;
  /** The site's storage use and quota, when the browser says. */
  usage: { usage: number; quota: number } | null;
  /** Jobs waiting behind the one running (generation and import run one at a time). */
  queued: number;
  /** The environment new imports go to: 'auto', 'none' or an environment id. */
  importEnv: string;
  /** How the last import's environment was decided, for the message under the import controls. */
  lastImport: { datasetId: string; fileName: string; decision: EnvDecision; fits: string[] } | null;
  /** Inspector results by inspectionKey(dataset). */
  inspections: Record<string, InspectionState>;
  /** The file being written for download, if any. */
  exporting: string | null;
}

export const useDatasets = create<DatasetsState>(() => ({
  saved: {},
  storageNote: null,
  usage: null,
  queued: 0,
  importEnv: 'auto',
  lastImport: null,
  inspections: {},
  exporting: null,
}));

/** A dataset's inspection depends on its data (id) and its environment (references, coverage view). */
export const inspectionKey = (d: Pick<Dataset, 'id' | 'envId'>): string => `${d.id}|${d.envId ?? ''}`;

/**
 * A dataset's visitation heatmap over its environment's state view, once the dataset worker has measured it
 * (null before that, or without a 2D view): for any panel that draws dataset coverage without looping over
 * the rows on the page.
 */
export const coverageOf =
  (d: Pick<Dataset, 'id' | 'envId'> | null | undefined) =>
  (s: DatasetsState): ViewGrid | null => {
    const i = d ? s.inspections[inspectionKey(d)] : undefined;
    return i?.status === 'ready' ? i.result.coverage : null;
  };
