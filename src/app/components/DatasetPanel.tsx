import { useMemo, useState } from 'react';
import { episodeReturns, returnStats } from '../../core/data/episodes';
import { listEnvs } from '../../core/envs/registry';
import { policyLevels } from '../../core/policies/index';
import { cancelGeneration, generate, selectDataset } from '../store/actions';
import { selectedDataset, useLab } from '../store/labStore';

const sizes = [5_000, 20_000, 50_000, 100_000, 250_000];

export function DatasetPanel() {
  const envId = useLab((s) => s.envId);
  const datasets = useLab((s) => s.datasets);
  const dataset = useLab(selectedDataset);
  const generation = useLab((s) => s.generation);
  const error = useLab((s) => s.datasetError);
  const [policy, setPolicy] = useState('expert');
  const [size, setSize] = useState(20_000);
  const [seed, setSeed] = useState(7);
  const stats = useMemo(() => (dataset ? returnStats(episodeReturns(dataset)) : null), [dataset]);
  const spec = listEnvs().find((e) => e.id === envId);

  return (
    <section className="panel">
      <h2>Environment and dataset</h2>
      <label className="field">
        <span>environment</span>
        <select value={envId} disabled>
          {listEnvs().map((e) => (
            <option key={e.id} value={e.id}>
              {e.id}
            </option>
          ))}
        </select>
      </label>
      {spec && <p className="help">{spec.description}</p>}
      <label className="field">
        <span>dataset</span>
        <select value={dataset?.id ?? ''} onChange={(e) => selectDataset(e.target.value)} data-testid="dataset-select">
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.size.toLocaleString()})
            </option>
          ))}
        </select>
      </label>
      {dataset && stats && (
        <dl className="stats" data-testid="dataset-stats">
          <dt>transitions</dt>
          <dd data-testid="dataset-size">{dataset.size.toLocaleString()}</dd>
          <dt>episodes</dt>
          <dd>{stats.episodes.toLocaleString()}</dd>
          <dt>mean return</dt>
          <dd data-testid="dataset-return">
            {stats.mean.toFixed(1)} ± {stats.std.toFixed(1)}
          </dd>
          <dt>behaviour</dt>
          <dd>{dataset.behavior}</dd>
        </dl>
      )}
      <details className="generate">
        <summary>Generate a dataset</summary>
        <label className="field">
          <span>behaviour policy</span>
          <select value={policy} onChange={(e) => setPolicy(e.target.value)}>
            {policyLevels(envId).map((l) => (
              <option key={l.id} value={l.id} title={l.description}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>transitions</span>
          <select value={size} onChange={(e) => setSize(Number(e.target.value))}>
            {sizes.map((n) => (
              <option key={n} value={n}>
                {n.toLocaleString()}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>seed</span>
          <input type="number" value={seed} min={0} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
        </label>
        <button
          disabled={generation !== null}
          onClick={() => void generate({ envId, mix: [{ policy, weight: 1 }], transitions: size, seed, name: `${envId.split('-')[0].toLowerCase()}-${policy}` })}
        >
          Generate
        </button>
      </details>
      {generation && (
        <div className="progress" data-testid="generation-progress">
          <span>making {generation.label}…</span>
          <progress value={generation.progress} max={1} />
          <button onClick={cancelGeneration}>Cancel</button>
        </div>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
}
