import type { Dataset } from '../dataset';
import { episodeStarts } from '../episodes';
import { assembleDataset, type ImportOptions } from './assemble';
import { tableColumns, type Table } from './table';
import { DatasetFormatError } from './validate';

/**
 * CSV with one row per transition and a header naming the columns (see table.ts for the accepted names),
 * e.g. `episode,obs_0,obs_1,action,reward,terminal,timeout`. Separators: comma, tab or semicolon (taken from
 * the header). Blank lines and lines starting with '#' are skipped; cells may be quoted.
 */
export function parseCsv(input: string | Uint8Array, opts: ImportOptions = {}): Dataset {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  const table = readTable(text.replace(/^\uFEFF/, ''));
  const { columns, ignored } = tableColumns(table);
  const metadata = ignored.length ? { ignored_columns: ignored.join(', ') } : undefined;
  return assembleDataset(columns, opts, { source: 'csv', defaultName: 'csv-dataset', metadata });
}

function splitLine(line: string, sep: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"'; // an escaped quote inside a quoted cell
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === sep && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as a number: decimals, true/false, and nan/inf spelled as numpy or JavaScript write them. */
function cellValue(cell: string): number | null {
  if (NUMBER.test(cell)) return Number(cell);
  const lower = cell.toLowerCase();
  if (lower === 'true') return 1;
  if (lower === 'false') return 0;
  if (lower === 'nan') return NaN;
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  return null;
}

function readTable(text: string): Table {
  const lines = text.split(/\r?\n/);
  const content = lines.map((line, i) => ({ line, number: i + 1 })).filter(({ line }) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  if (content.length === 0) throw new DatasetFormatError('the CSV file is empty');
  const head = content[0].line;
  const sep = head.includes(',') ? ',' : head.includes('\t') ? '\t' : head.includes(';') ? ';' : ',';
  const names = splitLine(head, sep);
  if (names.some((n) => n === '')) throw new DatasetFormatError(`the CSV header has an empty column name (line ${content[0].number})`);
  const rows = content.length - 1;
  const values = names.map(() => new Float64Array(rows));
  const lineOf = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const { line, number } = content[r + 1];
    lineOf[r] = number;
    const cells = splitLine(line, sep);
    if (cells.length !== names.length) {
      throw new DatasetFormatError(`line ${number} (row ${r}) has ${cells.length} values but the header has ${names.length} columns`);
    }
    for (let c = 0; c < names.length; c++) {
      const v = cellValue(cells[c]);
      if (v === null) {
        const what = cells[c] === '' ? 'is empty' : `is '${cells[c]}', not a number`;
        throw new DatasetFormatError(`${names[c]} row ${r} ${what} (line ${number})`);
      }
      values[c][r] = v;
    }
  }
  return { names, values, rows, where: (r) => ` (line ${lineOf[r]})` };
}

/** One row per transition: episode, obs_*, action(_*), reward, terminal, timeout, next_obs_*, next_valid. */
export function exportCsv(d: Dataset): string {
  const obs = Array.from({ length: d.observationDim }, (_, j) => `obs_${j}`);
  const next = obs.map((c) => `next_${c}`);
  const act = d.discreteActions !== null ? ['action'] : Array.from({ length: d.actionDim }, (_, j) => `action_${j}`);
  const lines = [['episode', ...obs, ...act, 'reward', 'terminal', 'timeout', ...next, 'next_valid'].join(',')];
  const starts = episodeStarts(d);
  let episode = 0;
  for (let i = 0; i < d.size; i++) {
    while (starts[episode + 1] <= i) episode++;
    const row: (number | string)[] = [episode];
    // Float32 values print in their shortest form that reads back to the same float32.
    for (let j = 0; j < d.observationDim; j++) row.push(shortFloat32(d.observations[i * d.observationDim + j]));
    for (let j = 0; j < d.actionDim; j++) row.push(shortFloat32(d.actions[i * d.actionDim + j]));
    row.push(shortFloat32(d.rewards[i]), d.terminals[i], d.timeouts[i]);
    for (let j = 0; j < d.observationDim; j++) row.push(shortFloat32(d.nextObservations[i * d.observationDim + j]));
    row.push(d.nextValid[i]);
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

/** The shortest decimal that rounds to the same float32 (at most 9 significant digits are ever needed). */
export function shortFloat32(v: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}
