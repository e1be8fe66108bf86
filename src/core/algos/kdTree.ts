// Exact nearest-neighbour search over a fixed set of points (Bentley, "Multidimensional binary search trees used for
// associative searching", CACM 1975; Friedman, Bentley & Finkel 1977 for the bucketed, largest-spread splits used here).
// Built once, in O(n log n); a query visits O(log n) buckets on well-spread data. Plain TypeScript on Float32Array
// storage, so it runs in a worker next to the tfjs backend without touching it (PRDC's dataset constraint, prdc.ts).

/** Points per leaf: below this a range is scanned rather than split further. */
const LEAF_SIZE = 8;

export class KDTree {
  readonly size: number;
  readonly dim: number;
  /** The points reordered so that each subtree is a contiguous range of rows. */
  private readonly points: Float32Array;
  /** Original row of each reordered point. */
  private readonly rows: Int32Array;
  /** Splitting axis of the subtree whose pivot (median row) sits at this position; -1 for leaves. */
  private readonly axes: Int16Array;

  /** `points` holds `size` rows of `dim` numbers, row-major; it is copied, not kept. */
  constructor(points: Float32Array, dim: number) {
    if (!(dim >= 1) || points.length % dim !== 0) throw new Error(`KDTree: ${points.length} numbers do not make rows of ${dim}`);
    this.dim = dim;
    this.size = points.length / dim;
    if (this.size === 0) throw new Error('KDTree: no points to index');
    const order = Int32Array.from({ length: this.size }, (_, i) => i);
    this.axes = new Int16Array(this.size).fill(-1);
    this.build(points, order, 0, this.size);
    this.rows = order;
    this.points = new Float32Array(this.size * dim);
    for (let i = 0; i < this.size; i++) this.points.set(points.subarray(order[i] * dim, order[i] * dim + dim), i * dim);
  }

  /** Row (index into the points given to the constructor) of the point nearest to `query` (Euclidean), and its squared distance. */
  nearest(query: ArrayLike<number>, offset = 0): { row: number; distanceSq: number } {
    const best = { position: -1, distanceSq: Number.POSITIVE_INFINITY };
    this.search(query, offset, 0, this.size, best);
    return { row: this.rows[best.position], distanceSq: best.distanceSq };
  }

  /** Nearest rows for `count` queries stored row-major in `queries` (row stride `stride`, the first `dim` columns used). */
  nearestMany(queries: ArrayLike<number>, count: number, stride = this.dim): { rows: Int32Array; distancesSq: Float64Array } {
    const rows = new Int32Array(count);
    const distancesSq = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const hit = this.nearest(queries, i * stride);
      rows[i] = hit.row;
      distancesSq[i] = hit.distanceSq;
    }
    return { rows, distancesSq };
  }

  /** Splits order[lo, hi) at its median along the axis of largest spread, then each half (recursion depth log2(n / LEAF_SIZE)). */
  private build(points: Float32Array, order: Int32Array, lo: number, hi: number): void {
    if (hi - lo <= LEAF_SIZE) return;
    const d = this.dim;
    let axis = 0;
    let widest = -1;
    for (let k = 0; k < d; k++) {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = lo; i < hi; i++) {
        const v = points[order[i] * d + k];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max - min > widest) [widest, axis] = [max - min, k];
    }
    const mid = (lo + hi) >> 1;
    selectNth(points, d, axis, order, lo, hi - 1, mid);
    this.axes[mid] = axis;
    this.build(points, order, lo, mid);
    this.build(points, order, mid + 1, hi);
  }

  private search(q: ArrayLike<number>, offset: number, lo: number, hi: number, best: { position: number; distanceSq: number }): void {
    const d = this.dim;
    const p = this.points;
    if (hi - lo <= LEAF_SIZE) {
      for (let i = lo; i < hi; i++) this.visit(q, offset, i, best);
      return;
    }
    const mid = (lo + hi) >> 1;
    const axis = this.axes[mid];
    const diff = q[offset + axis] - p[mid * d + axis];
    this.visit(q, offset, mid, best);
    // The side the query falls on first; the other only if the splitting plane is nearer than the best so far.
    const [nearLo, nearHi, farLo, farHi] = diff < 0 ? [lo, mid, mid + 1, hi] : [mid + 1, hi, lo, mid];
    this.search(q, offset, nearLo, nearHi, best);
    if (diff * diff <= best.distanceSq) this.search(q, offset, farLo, farHi, best);
  }

  private visit(q: ArrayLike<number>, offset: number, position: number, best: { position: number; distanceSq: number }): void {
    const d = this.dim;
    const base = position * d;
    let s = 0;
    for (let k = 0; k < d && s <= best.distanceSq; k++) {
      const t = q[offset + k] - this.points[base + k];
      s += t * t;
    }
    // Ties go to the lower original row, so the answer does not depend on the tree's shape.
    if (s < best.distanceSq || (s === best.distanceSq && best.position >= 0 && this.rows[position] < this.rows[best.position])) {
      best.position = position;
      best.distanceSq = s;
    }
  }
}

/** Hoare's quickselect on order[lo..hi] (inclusive) by coordinate `axis`: afterwards order[n] holds the n-th smallest, smaller or equal ones before it, larger or equal after. */
function selectNth(points: Float32Array, dim: number, axis: number, order: Int32Array, lo: number, hi: number, n: number): void {
  const key = (i: number) => points[order[i] * dim + axis];
  while (hi > lo) {
    const pivot = key((lo + hi) >> 1);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (key(i) < pivot) i++;
      while (key(j) > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (n <= j) hi = j;
    else if (n >= i) lo = i;
    else return;
  }
}
