import { useEffect, useState } from 'react';
import type { EnvDecision } from '../../../core/data/importFile';
import { listEnvs } from '../../../core/envs/registry';
import { importFiles } from '../../store/datasets';
import { useDatasets } from '../../store/datasetsState';
import { useLab } from '../../store/labStore';

const ACCEPT = '.hdf5,.h5,.npz,.csv,.tsv,.txt,.json';

function decisionText(decision: EnvDecision, envId: string | null, fits: string[]): string {
  const others = fits.length > 4 ? `${fits.slice(0, 4).join(', ')}, …` : fits.join(', ');
  switch (decision) {
    case 'named':
      return `attached to ${envId}, which the file names`;
    case 'family':
      return `attached to ${envId}, which the file's name points to`;
    case 'current':
      return `attached to ${envId}: the current environment, and its dimensions fit`;
    case 'only-fit':
      return `attached to ${envId}: the only environment with these dimensions`;
    case 'chosen':
      return `read as ${envId}, as chosen`;
    case 'ambiguous':
      return `kept without an environment: several fit (${others}); choose one in the inspector`;
    case 'no-fit':
      return 'kept without an environment: none has these dimensions';
    case 'none':
      return 'kept without an environment, as chosen';
  }
}

/** True while files are dragged over the page; dropping them anywhere imports them. */
export function usePageFileDrop(): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault(); // allows the drop
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length) void importFiles(files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return dragging;
}

/** A file picker, the environment new imports go to, and what the last import was matched to. */
export function ImportForm() {
  const importEnv = useDatasets((s) => s.importEnv);
  const last = useDatasets((s) => s.lastImport);

  return (
    <details className="subpanel" open data-testid="import-form">
      <summary>Import a file</summary>
      <p className="help">D4RL HDF5, Minari main_data.hdf5 (with its metadata.json, if you have it), NPZ, CSV or JSON. Drop files anywhere on the page, or:</p>
      <input
        type="file"
        multiple
        accept={ACCEPT}
        data-testid="import-file"
        aria-label="dataset files"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = ''; // the same file can be chosen again
          if (files.length) void importFiles(files);
        }}
      />
      <label className="field">
        <span>environment</span>
        <select value={importEnv} onChange={(e) => useDatasets.setState({ importEnv: e.target.value })} data-testid="import-env">
          <option value="auto">match by dimensions and metadata</option>
          <option value="none">no environment (offline metrics only)</option>
          {listEnvs().map((e) => (
            <option key={e.id} value={e.id}>
              {e.id}
            </option>
          ))}
        </select>
      </label>
      <p className="help">
        Time-outs (episodes cut by a time limit) have no valid next state: they end an episode but are not terminal transitions, and TD targets skip them, as D4RL's qlearning_dataset reads them.
      </p>
      {last && <ImportNote {...last} />}
    </details>
  );
}

function ImportNote({ fileName, datasetId, decision, fits }: { fileName: string; datasetId: string; decision: EnvDecision; fits: string[] }) {
  const envId = useLab((s) => s.datasets.find((d) => d.id === datasetId)?.envId ?? null);
  return (
    <p className="note" data-testid="import-note">
      {fileName}: {decisionText(decision, envId, fits)}
    </p>
  );
}
