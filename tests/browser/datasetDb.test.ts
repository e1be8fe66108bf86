import { describe, expect, it } from 'vitest';
import { allocateArrays, type Dataset } from '../../src/core/data/dataset';
import { datasetBytes, deleteSavedDataset, loadSavedDatasets, saveDataset, updateSavedInfo } from '../../src/app/persist/datasetDb';
import { storageError, StorageFullError, TypedDb } from '../../src/app/persist/db';

/** A dataset whose every value is known: observations[i] = i * 0.5, so a misplaced chunk shows. */
function numbered(id: string, size: number, observationDim: number): Dataset {
  const a = allocateArrays(size, observationDim, 1);
  for (let i = 0; i < a.observations.length; i++) a.observations[i] = i * 0.5;
  for (let i = 0; i < size; i++) {
    a.actions[i] = i % 3;
    a.rewards[i] = -i;
    a.nextObservations.set(a.observations.subarray((i + 1) * observationDim, (i + 2) * observationDim), i * observationDim);
    a.terminals[i] = i % 97 === 96 ? 1 : 0;
    a.timeouts[i] = i === size - 1 ? 1 : 0;
    a.nextValid[i] = i === size - 1 ? 0 : 1;
  }
  return { id, name: id, envId: 'CartPole-v1', source: 'd4rl', behavior: 'unknown', observationDim, actionDim: 1, discreteActions: 3, size, episodes: 1, createdAt: 1, metadata: { algorithm: 'SAC' }, ...a };
}

const ARRAYS = ['observations', 'actions', 'rewards', 'nextObservations', 'terminals', 'timeouts', 'nextValid'] as const;

async function saved(id: string): Promise<Dataset | undefined> {
  return (await loadSavedDatasets()).saved.find((s) => s.dataset.id === id)?.dataset;
}

describe('datasets in IndexedDB', () => {
  it('round-trips a dataset larger than one 8 MB chunk, loading it onto SharedArrayBuffers', async () => {
    const d = numbered('big', 150_000, 17); // observations: 10.2 MB, two chunks
    expect(await saveDataset(d)).toBe(datasetBytes(d));
    const back = (await saved('big'))!;
    expect(back).toBeDefined();
    for (const key of ARRAYS) {
      expect(back[key].length, key).toBe(d[key].length);
      expect(back[key].buffer, key).toBeInstanceOf(SharedArrayBuffer);
      expect(back[key].every((v, i) => v === d[key][i]), key).toBe(true);
    }
    expect({ ...back, ...Object.fromEntries(ARRAYS.map((k) => [k, null])) }).toEqual({ ...d, ...Object.fromEntries(ARRAYS.map((k) => [k, null])) });
    await deleteSavedDataset('big');
    expect(await saved('big')).toBeUndefined();
  });

  it('updates the info without touching the arrays, and replaces a dataset saved again under its id', async () => {
    const d = numbered('small', 50, 4);
    await saveDataset(d);
    await updateSavedInfo({ ...d, envId: null, name: 'renamed' });
    const moved = (await saved('small'))!;
    expect([moved.envId, moved.name]).toEqual([null, 'renamed']);
    expect(Array.from(moved.rewards)).toEqual(Array.from(d.rewards));
    const shorter = numbered('small', 20, 4);
    await saveDataset(shorter);
    expect((await saved('small'))!.size).toBe(20);
    expect((await saved('small'))!.observations.length).toBe(80);
    await deleteSavedDataset('small');
  });

  it('sweeps chunks left by a save that never wrote its info record', async () => {
    const db = await TypedDb.open<{ chunks: { key: [string, string, number]; value: ArrayBuffer } }>('rl-lab', 1, () => {});
    await db.put('chunks', ['orphan', 'rewards', 0], new Float32Array(4).buffer);
    expect((await db.keys('chunks')).some((k) => k[0] === 'orphan')).toBe(true);
    await loadSavedDatasets();
    expect((await db.keys('chunks')).some((k) => k[0] === 'orphan')).toBe(false);
    db.close();
  });

  it('calls a full disk by its name', () => {
    const full = storageError(new DOMException('quota', 'QuotaExceededError'), 'writing chunks');
    expect(full).toBeInstanceOf(StorageFullError);
    expect(full.message).toBe("the browser's storage for this site is full (writing chunks)");
    expect(storageError(new DOMException('gone', 'UnknownError'), 'reading datasets').message).toBe('reading datasets: gone');
  });
});
