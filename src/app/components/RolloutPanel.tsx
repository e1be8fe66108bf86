import { useEffect, useRef, useState } from 'react';
import { rendererFor } from '../render/registry';
import { useLab } from '../store/labStore';

const WIDTH = 480;
const HEIGHT = 240;
const FPS = 50; // CartPole's own render rate (tau = 0.02 s)

/** The latest evaluation episode, replayed on a canvas with play/pause and a scrubber. */
export function RolloutPanel() {
  const episode = useLab((s) => s.episode);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(true);

  useEffect(() => setFrame(0), [episode]);

  useEffect(() => {
    if (!playing || !episode) return;
    const id = setInterval(() => setFrame((f) => (f >= episode.length ? 0 : f + 1)), 1000 / FPS);
    return () => clearInterval(id);
  }, [playing, episode]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !episode) return;
    const draw = rendererFor(episode.envId);
    const f = Math.min(frame, episode.length);
    const state = episode.states.subarray(f * episode.stateDim, (f + 1) * episode.stateDim);
    if (draw) draw(ctx, state, { width: WIDTH, height: HEIGHT });
  }, [frame, episode]);

  const rewardSoFar = episode ? episode.rewards.subarray(0, Math.min(frame, episode.length)).reduce((a, b) => a + b, 0) : 0;

  return (
    <section className="panel rollout">
      <h2>Latest evaluation episode</h2>
      {!episode && <p className="help">Start a run: each evaluation's first episode is replayed here.</p>}
      <canvas ref={canvas} width={WIDTH} height={HEIGHT} data-testid="rollout-canvas" style={{ display: episode ? 'block' : 'none' }} />
      {episode && (
        <div className="scrubber">
          <button onClick={() => setPlaying((p) => !p)} data-testid="rollout-play">
            {playing ? 'Pause' : 'Play'}
          </button>
          <input type="range" min={0} max={episode.length} value={Math.min(frame, episode.length)} onChange={(e) => { setPlaying(false); setFrame(Number(e.target.value)); }} aria-label="episode step" data-testid="rollout-scrubber" />
          <span data-testid="rollout-info">
            step {Math.min(frame, episode.length)} / {episode.length} · return so far {rewardSoFar.toFixed(0)} · episode return {episode.return.toFixed(0)}
            {episode.terminated ? ' (terminated)' : ' (time limit)'}
          </span>
        </div>
      )}
    </section>
  );
}
