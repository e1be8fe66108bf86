import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { allocateArrays, type Dataset } from '../../src/core/data/dataset';
import { episodeStarts } from '../../src/core/data/episodes';
import { DatasetFormatError } from '../../src/core/data/formats/validate';
import { Rng } from '../../src/core/rng';

export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));

type Expected = Record<string, Record<string, number[] | number>>;
/** Values tests/fixtures/make_fixtures.py wrote next to the files. */
export const expected = JSON.parse(readFileSync(join(FIXTURES, 'fixtures.json'), 'utf8')) as Expected;

export const list = (v: number[] | number | undefined): number[] => {
  if (!Array.isArray(v)) throw new Error('expected a list in fixtures.json');
  return v;
};

/** The float32 the lab must hold for a value Python wrote as a double. */
export const f32 = (values: number[]): number[] => values.map(Math.fround);

/** Asserts that `run` rejects with a DatasetFormatError whose message contains every fragment. */
export async function expectFormatError(run: () => unknown, ...fragments: (string | RegExp)[]): Promise<DatasetFormatError> {
  let error: unknown = null;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a DatasetFormatError').toBeInstanceOf(DatasetFormatError);
  const message = (error as Error).message;
  for (const f of fragments) {
    if (typeof f === 'string') expect(message).toContain(f);
    else expect(message).toMatch(f);
  }
  return error as DatasetFormatError;
}

/** A small random dataset with terminals, time-outs and rows without a successor, as the lab may hold. */
export function makeDataset(opts: { n: number; obsDim: number; actDim: number; discrete?: number; seed?: number; envId?: string | null }): Dataset {
  const rng = new Rng(opts.seed ?? 1);
  const actDim = opts.discrete ? 1 : opts.actDim;
  const a = allocateArrays(opts.n, opts.obsDim, actDim);
  for (let i = 0; i < a.observations.length; i++) a.observations[i] = rng.normal();
  for (let i = 0; i < a.nextObservations.length; i++) a.nextObservations[i] = rng.normal();
  for (let i = 0; i < opts.n; i++) {
    if (opts.discrete) a.actions[i] = rng.int(opts.discrete);
    else for (let j = 0; j < actDim; j++) a.actions[i * actDim + j] = rng.uniform(-1, 1);
    a.rewards[i] = rng.normal();
    a.terminals[i] = i % 11 === 10 ? 1 : 0;
    a.timeouts[i] = i % 7 === 6 && !a.terminals[i] ? 1 : 0;
    a.nextValid[i] = a.timeouts[i] && i % 2 === 0 ? 0 : 1;
  }
  if (!a.terminals[opts.n - 1]) a.timeouts[opts.n - 1] = 1;
  return {
    id: 'test',
    name: 'made-for-tests',
    envId: opts.envId ?? null,
    source: 'generated',
    behavior: 'random',
    observationDim: opts.obsDim,
    actionDim: actDim,
    discreteActions: opts.discrete ?? null,
    size: opts.n,
    episodes: episodeStarts({ size: opts.n, terminals: a.terminals, timeouts: a.timeouts }).length - 1,
    createdAt: 0,
    ...a,
  };
}

const ARRAYS = ['observations', 'actions', 'rewards', 'nextObservations', 'terminals', 'timeouts', 'nextValid'] as const;

/** Exact equality of every array and the dimension fields. */
export function expectSameData(actual: Dataset, wanted: Dataset): void {
  for (const key of ARRAYS) expect(Array.from(actual[key]), key).toEqual(Array.from(wanted[key]));
  for (const key of ['size', 'observationDim', 'actionDim', 'discreteActions', 'episodes'] as const) expect(actual[key], key).toBe(wanted[key]);
}

export interface PythonView {
  arrays: Record<string, { shape: number[]; dtype: string; sum: number; first: number[]; true_count: number }>;
  attrs: Record<string, unknown>;
  storage: Record<string, { compression: string | null; chunks: number[] | null }>;
}

/** Writes bytes to a temp file and reads them back with h5py / numpy through tests/fixtures/check_export.py. */
export function readWithPython(bytes: Uint8Array, ext: 'hdf5' | 'npz'): PythonView {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) throw new Error(`${python} is missing: install Debian's python3 with python3-h5py and python3-numpy`);
  const path = join(mkdtempSync(join(tmpdir(), 'rl-lab-export-')), `export.${ext}`);
  writeFileSync(path, bytes);
  try {
    return JSON.parse(execFileSync(python, [join(FIXTURES, 'check_export.py'), path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as PythonView;
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? '';
    throw new Error(`check_export.py failed (h5py/numpy must be installed for ${python}): ${stderr || (e as Error).message}`);
  }
}
