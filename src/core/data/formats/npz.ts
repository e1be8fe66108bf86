import type { Dataset } from '../dataset';
import { assembleDataset, type Column, type ImportOptions } from './assemble';
import { parseNpy, writeNpy } from './npy';
import { missingKey } from './validate';
import { readZipEntries, readZipMember, writeZip } from './zip';

/**
 * NPZ (numpy.savez / savez_compressed) with D4RL's key names: observations, actions, rewards, terminals, and
 * optional timeouts, next_observations (and the lab's next_valid). Same semantics as the HDF5 import.
 */
export async function parseNpz(bytes: Uint8Array, opts: ImportOptions = {}): Promise<Dataset> {
  const entries = readZipEntries(bytes);
  const keys = entries.map((e) => e.name.replace(/\.npy$/, ''));
  const read = async (key: string): Promise<Column | undefined> => {
    const entry = entries.find((e) => e.name === `${key}.npy`);
    return entry ? parseNpy(await readZipMember(bytes, entry), key) : undefined;
  };
  const need = async (key: string): Promise<Column> => {
    const c = await read(key);
    if (!c) throw missingKey(key, keys, 'NPZ file');
    return c;
  };
  const columns = {
    observations: await need('observations'),
    actions: await need('actions'),
    rewards: await need('rewards'),
    terminals: await need('terminals'),
    timeouts: await read('timeouts'),
    nextObservations: await read('next_observations'),
    nextValid: await read('next_valid'),
  };
  return assembleDataset(columns, opts, { source: 'npz', defaultName: 'npz-dataset' });
}

export interface NpzExportOptions {
  /** Deflate the members, as numpy.savez_compressed does (default true). */
  compress?: boolean;
}

/**
 * Writes a Dataset as NPZ that numpy.load reads: float32 arrays, int32 (N) indices for discrete actions, bool
 * terminals and timeouts, and next_valid (bool) only when some row has no successor.
 */
export async function exportNpz(d: Dataset, opts: NpzExportOptions = {}): Promise<Uint8Array> {
  const n = d.size;
  const members = [
    { name: 'observations.npy', data: writeNpy(d.observations, [n, d.observationDim], '<f4') },
    {
      name: 'actions.npy',
      data: d.discreteActions !== null ? writeNpy(Int32Array.from(d.actions), [n], '<i4') : writeNpy(d.actions, [n, d.actionDim], '<f4'),
    },
    { name: 'rewards.npy', data: writeNpy(d.rewards, [n], '<f4') },
    { name: 'next_observations.npy', data: writeNpy(d.nextObservations, [n, d.observationDim], '<f4') },
    { name: 'terminals.npy', data: writeNpy(d.terminals, [n], '|b1') },
    { name: 'timeouts.npy', data: writeNpy(d.timeouts, [n], '|b1') },
  ];
  if (d.nextValid.some((v) => v === 0)) members.push({ name: 'next_valid.npy', data: writeNpy(d.nextValid, [n], '|b1') });
  return writeZip(members, opts.compress ?? true);
}
