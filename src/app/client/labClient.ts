// The only module of the page that talks to workers. The page never imports tfjs.
import * as Comlink from 'comlink';
import type { TrainingSession, ReportListener } from '../../core/run/session';
import type { DatasetService } from '../../core/data/datasetService';

export type TrainerApi = Comlink.Remote<TrainingSession>;
export type DatasetApi = Comlink.Remote<DatasetService>;

let trainerWorker: Worker | null = null;
let trainer: TrainerApi | null = null;

let crashListener: (message: string) => void = () => {};

/** Called when the trainer worker itself dies (not a failed run, which the session reports). */
export function onTrainerCrash(listener: (message: string) => void): void {
  crashListener = listener;
}

export function trainerClient(): TrainerApi {
  if (!trainer) {
    const worker = new Worker(new URL('../../../workers/trainer.worker.ts', import.meta.url), { type: 'module', name: 'trainer' });
    worker.addEventListener('error', (e) => {
      // The next call makes a fresh worker; the page and its datasets go on.
      worker.terminate();
      if (trainerWorker === worker) trainer = trainerWorker = null;
      crashListener(`the trainer worker stopped: ${e.message || 'unknown error'}`);
    });
    trainerWorker = worker;
    trainer = Comlink.wrap<TrainingSession>(worker);
  }
  return trainer;
}

/** Wraps a report callback so the worker can call it across the boundary. */
export function reportCallback(listener: ReportListener): ReportListener {
  return Comlink.proxy(listener);
}

export function progressCallback(fn: (fraction: number) => void): (fraction: number) => void {
  return Comlink.proxy(fn);
}

/** A dataset worker per job, so cancelling is terminating it (generation never blocks the page). */
export function datasetJob(): { api: DatasetApi; cancel(): void } {
  const worker = new Worker(new URL('../../../workers/dataset.worker.ts', import.meta.url), { type: 'module', name: 'dataset' });
  return { api: Comlink.wrap<DatasetService>(worker), cancel: () => worker.terminate() };
}
