// Sweeps: a grid or a random search over hyperparameters, expanded into plain run settings (points × seeds).
// Every value is checked against the algorithm's schema here, so the page only ever starts runs it can run.
import { checkValue, formatValue, HyperparameterError, type HyperParam, type HyperValue, type HyperValues } from '../run/hyperparameters';
import { Rng } from '../rng';

export interface SweepParam {
  key: string;
  /** Grid mode: the values to try. Random mode: if given, each point draws uniformly among these instead of a range. */
  values?: HyperValue[];
  /** Random mode: the range, by default the schema's min/max/log. */
  min?: number;
  max?: number;
  log?: boolean;
}

export interface SweepSpec {
  mode: 'grid' | 'random';
  params: SweepParam[];
  /** Random mode: number of configurations. */
  samples?: number;
  /** Runs per configuration, seeded base seed + 0, + 1, ... */
  seeds: number;
  /** Seeds the random sampling (not the runs). */
  seed: number;
}

export interface SweepPoint {
  index: number;
  /** The swept keys only. */
  values: HyperValues;
}

export interface SweepRun {
  point: number;
  seedIndex: number;
  /** Base values, then the point's, then seed = base seed + seedIndex. */
  hyperparameters: HyperValues;
}

/** A sweep starts every run it expands to; past this the page would queue runs for hours. */
export const MAX_SWEEP_RUNS = 200;

/** A problem with the sweep itself (not one hyperparameter's value): `field` names the spec's field. */
export class SweepSpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SweepSpecError';
  }
}

const nameOf = (p: HyperParam): string => `${p.label} (${p.key})`;

/** A numeric range to draw from; `log` draws log-uniformly. */
export interface SampleRange {
  min: number;
  max: number;
  log: boolean;
}

/**
 * One draw for a parameter: numbers uniform (log-uniform where `log`) in the range; ints uniform among the whole
 * numbers in range (log-uniform then rounded where `log`); choices uniform among the schema's; bools fair.
 * Shared by random sweeps and PBT's resample step.
 */
export function sampleValue(param: HyperParam, range: SampleRange | null, rng: Rng): HyperValue {
  switch (param.kind) {
    case 'bool':
      return rng.next() < 0.5;
    case 'choice': {
      const choices = param.choices ?? [];
      if (choices.length === 0) throw new HyperparameterError(param.key, `${nameOf(param)} has no choices to draw from`);
      return choices[rng.int(choices.length)];
    }
    case 'number':
    case 'int': {
      if (!range) throw new HyperparameterError(param.key, `${nameOf(param)} needs a range to draw from`);
      const { min, max, log } = range;
      if (param.kind === 'int') {
        const lo = Math.ceil(min);
        const hi = Math.floor(max);
        if (!log) return lo + rng.int(hi - lo + 1);
        const v = Math.round(Math.exp(rng.uniform(Math.log(min), Math.log(max))));
        return Math.min(hi, Math.max(lo, v));
      }
      return log ? Math.exp(rng.uniform(Math.log(min), Math.log(max))) : rng.uniform(min, max);
    }
  }
}

/** The range a numeric parameter is drawn from: the sweep's bounds if given, else the schema's; checked. */
export function resolveRange(param: HyperParam, bounds: { min?: number; max?: number; log?: boolean } = {}): SampleRange {
  const min = bounds.min ?? param.min;
  const max = bounds.max ?? param.max;
  const log = bounds.log ?? param.log ?? false;
  if (min === undefined || max === undefined) {
    throw new HyperparameterError(param.key, `${nameOf(param)} has no ${min === undefined ? 'minimum' : 'maximum'} in its schema; give the range to draw from`);
  }
  // Bounds are values too: outside the schema a draw could land where no run can start.
  checkValue({ ...param, kind: 'number' }, min);
  checkValue({ ...param, kind: 'number' }, max);
  if (min > max) throw new HyperparameterError(param.key, `${nameOf(param)}: the range's minimum ${formatValue(min)} is above its maximum ${formatValue(max)}`);
  if (log && min <= 0) throw new HyperparameterError(param.key, `${nameOf(param)}: a log-scale range needs a minimum above 0, got ${formatValue(min)}`);
  if (param.kind === 'int' && Math.ceil(min) > Math.floor(max)) {
    throw new HyperparameterError(param.key, `${nameOf(param)}: no whole number between ${formatValue(min)} and ${formatValue(max)}`);
  }
  return { min, max, log };
}

function findParam(schema: readonly HyperParam[], key: string): HyperParam {
  const param = schema.find((p) => p.key === key);
  if (!param) throw new HyperparameterError(key, `no hyperparameter "${key}" (known: ${schema.map((p) => p.key).join(', ')})`);
  return param;
}

/** Checks a list of values for one parameter: non-empty, each valid, none twice. Returns them in canonical types. */
function checkList(param: HyperParam, values: readonly unknown[]): HyperValue[] {
  if (values.length === 0) throw new HyperparameterError(param.key, `${nameOf(param)}: the list of values is empty`);
  const out: HyperValue[] = [];
  for (const v of values) {
    const checked = checkValue(param, v);
    if (out.includes(checked)) throw new HyperparameterError(param.key, `${nameOf(param)} lists ${formatValue(checked)} twice`);
    out.push(checked);
  }
  return out;
}

function checkCount(field: string, value: number | undefined, what: string): number {
  if (value === undefined || !Number.isInteger(value) || value < 1) {
    throw new SweepSpecError(field, `${what} must be a whole number of at least 1, got ${String(value)}`);
  }
  return value;
}

/**
 * Grid: the cartesian product of each param's values (first param varies slowest). Random: `samples` points, each
 * key drawn uniformly in its range (log-uniform where log), ints rounded, choices uniformly among the schema's
 * choices, bools fair. Every value is checked against the schema; errors name the key.
 *
 * Runs are ordered seed-major (every point with seed index 0, then every point with seed index 1, ...), so a pool
 * that starts them in order sees every configuration once before it repeats one.
 *
 * Random draws: each key has its own stream forked from `spec.seed` in param order, so asking for more samples
 * keeps the earlier points, and changing one key's range leaves the other keys' draws alone.
 */
export function expandSweep(spec: SweepSpec, schema: readonly HyperParam[], base: HyperValues): { points: SweepPoint[]; runs: SweepRun[] } {
  const seeds = checkCount('seeds', spec.seeds, 'seeds per configuration');
  if (!Number.isFinite(spec.seed)) throw new SweepSpecError('seed', `the sweep's seed must be a finite number, got ${String(spec.seed)}`);
  const seen = new Set<string>();
  const params = spec.params.map((sp) => {
    if (seen.has(sp.key)) throw new HyperparameterError(sp.key, `"${sp.key}" is swept twice; give it once with all its values`);
    seen.add(sp.key);
    // The seed is the sweep's `seeds` axis: sweeping it too would give runs that repeat each other.
    if (sp.key === 'seed') throw new HyperparameterError('seed', 'the seed is not swept as a value; ask for more seeds per configuration instead');
    return { sweep: sp, param: findParam(schema, sp.key) };
  });

  const seedParam = schema.find((p) => p.key === 'seed');
  const baseSeed = base.seed ?? seedParam?.default ?? 0;
  if (typeof baseSeed !== 'number' || !Number.isInteger(baseSeed)) throw new HyperparameterError('seed', `the base seed must be a whole number, got ${String(baseSeed)}`);

  let points: SweepPoint[];
  if (spec.mode === 'grid') {
    const lists = params.map(({ sweep, param }) => {
      if (sweep.values === undefined) throw new HyperparameterError(param.key, `${nameOf(param)}: a grid needs a list of values`);
      return checkList(param, sweep.values);
    });
    const count = lists.reduce((n, l) => n * l.length, 1);
    refuseTooMany(count, seeds, lists.map((l) => l.length));
    points = [];
    for (let i = 0; i < count; i++) {
      // Mixed-radix digits of i, last param fastest.
      const values: HyperValues = {};
      let rest = i;
      for (let k = lists.length - 1; k >= 0; k--) {
        values[params[k].param.key] = lists[k][rest % lists[k].length];
        rest = Math.floor(rest / lists[k].length);
      }
      points.push({ index: i, values: ordered(values, params.map((p) => p.param.key)) });
    }
  } else if (spec.mode === 'random') {
    const samples = checkCount('samples', spec.samples, 'samples (configurations)');
    if (params.length === 0) throw new SweepSpecError('params', 'a random sweep needs at least one hyperparameter to draw');
    refuseTooMany(samples, seeds);
    const root = new Rng(spec.seed);
    const draws = params.map(({ sweep, param }) => {
      const rng = root.fork();
      if (sweep.values !== undefined) {
        const list = checkList(param, sweep.values);
        return (): HyperValue => list[rng.int(list.length)];
      }
      const numeric = param.kind === 'number' || param.kind === 'int';
      if (!numeric && (sweep.min !== undefined || sweep.max !== undefined || sweep.log !== undefined)) {
        throw new HyperparameterError(param.key, `${nameOf(param)} is a ${param.kind === 'bool' ? 'yes/no' : 'choice'} parameter: it has no range`);
      }
      const range = numeric ? resolveRange(param, sweep) : null;
      return (): HyperValue => checkValue(param, sampleValue(param, range, rng));
    });
    points = [];
    for (let i = 0; i < samples; i++) {
      const values: HyperValues = {};
      params.forEach(({ param }, k) => (values[param.key] = draws[k]()));
      points.push({ index: i, values });
    }
  } else {
    throw new SweepSpecError('mode', `sweep mode must be "grid" or "random", got ${String(spec.mode as unknown)}`);
  }

  const runs: SweepRun[] = [];
  for (let s = 0; s < seeds; s++) {
    const seed = seedParam ? checkValue(seedParam, baseSeed + s) : baseSeed + s;
    for (const point of points) runs.push({ point: point.index, seedIndex: s, hyperparameters: { ...base, ...point.values, seed } });
  }
  return { points, runs };
}

function ordered(values: HyperValues, keys: readonly string[]): HyperValues {
  return Object.fromEntries(keys.map((k) => [k, values[k]]));
}

function refuseTooMany(points: number, seeds: number, sizes?: number[]): void {
  const runs = points * seeds;
  if (runs <= MAX_SWEEP_RUNS) return;
  const shape = sizes && sizes.length > 1 ? `${sizes.join(' × ')} = ${points}` : `${points}`;
  throw new SweepSpecError('params', `this sweep asks for ${runs} runs (${shape} configurations × ${seeds} seeds); at most ${MAX_SWEEP_RUNS} can be started at once`);
}

const RANGE = /^(.+?)\s*\.\.\s*(.+?)\s*[x×]\s*(\S+)$/i;

/**
 * Parses a user's list for one parameter: "1e-4, 3e-4, 1e-3", "true, false", or choice names. Choice names may
 * contain commas ("256,256"): they are matched against the schema's choices, or the list can use ";" instead.
 * Also accepts a range "1e-4..1e-2 x5": 5 values, log-spaced when the schema says log, else linear (ints rounded).
 * Each value is checked; errors name the key and the bad item.
 */
export function parseSweepValues(param: HyperParam, text: string): HyperValue[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new HyperparameterError(param.key, `${nameOf(param)}: no values given`);
  const range = RANGE.exec(trimmed);
  if (range && (param.kind === 'number' || param.kind === 'int')) return parseRange(param, range[1], range[2], range[3]);

  let items: string[];
  if (trimmed.includes(';')) items = trimmed.split(';');
  else if (param.kind === 'choice') items = splitChoices(param, trimmed);
  else items = trimmed.split(/[\s,]+/);
  items = items.map((s) => s.trim()).filter((s) => s !== '');

  const out: HyperValue[] = [];
  for (const item of items) {
    let value: HyperValue;
    try {
      value = checkValue(param, param.kind === 'bool' ? parseBool(item) : item);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new HyperparameterError(param.key, `${nameOf(param)}: bad item "${item}": ${why}`);
    }
    if (out.includes(value)) throw new HyperparameterError(param.key, `${nameOf(param)} lists ${formatValue(value)} twice`);
    out.push(value);
  }
  if (out.length === 0) throw new HyperparameterError(param.key, `${nameOf(param)}: no values given`);
  return out;
}

function parseBool(item: string): boolean | string {
  const s = item.toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return item; // checkValue refuses it with the usual message
}

/** Comma-split, then rejoin neighbouring pieces greedily (longest first) into the schema's choice names. */
function splitChoices(param: HyperParam, text: string): string[] {
  const pieces = text.split(',').map((s) => s.trim());
  const choices = param.choices ?? [];
  const out: string[] = [];
  let i = 0;
  while (i < pieces.length) {
    let j = pieces.length;
    while (j > i + 1 && !choices.includes(pieces.slice(i, j).join(','))) j--;
    out.push(pieces.slice(i, j).join(','));
    i = j;
  }
  return out;
}

function parseRange(param: HyperParam, lowText: string, highText: string, countText: string): HyperValue[] {
  const bound = (item: string): number => {
    try {
      return checkValue({ ...param, kind: 'number' }, item) as number;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new HyperparameterError(param.key, `${nameOf(param)}: bad item "${item}": ${why}`);
    }
  };
  const low = bound(lowText);
  const high = bound(highText);
  const n = Number(countText);
  if (!Number.isInteger(n) || n < 2 || n > MAX_SWEEP_RUNS) {
    throw new HyperparameterError(param.key, `${nameOf(param)}: bad item "x${countText}": a range needs a whole count from 2 to ${MAX_SWEEP_RUNS}`);
  }
  const log = param.log ?? false;
  if (log && (low <= 0 || high <= 0)) throw new HyperparameterError(param.key, `${nameOf(param)}: a log-spaced range needs bounds above 0`);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    let v = i === 0 ? low : i === n - 1 ? high : log ? Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * t) : low + (high - low) * t;
    // 12 significant digits: exp/log round-off would otherwise show as 0.0010000000000000002.
    v = param.kind === 'int' ? Math.round(v) : Number(v.toPrecision(12));
    values.push(v);
  }
  const distinct = [...new Set(values)];
  if (distinct.length < values.length) {
    throw new HyperparameterError(param.key, `${nameOf(param)}: ${lowText}..${highText} x${n} gives only ${distinct.length} different whole numbers (${distinct.join(', ')}); ask for fewer`);
  }
  return values.map((v) => checkValue(param, v));
}
