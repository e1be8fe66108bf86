import { memo } from 'react';
import { cancelJob, exportDataset, selectDataset } from '../store/datasets';
import { inspectionKey, useDatasets } from '../store/datasetsState';
import { selectedDataset, useLab } from '../store/labStore';
import { count } from './dataset/format';
import { GenerateForm } from './dataset/GenerateForm';
import { ImportForm, usePageFileDrop } from './dataset/ImportForm';
import { SavedDatasets } from './dataset/SavedDatasets';

// The parts keep their own subscriptions: a progress tick re-renders only the progress bar.
const ImportPart = memo(ImportForm);
const GeneratePart = memo(GenerateForm);
const SavedPart = memo(SavedDatasets);

/** The running job (generation or import) with its progress, what waits behind it, and Cancel. */
function JobProgress() {
  const job = useLab((s) => s.generation);
  const queued = useDatasets((s) => s.queued);
  if (!job) return null;
  return (
    <div className="progress" data-testid="dataset-progress">
      <span>
        {job.label}…{queued > 0 ? ` (${queued} more waiting)` : ''}
      </span>
      <progress value={job.progress} max={1} />
      {job.cancel && (
        <button className="small" onClick={cancelJob} data-testid="dataset-cancel">
          Cancel
        </button>
      )}
    </div>
  );
}

/**
 * The dataset to train on: chosen from this environment's datasets (and those without one), generated from
 * behaviour policies, or imported from a file; exported, and kept in the browser across reloads.
 */
export function DatasetPanel() {
  const envId = useLab((s) => s.envId);
  const datasets = useLab((s) => s.datasets);
  const dataset = useLab(selectedDataset);
  const error = useLab((s) => s.datasetError);
  const exporting = useDatasets((s) => s.exporting);
  const storageNote = useDatasets((s) => s.storageNote);
  const dragging = usePageFileDrop();
  // Return statistics come with the inspection, computed in a worker: the page never loops over the rows.
  const inspection = useDatasets((s) => (dataset ? s.inspections[inspectionKey(dataset)] : undefined));
  const stats = inspection?.status === 'ready' ? inspection.result.measures.returnStats : null;
  const own = datasets.filter((d) => d.envId === envId);
  const loose = datasets.filter((d) => d.envId === null);

  return (
    <section className="panel dataset-panel" data-testid="dataset-panel">
      <h2>Dataset</h2>
      <label className="field">
        <span>dataset</span>
        <select value={dataset?.id ?? ''} onChange={(e) => selectDataset(e.target.value)} data-testid="dataset-select">
          {!dataset && <option value="">—</option>}
          <optgroup label={envId}>
            {own.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({count(d.size)})
              </option>
            ))}
          </optgroup>
          {loose.length > 0 && (
            <optgroup label="no environment">
              {loose.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({count(d.size)})
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      {dataset && (
        <dl className="stats" data-testid="dataset-stats">
          <dt>transitions</dt>
          <dd data-testid="dataset-size">{count(dataset.size)}</dd>
          <dt>episodes</dt>
          <dd>{count(dataset.episodes)}</dd>
          <dt>mean return</dt>
          <dd data-testid="dataset-return">{stats ? `${stats.mean.toFixed(1)} ± ${stats.std.toFixed(1)}` : inspection?.status === 'failed' ? 'n/a' : 'measuring…'}</dd>
          <dt>behaviour</dt>
          <dd>{dataset.behavior}</dd>
        </dl>
      )}
      {dataset && dataset.envId === null && (
        <p className="note" data-testid="no-env-note">
          No environment: training runs without evaluation rollouts, and the charts show offline metrics (losses, value estimates) only.
        </p>
      )}
      {dataset && (
        <div className="export">
          <span>download</span>
          <button className="small" disabled={exporting !== null} onClick={() => void exportDataset(dataset.id, 'hdf5')} data-testid="export-hdf5" title="D4RL layout: observations, actions, rewards, next_observations, terminals, timeouts">
            HDF5 (D4RL)
          </button>
          <button className="small" disabled={exporting !== null} onClick={() => void exportDataset(dataset.id, 'npz')} data-testid="export-npz" title="numpy.load-able, D4RL key names">
            NPZ
          </button>
          {exporting && <span className="help">writing {exporting}…</span>}
        </div>
      )}
      <JobProgress />
      {error && (
        <p className="error" role="alert" data-testid="dataset-error">
          {error}
        </p>
      )}
      {storageNote && (
        <p className="error" data-testid="storage-note">
          {storageNote}
        </p>
      )}
      <ImportPart />
      <GeneratePart />
      <SavedPart />
      {dragging && <div className="drop-overlay">Drop dataset files to import them</div>}
    </section>
  );
}
