import type { EnvSpec } from '../../core/envs/types';
import type { ViewGrid } from '../../core/envs/stateView';

/**
 * A scalar field over an environment's 2D view (values, dataset visitation, ...): values[row * width + column],
 * column 0 at xRange[0], row 0 at yRange[0], NaN not drawn. Axes, ranges and the cell layout come from
 * core/envs/stateView.ts (stateViewFor(envId)); visitationGrid's density has this layout already.
 */
export type Heatmap = ViewGrid;

/** GridWorld policy arrows, per cell in index order (row * cols + column). */
export type PolicyArrows =
  /** One greedy action index per cell (NaN or negative: no arrow). */
  | { actions: ArrayLike<number> }
  /** A distribution per cell: probabilities[cell * numActions + a]; each arrow's length is its probability. */
  | { probabilities: ArrayLike<number> };

export interface DrawOptions {
  width: number;
  height: number;
  /** Painted under the scene for grids and mazes; phase-plane envs draw it with drawPhasePlane. */
  heatmap?: Heatmap;
  /** The action taken at this state, when the replay knows it (drawn as a push, torque arc or arrow). */
  action?: ArrayLike<number>;
  /** GridWorld: policy arrows per cell. */
  arrows?: PolicyArrows;
  /** GridWorld: a number printed in each cell (values, counts), in cell order; NaN prints nothing. */
  numbers?: ArrayLike<number>;
  /** PointMaze: the path so far as view points [x0, y0, x1, y1, ...] (stateView's pointOfState of each frame). */
  trail?: ArrayLike<number>;
  /** The env's spec when it differs from the registered one (a custom GridWorld or PointMaze layout). */
  spec?: EnvSpec;
}

/** Draws an environment at a simulator state (its getState layout) on a 2D canvas. */
export type SceneRenderer = (ctx: CanvasRenderingContext2D, state: ArrayLike<number>, options: DrawOptions) => void;
