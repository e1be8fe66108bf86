import { useEffect, useMemo, useRef } from 'react';
import type { DatasetInfo } from '../../../core/data/dataset';
import { datasetEnvSpec, envOptionsOf } from '../../../core/data/datasetEnv';
import { initialState } from '../../../core/envs/initialState';
import { stateViewOf, type ViewGrid } from '../../../core/envs/stateView';
import { drawPhasePlane } from '../../render/phasePlane';
import { phaseMarks, rendererFor } from '../../render/registry';

const WIDTH = 420;
const HEIGHT = 300;

/**
 * Where the data goes: the share of transitions in each cell of the environment's 2D state view, painted under
 * the scene (grids, mazes) or on the phase plane (MountainCar, Pendulum), on a log colour scale. Drawn on the
 * dataset's own map (a custom layout included).
 */
export function CoverageMap({ dataset, coverage }: { dataset: Pick<DatasetInfo, 'envId' | 'envOptions'>; coverage: ViewGrid }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const spec = useMemo(() => datasetEnvSpec(dataset), [dataset]);
  const view = useMemo(() => (spec ? stateViewOf(spec) : null), [spec]);
  const sceneState = useMemo(() => (spec && view ? initialState(spec.id, envOptionsOf(dataset.envOptions)) : null), [spec, view, dataset]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !view || !spec || !sceneState) return;
    if (view.kind === 'phase') drawPhasePlane(ctx, { width: WIDTH, height: HEIGHT, view, heatmap: coverage, marks: phaseMarks(spec.id) });
    else rendererFor(spec.id)?.(ctx, sceneState, { width: WIDTH, height: HEIGHT, heatmap: coverage, spec });
  }, [view, spec, sceneState, coverage]);

  if (!view) return null;
  return (
    <figure className="coverage">
      <canvas ref={canvas} width={WIDTH} height={HEIGHT} data-testid="coverage-map" />
      <figcaption className="help">
        {view.xLabel} × {view.yLabel}: the share of transitions in each cell (log colour scale; unvisited cells stay blank).
      </figcaption>
    </figure>
  );
}
