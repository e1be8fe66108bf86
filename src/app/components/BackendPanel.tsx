import { useState } from 'react';
import { BACKEND_REQUESTS, type BackendRequest } from '../../core/tf/backendNames';
import { setBackendRequest } from '../store/actions';
import { forgetChoices } from '../store/backendMemory';
import { useLab } from '../store/labStore';


/** The backend choice, and what `auto` measured on this machine. */
export function BackendPanel() {
  const request = useLab((s) => s.backendRequest);
  const backend = useLab((s) => s.backend);
  const [forgotten, setForgotten] = useState(false);
  return (
    <section className="panel">
      <h2>Compute backend</h2>
      <label className="field">
        <span>backend</span>
        <select value={request} onChange={(e) => setBackendRequest(e.target.value as BackendRequest)} data-testid="backend-select">
          {BACKEND_REQUESTS.map((c) => (
            <option key={c} value={c}>
              {c === 'auto' ? 'auto (fastest measured here)' : c}
            </option>
          ))}
        </select>
      </label>
      <p className="help">
        Applied to runs started from now on. Auto starts at once on the backend measured fastest on this device for the same networks (remembered per browser, GPU, network shape and lab version), or on the likely-fastest one while every backend is measured in the background; a run moves at its next tick if the measurement disagrees.{' '}
        <button
          className="small"
          onClick={() => {
            forgetChoices();
            setForgotten(true);
          }}
          data-testid="backend-forget"
          title="the next runs start on the likely-fastest backend and measure again"
        >
          {forgotten ? 'forgotten' : 'measure again'}
        </button>
      </p>
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
