import { type GridWorldSpec, isGridWorldSpec } from './gridWorld';
import { WALL_HALF_SIZE, WALL_OFFSET } from './mazeLayout';
import { MAX_POSITION, MAX_SPEED, MIN_POSITION } from './mountainCar';
import { angleNormalize } from './pendulum';
import { isPointMazeSpec, type PointMazeSpec } from './pointMaze';
import { getEnvSpec } from './registry';
import type { EnvSpec } from './types';

/**
 * A 2D view of an environment's state: the plane that heatmaps (value functions, dataset coverage, policies)
 * are drawn over. Environments with a 2D state have one: GridWorld ids (cells), PointMaze ids (the ball's
 * position), MountainCar (position × velocity) and Pendulum (angle × angular velocity). CartPole and Acrobot
 * have 4D states and none.
 *
 * Conventions shared by every heatmap in the lab (the app's Heatmap type is ViewGrid):
 * - values are row-major, values[row * width + column]; column 0 at xRange[0], row 0 at yRange[0]
 *   (the same layout as core/data/visitation.ts visitationGrid's density, so its output drops straight in);
 * - NaN means "not drawn".
 * The renderer decides where yRange[0] goes on screen (`yDown`): at the top for grids and mazes (row 0 of
 * the layout), at the bottom for phase planes.
 */
export interface ViewGrid {
  width: number;
  height: number;
  values: Float32Array;
  xRange: [number, number];
  yRange: [number, number];
  /** What the colours mean, shown on the colour bar ("visits", "V(s)", ...). */
  label?: string;
  /** Colour-scale limits; default: the finite values' min and max. */
  domain?: [number, number];
  /** 'log' for heavy-tailed counts such as visitation (zeros are left undrawn); default 'linear'. */
  scale?: 'linear' | 'log';
}

/** GridWorld only: how view points map to cells (index = row * cols + column, as the env's getState). */
export interface GridCells {
  rows: number;
  cols: number;
  /** The layout's map characters, one per cell in index order (S G H C # . F). */
  kinds: string;
  /** The cell containing a view point, or -1 outside the grid. */
  cellAt(x: number, y: number): number;
  /** The view point at a cell's centre. */
  centreOf(cell: number): [number, number];
}

export interface StateView {
  /** 'scene': the heatmap lies under the drawn scene (grid, maze); 'phase': a phase-plane plot next to it. */
  kind: 'scene' | 'phase';
  /**
   * The observation dimension on each axis, or null when the axis is not one dimension (Pendulum's angle is
   * atan2(sin, cos) of dimensions 1 and 0). projectObservations() works for every view.
   */
  xDim: number | null;
  yDim: number | null;
  xLabel: string;
  yLabel: string;
  /** The plotted region. Grids and mazes: aligned to cell edges, so `resolution` cells fall on cell borders. */
  xRange: [number, number];
  yRange: [number, number];
  /** True when yRange[0] is drawn at the top (grid and maze rows), false for phase planes (y up). */
  yDown: boolean;
  /** A good heatmap size [width, height] (GridWorld: one cell per grid cell). */
  resolution: [number, number];
  /** The view point of an observation (the first `observationDim` values from `offset`). */
  pointOf(observation: ArrayLike<number>, offset?: number): [number, number];
  /** The view point of a simulator state in the env's getState layout (the replay's frames). */
  pointOfState(state: ArrayLike<number>): [number, number];
  /** A representative observation at a view point (zero velocity for PointMaze; a grid cell's own observation). */
  observationAt(x: number, y: number): Float32Array;
  /** GridWorld ids only. */
  grid?: GridCells;
}

function gridView(spec: GridWorldSpec): StateView {
  const rows = spec.grid.rows.length;
  const cols = spec.grid.rows[0].length;
  // Observation [row / (rows - 1), column / (cols - 1)]; a cell spans half a step either side of its value.
  const sx = 1 / Math.max(1, cols - 1);
  const sy = 1 / Math.max(1, rows - 1);
  const clampCell = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  const cellAt = (x: number, y: number): number => {
    const c = Math.round(x / sx);
    const r = Math.round(y / sy);
    if (!(c >= 0 && c < cols && r >= 0 && r < rows)) return -1;
    return r * cols + c;
  };
  const centreOf = (cell: number): [number, number] => [(cell % cols) * sx, Math.floor(cell / cols) * sy];
  return {
    kind: 'scene',
    xDim: 1,
    yDim: 0,
    xLabel: 'column',
    yLabel: 'row',
    xRange: [-0.5 * sx, (cols - 0.5) * sx],
    yRange: [-0.5 * sy, (rows - 0.5) * sy],
    yDown: true,
    resolution: [cols, rows],
    pointOf: (o, offset = 0) => [o[offset + 1], o[offset]],
    pointOfState: (s) => centreOf(s[0]),
    observationAt: (x, y) => Float32Array.of(clampCell(Math.round(y / sy), rows) * sy, clampCell(Math.round(x / sx), cols) * sx),
    grid: { rows, cols, kinds: spec.grid.rows.join(''), cellAt, centreOf },
  };
}

function mazeView(spec: PointMazeSpec): StateView {
  const rows = spec.maze.rows.length;
  const cols = spec.maze.rows[0].length;
  // D4RL: observation x runs down the rows, y along the columns; the view puts y across and x down, so the
  // maze looks like its layout text. Wall squares of cell (i, j) span i + WALL_OFFSET ± WALL_HALF_SIZE.
  const lo = WALL_OFFSET - WALL_HALF_SIZE;
  const PER_CELL = 5;
  return {
    kind: 'scene',
    xDim: 1,
    yDim: 0,
    xLabel: 'y (column)',
    yLabel: 'x (row)',
    xRange: [lo, lo + cols],
    yRange: [lo, lo + rows],
    yDown: true,
    resolution: [cols * PER_CELL, rows * PER_CELL],
    pointOf: (o, offset = 0) => [o[offset + 1], o[offset]],
    pointOfState: (s) => [s[1], s[0]],
    observationAt: (x, y) => Float32Array.of(y, x, 0, 0),
  };
}

const PHASE_RESOLUTION: [number, number] = [48, 48];

function mountainCarView(): StateView {
  return {
    kind: 'phase',
    xDim: 0,
    yDim: 1,
    xLabel: 'position',
    yLabel: 'velocity',
    xRange: [MIN_POSITION, MAX_POSITION],
    yRange: [-MAX_SPEED, MAX_SPEED],
    yDown: false,
    resolution: PHASE_RESOLUTION,
    pointOf: (o, offset = 0) => [o[offset], o[offset + 1]],
    pointOfState: (s) => [s[0], s[1]],
    observationAt: (x, y) => Float32Array.of(x, y),
  };
}

function pendulumView(spec: EnvSpec): StateView {
  const maxSpeed = spec.observationSpace.high[2];
  return {
    kind: 'phase',
    xDim: null,
    yDim: 2,
    xLabel: 'angle θ (0 = upright)',
    yLabel: 'angular velocity',
    xRange: [-Math.PI, Math.PI],
    yRange: [-maxSpeed, maxSpeed],
    yDown: false,
    resolution: PHASE_RESOLUTION,
    pointOf: (o, offset = 0) => [Math.atan2(o[offset + 1], o[offset]), o[offset + 2]],
    // The simulator's angle is unbounded; the plane shows it wrapped to [-π, π).
    pointOfState: (s) => [angleNormalize(s[0]), s[1]],
    observationAt: (x, y) => Float32Array.of(Math.cos(x), Math.sin(x), y),
  };
}

/** The 2D view of an environment (custom layouts included: pass the env's own spec), or null if it has none. */
export function stateViewOf(spec: EnvSpec): StateView | null {
  if (isGridWorldSpec(spec)) return gridView(spec);
  if (isPointMazeSpec(spec)) return mazeView(spec);
  if (spec.id === 'MountainCar-v0' || spec.id === 'MountainCarContinuous-v0') return mountainCarView();
  if (spec.id === 'Pendulum-v1') return pendulumView(spec);
  return null;
}

/** The 2D view of a registered environment id, or null if it has none. */
export function stateViewFor(envId: string): StateView | null {
  return stateViewOf(getEnvSpec(envId));
}

/** The view's region as visitationGrid bounds. */
export function viewBounds(view: StateView): { xMin: number; xMax: number; yMin: number; yMax: number } {
  return { xMin: view.xRange[0], xMax: view.xRange[1], yMin: view.yRange[0], yMax: view.yRange[1] };
}

/**
 * View points of `count` observations stored row by row: [x0, y0, x1, y1, ...]. For coverage heatmaps:
 * visitationGrid({ observations: points, observationDim: 2, size: count }, 0, 1, { width, height, bounds: viewBounds(view) }).
 */
export function projectObservations(view: StateView, observations: ArrayLike<number>, observationDim: number, count = Math.floor(observations.length / observationDim)): Float32Array {
  const out = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const [x, y] = view.pointOf(observations, i * observationDim);
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}

/** The heatmap cell (row * width + column) containing a view point, or -1 outside the region. */
export function cellIndexAt(grid: Pick<ViewGrid, 'width' | 'height' | 'xRange' | 'yRange'>, x: number, y: number): number {
  const u = (x - grid.xRange[0]) / (grid.xRange[1] - grid.xRange[0]);
  const v = (y - grid.yRange[0]) / (grid.yRange[1] - grid.yRange[0]);
  if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) return -1;
  const c = Math.min(grid.width - 1, Math.floor(u * grid.width));
  const r = Math.min(grid.height - 1, Math.floor(v * grid.height));
  return r * grid.width + c;
}

/** The view point at the centre of heatmap cell (row, column). */
export function cellCentre(grid: Pick<ViewGrid, 'width' | 'height' | 'xRange' | 'yRange'>, row: number, column: number): [number, number] {
  return [
    grid.xRange[0] + ((column + 0.5) * (grid.xRange[1] - grid.xRange[0])) / grid.width,
    grid.yRange[0] + ((row + 0.5) * (grid.yRange[1] - grid.yRange[0])) / grid.height,
  ];
}

/**
 * Observations at the centres of a width × height heatmap over the view, in heatmap order, for evaluating a
 * value function or policy on the plane: feed them through the network and the outputs are `values`.
 */
export function gridObservations(view: StateView, width = view.resolution[0], height = view.resolution[1]): { observations: Float32Array; observationDim: number; width: number; height: number; xRange: [number, number]; yRange: [number, number] } {
  const first = view.observationAt(...cellCentre({ width, height, xRange: view.xRange, yRange: view.yRange }, 0, 0));
  const dim = first.length;
  const observations = new Float32Array(width * height * dim);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      observations.set(view.observationAt(...cellCentre({ width, height, xRange: view.xRange, yRange: view.yRange }, r, c)), (r * width + c) * dim);
    }
  }
  return { observations, observationDim: dim, width, height, xRange: [...view.xRange], yRange: [...view.yRange] };
}
