// The only module of the page that talks to workers. The page never imports tfjs.
import * as Comlink from 'comlink';
import type { ReportListener } from '../../core/run/session';
import type { DatasetService } from '../../core/data/datasetService';
import { poolSize, TrainerPool } from './pool';

export type DatasetApi = Comlink.Remote<DatasetService>;
export type { TrainerApi } from './pool';

let pool: TrainerPool | null = null;

/** The page's pool of trainer workers, sized to the machine (see poolSize). */
export function labPool(): TrainerPool {
  pool ??= new TrainerPool(poolSize(typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 2), () => new Worker(new URL('../../../workers/trainer.worker.ts', import.meta.url), { type: 'module', name: 'trainer' }));
  return pool;
}

/** Wraps a report callback so the worker can call it across the boundary. */
export function reportCallback(listener: ReportListener): ReportListener {
  return Comlink.proxy(listener);
}

export function progressCallback<T = number>(fn: (value: T) => void): (value: T) => void {
  return Comlink.proxy(fn);
}

export class JobCancelled extends Error {
  override readonly name = 'JobCancelled';
}

export interface DatasetJob {
  api: DatasetApi;
  /** Terminates the worker; a pending run() rejects with JobCancelled. */
  cancel(): void;
  /** Runs one call on the worker, then terminates it; rejects if the job is cancelled or the worker dies. */
  run<T>(call: (api: DatasetApi) => Promise<T>): Promise<T>;
}

/** A dataset worker per job, so cancelling is terminating it (generation never blocks the page). */
export function datasetJob(): DatasetJob {
  const worker = new Worker(new URL('../../../workers/dataset.worker.ts', import.meta.url), { type: 'module', name: 'dataset' });
  const api = Comlink.wrap<DatasetService>(worker);
  let stop: (e: Error) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  stopped.catch(() => undefined);
  worker.addEventListener('error', (e) => stop(new Error(`the dataset worker stopped: ${e.message || 'unknown error'}`)));
  const cancel = () => {
    worker.terminate();
    stop(new JobCancelled('cancelled'));
  };
  return {
    api,
    cancel,
    run: async (call) => {
      try {
        return await Promise.race([call(api), stopped]);
      } finally {
        worker.terminate();
      }
    },
  };
}
