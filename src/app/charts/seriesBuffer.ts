/**
 * A SeriesBuffer's whole state as plain data (copies, not views), for IndexedDB and worker messages. The pending
 * accumulator holds the raw points pushed since the last stored point (fewer than `stride` of them).
 */
export interface SeriesSnapshot {
  xs: Float64Array;
  ys: Float64Array;
  /** Raw points per stored point. */
  stride: number;
  accX: number;
  accY: number;
  accN: number;
  capacity: number;
}

/** What restore accepts: a full snapshot, or bare points (a MetricsSnapshot series), taken as stride 1. */
export type SeriesSnapshotInput = Pick<SeriesSnapshot, 'xs' | 'ys'> & Partial<Omit<SeriesSnapshot, 'xs' | 'ys'>>;

/**
 * A bounded store for one metric series, outside React. When full it merges neighbouring pairs (averaging), so
 * a long run keeps its whole history at half the resolution instead of dropping the start as a ring would.
 */
export class SeriesBuffer {
  private xs: Float64Array;
  private ys: Float64Array;
  private n = 0;
  /** Raw points per stored point; doubles on each merge. */
  private stride = 1;
  private accX = 0;
  private accY = 0;
  private accN = 0;

  constructor(readonly capacity = 20_000) {
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  push(x: number, y: number): void {
    this.accX += x;
    this.accY += y;
    this.accN += 1;
    if (this.accN < this.stride) return;
    if (this.n === this.capacity) this.merge();
    this.xs[this.n] = this.accX / this.accN;
    this.ys[this.n] = this.accY / this.accN;
    this.n += 1;
    this.accX = this.accY = this.accN = 0;
  }

  private merge(): void {
    const half = this.n >> 1;
    for (let i = 0; i < half; i++) {
      this.xs[i] = (this.xs[2 * i] + this.xs[2 * i + 1]) / 2;
      this.ys[i] = (this.ys[2 * i] + this.ys[2 * i + 1]) / 2;
    }
    this.n = half;
    this.stride *= 2;
  }

  /** At most `maxPoints` points: the mean of equal buckets, plus the latest point so the line reaches "now". */
  view(maxPoints: number): { x: number; y: number }[] {
    const out: { x: number; y: number }[] = [];
    if (this.n === 0) return out;
    const bucket = Math.max(1, Math.ceil(this.n / maxPoints));
    for (let start = 0; start < this.n; start += bucket) {
      const end = Math.min(this.n, start + bucket);
      let sx = 0;
      let sy = 0;
      for (let i = start; i < end; i++) {
        sx += this.xs[i];
        sy += this.ys[i];
      }
      out.push({ x: sx / (end - start), y: sy / (end - start) });
    }
    if (bucket > 1) out.push({ x: this.xs[this.n - 1], y: this.ys[this.n - 1] });
    return out;
  }

  /** The exact state: `SeriesBuffer.restore(b.snapshot())` behaves like `b` for every later push and view. */
  snapshot(): SeriesSnapshot {
    return { xs: this.xs.slice(0, this.n), ys: this.ys.slice(0, this.n), stride: this.stride, accX: this.accX, accY: this.accY, accN: this.accN, capacity: this.capacity };
  }

  /**
   * A buffer continuing from a snapshot (which it copies). `capacity` defaults to the snapshot's (else 20 000);
   * a smaller one than the snapshot holds merges pairs until the points fit, as pushes would have, carrying an
   * odd last point into the accumulator so no raw point is lost. A malformed snapshot throws, saying what is wrong.
   */
  static restore(s: SeriesSnapshotInput, capacity?: number): SeriesBuffer {
    const stride = s.stride ?? 1;
    const accX = s.accX ?? 0;
    const accY = s.accY ?? 0;
    const accN = s.accN ?? 0;
    const cap = capacity ?? s.capacity ?? 20_000;
    if (s.xs.length !== s.ys.length) throw new Error(`series snapshot has ${s.xs.length} x values but ${s.ys.length} y values`);
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`series snapshot stride must be a positive integer, not ${stride}`);
    if (!Number.isInteger(accN) || accN < 0 || accN >= stride) throw new Error(`series snapshot holds ${accN} pending points; expected 0 to ${stride - 1}`);
    if (!Number.isInteger(cap) || cap < 1) throw new Error(`series capacity must be a positive integer, not ${cap}`);
    const b = new SeriesBuffer(cap);
    let n = s.xs.length;
    let xs = s.xs;
    let ys = s.ys;
    b.stride = stride;
    b.accX = accX;
    b.accY = accY;
    b.accN = accN;
    if (n > cap) {
      xs = xs.slice();
      ys = ys.slice();
      while (n > cap) {
        if (n % 2 === 1) {
          // The newest point stands for `stride` raw points; with the pending ones it stays under the new stride.
          b.accX += xs[n - 1] * b.stride;
          b.accY += ys[n - 1] * b.stride;
          b.accN += b.stride;
          n -= 1;
        }
        const half = n >> 1;
        for (let i = 0; i < half; i++) {
          xs[i] = (xs[2 * i] + xs[2 * i + 1]) / 2;
          ys[i] = (ys[2 * i] + ys[2 * i + 1]) / 2;
        }
        n = half;
        b.stride *= 2;
      }
    }
    b.xs.set(xs.subarray(0, n));
    b.ys.set(ys.subarray(0, n));
    b.n = n;
    return b;
  }

  clear(): void {
    this.n = 0;
    this.stride = 1;
    this.accX = this.accY = this.accN = 0;
  }
}
