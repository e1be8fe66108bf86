import { create } from 'zustand';
import { RunMetrics } from './runMetrics';
import type { Dataset } from '../../core/data/dataset';
import type { EpisodeRecord } from '../../core/run/evaluate';
import type { RunRecord } from '../../core/experiments/types';
import type { ChartChoices, DatasetRecipe, LinkRun } from '../../core/experiments/labLink';
import type { HyperValues } from '../../core/run/hyperparameters';
import type { Catalog } from '../../core/run/session';
import type { BackendReport, BackendRequest } from '../../core/tf/backend';

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
  /** The dataset job shown with its progress; `cancel` where the job can stop part-way. */
  generation: { label: string; progress: number; cancel?(): void } | null;
  datasetError: string | null;
  catalog: Catalog | null;
  algorithmId: string;
  /** Current values per algorithm (algorithm and run settings together). */
  values: Record<string, HyperValues>;
  /** Messages from rejected inputs, by hyperparameter key. */
  inputErrors: Record<string, string>;
  backendRequest: BackendRequest;
  /** The backend the focused run measured and chose. */
  backend: BackendReport | null;
  /** Every run of this browser, by id, and their order in the run list. */
  runs: Record<string, RunRecord>;
  runOrder: string[];
  /** The run whose replay, value map and live controls the page shows (the latest started, or the one clicked). */
  focusRunId: string | null;
  /** The latest evaluation episode of each run (not kept across reloads). */
  episodes: Record<string, EpisodeRecord>;
  /** A message about the runs as a whole (storage, a refused link, a failed import). */
  runsNotice: string | null;
  /** How many seeds the Start button starts. */
  seeds: number;
  chart: ChartChoices;
  /** Runs picked out on the charts (a sweep row clicked); others fade. */
  highlight: string[] | null;
  /** Metric series of every run, outside React state (see RunMetrics). */
  metrics: RunMetrics;
  /** Panels and controls a shared link hid (a teacher's lesson shows only what it needs). */
  hiddenControls: string[];
  /** Runs a shared link described, offered with a Start button until started or dismissed. */
  linkRuns: { runs: LinkRun[]; recipe?: DatasetRecipe; env?: string } | null;
  presentation: boolean;
  /** An episode of a behaviour policy played from the environment panel, shown in the replay beside evaluations. */
  demo: DemoEpisode | null;
  /** Bumped by the chart clock (at most 10 Hz) when metric buffers changed. */
  chartVersion: number;
}

export const defaultChart: ChartChoices = { smoothing: 0.6, xAxis: 'updates', center: 'mean', band: 'ci95', log: false, seedsFaint: true };

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
  runs: {},
  runOrder: [],
  focusRunId: null,
  episodes: {},
  runsNotice: null,
  seeds: 1,
  chart: defaultChart,
  highlight: null,
  metrics: new RunMetrics(),
  hiddenControls: [],
  linkRuns: null,
  presentation: false,
  demo: null,
  chartVersion: 0,
}));

export const focusedRun = (s: LabState): RunRecord | null => (s.focusRunId ? (s.runs[s.focusRunId] ?? null) : null);

/** A run holding (or waiting for) a worker. */
export const isActive = (r: RunRecord | null | undefined): boolean => !!r && (r.status === 'queued' || r.status === 'starting' || r.status === 'running' || r.status === 'paused');

export const selectedDataset = (s: LabState): Dataset | null => s.datasets.find((d) => d.id === s.datasetId) ?? null;
