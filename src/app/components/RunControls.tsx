import { useState } from 'react';
import { focusedRun, selectedDataset, useLab } from '../store/labStore';
import { pauseRun, resumeRun, startRuns, stepRun, stopRun } from '../store/runs';
import { SharePanel } from './share/SharePanel';

const MAX_SEEDS = 20;

/**
 * Start adds runs (as many seeds as asked) beside the ones already there; the other buttons act on the focused run
 * (the one picked in the run list, else the latest started).
 */
export function RunControls() {
  const run = useLab(focusedRun);
  const dataset = useLab(selectedDataset);
  const seeds = useLab((s) => s.seeds);
  const notice = useLab((s) => s.runsNotice);
  const [stepCount, setStepCount] = useState(10);
  const status = run?.status;

  return (
    <div className="run-controls">
      <button className="primary" disabled={!dataset} onClick={() => void startRuns()} data-testid="start" title="start new runs of the chosen dataset, algorithm and settings; runs already there keep training">
        {seeds > 1 ? `Start ${seeds} seeds` : 'Start'}
      </button>
      <label className="seeds" title="Runs of one configuration with seeds seed, seed + 1, …: drawn as one line with a band">
        seeds{' '}
        <input type="number" min={1} max={MAX_SEEDS} value={seeds} onChange={(e) => useLab.setState({ seeds: Math.max(1, Math.min(MAX_SEEDS, Math.floor(Number(e.target.value) || 1))) })} aria-label="seeds" data-testid="seeds" />
      </label>
      <span className="focus-label muted">{run ? run.name : 'no run yet'}</span>
      {run && status === 'running' && (
        <button onClick={() => void pauseRun(run.id)} data-testid="pause">
          Pause
        </button>
      )}
      {run && (status === 'paused' || status === 'stopped') && (
        <button onClick={() => void resumeRun(run.id)} data-testid="resume">
          Resume
        </button>
      )}
      <button disabled={status !== 'paused'} onClick={() => run && void stepRun(run.id, 1)} data-testid="step-1" title="one gradient update">
        Step 1
      </button>
      <span className="step-n">
        <button disabled={status !== 'paused'} onClick={() => run && void stepRun(run.id, stepCount)} data-testid="step-n">
          Step
        </button>
        <input type="number" min={1} max={100000} value={stepCount} onChange={(e) => setStepCount(Math.max(1, Math.floor(Number(e.target.value) || 1)))} aria-label="updates per step" />
      </span>
      <button disabled={!run || !(status === 'running' || status === 'paused' || status === 'queued' || status === 'starting')} onClick={() => run && void stopRun(run.id)} data-testid="stop">
        Stop
      </button>
      <button disabled={!dataset} onClick={() => void startRuns({ paused: true, seeds: 1 })} title="create a run paused, then step through updates">
        Start paused
      </button>
      <SharePanel />
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
    </div>
  );
}
