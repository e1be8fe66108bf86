import { sharedFloat32, sharedUint8, type Dataset, type DatasetArrays, type DatasetInfo } from '../../core/data/dataset';
import { StorageFullError, TypedDb } from './db';

/**
 * Datasets kept in IndexedDB across reloads. The info is one small record; each array is stored in chunks of
 * at most CHUNK_BYTES in their own transactions, so saving or loading a million-row dataset never holds the page
 * for one long structured clone. The info record is written last: a save cut short leaves no listed dataset,
 * and its chunks are swept on the next load. Loaded arrays are copied onto SharedArrayBuffers, so trainer
 * workers receive them without a copy per run.
 */

const ARRAYS = ['observations', 'actions', 'rewards', 'nextObservations', 'terminals', 'timeouts', 'nextValid'] as const;
type ArrayName = (typeof ARRAYS)[number];
const FLOAT: Record<ArrayName, boolean> = { observations: true, actions: true, rewards: true, nextObservations: true, terminals: false, timeouts: false, nextValid: false };

// About 10 ms of structured cloning per chunk here: short enough that saving never holds the page.
const CHUNK_BYTES = 2 * 1024 * 1024;

interface DatasetRecord {
  info: DatasetInfo;
  /** Element count of each array. */
  lengths: Record<ArrayName, number>;
  bytes: number;
  savedAt: number;
}

type ChunkKey = [id: string, array: ArrayName, index: number];

type Schema = {
  datasets: { key: string; value: DatasetRecord };
  chunks: { key: ChunkKey; value: ArrayBuffer };
};

const DB_NAME = 'rl-lab';
const DB_VERSION = 1;

let opened: Promise<TypedDb<Schema>> | null = null;

function db(): Promise<TypedDb<Schema>> {
  opened ??= TypedDb.open<Schema>(DB_NAME, DB_VERSION, (raw, oldVersion) => {
    if (oldVersion < 1) {
      raw.createObjectStore('datasets');
      raw.createObjectStore('chunks');
    }
  }).catch((e: unknown) => {
    opened = null;
    throw e;
  });
  return opened;
}

const chunksOf = (id: string): IDBKeyRange => IDBKeyRange.bound([id], [id, []]);
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function datasetBytes(d: Pick<Dataset, ArrayName>): number {
  return ARRAYS.reduce((sum, name) => sum + d[name].byteLength, 0);
}

/** The info fields of a dataset, without its arrays (which IndexedDB stores apart). */
export function infoOf(d: DatasetInfo & Partial<DatasetArrays>): DatasetInfo {
  const { observations: _o, actions: _a, rewards: _r, nextObservations: _n, terminals: _t, timeouts: _to, nextValid: _v, ...info } = d;
  return info;
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** Saves a dataset (replacing one with the same id); a full disk is a StorageFullError that names the dataset. */
export async function saveDataset(d: Dataset): Promise<number> {
  const store = await db();
  const bytes = datasetBytes(d);
  try {
    await store.delete('chunks', chunksOf(d.id));
    for (const name of ARRAYS) {
      const array = d[name];
      const step = Math.floor(CHUNK_BYTES / array.BYTES_PER_ELEMENT);
      for (let start = 0, index = 0; start < array.length || index === 0; start += step, index++) {
        // slice() copies into a plain ArrayBuffer: IndexedDB cannot store SharedArrayBuffers.
        await store.put('chunks', [d.id, name, index], array.slice(start, start + step).buffer);
        await yieldToPage();
      }
    }
    const lengths = Object.fromEntries(ARRAYS.map((name) => [name, d[name].length])) as Record<ArrayName, number>;
    await store.put('datasets', d.id, { info: infoOf(d), lengths, bytes, savedAt: Date.now() });
    return bytes;
  } catch (e) {
    await store.delete('chunks', chunksOf(d.id)).catch(() => undefined);
    if (e instanceof StorageFullError) {
      throw new StorageFullError(`Not enough browser storage to keep ${d.name} (${megabytes(bytes)}): it stays loaded until the page is reloaded. Delete saved datasets to make room.`);
    }
    throw e;
  }
}

/** Rewrites a saved dataset's info (a new environment, a new name); the arrays stay. */
export async function updateSavedInfo(d: DatasetInfo & Partial<DatasetArrays>): Promise<void> {
  const store = await db();
  const record = await store.get('datasets', d.id);
  if (record) await store.put('datasets', d.id, { ...record, info: infoOf(d) });
}

export async function deleteSavedDataset(id: string): Promise<void> {
  const store = await db();
  await store.delete('datasets', id);
  await store.delete('chunks', chunksOf(id));
}

export interface SavedDataset {
  dataset: Dataset;
  bytes: number;
}

async function loadArrays(store: TypedDb<Schema>, record: DatasetRecord): Promise<DatasetArrays> {
  const id = record.info.id;
  const arrays: Partial<Record<ArrayName, Float32Array | Uint8Array>> = {};
  for (const name of ARRAYS) {
    const length = record.lengths[name];
    const out = FLOAT[name] ? sharedFloat32(length) : sharedUint8(length);
    const step = Math.floor(CHUNK_BYTES / out.BYTES_PER_ELEMENT);
    // One chunk per read, so no single structured clone holds the page for long.
    for (let index = 0, at = 0; at < length; index++, at += step) {
      const chunk = await store.get('chunks', [id, name, index]);
      const part = chunk && (FLOAT[name] ? new Float32Array(chunk) : new Uint8Array(chunk));
      if (!part || part.length !== Math.min(step, length - at)) throw new Error(`saved dataset ${record.info.name} is incomplete (${name}, part ${index + 1})`);
      out.set(part, at);
      await yieldToPage();
    }
    arrays[name] = out;
  }
  return arrays as DatasetArrays;
}

/**
 * Every saved dataset, oldest first, with SharedArrayBuffer-backed arrays. A damaged one is skipped and named
 * in `problems`; chunks without an info record (a save cut short) are removed.
 */
export async function loadSavedDatasets(): Promise<{ saved: SavedDataset[]; problems: string[] }> {
  const store = await db();
  const records = (await store.entries('datasets')).map((e) => e.value).sort((a, b) => a.savedAt - b.savedAt);
  const saved: SavedDataset[] = [];
  const problems: string[] = [];
  for (const record of records) {
    try {
      saved.push({ dataset: { ...record.info, ...(await loadArrays(store, record)) }, bytes: record.bytes });
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  const known = new Set(records.map((r) => r.info.id));
  const orphans = new Set((await store.keys('chunks')).map((k) => k[0]).filter((id) => !known.has(id)));
  for (const id of orphans) await store.delete('chunks', chunksOf(id));
  return { saved, problems };
}
