import type { Dataset } from '../dataset';
import { episodeStarts } from '../episodes';
import { assembleDataset, type ImportOptions } from './assemble';
import { tableColumns, type Table } from './table';
import { DatasetFormatError } from './validate';

/**
 * JSON in one of two shapes, with the column names of table.ts:
 *   records  [{"episode": 0, "obs": [0.1, 0.2], "action": 1, "reward": 1, "terminal": false}, ...]
 *   columns  {"observations": [[0.1, 0.2], ...], "actions": [1, ...], "rewards": [...], "terminals": [...]}
 * An array value becomes numbered columns (obs -> obs_0, obs_1, ...); booleans are 0/1.
 */
export function parseJson(input: string | Uint8Array, opts: ImportOptions = {}): Dataset {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DatasetFormatError(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const table = Array.isArray(parsed) ? recordsTable(parsed) : columnsTable(parsed);
  const { columns, ignored } = tableColumns(table);
  const metadata = ignored.length ? { ignored_columns: ignored.join(', ') } : undefined;
  return assembleDataset(columns, opts, { source: 'json', defaultName: 'json-dataset', metadata });
}

/** A cell's numbers: a number or boolean gives one, an array one per element; anything else is an error. */
function cellNumbers(value: unknown, where: () => string): number[] {
  const one = (v: unknown): number => {
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    // JSON has no NaN; numpy's json export of NaN / inf is usually a string.
    if (typeof v === 'string' && /^[+-]?(nan|inf|infinity)$/i.test(v)) return /nan/i.test(v) ? NaN : v.startsWith('-') ? -Infinity : Infinity;
    throw new DatasetFormatError(`${where()} is ${JSON.stringify(v)}, expected a number`);
  };
  return Array.isArray(value) ? value.map(one) : [one(value)];
}

/** Column names for a key: the key itself for a scalar, key_0..key_k for an array. */
const expand = (key: string, value: unknown): string[] => (Array.isArray(value) ? value.map((_, j) => `${key}_${j}`) : [key]);

function recordsTable(records: unknown[]): Table {
  if (records.length === 0) throw new DatasetFormatError('the JSON array is empty');
  const first = records[0];
  if (!first || typeof first !== 'object' || Array.isArray(first)) throw new DatasetFormatError('row 0 is not an object; expected an array of objects, one per transition');
  const keys = Object.keys(first);
  const names = keys.flatMap((k) => expand(k, (first as Record<string, unknown>)[k]));
  const values = names.map(() => new Float64Array(records.length));
  records.forEach((rec, r) => {
    if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new DatasetFormatError(`row ${r} is not an object`);
    const obj = rec as Record<string, unknown>;
    let c = 0;
    for (const k of keys) {
      if (!(k in obj)) throw new DatasetFormatError(`row ${r} has no '${k}' (row 0 has it)`);
      const nums = cellNumbers(obj[k], () => `${k} row ${r}`);
      const width = expand(k, (first as Record<string, unknown>)[k]).length;
      if (nums.length !== width) throw new DatasetFormatError(`${k} row ${r} has ${nums.length} values but row 0 has ${width}`);
      for (const v of nums) values[c++][r] = v;
    }
    const extra = Object.keys(obj).find((k) => !keys.includes(k));
    if (extra) throw new DatasetFormatError(`row ${r} has '${extra}', which row 0 does not have`);
  });
  return { names, values, rows: records.length, where: () => '' };
}

function columnsTable(parsed: unknown): Table {
  if (!parsed || typeof parsed !== 'object') throw new DatasetFormatError('expected a JSON array of transitions or an object of columns');
  const obj = parsed as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 0) throw new DatasetFormatError('the JSON object has no columns');
  const lengths = keys.map((k) => {
    const col = obj[k];
    if (!Array.isArray(col)) throw new DatasetFormatError(`column '${k}' is not an array`);
    return col.length;
  });
  const rows = lengths[0];
  keys.forEach((k, i) => {
    if (lengths[i] !== rows) throw new DatasetFormatError(`${k} has ${lengths[i]} rows but ${keys[0]} has ${rows}`);
  });
  const names: string[] = [];
  const values: Float64Array[] = [];
  for (const k of keys) {
    const col = obj[k] as unknown[];
    const width = rows > 0 && Array.isArray(col[0]) ? (col[0] as unknown[]).length : 0;
    const colNames = width > 0 ? expand(k, col[0]) : [k];
    const arrays = colNames.map(() => new Float64Array(rows));
    col.forEach((cell, r) => {
      if (width > 0 && !Array.isArray(cell)) throw new DatasetFormatError(`${k} row ${r} is not an array (row 0 is)`);
      const nums = cellNumbers(cell, () => `${k} row ${r}`);
      if (nums.length !== colNames.length) throw new DatasetFormatError(`${k} row ${r} has ${nums.length} values but row 0 has ${colNames.length}`);
      nums.forEach((v, j) => (arrays[j][r] = v));
    });
    names.push(...colNames);
    values.push(...arrays);
  }
  return { names, values, rows, where: () => '' };
}

/** The columns form, with D4RL key names plus episode and next_valid. */
export function exportJson(d: Dataset): string {
  const rows = (a: Float32Array, w: number, asIndex = false) =>
    Array.from({ length: d.size }, (_, i) => (asIndex ? a[i * w] : Array.from(a.subarray(i * w, (i + 1) * w))));
  const starts = episodeStarts(d);
  const episode = new Array<number>(d.size);
  for (let e = 0; e + 1 < starts.length; e++) for (let i = starts[e]; i < starts[e + 1]; i++) episode[i] = e;
  return JSON.stringify({
    observations: rows(d.observations, d.observationDim),
    actions: rows(d.actions, d.actionDim, d.discreteActions !== null),
    rewards: Array.from(d.rewards),
    terminals: Array.from(d.terminals, Boolean),
    timeouts: Array.from(d.timeouts, Boolean),
    next_observations: rows(d.nextObservations, d.observationDim),
    next_valid: Array.from(d.nextValid, Boolean),
    episode,
  });
}
