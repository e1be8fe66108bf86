import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { getEnvSpec } from '../../../core/envs/registry';
import { useLab } from '../../store/labStore';
import { RECORDED_TRANSITIONS, recordDatasetFromRun } from '../../store/runExport';

const [MIN_ROWS, MAX_ROWS] = [100, 5_000_000];

/**
 * A trained run as the behaviour policy (online DQN, PPO, SAC and offline runs alike): its policy rolled out in this
 * environment, from its worker while it trains, else from its latest checkpoint. The dataset panel shows the progress.
 */
export function RunPolicySource() {
  const envId = useLab((s) => s.envId);
  const runs = useLab(useShallow((s) => s.runOrder.map((id) => s.runs[id]).filter((r) => r && r.config.envId === envId)));
  const busy = useLab((s) => s.generation !== null);
  const continuous = getEnvSpec(envId).actionSpace.kind === 'box';
  const [runId, setRunId] = useState('');
  const [mode, setMode] = useState<'sample' | 'greedy'>('sample');
  const [noise, setNoise] = useState(continuous ? 0.1 : 0);
  const [size, setSize] = useState(RECORDED_TRANSITIONS);
  const [seed, setSeed] = useState(0);
  const run = runs.find((r) => r.id === runId) ?? null;
  const problem = !run
    ? null
    : !Number.isInteger(size) || size < MIN_ROWS || size > MAX_ROWS
      ? `transitions must be a whole number from ${MIN_ROWS.toLocaleString()} to ${MAX_ROWS.toLocaleString()}`
      : continuous && !(noise >= 0 && noise <= 1)
        ? 'action noise must be between 0 and 1'
        : null;

  return (
    <fieldset data-testid="generate-run-source">
      <legend>or a trained run's policy</legend>
      {runs.length === 0 ? (
        <p className="help">Train a run on {envId} (offline or online): its policy can then record a dataset here.</p>
      ) : (
        <>
          <label className="field">
            <span>run</span>
            <select value={runId} onChange={(e) => setRunId(e.target.value)} data-testid="generate-run">
              <option value="">choose a run…</option>
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.config.algorithmId}, {r.status})
                </option>
              ))}
            </select>
          </label>
          <label className="field" title="sample: draw from a stochastic policy (D4RL's medium and expert data were sampled); greedy: its most likely action (DQN's greedy action)">
            <span>actions</span>
            <select value={mode} onChange={(e) => setMode(e.target.value as 'sample' | 'greedy')} data-testid="generate-run-mode">
              <option value="sample">sampled</option>
              <option value="greedy">greedy</option>
            </select>
          </label>
          {continuous && (
            <label className="field" title="Standard deviation of Gaussian noise on each action in [-1, 1], clipped: more variety, lower quality.">
              <span>action noise</span>
              <input type="number" min={0} max={1} step={0.05} value={noise} onChange={(e) => setNoise(Number(e.target.value))} />
            </label>
          )}
          <label className="field">
            <span>transitions</span>
            <input type="number" min={MIN_ROWS} max={MAX_ROWS} step={1000} value={size} onChange={(e) => setSize(Math.floor(Number(e.target.value) || 0))} data-testid="generate-run-size" />
          </label>
          <label className="field">
            <span>seed</span>
            <input type="number" min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
          </label>
          {problem && <p className="error">{problem}</p>}
          <button className="primary" disabled={!run || problem !== null || busy} data-testid="generate-from-run" onClick={() => run && void recordDatasetFromRun(run.id, { transitions: size, seed, mode, actionNoise: continuous ? noise : 0 })}>
            {run ? `Record ${size.toLocaleString()} transitions` : 'Record from a run'}
          </button>
        </>
      )}
    </fieldset>
  );
}
