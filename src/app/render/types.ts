/** A scalar field over a 2D state region, painted under a scene (values, policy, dataset visitation). */
export interface Heatmap {
  width: number;
  height: number;
  /** Row-major, row 0 at the top of the region. */
  values: Float32Array;
  /** State bounds of the grid: [xmin, xmax] along columns and [ymin, ymax] along rows. */
  xRange: [number, number];
  yRange: [number, number];
}

export interface DrawOptions {
  width: number;
  height: number;
  heatmap?: Heatmap;
}

/** Draws an environment at a simulator state (its getState layout) on a 2D canvas. */
export type SceneRenderer = (ctx: CanvasRenderingContext2D, state: ArrayLike<number>, options: DrawOptions) => void;
