import { deleteDataset, selectDataset } from '../../store/datasets';
import { useDatasets } from '../../store/datasetsState';
import { useLab } from '../../store/labStore';
import { count, megabytes } from './format';

/** Every dataset of the page with its size and whether it is kept in this browser; open or delete each. */
export function SavedDatasets() {
  const datasets = useLab((s) => s.datasets);
  const selectedId = useLab((s) => s.datasetId);
  const envId = useLab((s) => s.envId);
  const saved = useDatasets((s) => s.saved);
  const usage = useDatasets((s) => s.usage);
  const total = Object.values(saved).reduce((a, b) => a + b, 0);
  const sorted = [...datasets].sort((a, b) => (a.envId ?? '~').localeCompare(b.envId ?? '~') || a.name.localeCompare(b.name));

  return (
    <details className="subpanel" data-testid="saved-datasets">
      <summary>
        Datasets in this browser ({datasets.length}, {megabytes(total)} saved)
      </summary>
      <ul className="saved-list" data-testid="saved-list">
        {sorted.map((d) => (
          <li key={d.id} className={d.id === selectedId ? 'active' : ''} data-testid="saved-item" data-name={d.name}>
            <button className="link" onClick={() => selectDataset(d.id)} title={d.envId && d.envId !== envId ? `opens ${d.envId}` : 'select'}>
              {d.name}
            </button>
            <span className="meta">
              {d.envId ?? 'no environment'} · {count(d.size)} transitions · {saved[d.id] !== undefined ? megabytes(saved[d.id]) : 'not saved'}
            </span>
            <button className="small danger" onClick={() => void deleteDataset(d.id)} aria-label={`delete ${d.name}`} data-testid="delete-dataset">
              Delete
            </button>
          </li>
        ))}
      </ul>
      {usage && (
        <p className="help">
          This site stores {megabytes(usage.usage)} of the {megabytes(usage.quota)} the browser allows it.
        </p>
      )}
    </details>
  );
}
