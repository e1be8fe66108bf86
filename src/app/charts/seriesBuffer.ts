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

  clear(): void {
    this.n = 0;
    this.stride = 1;
    this.accX = this.accY = this.accN = 0;
  }
}
