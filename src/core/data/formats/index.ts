import type { Dataset } from '../dataset';
import { assembleDataset } from './assemble';
import { parseCsv } from './csv';
import { readD4rlFile } from './d4rl';
import { readHdf5 } from './h5';
import { parseJson } from './json';
import { metadataFromJson, readMinariFile, type MinariOptions } from './minari';
import { parseNpz } from './npz';
import { DatasetFormatError } from './validate';

export { checkAgainstEnv, DatasetFormatError, matchEnvironment, type EnvMatch } from './validate';
export type { ImportOptions } from './assemble';
export { exportD4rl, parseD4rl } from './d4rl';
export { parseMinari } from './minari';
export { exportNpz, parseNpz } from './npz';
export { exportCsv, parseCsv } from './csv';
export { exportJson, parseJson } from './json';

export type FileKind = 'hdf5' | 'npz' | 'csv' | 'json';

/** The kind of a dataset file, from its first bytes (signatures win over the file name's extension). */
export function detectFileKind(bytes: Uint8Array, fileName = ''): FileKind {
  if (bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) return 'hdf5';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'npz';
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if (['hdf5', 'h5', 'he5'].includes(ext)) return 'hdf5';
  if (ext === 'npz') return 'npz';
  if (ext === 'json') return 'json';
  if (['csv', 'tsv', 'txt'].includes(ext)) return 'csv';
  const first = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (first.startsWith('[') || first.startsWith('{')) return 'json';
  return 'csv';
}

/**
 * An HDF5 file in either layout: Minari when it holds episode_{i} groups, D4RL otherwise. The file is opened
 * once and the layout chosen from its keys.
 */
export async function parseHdf5(bytes: Uint8Array, opts: MinariOptions = {}): Promise<Dataset> {
  const read = await readHdf5(bytes, (file) =>
    file.keys().some((k) => /^episode_\d+$/.test(k)) ? { kind: 'minari' as const, ...readMinariFile(file) } : { kind: 'd4rl' as const, ...readD4rlFile(file) },
  );
  const metadata = read.kind === 'minari' && opts.metadataJson ? { ...read.metadata, ...metadataFromJson(opts.metadataJson) } : read.metadata;
  return assembleDataset(read.columns, opts, { source: read.kind, defaultName: `${read.kind}-dataset`, metadata });
}

/** Parses any supported dataset file; every problem is a DatasetFormatError naming it. */
export async function parseDatasetFile(bytes: Uint8Array, fileName = '', opts: MinariOptions = {}): Promise<Dataset> {
  const options: MinariOptions = { fileName, ...opts };
  switch (detectFileKind(bytes, fileName)) {
    case 'hdf5':
      return parseHdf5(bytes, options);
    case 'npz':
      return parseNpz(bytes, options);
    case 'json':
      return parseJson(bytes, options);
    case 'csv':
      return parseCsv(bytes, options);
    default:
      throw new DatasetFormatError(`unsupported file ${fileName}`);
  }
}
