import { useState, type ReactNode } from 'react';
import { focusedRun, useLab } from '../../store/labStore';
import { exportCorlOf, exportPolicyOf, exportRunCsv, exportRuns, importRunsFile, recordDatasetOf, RECORDED_TRANSITIONS, saveReplayOf } from '../../store/runExport';

/**
 * Runs out of the browser and back: the focused run as a bundle, its metrics as CSV, its policy as a TensorFlow.js
 * model, the same experiment for CORL; every run as one bundle; bundles imported from another browser. With no runs
 * yet it is the run list's place: a panel with the import alone.
 */
export function RunExport() {
  const run = useLab(focusedRun);
  const count = useLab((s) => s.runOrder.length);
  // Online algorithms, and offline runs once switched to interact, have a replay to save.
  const interacts = useLab((s) => {
    if (!run) return false;
    const algo = s.catalog?.algorithms.find((a) => a.id === run.config.algorithmId);
    return (algo?.experience ?? 'offline') !== 'offline' || run.events.some((e) => e.key === 'interaction' && e.to === 'online');
  });
  const [busy, setBusy] = useState<string | null>(null);
  const [recordSize, setRecordSize] = useState(RECORDED_TRANSITIONS);

  const act = (label: string, work: () => Promise<void>) => () => {
    setBusy(label);
    void work().finally(() => setBusy(null));
  };
  const button = (testId: string, label: string, title: string, work: () => Promise<void>): ReactNode => (
    <button className="small" disabled={busy !== null} onClick={act(label, work)} data-testid={testId} title={title}>
      {label}
    </button>
  );

  const tools = (
    <div className="run-export" data-testid="run-export" aria-busy={busy !== null}>
      {run && (
        <p className="small">
          <span className="muted">{run.name}: </span>
          {button('export-run', 'Export run (zip)', 'configuration, events, evaluations and metrics in one zip, to import in another browser', () => exportRuns([run.id]))}{' '}
          {button('export-csv', 'Metrics CSV', 'every metric per update, with training time (wall_ms)', () => exportRunCsv(run.id))}{' '}
          {button('export-policy', 'Policy as TF.js model', 'the greedy policy as model.json + weights.bin: tf.loadLayersModel reads it; the README says what goes in and comes out', () => exportPolicyOf(run.id))}{' '}
          {run.config.envId && (
            <>
              {button('record-dataset', 'Dataset from this policy', "transitions of this run's policy (sampled, action noise 0.1) in its environment, as D4RL made its medium and expert data", () =>
                recordDatasetOf(run.id, recordSize, (f) => setBusy(`Recording a dataset ${Math.round(100 * f)}%`)),
              )}{' '}
              <input
                type="number"
                className="small"
                min={100}
                max={5_000_000}
                step={1000}
                value={recordSize}
                onChange={(e) => setRecordSize(Math.floor(Number(e.target.value) || 0))}
                aria-label="transitions to record"
                data-testid="record-size"
                style={{ width: '7em' }}
              />{' '}
            </>
          )}
          {interacts && <>{button('save-replay', 'Save replay as dataset', 'the episodes the acting policy finished while training, as a "replay" dataset for the offline algorithms', () => saveReplayOf(run.id))} </>}
          {button('export-corl', 'Export for CORL', "the same experiment for CORL's offline scripts: a config with the lab's hyperparameters under CORL's names, the dataset as D4RL HDF5 and a README", () => exportCorlOf(run.id))}
        </p>
      )}
      <p className="small">
        {count > 0 && (
          <>
            {button('export-all', 'Export all runs', 'every run in one zip (a comparison, a sweep) to share or to import in another browser', () => exportRuns(useLab.getState().runOrder))}{' '}
          </>
        )}
        <label title="runs exported from this lab (a .zip bundle): they join the list with their curves, evaluations and history">
          Import runs…{' '}
          <input
            type="file"
            accept=".zip,application/zip"
            disabled={busy !== null}
            data-testid="import-runs"
            aria-label="run bundle (zip)"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = ''; // the same file can be chosen again
              if (file) act('Importing', () => importRunsFile(file))();
            }}
          />
        </label>
        {busy && (
          <span className="muted" role="status">
            {' '}
            {busy}…
          </span>
        )}
      </p>
    </div>
  );

  if (count > 0) return tools;
  return (
    <section className="panel runs-panel" aria-label="runs">
      <h2>Runs</h2>
      <p className="muted small">No runs yet: start one, or import runs exported from this lab.</p>
      {tools}
    </section>
  );
}
