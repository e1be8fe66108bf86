import { useEffect, useMemo, useRef, useState } from 'react';
import { datasetEnvSpec } from '../../core/data/datasetEnv';
import { GridWorld, isGridWorldSpec, stateIndexOf, type GridWorldSpec } from '../../core/envs/gridWorld';
import { getEnvSpec } from '../../core/envs/registry';
import { gridObservations, stateViewOf } from '../../core/envs/stateView';
import { greedyPolicy, PolicyIteration, valueIterationSweep } from '../../core/tabular/dynamicProgramming';
import { rendererFor } from '../render/registry';
import { selectedDataset, useLab } from '../store/labStore';

const WIDTH = 520;
const HEIGHT = 360;
/** Sweeps stop once no value moves by more than this (policy iteration: its evaluation of each policy). */
const TOLERANCE = 1e-6;

type Method = 'value-iteration' | 'policy-iteration';

interface Progress {
  V: Float64Array;
  policy: Int32Array;
  sweeps: number;
  delta: number;
  done: boolean;
  note: string;
}

/**
 * Dynamic programming on the grid's own transition model, one sweep per click (or played): value iteration or policy
 * iteration, the values and greedy arrows drawn on the grid as they change (Sutton & Barto ch. 4; REINFORCEjs's picture).
 */
export function TabularPanel() {
  const envId = useLab((s) => s.envId);
  const dataset = useLab(selectedDataset);
  // The selected dataset's map when it belongs to this environment (a drawn layout), else the registered one.
  const spec = useMemo(() => {
    const own = dataset && dataset.envId === envId ? datasetEnvSpec(dataset) : null;
    const s = own ?? getEnvSpec(envId);
    return isGridWorldSpec(s) ? (s as GridWorldSpec) : null;
  }, [envId, dataset]);
  const model = useMemo(() => (spec ? new GridWorld(spec) : null), [spec]);
  const [method, setMethod] = useState<Method>('value-iteration');
  const [gamma, setGamma] = useState(0.95);
  const [playing, setPlaying] = useState(false);
  const pi = useRef<PolicyIteration | null>(null);
  const fresh = (): Progress | null => (model ? { V: new Float64Array(model.numStates), policy: new Int32Array(model.numStates), sweeps: 0, delta: Infinity, done: false, note: '' } : null);
  const [progress, setProgress] = useState<Progress | null>(fresh);
  const canvas = useRef<HTMLCanvasElement>(null);

  const reset = () => {
    pi.current = model ? new PolicyIteration(model, gamma, TOLERANCE) : null;
    setProgress(fresh());
    setPlaying(false);
  };
  // A new grid, method or discount starts over.
  useEffect(reset, [model, method, gamma]);

  const sweep = () =>
    setProgress((p) => {
      if (!model || !p || p.done) return p;
      if (method === 'value-iteration') {
        const { V, delta } = valueIterationSweep(model, p.V, gamma);
        const done = delta < TOLERANCE;
        return { V, policy: greedyPolicy(model, V, gamma), sweeps: p.sweeps + 1, delta, done, note: done ? 'converged: V = V*' : '' };
      }
      const runner = pi.current!;
      const step = runner.step();
      const note = step.phase === 'improve' ? (runner.stable ? `policy stable after ${runner.improvements} improvements: optimal` : `improvement ${runner.improvements}`) : 'evaluating the policy';
      return { V: Float64Array.from(runner.V), policy: Int32Array.from(runner.policy), sweeps: p.sweeps + 1, delta: step.delta, done: runner.stable, note };
    });

  useEffect(() => {
    if (!playing) return;
    if (progress?.done) {
      setPlaying(false);
      return;
    }
    const t = setTimeout(sweep, 20);
    return () => clearTimeout(t);
  });

  const view = useMemo(() => (spec ? stateViewOf(spec) : null), [spec]);
  const grid = useMemo(() => (view ? gridObservations(view) : null), [view]);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !spec || !view?.grid || !grid || !progress || !model) return;
    const cells = Array.from({ length: grid.width * grid.height }, (_, i) => stateIndexOf(spec.grid, grid.observations.subarray(i * grid.observationDim, (i + 1) * grid.observationDim)));
    const kinds = view.grid.kinds;
    const values = Float32Array.from(cells, (s, i) => (kinds[i] === '#' ? NaN : progress.V[s]));
    const arrows = { actions: Float32Array.from(cells, (s, i) => (/[#HG]/.test(kinds[i]) ? NaN : progress.policy[s])) };
    const heatmap = { width: grid.width, height: grid.height, values, xRange: grid.xRange, yRange: grid.yRange, label: 'V(s)' };
    rendererFor(spec.id)?.(ctx, model.getState(), { width: WIDTH, height: HEIGHT, heatmap, arrows: progress.sweeps > 0 ? arrows : undefined, numbers: values, spec });
  }, [spec, view, grid, progress, model]);

  if (!spec || !progress) return null;
  return (
    <section className="panel" data-testid="tabular-panel">
      <h2>Dynamic programming on the grid</h2>
      <p className="help">
        The grid's transition model is known here, so its values can be computed without data: value iteration backs every cell up with its best action each sweep; policy iteration evaluates a fixed
        policy until its values settle, then makes it greedy. Numbers are V(s), arrows the greedy action.
      </p>
      <div className="scrubber">
        <label>
          method{' '}
          <select value={method} onChange={(e) => setMethod(e.target.value as Method)} data-testid="tabular-method">
            <option value="value-iteration">value iteration</option>
            <option value="policy-iteration">policy iteration</option>
          </select>
        </label>
        <label>
          gamma{' '}
          <input type="number" min={0} max={0.999} step={0.01} value={gamma} onChange={(e) => setGamma(Math.min(0.999, Math.max(0, Number(e.target.value) || 0)))} data-testid="tabular-gamma" />
        </label>
        <button onClick={sweep} disabled={progress.done} data-testid="tabular-sweep">
          one sweep
        </button>
        <button onClick={() => setPlaying(!playing)} disabled={progress.done} data-testid="tabular-play">
          {playing ? 'pause' : 'play'}
        </button>
        <button onClick={reset} data-testid="tabular-reset">
          reset
        </button>
      </div>
      <p className="small" data-testid="tabular-status">
        sweep {progress.sweeps}
        {progress.sweeps > 0 ? `, largest change ${progress.delta.toExponential(2)}` : ''}
        {progress.note ? ` · ${progress.note}` : ''}
      </p>
      <canvas ref={canvas} width={WIDTH} height={HEIGHT} data-testid="tabular-canvas" />
    </section>
  );
}
