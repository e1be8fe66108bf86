import type { Dataset } from './dataset';

/** Per-dimension mean and (population) std of the dataset's observations (or of some `rows`), for state normalisation. */
export function observationStats(d: Pick<Dataset, 'observations' | 'observationDim' | 'size'>, rows?: Int32Array): { mean: Float32Array; std: Float32Array } {
  const dim = d.observationDim;
  const n = rows ? rows.length : d.size;
  const row = (i: number) => (rows ? rows[i] : i);
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += d.observations[row(i) * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= Math.max(1, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) sq[j] += (d.observations[row(i) * dim + j] - mean[j]) ** 2;
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) std[j] = Math.sqrt(sq[j] / Math.max(1, n));
  return { mean: Float32Array.from(mean), std };
}
