import type { Dataset as H5Dataset, File as H5File, Group as H5Group } from 'h5wasm';
import type { Dataset } from '../dataset';
import { assembleDataset, type Columns, type ImportOptions } from './assemble';
import { isDataset, isGroup, readColumn, readHdf5, scalar, scalarAttrs, writeHdf5 } from './h5';
import { envOptionsAttrs } from './envOptionsAttrs';
import { DatasetFormatError, missingKey } from './validate';

/**
 * Parses a D4RL-layout HDF5 file (root arrays observations, actions, rewards, terminals, optional timeouts and
 * next_observations; infos/* and metadata/* groups) into a Dataset with d4rl.qlearning_dataset's semantics
 * (see assembleDataset). gzip/chunked storage and float64 arrays are read through HDF5; values become float32.
 */
export async function parseD4rl(bytes: Uint8Array, opts: ImportOptions = {}): Promise<Dataset> {
  const { columns, metadata } = await readHdf5(bytes, readD4rlFile);
  return assembleDataset(columns, opts, { source: 'd4rl', defaultName: 'd4rl-dataset', metadata });
}

export function readD4rlFile(file: H5File): { columns: Columns; metadata: Record<string, string | number> } {
  const keys = file.keys();
  const need = (key: string) => {
    const c = readColumn(file, key);
    if (!c) throw missingKey(key, keys);
    return c;
  };
  const columns: Columns = {
    observations: need('observations'),
    actions: need('actions'),
    rewards: need('rewards'),
    terminals: need('terminals'),
    timeouts: readColumn(file, 'timeouts') ?? undefined,
    nextObservations: readColumn(file, 'next_observations') ?? undefined,
    nextValid: readColumn(file, 'next_valid') ?? undefined,
  };
  const metadata = { ...scalarAttrs(file) };
  const meta = file.get('metadata');
  if (isGroup(meta)) Object.assign(metadata, groupScalars(meta, ''));
  const infos = file.get('infos');
  if (isGroup(infos)) metadata.infos = infos.keys().join(', ');
  return { columns, metadata };
}

const MAX_METADATA_ENTRIES = 200;

/** Scalar datasets and attributes under metadata/, keyed by path (policy weights and other arrays are skipped). */
function groupScalars(group: H5Group, prefix: string, out: Record<string, string | number> = {}): Record<string, string | number> {
  Object.assign(out, scalarAttrs(group, prefix));
  for (const key of group.keys()) {
    if (Object.keys(out).length >= MAX_METADATA_ENTRIES) break;
    const entity = group.get(key);
    if (isGroup(entity)) groupScalars(entity, `${prefix}${key}/`, out);
    else if (isDataset(entity) && isSmall(entity)) {
      try {
        const v = scalar(entity.value);
        if (v !== null) out[prefix + key] = v;
      } catch {
        // A type h5wasm cannot decode: metadata is optional.
      }
    }
  }
  return out;
}

const isSmall = (d: H5Dataset): boolean => (d.shape ?? []).reduce((a, b) => a * b, 1) <= 1;

export interface D4rlExportOptions {
  /** gzip level 0..9 (0: no compression); h5py's default is 4. */
  compression?: number;
}

/** Rows per chunk so one chunk is about 64 KB, as h5py's auto-chunking aims for. */
const chunkRows = (n: number, width: number): number => Math.max(1, Math.min(n, Math.floor(65536 / (4 * width))));

/**
 * Writes a Dataset as D4RL-layout HDF5 bytes that h5py and d4rl read: float32 observations, actions (int32 (N)
 * indices for discrete actions), rewards (N), next_observations; terminals and timeouts as int8 0/1 (h5wasm cannot
 * write h5py's bool enum; numpy treats them as booleans in `bool(x)` and `astype(bool)`). `next_valid` (int8) is
 * added only when some row has no successor, so a re-import keeps those rows out of TD targets.
 * Dataset info goes to root attributes: env_id, dataset_name, behavior, plus the dataset's metadata; a custom map
 * goes as env_layout (its text format) with ref_min_score / ref_max_score / ref_scores_source measured on it.
 */
export async function exportD4rl(d: Dataset, opts: D4rlExportOptions = {}): Promise<Uint8Array> {
  if (d.size < 1) throw new DatasetFormatError('cannot export an empty dataset');
  const level = opts.compression ?? 4;
  const n = d.size;
  return writeHdf5((file) => {
    const put = (name: string, data: Float32Array | Int32Array | Int8Array, width: number, dtype: string) => {
      const shape = width === 0 ? [n] : [n, width];
      const chunks = width === 0 ? [chunkRows(n, 1)] : [chunkRows(n, width), width];
      file.create_dataset({ name, data, shape, dtype, ...(level > 0 ? { chunks, compression: 'gzip', compression_opts: level } : {}) });
    };
    const int8 = (u: Uint8Array) => new Int8Array(u.buffer, u.byteOffset, u.length);
    put('observations', d.observations, d.observationDim, '<f');
    if (d.discreteActions !== null) put('actions', Int32Array.from(d.actions), 0, '<i');
    else put('actions', d.actions, d.actionDim, '<f');
    put('rewards', d.rewards, 0, '<f');
    put('next_observations', d.nextObservations, d.observationDim, '<f');
    put('terminals', int8(d.terminals), 0, '<b');
    put('timeouts', int8(d.timeouts), 0, '<b');
    if (d.nextValid.some((v) => v === 0)) put('next_valid', int8(d.nextValid), 0, '<b');

    const attrs: Record<string, string | number> = { ...(d.metadata ?? {}), dataset_name: d.name, behavior: d.behavior };
    if (d.envId) attrs.env_id = d.envId;
    if (d.seed !== undefined) attrs.seed = d.seed;
    Object.assign(attrs, envOptionsAttrs(d.envOptions));
    for (const [key, value] of Object.entries(attrs)) {
      // h5wasm guesses int32 for every integer: larger ones (uint32 seeds) go as float64, which holds them exactly.
      const dtype = typeof value === 'string' ? null : Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? '<i' : '<d';
      file.create_attribute(key, value, null, dtype);
    }
  });
}
