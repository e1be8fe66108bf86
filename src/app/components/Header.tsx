import { useLab } from '../store/labStore';

export function Header() {
  const backend = useLab((s) => s.backend);
  const run = useLab((s) => s.run);
  return (
    <header className="header">
      <h1>RL Lab</h1>
      <span className="tagline">offline reinforcement learning, in your browser</span>
      <div className="header-right">
        <span className={`status status-${run.status}`} data-testid="run-status">
          {run.status}
        </span>
        <span className="badge" data-testid="backend" title={backend?.reason ?? 'chosen when a run starts'}>
          backend: {backend?.active ?? '—'}
        </span>
        <span className="badge" data-testid="ups">
          {run.updatesPerSecond > 0 ? `${run.updatesPerSecond.toFixed(0)} updates/s` : '— updates/s'}
        </span>
        <span className="badge" data-testid="update-count">
          update {run.update.toLocaleString()}
        </span>
      </div>
    </header>
  );
}
