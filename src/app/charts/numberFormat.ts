/**
 * Numbers as charts print them: short, never clipped. Plain digits between 0.001 and 100,000; outside that a short
 * exponent form ("2.98e-4", "1.7e5") that fits a narrow axis where ".000298" or "170000" would be cut.
 */

const trimMantissa = (s: string) => s.replace(/\.?0+e/, 'e').replace('e+', 'e');

/** `v` with at most `digits` significant digits (trailing zeros dropped). */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const text = a >= 1e5 || a < 1e-3 ? trimMantissa(v.toExponential(digits - 1)) : String(Number(v.toPrecision(digits)));
  return text;
}

/**
 * A label for each of a set of evenly spaced ticks, with just enough digits that neighbours differ (0, 0.5, 1 and
 * not 0, 0.50, 1.00; 2e-4, 2.5e-4 and not 2.5e-4, 2.5e-4).
 */
export function formatTicks(ticks: readonly number[]): string[] {
  if (ticks.length === 0) return [];
  const finite = ticks.filter(Number.isFinite);
  const maxAbs = Math.max(...finite.map(Math.abs));
  let step = Infinity;
  for (let i = 1; i < finite.length; i++) step = Math.min(step, Math.abs(finite[i] - finite[i - 1]) || Infinity);
  if (!Number.isFinite(step) || maxAbs === 0) return ticks.map((t) => formatNumber(t));
  // Digits from the largest tick's leading digit down to the step's: enough to tell neighbours apart.
  const digits = Math.max(1, Math.min(15, Math.floor(Math.log10(maxAbs) + 1e-9) - Math.floor(Math.log10(step) + 1e-9) + 1));
  return ticks.map((t) => formatNumber(t, digits));
}
