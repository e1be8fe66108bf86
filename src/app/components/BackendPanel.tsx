import { BACKEND_REQUESTS, type BackendRequest } from '../../core/tf/backendNames';
import { setBackendRequest } from '../store/actions';
import { useLab } from '../store/labStore';


/** The backend choice, and what `auto` measured on this machine. */
export function BackendPanel() {
  const request = useLab((s) => s.backendRequest);
  const backend = useLab((s) => s.backend);
  return (
    <section className="panel">
      <h2>Compute backend</h2>
      <label className="field">
        <span>backend</span>
        <select value={request} onChange={(e) => setBackendRequest(e.target.value as BackendRequest)} data-testid="backend-select">
          {BACKEND_REQUESTS.map((c) => (
            <option key={c} value={c}>
              {c === 'auto' ? 'auto (measure, pick fastest)' : c}
            </option>
          ))}
        </select>
      </label>
      <p className="help">Applied to runs started from now on; each run keeps the backend it started with. Auto trains the real networks briefly on each backend and keeps the fastest.</p>
      {backend && (
        <table className="probes" data-testid="backend-probes">
          <tbody>
            {backend.probes.map((p) => (
              <tr key={p.name} className={p.name === backend.active ? 'active' : ''}>
                <td>{p.name}</td>
                <td>{p.updatesPerSecond !== null ? `${p.updatesPerSecond.toFixed(1)} upd/s` : p.initialised ? '—' : 'unavailable'}</td>
                <td className="probe-note">{p.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {backend && <p className="help">{backend.reason}</p>}
    </section>
  );
}
