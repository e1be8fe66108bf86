import type { HyperValue } from './hyperparameters';
import type { EvaluationResult } from './evaluate';
import type { BackendReport } from '../tf/backend';
import type { TrainingEpisode } from './envCollector';

/** The series the page keeps of the acting policy's training-episode returns (online runs), drawn beside evaluations. */
export const TRAINING_RETURN = 'train_return';

/** What the run-level series (not an algorithm's own metrics) mean. */
export const RUN_METRIC_HELP: Record<string, string> = {
  offline_share: 'While an offline run fine-tunes online: the share of each batch drawn from the dataset (the rest from its own replay buffer), as set or as its decay schedule has brought it.',
};

/** A hyperparameter change, drawn as a marker on every chart at `update`. */
export interface HyperparameterEvent {
  update: number;
  key: string;
  label: string;
  from: HyperValue;
  to: HyperValue;
  /** What made the change when it was not a hand on a control, e.g. "PBT: copied member 3". */
  source?: string;
}

export type RunStatus = 'idle' | 'starting' | 'running' | 'paused' | 'finished' | 'stopped' | 'failed';

/** Metrics of consecutive updates: row r is update `firstUpdate + r`, columns in `names` order. */
export interface MetricBatch {
  names: string[];
  firstUpdate: number;
  rows: number;
  values: Float32Array;
}

/** What one tick (or step) of training produced; the worker forwards one of these per tick. */
export interface TrainingReport {
  /** The run this report belongs to: every report names it, so many runs can share a page. */
  runId: string;
  update: number;
  /** Training time so far (ms, paused time excluded). */
  wallMs: number;
  status: RunStatus;
  metrics: MetricBatch | null;
  evaluations: EvaluationResult[];
  events: HyperparameterEvent[];
  updatesPerSecond: number;
  /** Environment steps taken so far (online runs); absent or 0 for offline runs. */
  envSteps?: number;
  /** Episodes of the acting policy that ended since the last report (online runs). */
  episodes?: TrainingEpisode[];
  error?: string;
  /** Something the user should know that did not stop the run, e.g. a fallback to another backend. */
  notice?: string;
  /** Set when the backend changed during the run. */
  backend?: BackendReport;
}
