import { useState } from 'react';
import type { RunPhase, RunRecord } from '../../../core/experiments/types';
import { formatValue } from '../../../core/run/hyperparameters';
import { focusedRun, isActive, useLab } from '../../store/labStore';
import { useRunGroups } from '../../store/runGroups';
import { deleteRun, focusRun, pauseRun, renameRun, resumeRun, stopRun, toggleHidden } from '../../store/runs';
import { canResume } from '../../store/runCommands';
import { RunExport } from './RunExport';
import { RunHistory } from './RunHistory';

const PHASE_LABEL: Record<RunPhase, string> = { queued: 'queued', starting: 'starting', running: 'running', paused: 'paused', finished: 'done', stopped: 'stopped', failed: 'failed' };

const score = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(1));

function bestAndLast(r: RunRecord): { best: number | null; last: number | null; scored: boolean } {
  const scored = r.evaluations.length > 0 && r.evaluations[0].normalizedScore !== null;
  const values = r.evaluations.map((e) => (scored ? e.normalizedScore! : e.meanReturn));
  return { best: values.length ? Math.max(...values) : null, last: values.length ? values[values.length - 1] : null, scored };
}

/** Every run: its configuration, status, progress, speed, best and last score, and what can be done with it. */
export function RunList() {
  const { runs, labels } = useRunGroups();
  // Progress columns change with every report; the list re-renders with them (a table, cheap next to charts).
  const live = useLab((s) => s.runs);
  const focus = useLab((s) => s.focusRunId);
  const [editing, setEditing] = useState<string | null>(null);
  if (runs.length === 0) return <RunExport />;
  return (
    <section className="panel runs-panel" aria-label="runs">
      <h2>Runs</h2>
      <div className="table-scroll">
        <table className="run-list" data-testid="run-list">
          <thead>
            <tr>
              <th>
                <span className="sr-only">colour and visibility</span>
              </th>
              <th>run</th>
              <th>status</th>
              <th className="num">updates</th>
              <th className="num">upd/s</th>
              <th className="num" title="best and last evaluation: D4RL-normalized score where the environment has reference scores, else the return">best / last</th>
              <th>
                <span className="sr-only">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((stale) => {
              const r = live[stale.id] ?? stale;
              const { best, last, scored } = bestAndLast(r);
              const active = isActive(r);
              const resumable = canResume(r);
              // A queued run pauses too: it leaves the queue.
              const pausable = r.status === 'running' || r.status === 'queued';
              return (
                <tr key={r.id} className={`${r.id === focus ? 'focused' : ''} ${r.hidden ? 'hidden-run' : ''}`} data-testid="run-row" data-run-id={r.id} data-status={r.status}>
                  <td>
                    <button className="swatch" style={{ background: r.hidden ? 'transparent' : r.color, borderColor: r.color }} aria-pressed={!r.hidden} aria-label={`${r.hidden ? 'show' : 'hide'} ${r.name} on the charts`} title={r.hidden ? 'show on the charts' : 'hide from the charts'} onClick={() => toggleHidden(r.id)} />
                  </td>
                  <td className="run-name">
                    {editing === r.id ? (
                      <input
                        autoFocus
                        defaultValue={r.name}
                        aria-label="run name"
                        onBlur={(e) => {
                          renameRun(r.id, e.target.value);
                          setEditing(null);
                        }}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
                          if (e.key === 'Escape') setEditing(null);
                        }}
                      />
                    ) : (
                      <button className="link" onClick={() => focusRun(r.id)} onDoubleClick={() => setEditing(r.id)} title="show this run's replay and live controls (double-click to rename)">
                        {r.name}
                      </button>
                    )}
                    <div className="meta">{labels[r.membership.groupId]}</div>
                    {r.error && <div className="error" role="alert" data-testid="run-error">{r.error}</div>}
                    {r.notice && !r.error && <div className="muted small">{r.notice}</div>}
                  </td>
                  <td>
                    <span className={`status status-${r.status}`}>{PHASE_LABEL[r.status]}</span>
                  </td>
                  <td className="num">{r.update.toLocaleString()}</td>
                  <td className="num">{r.status === 'running' && r.updatesPerSecond > 0 ? r.updatesPerSecond.toFixed(0) : '—'}</td>
                  <td className="num" title={scored ? 'normalized score' : 'return'}>
                    {score(best)} / {score(last)}
                  </td>
                  <td className="actions">
                    {/* One button that turns from Pause to Resume, and a Stop that stays (greyed), so the focus stays put. */}
                    {r.status !== 'finished' && r.status !== 'failed' && (
                      <button
                        className="small"
                        aria-disabled={!(resumable || pausable)}
                        onClick={() => void (resumable ? resumeRun(r.id) : pausable ? pauseRun(r.id) : undefined)}
                        aria-label={`${resumable ? 'resume' : 'pause'} ${r.name}`}
                      >
                        {resumable ? 'Resume' : 'Pause'}
                      </button>
                    )}
                    <button className="small" aria-disabled={!active} onClick={() => void (active ? stopRun(r.id) : undefined)} aria-label={`stop ${r.name}`}>
                      Stop
                    </button>
                    <button className="small" onClick={() => setEditing(r.id)} aria-label={`rename ${r.name}`}>Rename</button>
                    <button className="small danger" onClick={() => void deleteRun(r.id)} aria-label={`delete ${r.name}`}>Delete</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <RunExport />
      <FocusedRunDetails />
    </section>
  );
}

/** The focused run's configuration and history (hand changes, PBT steps, forks), and its fork/export tools. */
function FocusedRunDetails() {
  const run = useLab(focusedRun);
  if (!run) return null;
  const hp = Object.entries(run.config.hyperparameters);
  return (
    <details className="run-details" data-testid="run-details">
      <summary>
        {run.name}: configuration and history
      </summary>
      <p className="muted small">
        {run.config.algorithmId} on {run.config.datasetName} ({run.config.envId ?? 'no environment'}), backend {run.config.backend}
        {run.config.fork && `, forked at update ${run.config.fork.update.toLocaleString()} of ${useLab.getState().runs[run.config.fork.runId]?.name ?? 'a deleted run'}`}
      </p>
      <p className="small config-line">{hp.map(([k, v]) => `${k} ${formatValue(v)}`).join(' · ')}</p>
      <RunHistory run={run} />
    </details>
  );
}
