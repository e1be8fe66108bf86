import type { Column } from './assemble';
import { DatasetFormatError } from './validate';

/**
 * NumPy's .npy format (numpy.lib.format): magic "\x93NUMPY", version, a Python-dict header naming descr,
 * fortran_order and shape, then the raw array in C order. Only little-endian numeric dtypes are read.
 */

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor | Int8ArrayConstructor | Uint8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor;

const DTYPES: Record<string, { ctor: Ctor | 'int64' | 'uint64'; size: number; integer: boolean }> = {
  f4: { ctor: Float32Array, size: 4, integer: false },
  f8: { ctor: Float64Array, size: 8, integer: false },
  b1: { ctor: Uint8Array, size: 1, integer: true },
  i1: { ctor: Int8Array, size: 1, integer: true },
  u1: { ctor: Uint8Array, size: 1, integer: true },
  i2: { ctor: Int16Array, size: 2, integer: true },
  u2: { ctor: Uint16Array, size: 2, integer: true },
  i4: { ctor: Int32Array, size: 4, integer: true },
  u4: { ctor: Uint32Array, size: 4, integer: true },
  i8: { ctor: 'int64', size: 8, integer: true },
  u8: { ctor: 'uint64', size: 8, integer: true },
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses one .npy array; `name` (the NPZ key) appears in every message. */
export function parseNpy(bytes: Uint8Array, name: string): Column {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw new DatasetFormatError(`${name}.npy is not a NumPy .npy array (bad magic bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new DatasetFormatError(`truncated file: ${name}.npy ends inside its header`);
  const header = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  if (!descr) throw new DatasetFormatError(`${name}.npy has an unsupported dtype (header: ${header.trim()}); expected a plain numeric dtype`);
  if (/'fortran_order'\s*:\s*True/.test(header)) {
    throw new DatasetFormatError(`${name}.npy is stored in Fortran order; save it in C order (numpy.ascontiguousarray) and try again`);
  }
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new DatasetFormatError(`${name}.npy header has no shape: ${header.trim()}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DatasetFormatError(`${name}.npy has a bad shape (${shapeText})`);

  const order = descr[0];
  const dtype = DTYPES[descr.slice(order === '<' || order === '|' || order === '>' || order === '=' ? 1 : 0)];
  if (!dtype) throw new DatasetFormatError(`${name}.npy has dtype '${descr}'; supported: <f4, <f8, |b1, |i1, |u1, <i2, <u2, <i4, <u4, <i8, <u8`);
  if (order === '>' && dtype.size > 1) throw new DatasetFormatError(`${name}.npy is big-endian ('${descr}'), which is not supported`);

  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const byteLength = count * dtype.size;
  if (offset + byteLength > bytes.length) {
    throw new DatasetFormatError(`truncated file: ${name}.npy holds ${bytes.length - offset} bytes of data, its shape needs ${byteLength}`);
  }
  // slice() copies into a fresh, aligned buffer: the member may sit at any offset in the zip.
  const buffer = bytes.slice(offset, offset + byteLength).buffer;
  let data: ArrayLike<number>;
  if (dtype.ctor === 'int64' || dtype.ctor === 'uint64') {
    const big = dtype.ctor === 'int64' ? new BigInt64Array(buffer) : new BigUint64Array(buffer);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = Number(big[i]);
      if (!Number.isSafeInteger(out[i])) throw new DatasetFormatError(`${name} row ${i} is ${big[i]}, too large for an exact number`);
    }
    data = out;
  } else data = new dtype.ctor(buffer);
  return { name, data, shape, integer: dtype.integer };
}

/** Serialises a C-order array as .npy version 1.0, header padded to 64 bytes as numpy does. */
export function writeNpy(data: Float32Array | Int32Array | Uint8Array, shape: readonly number[], descr: '<f4' | '<i4' | '|b1' | '|u1'): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}
