/** Numbers as the dataset panels print them. */

// One formatter for every count: toLocaleString builds a new one per call, which shows in long lists.
const integers = new Intl.NumberFormat('en-US');
export const count = (n: number): string => integers.format(n);

/** Bytes in kB, MB or GB (decimal units, as browsers report storage). */
export function megabytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
  return `${Math.ceil(bytes / 1e3)} kB`;
}

export const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** A statistic with a fixed number of significant digits, or "n/a" when it is missing or not finite. */
export function stat(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  return Math.abs(v) >= 10 ** digits ? v.toExponential(2) : Number(v.toPrecision(digits)).toString();
}
