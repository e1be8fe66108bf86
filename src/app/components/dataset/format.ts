/** Numbers as the dataset panels print them. */

export const megabytes = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`);

export const count = (n: number): string => n.toLocaleString('en-US');

/** A statistic with a fixed number of significant digits, or "n/a" when it is missing or not finite. */
export function stat(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  return Math.abs(v) >= 10 ** digits ? v.toExponential(2) : Number(v.toPrecision(digits)).toString();
}
