/** A rectangle on the canvas showing a region of a 2D plane: maps plane points to canvas pixels. */
export interface Frame {
  /** Canvas rectangle (CSS pixels). */
  left: number;
  top: number;
  width: number;
  height: number;
  xRange: readonly [number, number];
  yRange: readonly [number, number];
  /** True when yRange[0] is at the top (grid and maze rows), false when y grows upward. */
  yDown: boolean;
}

export function px(f: Frame, x: number): number {
  return f.left + ((x - f.xRange[0]) / (f.xRange[1] - f.xRange[0])) * f.width;
}

export function py(f: Frame, y: number): number {
  const t = (y - f.yRange[0]) / (f.yRange[1] - f.yRange[0]);
  return f.yDown ? f.top + t * f.height : f.top + (1 - t) * f.height;
}

/**
 * The largest frame of a given aspect ratio (width / height) centred in a canvas box. Mazes use the plane's
 * own ratio (equal units on both axes); grids use columns / rows (square cells: a grid view's units differ
 * per axis, since its observation is [row / (rows - 1), column / (columns - 1)]).
 */
export function fitFrame(
  box: { left: number; top: number; width: number; height: number },
  xRange: readonly [number, number],
  yRange: readonly [number, number],
  yDown: boolean,
  aspect = (xRange[1] - xRange[0]) / (yRange[1] - yRange[0]),
): Frame {
  const width = Math.min(box.width, box.height * aspect);
  const height = width / aspect;
  return { left: box.left + (box.width - width) / 2, top: box.top + (box.height - height) / 2, width, height, xRange, yRange, yDown };
}

/** Round tick values inside [lo, hi] (one implementation for every axis of the page: charts/ticks.ts). */
export { roundTicks as niceTicks } from '../charts/ticks';
