import { useEffect, useMemo, useRef } from 'react';
import { makeEnv } from '../../../core/envs/registry';
import { stateViewFor, type ViewGrid } from '../../../core/envs/stateView';
import { drawPhasePlane } from '../../render/phasePlane';
import { phaseMarks, rendererFor } from '../../render/registry';

const WIDTH = 420;
const HEIGHT = 300;

/**
 * Where the data goes: the share of transitions in each cell of the environment's 2D state view, painted under
 * the scene (grids, mazes) or on the phase plane (MountainCar, Pendulum), on a log colour scale.
 */
export function CoverageMap({ envId, coverage }: { envId: string; coverage: ViewGrid }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useMemo(() => stateViewFor(envId), [envId]);
  const sceneState = useMemo(() => makeEnv(envId, { seed: 0 }).getState(), [envId]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !view) return;
    if (view.kind === 'phase') drawPhasePlane(ctx, { width: WIDTH, height: HEIGHT, view, heatmap: coverage, marks: phaseMarks(envId) });
    else rendererFor(envId)?.(ctx, sceneState, { width: WIDTH, height: HEIGHT, heatmap: coverage });
  }, [view, envId, sceneState, coverage]);

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
