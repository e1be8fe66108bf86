/**
 * From data to pixels for the page's line charts: scales, and SVG paths drawn with at most four vertices per pixel
 * column (first, min, max, last: the M4 reduction of Jugel et al. 2014), which looks the same as drawing every point
 * but costs the browser a bounded path however long the run.
 */

export interface Scale {
  (v: number): number;
  domain: [number, number];
  range: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const k = d1 === d0 ? 0 : (range[1] - range[0]) / (d1 - d0);
  const s = ((v: number) => range[0] + (v - d0) * k) as Scale;
  s.domain = domain;
  s.range = range;
  return s;
}

/** A log10 scale; the domain must be positive. Values at or below zero map to NaN (not drawn). */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const inner = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  const s = ((v: number) => (v > 0 ? inner(Math.log10(v)) : NaN)) as Scale;
  s.domain = domain;
  s.range = range;
  return s;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Pixel vertices of a line through `points` (sorted by x): in each pixel column only its first, lowest, highest and
 * last points (in x order), so the drawn shape is the full line's. Points mapping to NaN or ±∞ break the line.
 */
export function lineVertices(points: readonly { x: number; y: number }[], sx: Scale, sy: Scale): [number, number][][] {
  const runs: [number, number][][] = [];
  let cur: [number, number][] = [];
  let col = NaN;
  let first: [number, number] | null = null;
  let lo: [number, number] | null = null;
  let hi: [number, number] | null = null;
  let last: [number, number] | null = null;
  let loAt = 0;
  let hiAt = 0;
  let count = 0;
  const flush = () => {
    if (!first) return;
    const picked: [number, [number, number]][] = [[0, first]];
    if (lo && lo !== first && lo !== last) picked.push([loAt, lo]);
    if (hi && hi !== first && hi !== last && hi !== lo) picked.push([hiAt, hi]);
    if (last && last !== first) picked.push([count, last]);
    picked.sort((a, b) => a[0] - b[0]);
    for (const [, p] of picked) cur.push(p);
    first = lo = hi = last = null;
    count = 0;
  };
  for (const p of points) {
    const px = sx(p.x);
    const py = sy(p.y);
    if (!Number.isFinite(px) || !Number.isFinite(py)) {
      flush();
      if (cur.length) runs.push(cur);
      cur = [];
      col = NaN;
      continue;
    }
    const v: [number, number] = [r1(px), r1(py)];
    const c = Math.round(v[0]);
    if (c !== col) {
      flush();
      col = c;
    }
    count += 1;
    if (!first) {
      first = lo = hi = v;
      loAt = hiAt = 0;
    }
    // Screen y grows downwards: the lowest value has the largest py.
    if (v[1] > lo![1]) [lo, loAt] = [v, count];
    if (v[1] < hi![1]) [hi, hiAt] = [v, count];
    last = v;
  }
  flush();
  if (cur.length) runs.push(cur);
  return runs;
}

/** An SVG path's `d` for the vertices of lineVertices. */
export function pathOf(runs: readonly [number, number][][]): string {
  const parts: string[] = [];
  for (const run of runs) for (let i = 0; i < run.length; i++) parts.push(i === 0 ? 'M' : 'L', String(run[i][0]), ' ', String(run[i][1]));
  return parts.join('');
}

/** A closed area between two lines (a band: lo forward, hi back), reduced per pixel column like lineVertices. */
export function bandPath(points: readonly { x: number; lo: number; hi: number }[], sx: Scale, sy: Scale): string {
  const lower = lineVertices(points.map((p) => ({ x: p.x, y: p.lo })), sx, sy).flat();
  const upper = lineVertices(points.map((p) => ({ x: p.x, y: p.hi })), sx, sy).flat();
  if (lower.length === 0 || upper.length === 0) return '';
  return `${pathOf([lower])}${upper.reverse().map(([x, y]) => `L${x} ${y}`).join('')}Z`;
}

/** Index of the point whose x is closest to `x` (points sorted by x), or -1 when there are none. */
export function nearestIndex(points: readonly { x: number }[], x: number): number {
  if (points.length === 0) return -1;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid].x <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(points[lo].x - x) <= Math.abs(points[hi].x - x) ? lo : hi;
}
