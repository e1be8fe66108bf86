// The experiment layer's plain data: what a run is, as the page keeps it, stores it, exports it and links it.
// No tensors and no functions here, so every value crosses worker boundaries, IndexedDB and JSON unchanged.
import type { HyperparameterEvent } from '../run/events';
import type { HyperValues } from '../run/hyperparameters';
import type { BackendRequest } from '../tf/backendNames';

/** Everything needed to start (or restart) a run. Hyperparameters are the full resolved values, `seed` among them. */
export interface RunConfig {
  algorithmId: string;
  /** The dataset's environment, or null for a dataset without one (offline metrics only). */
  envId: string | null;
  /** The browser-local dataset id the run trained on. */
  datasetId: string;
  /** The dataset's name (e.g. "cartpole-expert"): how links and bundles find it again in another browser. */
  datasetName: string;
  hyperparameters: HyperValues;
  backend: BackendRequest;
  /** Set when the run was started from another run's checkpoint: drawn from that branching point. */
  fork?: { runId: string; update: number };
}

/** The page's view of a run's life. 'queued': waiting for a free worker in the pool. */
export type RunPhase = 'queued' | 'starting' | 'running' | 'paused' | 'finished' | 'stopped' | 'failed';

export interface EvaluationPoint {
  update: number;
  /** Milliseconds of training (not counting queued or paused time) when the evaluation was made. */
  wallMs: number;
  meanReturn: number;
  stdReturn: number;
  normalizedScore: number | null;
}

/** How a run belongs to a larger experiment. */
export interface RunMembership {
  /** Runs of one configuration that differ only by seed share a group (drawn as one line with a band). */
  groupId: string;
  sweepId?: string;
  /** Index of the sweep point (configuration) this run belongs to. */
  sweepPoint?: number;
  pbtId?: string;
  /** Member index within its PBT population. */
  pbtMember?: number;
}

/** One run as kept by the page, the run database and bundles (metrics live beside it, see MetricsSnapshot). */
export interface RunRecord {
  id: string;
  name: string;
  /** CSS colour of its lines. */
  color: string;
  createdAt: number;
  config: RunConfig;
  membership: RunMembership;
  status: RunPhase;
  error: string | null;
  notice: string | null;
  update: number;
  updatesPerSecond: number;
  /** Training time so far, milliseconds (the wall-time x-axis). */
  wallMs: number;
  hidden: boolean;
  /** Hyperparameter changes (by hand, by PBT), drawn as markers and listed in the run's history. */
  events: HyperparameterEvent[];
  evaluations: EvaluationPoint[];
}

/** A run's metric series in a serialisable form: for each metric, x (update) and y at matching indices. */
export interface MetricsSnapshot {
  series: { name: string; xs: Float64Array; ys: Float64Array }[];
  /** (update, wall ms) pairs, one per report, to map updates to wall time. */
  /** envSteps: online runs' environment steps at each clock point (absent in older snapshots and in run bundles). */
  clock: { updates: Float64Array; wallMs: Float64Array; envSteps?: Float64Array };
}
