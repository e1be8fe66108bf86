import { useCallback, useMemo, useState } from 'react';
import { envSpecOf } from '../../core/data/datasetEnv';
import { isGridWorldSpec } from '../../core/envs/gridWorld';
import { initialState } from '../../core/envs/initialState';
import { isMujocoEnvId } from '../../core/envs/mujoco/locomotionEnvs';
import { getEnvSpec, listEnvs } from '../../core/envs/registry';
import type { Space } from '../../core/envs/spaces';
import { policyLevels } from '../../core/policies/index';
import { rendererFor } from '../render/registry';
import { playDemoEpisode, selectEnvironment } from '../store/environment';
import { customLayoutText, useGridEditor } from '../store/gridEditor';
import { useLab } from '../store/labStore';
import { groupEnvs, spaceRows, spaceSummary } from './envFacts';
import { GridEditor } from './GridEditor';
import { SceneCanvas } from './SceneCanvas';
import { label, MUTED } from '../render/draw';
import { useEnvReady } from './useEnvReady';
import './environment.css';

const PREVIEW_W = 310;
const PREVIEW_H = 170;

/** Chooses the environment, tells what it is, and plays a behaviour policy's episode into the replay. */
export function EnvironmentPanel() {
  const envId = useLab((s) => s.envId);
  const spec = useMemo(() => getEnvSpec(envId), [envId]);
  const groups = useMemo(() => groupEnvs(listEnvs()), []);
  const levels = useMemo(() => policyLevels(envId), [envId]);
  const [policy, setPolicy] = useState('random');
  const [seed, setSeed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // A usable map drawn in the layout editor replaces the registered one in the preview and demo episodes.
  const layout = useGridEditor((s) => customLayoutText(envId, s.drafts));
  const shown = useMemo(() => (layout !== undefined ? envSpecOf(envId, { layout }) : spec), [envId, layout, spec]);
  // MuJoCo envs load their wasm when first chosen; until then the preview says so and Play waits.
  const { ready, error: loadError } = useEnvReady(envId);
  const start = useMemo(() => (ready ? initialState(envId, layout !== undefined ? { layout } : {}) : null), [envId, layout, ready]);
  const drawPreview = useCallback(
    (ctx: CanvasRenderingContext2D) => {
      if (start) rendererFor(envId)?.(ctx, start, { width: PREVIEW_W, height: PREVIEW_H, spec: shown });
      else {
        ctx.clearRect(0, 0, PREVIEW_W, PREVIEW_H);
        label(ctx, loadError ?? 'loading MuJoCo…', PREVIEW_W / 2, PREVIEW_H / 2, { align: 'center', colour: MUTED });
      }
    },
    [envId, start, shown, loadError],
  );
  const ref = spec.referenceScores;

  const play = () => {
    try {
      setError(null);
      playDemoEpisode(levels.some((l) => l.id === policy) ? policy : levels[0].id, seed);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="panel environment" data-testid="environment-panel">
      <h2>Environment</h2>
      <label className="field">
        <span>environment</span>
        <select value={envId} onChange={(e) => selectEnvironment(e.target.value)} data-testid="env-select">
          {groups.map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.envs.map((e) => (
                <option key={e.id} value={e.id} title={e.name}>
                  {e.id}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <SceneCanvas width={PREVIEW_W} height={PREVIEW_H} draw={drawPreview} testId="env-preview" label={`${shown.name} at its first reset`} />
      <p className="help" data-testid="env-description">
        {spec.description}
      </p>
      {isMujocoEnvId(envId) && (
        <p className="help" data-testid="mujoco-note">
          Simulated by MuJoCo 3.14 (its official WebAssembly build) exactly as Gymnasium 1.3.0’s v5 environment. D4RL’s v2
          datasets were recorded with mujoco-py on MuJoCo 2.1 (Gym’s v2/v3 envs), so their normalized scores here are
          comparable to published ones, not identical (as Minari’s documentation says of its own re-creations).
        </p>
      )}
      <dl className="stats env-facts">
        <dt>observation</dt>
        <dd>
          <SpaceFacts space={spec.observationSpace} labels={spec.observationLabels} />
        </dd>
        <dt>action</dt>
        <dd>
          <SpaceFacts space={spec.actionSpace} labels={shown.actionLabels} />
        </dd>
        <dt>episode limit</dt>
        <dd data-testid="env-limit">{shown.maxEpisodeSteps} steps</dd>
        {ref && (
          <>
            <dt title="the returns that score 0 and 100 in the normalized score">reference returns</dt>
            <dd title={ref.source}>
              {fmt(ref.min)} → {fmt(ref.max)}
              <span className="source"> ({ref.source}{layout !== undefined ? '; for the registered map: datasets made on the drawn map measure their own' : ''})</span>
            </dd>
          </>
        )}
        {spec.solvedThreshold !== undefined && (
          <>
            <dt>solved at</dt>
            <dd>return ≥ {fmt(spec.solvedThreshold)}</dd>
          </>
        )}
      </dl>
      <div className="demo-controls">
        <select value={policy} onChange={(e) => setPolicy(e.target.value)} aria-label="behaviour policy" data-testid="demo-policy">
          {levels.map((l) => (
            <option key={l.id} value={l.id} title={l.description}>
              {l.label} policy
            </option>
          ))}
        </select>
        <label className="seed">
          seed <input type="number" min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
        </label>
        <button onClick={play} disabled={!ready} data-testid="play-episode">
          Play an episode
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      {loadError && <p className="error">{loadError}</p>}
      {isGridWorldSpec(spec) && <GridEditor envId={envId} />}
    </section>
  );
}

/** A space in one line, unfolding to one line per dimension or action. */
function SpaceFacts({ space, labels }: { space: Space; labels: readonly string[] }) {
  return (
    <details>
      <summary>{spaceSummary(space)}</summary>
      <ul>
        {spaceRows(space, labels).map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </details>
  );
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4))).replace('-', '−');
}
