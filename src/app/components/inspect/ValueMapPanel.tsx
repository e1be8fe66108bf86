import { useEffect, useMemo, useRef, useState } from 'react';
import { datasetEnvSpec, envOptionsOf } from '../../../core/data/datasetEnv';
import { gridObservations, stateViewOf, type StateView } from '../../../core/envs/stateView';
import { initialState } from '../../../core/envs/initialState';
import type { ValuesRequest } from '../../../core/run/inspect';
import { drawPhasePlane } from '../../render/phasePlane';
import { phaseMarks, rendererFor } from '../../render/registry';
import type { Heatmap } from '../../render/types';
import { focusedRun, useLab } from '../../store/labStore';
import { useInspection } from './useInspection';
import { useInView } from '../../charts/useInView';

const WIDTH = 520;
const HEIGHT = 360;

type Layer = 'value' | 'policy';

/** Cells that are walls in a GridWorld carry no value: NaN, so they are not painted. */
function maskWalls(view: StateView, values: Float32Array): Float32Array {
  if (!view.grid) return values;
  const kinds = view.grid.kinds;
  return values.map((v, i) => (kinds[i] === '#' ? NaN : v));
}

/**
 * The agent's value function V(s) (or its greedy action) over the environment's 2D state plane, refreshed while it
 * trains: where the data is, values settle; far from it, they are guesses. GridWorld also shows policy arrows.
 */
export function ValueMapPanel() {
  const dataset = useLab((s) => s.datasets.find((d) => d.id === focusedRun(s)?.config.datasetId) ?? null);
  // The dataset's own map (a custom layout included), as training evaluates on it.
  const spec = useMemo(() => (dataset ? datasetEnvSpec(dataset) : null), [dataset]);
  const envId = spec?.id ?? null;
  const view = useMemo(() => (spec ? stateViewOf(spec) : null), [spec]);
  const grid = useMemo(() => (view ? gridObservations(view) : null), [view]);
  const [layer, setLayer] = useState<Layer>('value');
  const request = useMemo<ValuesRequest | null>(() => (grid ? { kind: 'values', observations: grid.observations, count: grid.width * grid.height } : null), [grid]);
  const section = useRef<HTMLElement>(null);
  const visible = useInView(section);
  const { result, error } = useInspection(request, envId ?? '', visible);
  const canvas = useRef<HTMLCanvasElement>(null);
  const sceneState = useMemo(() => (spec && view ? initialState(spec.id, envOptionsOf(dataset?.envOptions)) : null), [spec, view, dataset]);

  const discrete = spec?.actionSpace.kind === 'discrete';
  const values = layer === 'value' ? result?.values : result?.greedy;
  const heatmap: Heatmap | undefined =
    grid && view && values && values.length === grid.width * grid.height
      ? { width: grid.width, height: grid.height, values: maskWalls(view, Float32Array.from(values)), xRange: grid.xRange, yRange: grid.yRange, label: layer === 'value' ? 'V(s)' : discrete ? 'greedy action' : 'greedy action (−1 … 1)' }
      : undefined;

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !view || !envId || !spec || !sceneState) return;
    if (view.kind === 'phase') drawPhasePlane(ctx, { width: WIDTH, height: HEIGHT, view, heatmap, marks: phaseMarks(envId) });
    else {
      const arrows = view.grid && result?.greedy ? { actions: result.greedy.map((a, i) => (/[#HG]/.test(view.grid!.kinds[i]) ? NaN : a)) } : undefined;
      rendererFor(envId)?.(ctx, sceneState, { width: WIDTH, height: HEIGHT, heatmap, arrows: layer === 'policy' ? arrows : undefined, numbers: view.grid && layer === 'value' && heatmap ? heatmap.values : undefined, spec });
    }
  }, [view, envId, spec, sceneState, heatmap, layer, result]);

  if (!view || !envId) return null;
  return (
    <section className="panel" data-testid="value-map" ref={section}>
      <h2>{layer === 'value' ? 'Value function' : 'Greedy policy'} over the state space</h2>
      <div className="scrubber">
        <label>
          <input type="radio" checked={layer === 'value'} onChange={() => setLayer('value')} /> V(s)
        </label>
        <label>
          <input type="radio" checked={layer === 'policy'} onChange={() => setLayer('policy')} /> greedy action
        </label>
      </div>
      <p className="help">
        {view.xLabel} × {view.yLabel}, each point evaluated at {view.kind === 'phase' ? 'that state' : 'rest'}. Healthy: values rise towards the goal along paths the data covers. Broken: high values in
        places the data never visits, where the critic is extrapolating.
      </p>
      {error && <p className="error">{error}</p>}
      {result && !result.values && layer === 'value' && <p className="help">This algorithm learns no value function; switch to the greedy action.</p>}
      <canvas ref={canvas} width={WIDTH} height={HEIGHT} data-testid="value-canvas" />
    </section>
  );
}
