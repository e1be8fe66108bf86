import { prepareEnv } from '../envs/prepare';
import type { Dataset } from './dataset';
import { exportD4rl } from './formats/d4rl';
import { exportNpz } from './formats/npz';
import { generateDataset, type GenerateOptions } from './generate';
import { importDatasetFile, type ImportProgressListener, type ImportRequest, type ImportResult } from './importFile';
import { inspectDataset, type DatasetInspection, type InspectOptions } from './inspectDataset';

export type ExportFormat = 'hdf5' | 'npz';

export interface ExportedFile {
  /** A Blob crosses to the page as a handle: the bytes are not copied again on the way. */
  blob: Blob;
  fileName: string;
}

const fileStem = (name: string): string => name.replace(/[^\w.-]+/g, '_') || 'dataset';

/** What the dataset worker exposes: work on datasets off the main thread. */
export class DatasetService {
  /** Generates a dataset; its arrays sit on SharedArrayBuffers when the page is cross-origin isolated. */
  async generate(options: Omit<GenerateOptions, 'onProgress'>, onProgress?: (fraction: number) => void): Promise<Dataset> {
    await prepareEnv(options.envId);
    return generateDataset({ ...options, onProgress: onProgress ? (f) => void onProgress(f) : undefined });
  }

  /**
   * Reads and parses a dataset file (bytes transferred from the page, or the dropped File itself) with staged
   * progress; the dataset's arrays are SharedArrayBuffer-backed, so trainers get them without a copy.
   */
  importFile(source: Uint8Array | Blob, request: ImportRequest, onProgress?: ImportProgressListener): Promise<ImportResult> {
    return importDatasetFile(source, request, onProgress ? (p) => void onProgress(p) : undefined);
  }

  /** The inspector's measures, SACo against its reference, and the coverage heatmap. */
  async inspect(dataset: Dataset, options: InspectOptions = {}): Promise<DatasetInspection> {
    await prepareEnv(dataset.envId);
    return inspectDataset(dataset, options);
  }

  /** The dataset as a D4RL-layout HDF5 file or an NPZ file, ready for a download link. */
  async exportFile(dataset: Dataset, format: ExportFormat): Promise<ExportedFile> {
    const bytes = format === 'hdf5' ? await exportD4rl(dataset) : await exportNpz(dataset);
    return { blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), fileName: `${fileStem(dataset.name)}.${format}` };
  }
}
