import { useEffect, useMemo, useRef } from 'react';
import { stateIndexOf, type GridWorld, type GridWorldSpec } from '../../../core/envs/gridWorld';
import { gridObservations, stateViewOf } from '../../../core/envs/stateView';
import { COLOUR_BAR_WIDTH } from '../../render/heatmap';
import { rendererFor } from '../../render/registry';

const WIDTH = 520;
/** Tall enough for the grid at the full width (no empty bands above and below a wide map), at most this. */
const MAX_HEIGHT = 360;
/** The renderer's margins (8 each side) and its footer line (20). */
const FRAME_EXTRA = 16 + 20;

interface Props {
  spec: GridWorldSpec;
  model: GridWorld;
  /** V(s) per state, drawn as the heatmap (and printed unless `numbers` is given). */
  V: ArrayLike<number>;
  /** Greedy action per state; no arrows when null. */
  policy: ArrayLike<number> | null;
  /** States left blank (never occupied, so nothing is learned there); walls always are. */
  hidden?: (state: number) => boolean;
  /** Printed per cell instead of V (e.g. the data's counts). */
  numbers?: ArrayLike<number>;
  label?: string;
  testId: string;
}

/** Values as a heatmap with their numbers and the greedy arrows on the grid (REINFORCEjs's picture). */
export function GridValues({ spec, model, V, policy, hidden, numbers, label = 'V(s)', testId }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { rows } = spec.grid;
  const height = Math.min(MAX_HEIGHT, Math.ceil(((WIDTH - 16 - COLOUR_BAR_WIDTH) * rows.length) / rows[0].length) + FRAME_EXTRA);
  const view = useMemo(() => stateViewOf(spec), [spec]);
  const grid = useMemo(() => (view ? gridObservations(view) : null), [view]);
  // The heatmap's cells in drawing order, as state indices.
  const cells = useMemo(() => (grid ? Array.from({ length: grid.width * grid.height }, (_, i) => stateIndexOf(spec.grid, grid.observations.subarray(i * grid.observationDim, (i + 1) * grid.observationDim))) : null), [grid, spec]);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !view?.grid || !grid || !cells) return;
    const kinds = view.grid.kinds;
    const blank = (s: number, i: number) => kinds[i] === '#' || (hidden?.(s) ?? false);
    const values = Float32Array.from(cells, (s, i) => (blank(s, i) ? NaN : V[s]));
    const printed = numbers ? Float32Array.from(cells, (s, i) => (blank(s, i) ? NaN : numbers[s])) : values;
    const arrows = policy ? { actions: Float32Array.from(cells, (s, i) => (blank(s, i) || /[HG]/.test(kinds[i]) ? NaN : policy[s])) } : undefined;
    const heatmap = { width: grid.width, height: grid.height, values, xRange: grid.xRange, yRange: grid.yRange, label };
    rendererFor(spec.id)?.(ctx, model.getState(), { width: WIDTH, height, heatmap, arrows, numbers: printed, spec });
  }, [spec, model, view, grid, cells, V, policy, hidden, numbers, label, height]);
  return <canvas ref={canvas} width={WIDTH} height={height} data-testid={testId} />;
}
