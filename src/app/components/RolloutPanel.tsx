import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { envSpecOf, sameLayout } from '../../core/data/datasetEnv';
import { visitationGrid } from '../../core/data/visitation';
import { projectObservations, stateViewOf, viewBounds } from '../../core/envs/stateView';
import type { EpisodeRecord } from '../../core/run/evaluate';
import { drawPhasePlane } from '../render/phasePlane';
import { phaseMarks, rendererFor, replayFps } from '../render/registry';
import type { Heatmap } from '../render/types';
import { useInView } from '../charts/useInView';
import { focusedRun, selectedDataset, useLab } from '../store/labStore';
import { followLatest, holdReplay, pinReplay, shownEvaluation, useReplay, type ReplayEpisode } from '../store/replay';
import { SceneCanvas } from './SceneCanvas';
import './environment.css';

const SCENE_W = 560;
const SCENE_H = 320;
const PHASE_W = 360;
const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];
/** Seconds the last frame stays up before the replay starts over. */
const HOLD_AT_END = 1;

type Source = 'evaluation' | 'demo';

/**
 * Replays an episode on a canvas: the latest evaluation episode of a training run, or a demo episode of a
 * behaviour policy played from the environment panel (labelled which). Play/pause, scrubber, speed, step and
 * reward so far; for environments with a 2D state, the selected dataset's coverage as a heatmap (under the grid
 * or maze, or on a phase plane beside the scene with the episode's path). Scrubbing or pausing holds the episode
 * (new evaluations wait until "follow latest"); "pin this episode" keeps one whichever run is focused. Playback
 * stops while the panel is off screen.
 */
export function RolloutPanel() {
  // The focused run's latest evaluation episode.
  const latestEpisode = useLab((s) => (s.focusRunId ? (s.episodes[s.focusRunId] ?? null) : null));
  const focusRunId = useLab((s) => s.focusRunId);
  const lastUpdate = useLab((s) => {
    const evaluations = focusedRun(s)?.evaluations ?? [];
    return evaluations.length ? evaluations[evaluations.length - 1].update : null;
  });
  const replay = useReplay();
  // The update is read when the episode arrives: the run's list of evaluations may grow before the next episode.
  const latest = useMemo<ReplayEpisode | null>(() => (latestEpisode ? { episode: latestEpisode, runId: focusRunId, update: useLab.getState().runs[focusRunId ?? '']?.evaluations.at(-1)?.update ?? lastUpdate } : null), [latestEpisode, focusRunId]); // eslint-disable-line react-hooks/exhaustive-deps
  const { shown, mode, newer } = shownEvaluation(latest, replay);
  const evaluation = shown?.episode ?? null;
  const box = useRef<HTMLElement>(null);
  const visible = useInView(box);
  const demo = useLab((s) => s.demo);
  const dataset = useLab(selectedDataset);
  const [source, setSource] = useState<Source>('evaluation');
  // A new demo takes the screen; a new evaluation does so unless a demo is being watched.
  useEffect(() => {
    if (demo) setSource('demo');
  }, [demo]);
  useEffect(() => {
    if (evaluation) setSource((s) => (s === 'demo' && useLab.getState().demo ? s : 'evaluation'));
  }, [evaluation]);
  const showing: Source | null = source === 'demo' && demo ? 'demo' : evaluation ? 'evaluation' : demo ? 'demo' : null;
  const episode = showing === 'demo' ? demo!.episode : showing === 'evaluation' ? evaluation : null;

  return (
    <section className="panel rollout" data-testid="rollout-panel" ref={box}>
      <h2>
        Replay
        {evaluation && demo && (
          <span className="replay-tabs" role="group" aria-label="which episode">
            <button aria-pressed={showing === 'evaluation'} onClick={() => setSource('evaluation')} data-testid="replay-evaluation">
              evaluation
            </button>
            <button aria-pressed={showing === 'demo'} onClick={() => setSource('demo')} data-testid="replay-demo">
              demo
            </button>
          </span>
        )}
      </h2>
      {!episode && <p className="help">Start a run (each evaluation's first episode is replayed here) or play an episode from the environment panel.</p>}
      {episode && (
        <>
          <p className="replay-source" data-testid="rollout-source">
            {showing === 'demo' ? (
              <>
                <span className="tag demo">demo</span>
                {demo!.policy} policy, seed {demo!.seed}, {episode.envId}
                {episode.layout !== undefined && ' (custom layout)'}
              </>
            ) : (
              <>
                <span className="tag evaluation">evaluation</span>
                greedy policy of the run{shown?.update !== null && shown?.update !== undefined ? ` at update ${shown.update.toLocaleString()}` : ''}, {episode.envId}
                {episode.layout !== undefined && ' (custom layout)'}
              </>
            )}
          </p>
          {showing === 'evaluation' && shown && <FollowControls mode={mode} newer={newer} onPin={() => pinReplay(shown)} />}
          <Player episode={episode} visible={visible} onHold={showing === 'evaluation' && shown ? () => holdReplay(shown) : undefined} coverage={dataset && dataset.envId === episode.envId && sameLayout(dataset.envOptions, { layout: episode.layout }) ? dataset : null} />
        </>
      )}
    </section>
  );
}

/** Whether the replay follows new evaluations, or holds (or pins) the one on screen; and the way back. */
function FollowControls({ mode, newer, onPin }: { mode: 'follow' | 'held' | 'pinned'; newer: number | null; onPin(): void }) {
  return (
    <p className="replay-follow" data-testid="replay-follow-state" data-mode={mode}>
      {mode === 'follow' && <span className="muted">following each new evaluation (scrub or pause to hold this one)</span>}
      {mode === 'held' && <span>held here{newer !== null ? `; a newer evaluation (update ${newer.toLocaleString()}) is waiting` : ''}</span>}
      {mode === 'pinned' && <span>pinned{newer !== null ? `; the latest evaluation is at update ${newer.toLocaleString()}` : ''}</span>}
      {mode !== 'pinned' && (
        <button className="small" onClick={onPin} data-testid="replay-pin" title="keep this episode on screen while new evaluations arrive, whichever run is focused">
          Pin this episode
        </button>
      )}
      {mode !== 'follow' && (
        <button className="small" onClick={followLatest} data-testid="replay-follow" title="show each new evaluation as it arrives">
          {mode === 'pinned' ? 'Unpin (follow latest)' : 'Follow latest'}
        </button>
      )}
    </p>
  );
}

interface CoverageSource {
  id: string;
  name: string;
  observations: Float32Array;
  observationDim: number;
  size: number;
}

function Player({ episode, coverage, visible = true, onHold }: { episode: EpisodeRecord; coverage: CoverageSource | null; visible?: boolean; onHold?: () => void }) {
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(true);
  const [speed, setSpeed] = useState(1);
  const [showCoverage, setShowCoverage] = useState(true);
  const fps = replayFps(episode.envId);
  // The map the episode ran on: a custom layout draws as itself, not as the registered one.
  const spec = useMemo(() => envSpecOf(episode.envId, episode.layout !== undefined ? { layout: episode.layout } : undefined), [episode.envId, episode.layout]);
  const view = useMemo(() => stateViewOf(spec), [spec]);
  const draw = rendererFor(episode.envId);

  useEffect(() => {
    setFrame(0);
    setPlaying(true);
  }, [episode]);

  // Advance by wall-clock time at the env's own frame rate times the speed; hold the last frame, then loop.
  const position = useRef(0);
  useEffect(() => {
    if (!playing || !visible) return;
    position.current = frame;
    let hold = 0;
    let last = performance.now();
    let id = requestAnimationFrame(function tick(now) {
      // rAF's timestamp is the frame's start, which can precede the performance.now() taken before it.
      const dt = Math.max(0, Math.min(0.25, (now - last) / 1000));
      last = now;
      if (position.current >= episode.length) {
        hold += dt;
        if (hold >= HOLD_AT_END) {
          hold = 0;
          position.current = 0;
        }
      } else position.current = Math.min(episode.length, position.current + dt * fps * speed);
      const f = Math.floor(position.current);
      setFrame((old) => (old === f ? old : f));
      id = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(id);
    // frame is read once when playback (re)starts, so a scrub before Play continues from there.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [playing, visible, episode, fps, speed]);

  const f = Math.max(0, Math.min(frame, episode.length));
  const state = episode.states.subarray(f * episode.stateDim, (f + 1) * episode.stateDim);
  const action = f < episode.length ? episode.actions.subarray(f * episode.actionDim, (f + 1) * episode.actionDim) : undefined;
  const rewardSoFar = useMemo(() => {
    let sum = 0;
    for (let i = 0; i < f; i++) sum += episode.rewards[i];
    return sum;
  }, [episode, f]);

  const heatmap = useMemo<Heatmap | undefined>(() => {
    if (!view || !coverage) return undefined;
    const points = projectObservations(view, coverage.observations, coverage.observationDim, coverage.size);
    const [width, height] = view.resolution;
    const grid = visitationGrid({ observations: points, observationDim: 2, size: coverage.size }, 0, 1, { width, height, bounds: viewBounds(view) });
    return { width, height, values: grid.density, xRange: view.xRange, yRange: view.yRange, label: 'share', scale: 'log' };
  }, [view, coverage]);
  const shownHeatmap = showCoverage ? heatmap : undefined;

  const path = useMemo(() => {
    if (!view) return null;
    const pts = new Float32Array((episode.length + 1) * 2);
    for (let i = 0; i <= episode.length; i++) pts.set(view.pointOfState(episode.states.subarray(i * episode.stateDim, (i + 1) * episode.stateDim)), 2 * i);
    return pts;
  }, [view, episode]);

  const drawScene = useCallback(
    (ctx: CanvasRenderingContext2D) =>
      draw?.(ctx, state, { width: SCENE_W, height: SCENE_H, action, heatmap: view?.kind === 'scene' ? shownHeatmap : undefined, trail: view?.kind === 'scene' && path ? path.subarray(0, 2 * (f + 1)) : undefined, spec }),
    [draw, state, action, view, shownHeatmap, path, f, spec],
  );
  const drawPhase = useCallback(
    (ctx: CanvasRenderingContext2D) => {
      if (view && path) drawPhasePlane(ctx, { width: PHASE_W, height: SCENE_H, view, heatmap: shownHeatmap, trail: path.subarray(0, 2 * (f + 1)), marks: phaseMarks(episode.envId) });
    },
    [view, path, f, shownHeatmap, episode.envId],
  );

  const togglePlay = () => {
    if (!playing && frame >= episode.length) setFrame(0);
    if (playing) onHold?.();
    setPlaying((p) => !p);
  };

  return (
    <>
      <div className="replay-views">
        <SceneCanvas width={SCENE_W} height={SCENE_H} draw={drawScene} testId="rollout-canvas" label={`${episode.envId} at step ${f}`} />
        {view?.kind === 'phase' && <SceneCanvas width={PHASE_W} height={SCENE_H} draw={drawPhase} testId="rollout-phase" label={`${view.xLabel} against ${view.yLabel}, step ${f}`} />}
      </div>
      {!draw && <p className="help">No drawing for {episode.envId} yet.</p>}
      <div className="scrubber">
        <button onClick={togglePlay} data-testid="rollout-play">
          {playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          min={0}
          max={episode.length}
          value={f}
          onChange={(e) => {
            onHold?.();
            setPlaying(false);
            setFrame(Number(e.target.value));
          }}
          aria-label="episode step"
          data-testid="rollout-scrubber"
        />
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} aria-label="replay speed" data-testid="rollout-speed">
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </div>
      <div className="replay-info" data-testid="rollout-info">
        step <span data-testid="rollout-step">{f}</span> / {episode.length} · reward so far {formatReturn(rewardSoFar)} · episode return {formatReturn(episode.return)}
        {episode.terminated ? ' (terminated)' : ' (time limit)'}
      </div>
      {view && (
        <div className="replay-options">
          <label>
            <input type="checkbox" checked={showCoverage} disabled={!heatmap} onChange={(e) => setShowCoverage(e.target.checked)} data-testid="rollout-coverage" /> dataset coverage
            {coverage ? ` (${coverage.name}: share of its ${coverage.size.toLocaleString()} states per cell, log scale)` : ` (select a dataset of this ${episode.layout !== undefined ? 'custom map' : 'environment'})`}
          </label>
        </div>
      )}
    </>
  );
}

function formatReturn(v: number): string {
  const digits = Math.abs(v) >= 100 || Number.isInteger(v) ? 0 : 2;
  return v.toFixed(digits).replace('-', '−');
}
