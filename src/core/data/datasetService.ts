import type { Dataset } from './dataset';
import { generateDataset, type GenerateOptions } from './generate';

/** What the dataset worker exposes: work on datasets off the main thread. */
export class DatasetService {
  /** Generates a dataset; its arrays sit on SharedArrayBuffers when the page is cross-origin isolated. */
  generate(options: Omit<GenerateOptions, 'onProgress'>, onProgress?: (fraction: number) => void): Dataset {
    return generateDataset({ ...options, onProgress: onProgress ? (f) => void onProgress(f) : undefined });
  }
}
