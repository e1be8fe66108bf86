import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../src/core/data/formats/npy';
import { exportNpz, parseNpz } from '../../src/core/data/formats/npz';
import { crc32, readZipEntries, writeZip } from '../../src/core/data/formats/zip';
import { expected, expectFormatError, expectSameData, f32, fixture, list, makeDataset, readWithPython } from './formats.helpers';

const basic = expected.d4rl_basic;

/** A .npy file with a hand-written header, as numpy would write it. */
function npy(descr: string, shape: string, body: Uint8Array, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  header = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}
const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('NPZ import', () => {
  it('reads numpy.savez_compressed (deflated members) to the same numbers as the HDF5 fixture', async () => {
    const d = await parseNpz(fixture('d4rl.npz'));
    expect(d.source).toBe('npz');
    expect(Array.from(d.observations)).toEqual(list(basic.observations));
    expect(Array.from(d.actions)).toEqual(list(basic.actions));
    expect(Array.from(d.rewards)).toEqual(list(basic.rewards));
    expect(Array.from(d.timeouts).flatMap((v, i) => (v ? [i] : []))).toEqual([19, 39]);
    expect(d.episodes).toBe(4);
  });

  it("reads numpy.savez (stored members) with '<f8', '<i8', '<i4', '|u1' and '|i1' arrays", async () => {
    const d = await parseNpz(fixture('d4rl_stored.npz'));
    const e = expected.d4rl_discrete;
    expect([d.observationDim, d.discreteActions]).toEqual([4, 2]);
    expect(Array.from(d.observations)).toEqual(f32(list(e.observations)));
    expect(Array.from(d.actions)).toEqual(list(e.actions));
    expect(Array.from(d.rewards)).toEqual(list(e.rewards));
    expect(Array.from(d.terminals)).toEqual(list(e.terminals));
  });

  it('parses every supported .npy dtype', () => {
    const cases: [string, ArrayBufferView, number[]][] = [
      ['<f4', new Float32Array([1.5, -2]), [1.5, -2]],
      ['<f8', new Float64Array([0.1, 3]), [0.1, 3]],
      ['|b1', new Uint8Array([1, 0]), [1, 0]],
      ['|i1', new Int8Array([-3, 4]), [-3, 4]],
      ['|u1', new Uint8Array([200, 4]), [200, 4]],
      ['<i4', new Int32Array([-70000, 5]), [-70000, 5]],
      ['<i8', new BigInt64Array([-5n, 2n ** 40n]), [-5, 2 ** 40]],
    ];
    for (const [descr, data, values] of cases) {
      const c = parseNpy(npy(descr, '(2,)', bytesOf(data)), 'x');
      expect(Array.from(c.data), descr).toEqual(values);
      expect(c.shape).toEqual([2]);
      expect(c.integer).toBe(!descr.includes('f'));
    }
    const round = parseNpy(writeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], '<f4'), 'y');
    expect(round.shape).toEqual([2, 3]);
    expect(Array.from(round.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects Fortran order, big-endian and unknown dtypes with a clear message', async () => {
    await expectFormatError(() => parseNpz(fixture('bad_fortran.npz')), 'observations.npy is stored in Fortran order', 'C order');
    expect(() => parseNpy(npy('>f4', '(1,)', new Uint8Array(4)), 'rewards')).toThrow("rewards.npy is big-endian ('>f4')");
    expect(() => parseNpy(npy('<c16', '(1,)', new Uint8Array(16)), 'rewards')).toThrow("rewards.npy has dtype '<c16'");
    expect(() => parseNpy(npy('<f4', '(10,)', new Uint8Array(8)), 'rewards')).toThrow('truncated file: rewards.npy holds 8 bytes of data, its shape needs 40');
  });

  it('names a missing key, a file that is not a zip, and a truncated zip', async () => {
    const zip = await writeZip([{ name: 'obs.npy', data: writeNpy(new Float32Array(2), [2], '<f4') }], false);
    await expectFormatError(() => parseNpz(zip), "missing key 'observations' in the NPZ file (found: 'obs')");
    await expectFormatError(() => parseNpz(fixture('d4rl_basic.hdf5')), 'not an NPZ (zip) file', 'looks like an HDF5 file');
    const whole = fixture('d4rl.npz');
    await expectFormatError(() => parseNpz(whole.subarray(0, whole.length - 30)), 'truncated file');
  });

  it('detects a corrupted member by its CRC', async () => {
    const zip = await writeZip([{ name: 'a.npy', data: new Uint8Array([1, 2, 3]) }], false);
    expect(readZipEntries(zip)[0].crc).toBe(crc32(new Uint8Array([1, 2, 3])));
    const npz = (await exportNpz(makeDataset({ n: 10, obsDim: 2, actDim: 1 }), { compress: false })).slice();
    const first = readZipEntries(npz)[0];
    npz[first.dataOffset + first.size - 1] ^= 0xff;
    await expectFormatError(() => parseNpz(npz), 'member observations.npy is corrupt (CRC-32 mismatch)');
  });
});

describe('NPZ export', () => {
  for (const compress of [true, false]) {
    it(`round-trips exactly (${compress ? 'deflated' : 'stored'})`, async () => {
      const d = makeDataset({ n: 200, obsDim: 3, actDim: 2, seed: 11 });
      expectSameData(await parseNpz(await exportNpz(d, { compress })), d);
      const discrete = makeDataset({ n: 90, obsDim: 4, actDim: 1, discrete: 3, seed: 12 });
      expectSameData(await parseNpz(await exportNpz(discrete, { compress })), discrete);
    });
  }

  it('writes an archive numpy.load reads with D4RL keys, shapes and dtypes', async () => {
    const d = makeDataset({ n: 60, obsDim: 3, actDim: 2, seed: 13 });
    const py = readWithPython(await exportNpz(d), 'npz');
    expect(py.arrays.observations).toMatchObject({ shape: [60, 3], dtype: 'float32', first: Array.from(d.observations.subarray(0, 3)) });
    expect(py.arrays.actions).toMatchObject({ shape: [60, 2], dtype: 'float32' });
    expect(py.arrays.rewards).toMatchObject({ shape: [60], dtype: 'float32' });
    expect(py.arrays.terminals).toMatchObject({ shape: [60], dtype: 'bool', true_count: d.terminals.reduce((s, v) => s + v, 0) });
    expect(py.arrays.timeouts).toMatchObject({ shape: [60], dtype: 'bool', true_count: d.timeouts.reduce((s, v) => s + v, 0) });
    expect(py.arrays.next_valid.dtype).toBe('bool');
  });
});
