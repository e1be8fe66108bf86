import { DatasetFormatError } from './validate';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

function signatureAt(bytes: Uint8Array, at: number): boolean {
  return SIGNATURE.every((b, i) => bytes[at + i] === b);
}

function readAddress(view: DataView, at: number, size: number): number | null {
  if (at + size > view.byteLength) return null;
  if (size === 8) {
    const v = view.getBigUint64(at, true);
    return v === 0xffffffffffffffffn ? null : Number(v);
  }
  if (size === 4) {
    const v = view.getUint32(at, true);
    return v === 0xffffffff ? null : v;
  }
  return null;
}

/**
 * Checks the HDF5 signature and that the file is as long as its superblock says, before HDF5 itself sees it:
 * the HDF5 library's own errors for these cases are long stacks that name neither problem.
 */
export function checkHdf5Header(bytes: Uint8Array): void {
  if (bytes.length < 8) throw new DatasetFormatError(`truncated file: only ${bytes.length} bytes, too short for an HDF5 file`);
  // The superblock sits at 0, or after a user block at 512, 1024, 2048, ...
  let start = -1;
  for (let at = 0; at + 8 <= bytes.length; at = at === 0 ? 512 : at * 2) {
    if (signatureAt(bytes, at)) {
      start = at;
      break;
    }
  }
  if (start < 0) {
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b ? ' (it looks like a zip or NPZ file)' : '';
    throw new DatasetFormatError(`not an HDF5 file (signature ${hex(bytes.subarray(0, 8))}, expected ${hex(Uint8Array.from(SIGNATURE))})${zip}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const s = start;
  if (s + 16 > bytes.length) throw new DatasetFormatError(`truncated file: the HDF5 superblock is cut off at ${bytes.length} bytes`);
  const version = bytes[s + 8];
  let offsetSize: number;
  let baseAt: number;
  if (version === 0 || version === 1) {
    offsetSize = bytes[s + 13];
    baseAt = s + (version === 0 ? 24 : 28);
  } else if (version === 2 || version === 3) {
    offsetSize = bytes[s + 9];
    baseAt = s + 12;
  } else {
    return; // A newer superblock: leave the checks to HDF5.
  }
  // Base address, then free-space (v0/1) or extension (v2/3) address, then the end-of-file address, which
  // h5py writes as an absolute offset (it equals the file length, user block included).
  const eof = readAddress(view, baseAt + 2 * offsetSize, offsetSize);
  if (eof === null) throw new DatasetFormatError(`truncated file: the HDF5 superblock is cut off at ${bytes.length} bytes`);
  if (eof > bytes.length) {
    throw new DatasetFormatError(`truncated file: the HDF5 superblock says ${eof} bytes but the file has ${bytes.length}`);
  }
}
