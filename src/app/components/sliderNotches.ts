// The notches of a hyperparameter slider: the values its arrow keys step through and its pointer snaps to. On a log
// scale (the schema says `log`) they run 1, 2, 3, 5 per decade (3e-4 and 1e-3, the usual learning rates, among
// them); on a linear scale every multiple of a round step (1, 2 or 5 × 10^k) giving about 100 notches. The range's
// ends are notches too. A value between notches steps to the next notch on its side, so no key press is lost.
import type { HyperParam } from '../../core/run/hyperparameters';

const LOG_MANTISSAS = [1, 2, 3, 5];
const LINEAR_NOTCHES = 100;
/** A linear range wider than this gets no slider (seeds, total updates): typing is the way. */
const MAX_LINEAR_RANGE = 100_000;

/** Rounds away binary noise (0.1 * 3 = 0.30000000000000004). */
const clean = (v: number) => Number(v.toPrecision(12));

/** The smallest of 1, 2, 5 × 10^k at or above `raw`. */
function roundStep(raw: number): number {
  const decade = 10 ** Math.floor(Math.log10(raw));
  return clean(([1, 2, 5, 10].find((m) => m * decade >= raw * (1 - 1e-12)) ?? 10) * decade);
}

/** The slider's notches in increasing order, or null when the parameter gets no slider. */
export function sliderNotches(p: HyperParam): number[] | null {
  if ((p.kind !== 'number' && p.kind !== 'int') || p.min === undefined || p.max === undefined || !(p.max > p.min)) return null;
  const [lo, hi] = [p.min, p.max];
  const inside: number[] = [];
  if (p.log) {
    if (lo <= 0) return null;
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of LOG_MANTISSAS) {
        const v = clean(m * 10 ** e);
        if (v > lo && v < hi && (p.kind !== 'int' || Number.isInteger(v))) inside.push(v);
      }
    }
  } else {
    if (hi - lo > MAX_LINEAR_RANGE) return null;
    const step = p.kind === 'int' ? Math.max(1, roundStep((hi - lo) / LINEAR_NOTCHES)) : roundStep((hi - lo) / LINEAR_NOTCHES);
    for (let k = Math.floor(lo / step) + 1; k * step < hi; k++) {
      const v = clean(k * step);
      if (v > lo && v < hi) inside.push(v);
    }
  }
  return [lo, ...inside, hi];
}

/** Same value up to rounding (a notch written with 4 digits and read back). */
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/**
 * The value `steps` notches from `value` (negative: down), kept inside the range. From a value between two notches,
 * one step up lands on the notch above it and one step down on the notch below.
 */
export function stepNotch(notches: readonly number[], value: number, steps: number): number {
  if (steps === 0 || !Number.isFinite(value)) return value;
  const last = notches.length - 1;
  if (steps > 0) {
    const above = notches.findIndex((n) => n > value && !same(n, value));
    return above < 0 ? notches[last] : notches[Math.min(last, above + steps - 1)];
  }
  let below = -1;
  for (let i = last; i >= 0; i--) {
    if (notches[i] < value && !same(notches[i], value)) {
      below = i;
      break;
    }
  }
  return below < 0 ? notches[0] : notches[Math.max(0, below + steps + 1)];
}

/** The notch nearest `value` (on the log scale where `log`): where the slider's thumb is drawn. */
export function nearestNotch(notches: readonly number[], value: number, log: boolean): number {
  const at = (v: number) => (log ? Math.log(Math.max(v, Number.MIN_VALUE)) : v);
  let best = 0;
  for (let i = 1; i < notches.length; i++) if (Math.abs(at(notches[i]) - at(value)) < Math.abs(at(notches[best]) - at(value))) best = i;
  return best;
}
