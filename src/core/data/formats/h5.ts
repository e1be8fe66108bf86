import type { Dataset as H5Dataset, Entity, File as H5File, Group as H5Group } from 'h5wasm';
import type { Column } from './assemble';
import { checkHdf5Header } from './hdf5Header';
import { DatasetFormatError, formatShape } from './validate';

/** The part of Emscripten's in-memory file system we use (the same MEMFS in Node, workers and the page). */
interface MemFs {
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
}

type H5wasm = (typeof import('h5wasm'))['default'];

let loaded: Promise<{ h5: H5wasm; fs: MemFs }> | null = null;

/** Loads h5wasm once, lazily: its wasm is a few MB and only HDF5 imports and exports need it. */
function loadH5(): Promise<{ h5: H5wasm; fs: MemFs }> {
  loaded ??= import('h5wasm').then(async (mod) => {
    const module = await mod.default.ready;
    return { h5: mod.default, fs: module.FS as unknown as MemFs };
  });
  return loaded;
}

let counter = 0;
const tempPath = (): string => `/rl-lab-${Date.now()}-${counter++}.h5`;

/** Opens HDF5 bytes read-only and runs `read` on the file; the temporary copy is removed afterwards. */
export async function readHdf5<T>(bytes: Uint8Array, read: (file: H5File) => T): Promise<T> {
  checkHdf5Header(bytes);
  const { h5, fs } = await loadH5();
  const path = tempPath();
  fs.writeFile(path, bytes);
  try {
    let file: H5File;
    try {
      file = new h5.File(path, 'r');
    } catch (e) {
      throw new DatasetFormatError(`not a readable HDF5 file: ${errorText(e)}`);
    }
    try {
      return read(file);
    } catch (e) {
      // HDF5 errors past the header (a damaged B-tree, an unknown filter) become named format errors too.
      if (e instanceof DatasetFormatError) throw e;
      throw new DatasetFormatError(`the HDF5 file is damaged or unreadable: ${errorText(e)}`);
    } finally {
      file.close();
    }
  } finally {
    fs.unlink(path);
  }
}

/** Creates an HDF5 file, lets `write` fill it, and returns its bytes. */
export async function writeHdf5(write: (file: H5File) => void): Promise<Uint8Array> {
  const { h5, fs } = await loadH5();
  const path = tempPath();
  try {
    const file = new h5.File(path, 'w');
    try {
      write(file);
    } finally {
      file.close();
    }
    return fs.readFile(path);
  } finally {
    try {
      fs.unlink(path);
    } catch {
      // The file was never created: nothing to remove.
    }
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// h5wasm tags each object with a string `type`; class names would not survive minification.
const typeOf = (e: Entity | null): unknown => (e as { type?: unknown } | null)?.type;
export const isDataset = (e: Entity | null): e is H5Dataset => typeOf(e) === 'Dataset';
export const isGroup = (e: Entity | null): e is H5Group => typeOf(e) === 'Group';

// HDF5 type classes (H5T_class_t): integers, floats, enums (h5py bools are an int8 enum).
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_ENUM = 8;

/** Reads a numeric dataset as a Column, converting int64 to numbers; names the key in every error. */
export function readColumn(group: H5Group, key: string, prefix = ''): Column | null {
  if (!group.keys().includes(key)) return null;
  const name = prefix + key;
  const entity = group.get(key);
  if (isGroup(entity)) throw new DatasetFormatError(`${name} is a group, expected an array`);
  if (!isDataset(entity)) throw new DatasetFormatError(`${name} could not be opened as an array (the file may be damaged)`);
  const meta = entity.metadata;
  const type = meta.type === H5T_ENUM && meta.enum_type ? meta.enum_type.type : meta.type;
  if (type !== H5T_INTEGER && type !== H5T_FLOAT) {
    throw new DatasetFormatError(`${name} has a non-numeric type (HDF5 type class ${meta.type}), expected numbers`);
  }
  if (!meta.littleEndian) throw new DatasetFormatError(`${name} is stored big-endian, which is not supported`);
  const shape = entity.shape ?? [];
  let value: unknown;
  try {
    value = entity.value;
  } catch (e) {
    const filters = entity.filters.map((f) => f.name).join(', ');
    throw new DatasetFormatError(`could not read ${name} ${formatShape(shape)}${filters ? ` (filters: ${filters})` : ''}: ${errorText(e)}`);
  }
  return { name, data: toNumbers(name, value), shape, integer: type === H5T_INTEGER };
}

function toNumbers(name: string, value: unknown): ArrayLike<number> {
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    const out = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = Number(value[i]);
      if (!Number.isSafeInteger(v)) throw new DatasetFormatError(`${name} row ${i} is ${value[i]}, too large for an exact number`);
      out[i] = v;
    }
    return out;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return value as unknown as ArrayLike<number>;
  if (typeof value === 'number') return [value];
  throw new DatasetFormatError(`${name} could not be read as numbers`);
}

/** Scalar attributes of an object (strings and single numbers), for DatasetInfo.metadata. */
export function scalarAttrs(entity: H5Group | H5Dataset, prefix = ''): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  let attrs: Record<string, { value: unknown }>;
  try {
    attrs = entity.attrs;
  } catch {
    return out;
  }
  for (const key of Object.keys(attrs)) {
    try {
      const v = scalar(attrs[key].value);
      if (v !== null) out[prefix + key] = v;
    } catch {
      // An attribute type h5wasm cannot decode: metadata is optional, skip it.
    }
  }
  return out;
}

/** A string or a single number, from an attribute or dataset value; null for arrays and other types. */
export function scalar(v: unknown): string | number | null {
  if (typeof v === 'string') return v.length <= 10_000 ? v : null;
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v) && v.length === 1) return scalar(v[0]);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && (v as unknown as ArrayLike<unknown>).length === 1) {
    return scalar((v as unknown as ArrayLike<unknown>)[0]);
  }
  return null;
}
