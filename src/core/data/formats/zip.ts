import { inflateSync, zipSync, type Zippable } from 'fflate';
import { DatasetFormatError } from './validate';

/**
 * Zip archives (NPZ files, run bundles, CORL exports) through fflate: fflate inflates and writes. What stays here
 * is a small index of the central directory, because fflate's unzip neither reports a member's CRC and offset nor
 * checks the CRC, and answers every fault with "invalid zip data": the index lets each error name the member and
 * the problem (truncated, corrupt, encrypted, an unknown method). Zip64 fields, which numpy always writes, are read.
 */

export interface ZipEntry {
  name: string;
  /** 0: stored, 8: deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Where the member's (compressed) bytes start in the archive. */
  dataOffset: number;
}

export interface ZipMember {
  name: string;
  data: Uint8Array;
  /** Overrides the archive's choice for this member (e.g. store a file that is already compressed). */
  deflate?: boolean;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as zip stores it (fflate computes it when writing but exports no function for it). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const MAX32 = 0xffffffff;

const truncated = (what: string): DatasetFormatError => new DatasetFormatError(`truncated file: the zip ${what} lies past the end of the file`);

/**
 * Lists the members of a zip archive from its central directory. `kind` names what the file should be in the
 * message for a file that is not a zip at all ("not an NPZ (zip) file (signature ...)").
 */
export function readZipEntries(bytes: Uint8Array, kind = 'an NPZ (zip) file'): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sig = bytes.length >= 4 ? view.getUint32(0, true) : 0;
  if (sig === SIG_END && bytes.length === 22) return []; // an empty archive is nothing but its end record
  if (sig !== SIG_LOCAL) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const hdf5 = bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46 ? ' (it looks like an HDF5 file)' : '';
    throw new DatasetFormatError(`not ${kind} (signature ${hex || 'empty'}, expected 50 4b 03 04)${hdf5}`);
  }
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === SIG_END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new DatasetFormatError('truncated file: the zip directory at the end of the file is missing');
  let count = view.getUint16(end + 10, true);
  let dirOffset = view.getUint32(end + 16, true);
  if ((count === 0xffff || dirOffset === MAX32) && end >= 20 && view.getUint32(end - 20, true) === SIG_LOCATOR64) {
    const at = Number(view.getBigUint64(end - 12, true));
    if (at + 56 > bytes.length || view.getUint32(at, true) !== SIG_END64) throw truncated('zip64 directory');
    count = Number(view.getBigUint64(at + 32, true));
    dirOffset = Number(view.getBigUint64(at + 48, true));
  }
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== SIG_CENTRAL) throw truncated('central directory');
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    if (p + 46 + nameLen > bytes.length) throw truncated('central directory');
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (flags & 1) throw new DatasetFormatError(`member ${name} is encrypted`);
    // Zip64 extra field: 64-bit values for exactly the fields saturated at 0xffffffff, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= Math.min(bytes.length, p + 46 + nameLen + extraLen); ) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const next = (): number => {
          if (q + 8 > bytes.length) throw truncated('central directory');
          const v = Number(view.getBigUint64(q, true));
          q += 8;
          return v;
        };
        if (size === MAX32) size = next();
        if (compressedSize === MAX32) compressedSize = next();
        if (localOffset === MAX32) localOffset = next();
      }
      e += 4 + len;
    }
    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== SIG_LOCAL) throw truncated(`member ${name}`);
    const dataOffset = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataOffset + compressedSize > bytes.length) throw truncated(`member ${name}`);
    entries.push({ name, method, crc, compressedSize, size, dataOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The bytes of one member, inflated by fflate if deflated, with size and CRC checked. Stored members are views. */
export function readZipMemberSync(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const raw = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) {
    try {
      data = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (e) {
      throw new DatasetFormatError(`member ${entry.name} could not be inflated (the zip is broken): ${e instanceof Error ? e.message : String(e)}`);
    }
  } else throw new DatasetFormatError(`member ${entry.name} uses zip compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  if (data.length !== entry.size) throw new DatasetFormatError(`member ${entry.name} has ${data.length} bytes, its zip header says ${entry.size}`);
  if (crc32(data) !== entry.crc) throw new DatasetFormatError(`member ${entry.name} is corrupt (CRC-32 mismatch)`);
  return data;
}

/** readZipMemberSync for callers that await (the NPZ reader). */
export async function readZipMember(bytes: Uint8Array, entry: ZipEntry): Promise<Uint8Array> {
  return readZipMemberSync(bytes, entry);
}

/** Every member of an archive by name, each checked (size, CRC). */
export function readZip(bytes: Uint8Array, kind?: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const entry of readZipEntries(bytes, kind)) {
    if (out.has(entry.name)) throw new DatasetFormatError(`the zip holds two members named ${entry.name}`);
    out.set(entry.name, readZipMemberSync(bytes, entry));
  }
  return out;
}

/** 1980-01-01 00:00 local time (zip dates are local): a fixed date keeps exports of the same data identical. */
const FIXED_DATE = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Writes a zip archive with fflate; `deflate` compresses each member (level 6, as
 * numpy.savez_compressed's zlib default) unless the member says otherwise. No zip64: over 4 GB is refused.
 */
export function writeZipSync(members: readonly ZipMember[], deflate: boolean): Uint8Array {
  const files: Zippable = {};
  let total = 0;
  for (const m of members) {
    if (Object.prototype.hasOwnProperty.call(files, m.name)) throw new DatasetFormatError(`two zip members are named ${m.name}`);
    files[m.name] = [m.data, { level: (m.deflate ?? deflate) ? 6 : 0, mtime: FIXED_DATE }];
    total += m.data.length + 76 + 2 * new TextEncoder().encode(m.name).length;
  }
  if (total >= MAX32) throw new DatasetFormatError('too large for a zip export (over 4 GB; zip64 is not written)');
  try {
    return zipSync(files);
  } catch (e) {
    throw new DatasetFormatError(`the zip could not be written: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** writeZipSync for callers that await (the NPZ exporter). */
export async function writeZip(members: readonly ZipMember[], deflate: boolean): Promise<Uint8Array> {
  return writeZipSync(members, deflate);
}
