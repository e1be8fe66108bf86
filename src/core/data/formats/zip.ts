import { DatasetFormatError } from './validate';

/**
 * Just enough of the zip format for NPZ files: reading stored and deflated members (numpy.savez and
 * savez_compressed, zip64 fields included, which numpy always writes) and writing stored or deflated members.
 * Deflate uses the platform's CompressionStream/DecompressionStream('deflate-raw') (Node >= 20, Chromium >= 103).
 */

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  dataOffset: number;
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

/** Lists the members of a zip archive from its central directory. */
export function readZipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint32(0, true) !== SIG_LOCAL) {
    const sig = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const hdf5 = bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46 ? ' (it looks like an HDF5 file)' : '';
    throw new DatasetFormatError(`not an NPZ (zip) file (signature ${sig || 'empty'}, expected 50 4b 03 04)${hdf5}`);
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
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (flags & 1) throw new DatasetFormatError(`member ${name} is encrypted`);
    // Zip64 extra field: 64-bit values for exactly the fields saturated at 0xffffffff, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const next = () => {
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

async function pipeThrough(data: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Blob and stream writes refuse views on SharedArrayBuffers: hand them a plain copy.
  const input = data.buffer instanceof ArrayBuffer ? data : data.slice();
  const written = writer.write(input as Uint8Array<ArrayBuffer>).then(() => writer.close());
  const [out] = await Promise.all([new Response(stream.readable).arrayBuffer(), written]);
  return new Uint8Array(out);
}

/** The bytes of one member, inflated if deflated, with the CRC checked. */
export async function readZipMember(bytes: Uint8Array, entry: ZipEntry): Promise<Uint8Array> {
  const raw = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) {
    if (typeof DecompressionStream === 'undefined') throw new DatasetFormatError('this platform cannot inflate deflated zip members (no DecompressionStream)');
    try {
      data = await pipeThrough(raw, new DecompressionStream('deflate-raw'));
    } catch (e) {
      throw new DatasetFormatError(`member ${entry.name} could not be inflated: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else throw new DatasetFormatError(`member ${entry.name} uses zip compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  if (data.length !== entry.size) throw new DatasetFormatError(`member ${entry.name} has ${data.length} bytes, its zip header says ${entry.size}`);
  if (crc32(data) !== entry.crc) throw new DatasetFormatError(`member ${entry.name} is corrupt (CRC-32 mismatch)`);
  return data;
}

/** Writes a zip archive; `deflate` compresses each member as numpy.savez_compressed does. */
export async function writeZip(members: { name: string; data: Uint8Array }[], deflate: boolean): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const crc = crc32(m.data);
    const body = deflate ? await pipeThrough(m.data, new CompressionStream('deflate-raw')) : m.data;
    if (offset + body.length + 30 + name.length >= MAX32) throw new DatasetFormatError('dataset too large for an NPZ export (over 4 GB)');
    const fields = (h: DataView, at: number) => {
      h.setUint16(at, 20, true); // version needed: 2.0
      h.setUint16(at + 2, 0, true);
      h.setUint16(at + 4, deflate ? 8 : 0, true);
      h.setUint16(at + 6, 0, true); // 00:00
      h.setUint16(at + 8, (0 << 9) | (1 << 5) | 1, true); // 1980-01-01: a fixed date keeps exports identical
      h.setUint32(at + 10, crc, true);
      h.setUint32(at + 14, body.length, true);
      h.setUint32(at + 18, m.data.length, true);
      h.setUint16(at + 22, name.length, true);
    };
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    fields(lv, 4);
    local.set(name, 30);
    const dir = new Uint8Array(46 + name.length);
    const dv = new DataView(dir.buffer);
    dv.setUint32(0, SIG_CENTRAL, true);
    dv.setUint16(4, 20, true); // made by: 2.0
    fields(dv, 6);
    dv.setUint32(42, offset, true);
    dir.set(name, 46);
    parts.push(local, body);
    central.push(dir);
    offset += local.length + body.length;
  }
  const dirSize = central.reduce((s, c) => s + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, SIG_END, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + dirSize + 22);
  let p = 0;
  for (const part of [...parts, ...central, end]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
