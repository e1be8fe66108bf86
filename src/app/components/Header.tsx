import { focusedRun, useLab } from '../store/labStore';

export function Header() {
  const backend = useLab((s) => s.backend);
  const run = useLab(focusedRun);
  const counts = useLab((s) => {
    const all = Object.values(s.runs);
    const running = all.filter((r) => r.status === 'running');
    return `${running.length}|${all.filter((r) => r.status === 'queued').length}|${Math.round(running.reduce((n, r) => n + r.updatesPerSecond, 0))}`;
  });
  const [running, queued, total] = counts.split('|').map(Number);
  return (
    <header className="header">
      <h1>RL Lab</h1>
      <span className="tagline">offline reinforcement learning, in your browser</span>
      <div className="header-right">
        <span className={`status status-${run?.status ?? 'idle'}`} data-testid="run-status" title={run ? `the focused run: ${run.name}` : 'no run yet'}>
          {run?.status ?? 'idle'}
        </span>
        <span className="badge" data-testid="pool-status" title="runs training at once in the worker pool, and runs waiting for a worker">
          {running} training{queued > 0 ? ` · ${queued} queued` : ''}
        </span>
        <span className="badge" data-testid="backend" title={backend?.reason ?? 'chosen when a run starts'}>
          backend: {backend?.active ?? '—'}
        </span>
        <span className="badge" data-testid="ups" title="updates per second of the focused run (all training runs together)">
          {run && run.updatesPerSecond > 0 ? `${run.updatesPerSecond.toFixed(0)} updates/s` : '— updates/s'}
          {running > 1 ? ` (${total} all)` : ''}
        </span>
        <span className="badge" data-testid="update-count">
          update {(run?.update ?? 0).toLocaleString()}
        </span>
      </div>
    </header>
  );
}
