import { create } from 'zustand';
import type { Dataset } from '../../core/data/dataset';
import type { EpisodeRecord } from '../../core/run/evaluate';
import type { HyperparameterEvent, RunStatus } from '../../core/run/events';
import type { HyperValues } from '../../core/run/hyperparameters';
import type { Catalog } from '../../core/run/session';
import type { BackendReport, BackendRequest } from '../../core/tf/backend';

export interface EvaluationPoint {
  update: number;
  meanReturn: number;
  stdReturn: number;
  normalizedScore: number | null;
}

export interface RunState {
  status: RunStatus;
  update: number;
  updatesPerSecond: number;
  error: string | null;
  /** Something that happened without stopping the run (e.g. a backend fallback). */
  notice: string | null;
  /** Settings the run started with (algorithm id, dataset id), for the header and charts. */
  algorithmId: string | null;
  datasetId: string | null;
}

export interface DemoEpisode {
  episode: EpisodeRecord;
  /** Behaviour policy level (random, medium, expert) and the seed it ran with. */
  policy: string;
  seed: number;
}

export interface LabState {
  envId: string;
  datasets: Dataset[];
  datasetId: string | null;
  generation: { label: string; progress: number; cancel(): void } | null;
  datasetError: string | null;
  catalog: Catalog | null;
  algorithmId: string;
  /** Current values per algorithm (algorithm and run settings together). */
  values: Record<string, HyperValues>;
  /** Messages from rejected inputs, by hyperparameter key. */
  inputErrors: Record<string, string>;
  backendRequest: BackendRequest;
  backend: BackendReport | null;
  run: RunState;
  events: HyperparameterEvent[];
  evaluations: EvaluationPoint[];
  episode: EpisodeRecord | null;
  /** An episode of a behaviour policy played from the environment panel, shown in the replay beside evaluations. */
  demo: DemoEpisode | null;
  /** Bumped by the chart clock (at most 10 Hz) when metric buffers changed. */
  chartVersion: number;
}

export const initialRun: RunState = { status: 'idle', update: 0, updatesPerSecond: 0, error: null, notice: null, algorithmId: null, datasetId: null };

export const useLab = create<LabState>(() => ({
  envId: 'CartPole-v1',
  datasets: [],
  datasetId: null,
  generation: null,
  datasetError: null,
  catalog: null,
  algorithmId: 'bc',
  values: {},
  inputErrors: {},
  backendRequest: 'auto',
  backend: null,
  run: initialRun,
  events: [],
  evaluations: [],
  episode: null,
  demo: null,
  chartVersion: 0,
}));

export const selectedDataset = (s: LabState): Dataset | null => s.datasets.find((d) => d.id === s.datasetId) ?? null;
