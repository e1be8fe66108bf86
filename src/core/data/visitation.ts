import type { Dataset } from './dataset';

export interface VisitationGrid {
  width: number;
  height: number;
  /** The observation dimensions on the x and y axes. */
  xDim: number;
  yDim: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** density[y * width + x]: the fraction of all rows in that cell (y = 0 at yMin); sums to 1 minus `outside`. */
  density: Float32Array;
  /** Rows that fell outside the bounds (only when bounds were given). */
  outside: number;
}

export interface VisitationOptions {
  width?: number;
  height?: number;
  /** Fixed bounds (e.g. a maze's extent); default: the data's range on each axis. */
  bounds?: { xMin: number; xMax: number; yMin: number; yMax: number };
}

/** How often the data visits each cell of a 2-D grid over two observation dimensions, for heatmaps. */
export function visitationGrid(d: Pick<Dataset, 'observations' | 'observationDim' | 'size'>, xDim: number, yDim: number, opts: VisitationOptions = {}): VisitationGrid {
  for (const dim of [xDim, yDim]) {
    if (!Number.isInteger(dim) || dim < 0 || dim >= d.observationDim) throw new Error(`visitationGrid: dimension ${dim} is not in 0..${d.observationDim - 1}`);
  }
  const width = opts.width ?? 64;
  const height = opts.height ?? 64;
  const w = d.observationDim;
  let b = opts.bounds;
  if (!b) {
    let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
    for (let i = 0; i < d.size; i++) {
      const x = d.observations[i * w + xDim];
      const y = d.observations[i * w + yDim];
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
    // A flat axis still gets a cell of width 1 around its value.
    if (xMin === xMax) [xMin, xMax] = [xMin - 0.5, xMax + 0.5];
    if (yMin === yMax) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
    b = { xMin, xMax, yMin, yMax };
  }
  const density = new Float32Array(width * height);
  let outside = 0;
  for (let i = 0; i < d.size; i++) {
    const x = d.observations[i * w + xDim];
    const y = d.observations[i * w + yDim];
    if (!(x >= b.xMin && x <= b.xMax && y >= b.yMin && y <= b.yMax)) {
      outside++;
      continue;
    }
    const cx = Math.min(width - 1, Math.floor(((x - b.xMin) * width) / (b.xMax - b.xMin)));
    const cy = Math.min(height - 1, Math.floor(((y - b.yMin) * height) / (b.yMax - b.yMin)));
    density[cy * width + cx] += 1;
  }
  for (let k = 0; k < density.length; k++) density[k] /= d.size;
  return { width, height, xDim, yDim, ...b, density, outside };
}
