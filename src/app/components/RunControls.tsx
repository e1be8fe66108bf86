import { useState } from 'react';
import { focusedRun, useLab } from '../store/labStore';
import { canPause, canResume, canStart, canStep, canStop, pauseOrResumeCommand, startCommand, stepCommand, stopCommand } from '../store/runCommands';
import { startRuns } from '../store/runs';
import { SharePanel } from './share/SharePanel';

const MAX_SEEDS = 20;

/**
 * Start adds runs (as many seeds as asked) beside the ones already there; the other buttons act on the focused run
 * (the one picked in the run list, else the latest started). Buttons that come and go with the run's status are one
 * button each, marked aria-disabled rather than disabled, so the keyboard focus stays where the user pressed.
 */
export function RunControls() {
  const run = useLab(focusedRun);
  const startable = useLab(canStart);
  const seeds = useLab((s) => s.seeds);
  const notice = useLab((s) => s.runsNotice);
  const [stepCount, setStepCount] = useState(10);
  const resumable = canResume(run);
  const steppable = canStep(run);

  return (
    <section className="run-controls" aria-label="run controls" data-testid="run-controls">
      <div className="run-buttons">
        <button className="primary" disabled={!startable} onClick={startCommand} data-testid="start" aria-keyshortcuts="s" title="start new runs of the chosen dataset, algorithm and settings; runs already there keep training (key: s)">
          {seeds > 1 ? `Start ${seeds} seeds` : 'Start'}
        </button>
        <button aria-disabled={!(canPause(run) || resumable)} onClick={pauseOrResumeCommand} data-testid={resumable ? 'resume' : 'pause'} aria-keyshortcuts="p" title={`${resumable ? 'resume' : 'pause'} the focused run (key: p)`}>
          {resumable ? 'Resume' : 'Pause'}
        </button>
        <button aria-disabled={!steppable} onClick={() => stepCommand(1)} data-testid="step-1" aria-keyshortcuts="n" title="one gradient update of the paused run (key: n)">
          Step 1
        </button>
        <span className="step-n">
          <button aria-disabled={!steppable} onClick={() => stepCommand(stepCount)} data-testid="step-n" title="this many gradient updates of the paused run">
            Step
          </button>
          <input type="number" min={1} max={100000} value={stepCount} onChange={(e) => setStepCount(Math.max(1, Math.floor(Number(e.target.value) || 1)))} aria-label="updates per step" />
        </span>
        <button aria-disabled={!canStop(run)} onClick={stopCommand} data-testid="stop">
          Stop
        </button>
      </div>
      <div className="run-buttons">
        <label className="seeds" title="Runs of one configuration with seeds seed, seed + 1, …: drawn as one line with a band">
          seeds{' '}
          <input type="number" min={1} max={MAX_SEEDS} value={seeds} onChange={(e) => useLab.setState({ seeds: Math.max(1, Math.min(MAX_SEEDS, Math.floor(Number(e.target.value) || 1))) })} aria-label="seeds" data-testid="seeds" />
        </label>
        <button disabled={!startable} onClick={() => void startRuns({ paused: true, seeds: 1 })} title="create a run paused, then step through updates">
          Start paused
        </button>
        <SharePanel />
      </div>
      <p className="focus-label muted" title="the run Pause, Step and Stop act on">
        {run ? run.name : 'no run yet'}
      </p>
      {run?.notice && (
        <p className="notice" role="status" data-testid="run-notice">
          {run.notice}
        </p>
      )}
      {run?.error && (
        <p className="error" role="alert" data-testid="run-error-focused">
          {run.error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status" data-testid="runs-notice">
          {notice}
        </p>
      )}
    </section>
  );
}
