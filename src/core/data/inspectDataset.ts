import { isMujocoEnvId } from '../envs/mujoco/locomotionEnvs';
import { projectObservations, stateViewOf, viewBounds, type ViewGrid } from '../envs/stateView';
import type { EnvSpec, ReferenceScores } from '../envs/types';
import { coverageGrid, uniqueStateActions } from './coverage';
import type { Dataset } from './dataset';
import { datasetEnvSpec } from './datasetEnv';
import { generateDataset } from './generate';
import { datasetMeasures, type DatasetMeasures } from './measures';
import { visitationGrid } from './visitation';

export interface InspectOptions {
  /**
   * The environment's 'replay' dataset (an online learner's buffer), SACo's reference in the paper. Without
   * one, a random-policy dataset of the same size is generated in the same environment (see coverage.ts).
   */
  replay?: Dataset | null;
  /** Seed of that random reference dataset (fixed, so SACo is the same on every look). */
  referenceSeed?: number;
  returnBins?: number;
}

export interface SacoReference {
  kind: 'replay' | 'random';
  name: string;
  size: number;
  /** Unique discretised state-action pairs of the reference on the shared grid. */
  pairs: number;
}

/** What the dataset inspector shows: measures (measures.ts), SACo's reference, flag counts, and coverage. */
export interface DatasetInspection {
  measures: DatasetMeasures;
  referenceScores: ReferenceScores | null;
  reference: SacoReference | null;
  flags: { terminals: number; timeouts: number; withoutSuccessor: number };
  /** Visitation density over the environment's 2D state view (stateView.ts), or null without one. */
  coverage: ViewGrid | null;
}

const count = (a: Uint8Array): number => a.reduce((s, v) => s + (v ? 1 : 0), 0);

const MUJOCO_REFERENCE_CAP = 50_000;

/** SACo's reference for a dataset: the env's replay dataset if given and shaped alike, else fresh random data. */
function sacoReference(d: Dataset, spec: EnvSpec | null, opts: InspectOptions): { data: Dataset; kind: SacoReference['kind'] } | null {
  if (!spec) return null;
  const replay = opts.replay;
  const layout = d.envOptions?.layout;
  if (replay && replay.envId === d.envId && replay.envOptions?.layout === layout && replay.observationDim === d.observationDim && replay.actionDim === d.actionDim) return { data: replay, kind: 'replay' };
  // On the dataset's own map (a custom layout included). MuJoCo steps cost about 0.5 ms: a D4RL-sized (1M)
  // reference would take minutes, so it is capped (its size is in the reference's name the inspector shows).
  const size = isMujocoEnvId(spec.id) ? Math.min(d.size, MUJOCO_REFERENCE_CAP) : d.size;
  const random = generateDataset({ envId: spec.id, mix: [{ policy: 'random', weight: 1 }], transitions: size, seed: opts.referenceSeed ?? 0, ...(layout !== undefined ? { layout } : {}) });
  return { data: random, kind: 'random' };
}

/** Every number and chart of the dataset inspector, computed in one place (the dataset worker calls this). */
export function inspectDataset(d: Dataset, opts: InspectOptions = {}): DatasetInspection {
  const spec = datasetEnvSpec(d);
  const ref = sacoReference(d, spec, opts);
  let coverage: { grid: ReturnType<typeof coverageGrid>; referencePairs: number } | undefined;
  let reference: SacoReference | null = null;
  if (ref) {
    // Both datasets on one grid: SACo compares counts, which only means something on the same cells.
    const grid = coverageGrid([d, ref.data]);
    const pairs = uniqueStateActions(ref.data, grid);
    coverage = { grid, referencePairs: pairs };
    reference = { kind: ref.kind, name: ref.kind === 'replay' ? ref.data.name : `random policy, ${ref.data.size.toLocaleString('en-US')} transitions`, size: ref.data.size, pairs };
  }
  const measures = datasetMeasures(d, { reference: spec?.referenceScores, returnBins: opts.returnBins, coverage });
  return {
    measures,
    referenceScores: spec?.referenceScores ?? null,
    reference,
    flags: { terminals: count(d.terminals), timeouts: count(d.timeouts), withoutSuccessor: d.size - count(d.nextValid) },
    coverage: spec ? visitationOver(d, spec) : null,
  };
}

/** Visitation density on the env's state view: NaN-free fractions of all rows per cell, log-scaled when drawn. */
function visitationOver(d: Dataset, spec: EnvSpec): ViewGrid | null {
  const view = stateViewOf(spec);
  if (!view) return null;
  const points = projectObservations(view, d.observations, d.observationDim, d.size);
  const [width, height] = view.resolution;
  const grid = visitationGrid({ observations: points, observationDim: 2, size: d.size }, 0, 1, { width, height, bounds: viewBounds(view) });
  return { width, height, values: grid.density, xRange: [...view.xRange], yRange: [...view.yRange], label: 'share', scale: 'log' };
}
