import { startTransition, useEffect, useMemo, useState } from 'react';
import type { Dataset } from '../../../core/data/dataset';
import { chooseEnvironment } from '../../../core/data/importFile';
import type { DatasetInspection } from '../../../core/data/inspectDataset';
import { isGridWorldSpec } from '../../../core/envs/gridWorld';
import { datasetEnvSpec } from '../../../core/data/datasetEnv';
import { requestInspection, setDatasetEnvironment } from '../../store/datasets';
import { inspectionKey, useDatasets } from '../../store/datasetsState';
import { selectedDataset, useLab } from '../../store/labStore';
import { CoverageMap } from './CoverageMap';
import { episodeReturns, episodeStarts } from '../../../core/data/episodes';
import type { Histogram } from '../../../core/data/histogram';
import { bucketShares, DEFAULT_SAMPLING_TEMPERATURE, returnWeights } from '../../../core/data/trajectoryWeights';
import { ActionChart, ReturnHistogram, SampledShareChart } from './DatasetCharts';
import { count, plural, stat } from './format';

const SOURCES: Record<Dataset['source'], string> = {
  generated: 'generated in the lab',
  replay: 'replay buffer of an online learner',
  d4rl: 'D4RL HDF5 file',
  minari: 'Minari HDF5 file',
  npz: 'NPZ file',
  csv: 'CSV file',
  json: 'JSON file',
};

/** The dataset's environment spec (its custom layout and that layout's reference returns included), or null. */
const specOf = (d: Dataset) => {
  try {
    return datasetEnvSpec(d);
  } catch {
    return null;
  }
};

/** The environment a dataset is attached to; imported data can move to any environment its dimensions fit. */
function EnvironmentChoice({ dataset }: { dataset: Dataset }) {
  const fits = useMemo(() => {
    const ids = chooseEnvironment({ ...dataset, envId: null }).fits;
    return dataset.envId && !ids.includes(dataset.envId) ? [dataset.envId, ...ids] : ids;
  }, [dataset]);
  if (dataset.source === 'generated') return <>{dataset.envId}</>;
  return (
    <select value={dataset.envId ?? ''} onChange={(e) => void setDatasetEnvironment(dataset.id, e.target.value || null)} data-testid="inspector-env" aria-label="dataset environment">
      <option value="">no environment</option>
      {fits.map((id) => (
        <option key={id} value={id}>
          {id}
        </option>
      ))}
    </select>
  );
}

function Facts({ dataset, result }: { dataset: Dataset; result: DatasetInspection | null }) {
  const spec = specOf(dataset);
  const actions = dataset.discreteActions !== null ? `${dataset.discreteActions} discrete` : `${dataset.actionDim} continuous`;
  return (
    <dl className="stats" data-testid="inspector-facts">
      <dt>transitions</dt>
      <dd data-testid="inspector-transitions">{count(dataset.size)}</dd>
      <dt>episodes</dt>
      <dd data-testid="inspector-episodes">{count(dataset.episodes)}</dd>
      <dt>observations</dt>
      <dd>{dataset.observationDim} dimensions</dd>
      <dt>actions</dt>
      <dd>{actions}</dd>
      <dt>source</dt>
      <dd>{SOURCES[dataset.source]}</dd>
      <dt>behaviour policy</dt>
      <dd>{dataset.behavior}</dd>
      <dt>environment</dt>
      <dd>
        <EnvironmentChoice dataset={dataset} />
      </dd>
      {dataset.envOptions?.layout !== undefined && (
        <>
          <dt>map</dt>
          <dd data-testid="inspector-layout" title={dataset.envOptions.layout}>
            custom layout{spec && isGridWorldSpec(spec) ? `, ${spec.grid.rows.length} × ${spec.grid.rows[0].length}, slip ${spec.grid.slip}` : ''}
            {spec === null && dataset.envId && <span className="error"> (does not fit {dataset.envId})</span>}
          </dd>
        </>
      )}
      {result && (
        <>
          <dt>episode ends</dt>
          <dd title="Terminal: the environment ended the episode (no future reward). Time-out: a time limit or the end of the data cut it; the state after it is not a real successor.">
            {count(result.flags.terminals)} terminal · {plural(result.flags.timeouts, 'time-out')}
          </dd>
          <dt>no next state</dt>
          <dd title="Rows whose next observation is not known (a time-out without next_observations in the file): used for behaviour cloning, skipped in TD targets.">
            {plural(result.flags.withoutSuccessor, 'row')}
          </dd>
        </>
      )}
      {spec === null && dataset.envId === null && <dd className="span">No environment: training shows offline metrics only, without evaluation rollouts.</dd>}
    </dl>
  );
}

function Quality({ result }: { result: DatasetInspection }) {
  const { measures: m, referenceScores: ref, reference } = result;
  const r = m.returnStats;
  return (
    <dl className="stats measures" data-testid="inspector-measures">
      <dt>episode return</dt>
      <dd data-testid="inspector-return">
        {stat(r.mean)} ± {stat(r.std)} <span className="muted">(min {stat(r.min)}, max {stat(r.max)})</span>
      </dd>
      <dt>normalized score</dt>
      <dd data-testid="inspector-score">
        {stat(m.normalizedScore, 3)}
        <p className="help">
          {ref
            ? `D4RL's 100 × (return − random) / (expert − random), with random ${stat(ref.min)} and expert ${stat(ref.max)} (${ref.source}).`
            : 'Needs reference returns (random and expert) for the environment.'}
        </p>
      </dd>
      <dt>TQ</dt>
      <dd data-testid="inspector-tq">
        {stat(m.trajectoryQuality, 3)}
        <p className="help">Trajectory quality: the mean episode return between a random policy (0) and the expert (1) (Schweighofer et al.).</p>
      </dd>
      <dt>SACo</dt>
      <dd data-testid="inspector-saco">
        {stat(m.stateActionCoverage, 3)} <span className="muted">({count(m.uniqueStateActions)} unique state-action cells)</span>
        <p className="help">
          State-action coverage: unique discretised (state, action) pairs relative to a reference dataset
          {reference ? ` (${reference.name}: ${count(reference.pairs)} pairs)` : ', which needs an environment'}. Off-policy RL needs high SACo; BC needs high TQ.
        </p>
      </dd>
    </dl>
  );
}

/**
 * How the run settings in the form would sample this data: the share of drawn transitions in each return bucket,
 * uniform against return-weighted at the form's temperature (Hong et al. 2023's RW, see core/data/trajectoryWeights.ts).
 */
function SamplingShares({ dataset, histogram }: { dataset: Dataset; histogram: Histogram }) {
  const form = useLab((s) => s.values[s.algorithmId]);
  const mode = form?.sampling ?? 'uniform';
  const temperature = Number(form?.samplingTemperature ?? DEFAULT_SAMPLING_TEMPERATURE);
  const episodes = useMemo(() => {
    const starts = episodeStarts(dataset);
    return { returns: episodeReturns(dataset), lengths: Array.from({ length: starts.length - 1 }, (_, e) => starts[e + 1] - starts[e]) };
  }, [dataset]);
  const shares = useMemo(() => {
    if (!(temperature > 0)) return null;
    const weights = returnWeights(episodes.returns, temperature);
    return { uniform: bucketShares(episodes.returns, episodes.lengths, null, histogram.edges), weighted: bucketShares(episodes.returns, episodes.lengths, weights, histogram.edges) };
  }, [episodes, histogram, temperature]);
  if (!shares) return null;
  return (
    <>
      <h3>Sampled transitions per return bucket</h3>
      <SampledShareChart edges={histogram.edges} uniform={shares.uniform} weighted={shares.weighted} weightedLabel={`return-weighted, α = ${stat(temperature, 3)}`} />
      <p className="help" data-testid="sampled-share-note">
        Share of a batch's rows drawn from each bucket of the histogram above. The form samples {mode === 'return-weighted' ? `return-weighted at α = ${stat(temperature, 3)}` : 'uniformly'}; set batch
        sampling and its temperature in the run settings (before filters such as filtered BC's).
      </p>
    </>
  );
}

/** What is in the selected dataset: sizes, returns and their quality, actions taken, and where the states lie. */
export function DatasetInspector() {
  const dataset = useLab(selectedDataset);
  const key = dataset ? inspectionKey(dataset) : '';
  const state = useDatasets((s) => (dataset ? s.inspections[key] : undefined));
  const ready = state?.status === 'ready' ? state.result : null;
  // The charts render in a transition, which React splits into short slices: a store update renders at once.
  const [shown, setShown] = useState<{ key: string; result: DatasetInspection } | null>(null);
  useEffect(() => {
    if (dataset) requestInspection(dataset);
  }, [dataset]);
  useEffect(() => startTransition(() => setShown(ready ? { key, result: ready } : null)), [key, ready]);
  if (!dataset) return null;
  const result = shown?.key === key ? shown.result : null;
  const spec = specOf(dataset);

  return (
    <details className="panel inspector" open data-testid="dataset-inspector">
      <summary>
        <h2>Dataset: {dataset.name}</h2>
      </summary>
      <div className="inspector-grid">
        <div>
          <Facts dataset={dataset} result={result} />
          {state?.status === 'computing' && <p className="help" data-testid="inspector-computing">Measuring the data (SACo compares it with a reference dataset made in a worker)…</p>}
          {state?.status === 'failed' && <p className="error">Could not measure this dataset: {state.error}</p>}
          {result && <Quality result={result} />}
        </div>
        {result && (
          <div>
            <h3>Episode returns ({count(result.measures.returnStats.episodes)} episodes)</h3>
            <ReturnHistogram histogram={result.measures.returnHistogram} />
            <SamplingShares dataset={dataset} histogram={result.measures.returnHistogram} />
            <h3>Actions</h3>
            <ActionChart actions={result.measures.actions} labels={spec?.actionLabels ?? []} />
          </div>
        )}
        {result?.coverage && dataset.envId && (
          <div>
            <h3>Coverage</h3>
            <CoverageMap dataset={dataset} coverage={result.coverage} />
          </div>
        )}
      </div>
    </details>
  );
}
