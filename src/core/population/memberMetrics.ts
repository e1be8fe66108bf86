// One read of a population's metrics, split into each member's rows: what the offline and the online population
// trainers report per member. A member whose metrics turn non-finite gets its rows up to there and an error, once.
import * as tf from '@tensorflow/tfjs';
import type { MetricBatch } from '../run/events';

/**
 * `pending`: [K, metrics] per update; `rowsOf(k)`: how many of the updates count for member k (fewer once it reached
 * its total); `diverged[k]`: member k's divergence message, set here when it happens (such members report nothing).
 */
export async function readMemberMetrics(pending: tf.Tensor2D[], names: string[], firstUpdate: number, rowsOf: (member: number) => number, diverged: (string | null)[]): Promise<{ metrics: MetricBatch | null; error?: string }[]> {
  const [K, M] = [diverged.length, names.length];
  if (pending.length === 0) return diverged.map(() => ({ metrics: null }));
  const stacked = tf.stack(pending);
  const values = (await stacked.data()) as Float32Array;
  stacked.dispose();
  return diverged.map((gone, k) => {
    if (gone) return { metrics: null };
    const rows = rowsOf(k);
    const out = new Float32Array(rows * M);
    for (let r = 0; r < rows; r++) {
      const row = values.subarray((r * K + k) * M, (r * K + k + 1) * M);
      const bad = row.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) {
        diverged[k] = `${names[bad]} became ${row[bad]} at update ${firstUpdate + r}: training diverged (try a lower learning rate)`;
        return { metrics: r > 0 ? { names, firstUpdate, rows: r, values: out.slice(0, r * M) } : null, error: diverged[k]! };
      }
      out.set(row, r * M);
    }
    return { metrics: rows > 0 ? { names, firstUpdate, rows, values: out } : null };
  });
}
