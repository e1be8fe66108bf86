import { useState } from 'react';
import { pauseRun, resumeRun, startRun, stepRun, stopRun } from '../store/actions';
import { selectedDataset, useLab } from '../store/labStore';

export function RunControls() {
  const run = useLab((s) => s.run);
  const dataset = useLab(selectedDataset);
  const [stepCount, setStepCount] = useState(10);
  const active = run.status === 'running' || run.status === 'paused' || run.status === 'starting';

  return (
    <div className="run-controls">
      <button className="primary" disabled={!dataset || run.status === 'starting'} onClick={() => void startRun()} data-testid="start">
        {active ? 'Restart' : 'Start'}
      </button>
      {run.status === 'running' && (
        <button onClick={() => void pauseRun()} data-testid="pause">
          Pause
        </button>
      )}
      {run.status === 'paused' && (
        <button onClick={() => void resumeRun()} data-testid="resume">
          Resume
        </button>
      )}
      <button disabled={run.status !== 'paused'} onClick={() => void stepRun(1)} data-testid="step-1" title="one gradient update">
        Step 1
      </button>
      <span className="step-n">
        <button disabled={run.status !== 'paused'} onClick={() => void stepRun(stepCount)} data-testid="step-n">
          Step
        </button>
        <input type="number" min={1} max={100000} value={stepCount} onChange={(e) => setStepCount(Math.max(1, Math.floor(Number(e.target.value) || 1)))} aria-label="updates per step" />
      </span>
      <button disabled={!active} onClick={() => void stopRun()} data-testid="stop">
        Stop
      </button>
      {run.status === 'idle' && !active && (
        <button disabled={!dataset} onClick={() => void startRun({ paused: true })} title="create the run paused, then step through updates">
          Start paused
        </button>
      )}
      {run.notice && (
        <p className="notice" role="status" data-testid="run-notice">
          {run.notice}
        </p>
      )}
      {run.error && (
        <p className="error" role="alert" data-testid="run-error">
          {run.error}
        </p>
      )}
    </div>
  );
}
