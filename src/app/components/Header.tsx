import { focusedRun, useLab } from '../store/labStore';
import { KeyboardShortcuts, togglePresentation } from './KeyboardShortcuts';

export function Header() {
  const backend = useLab((s) => s.backend);
  const run = useLab(focusedRun);
  const presentation = useLab((s) => s.presentation);
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
        {/* Announced when it changes (running, paused, finished), so a screen reader hears what Start and Pause did. */}
        <span className={`status status-${run?.status ?? 'idle'}`} data-testid="run-status" role="status" title={run ? `the focused run: ${run.name}` : 'no run yet'}>
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
        <button className="header-button" aria-pressed={presentation} onClick={togglePresentation} aria-keyshortcuts="f" title="large text, thick lines and only the panels a lecture needs (key: f; a link keeps it as present=1)" data-testid="presentation-toggle">
          Presentation
        </button>
        <KeyboardShortcuts />
      </div>
    </header>
  );
}
