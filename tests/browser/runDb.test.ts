import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsSnapshot, RunRecord } from '../../src/core/experiments/types';
import { StorageFullError } from '../../src/app/persist/db';
import { estimateBytes, RunDb, storageMessage, type StorageUsage } from '../../src/app/persist/runDb';

function record(id: string, name: string, createdAt: number): RunRecord {
  return {
    id,
    name,
    color: '#1f77b4',
    createdAt,
    config: { algorithmId: 'iql', envId: 'Hopper-v5', datasetId: 'd1', datasetName: 'hopper-medium', hyperparameters: { seed: 2, lr: 3e-4, hidden: '256,256', normalizeStates: true }, backend: 'wasm', fork: { runId: 'r0', update: 500 } },
    membership: { groupId: 'g1', sweepId: 's1', sweepPoint: 3 },
    status: 'running',
    error: null,
    notice: 'resumed on wasm',
    update: 12_345,
    updatesPerSecond: 41.5,
    wallMs: 98_765.25,
    hidden: false,
    events: [{ update: 100, key: 'lr', from: 1e-3, to: 3e-4 }] as RunRecord['events'],
    evaluations: [{ update: 1000, wallMs: 500, meanReturn: 1234.5, stdReturn: 12.25, normalizedScore: null }],
  };
}

/** Values no rounding survives: a float64 that float32 would change, and an irregular pattern. */
function metrics(points: number, offset = 0): MetricsSnapshot {
  const xs = Float64Array.from({ length: points }, (_, i) => i + 1);
  const ys = Float64Array.from({ length: points }, (_, i) => Math.sin(i + offset) / 3 + 1e-12 * i);
  return { series: [{ name: 'loss/actor', xs, ys }, { name: 'q/mean', xs: xs.slice(), ys: ys.map((y) => -y) }], clock: { updates: xs.slice(), wallMs: xs.map((x) => x * 1.5) } };
}

/** A TrainerCheckpoint-shaped value: weights (and optimizer moments) as Float32Arrays. */
function checkpoint(floats: number, seed: number): unknown {
  const w = Float32Array.from({ length: floats }, (_, i) => Math.fround(Math.cos(i * seed) * 0.1));
  return { update: 12_345, hyperparameters: { lr: 3e-4 }, agent: { weights: [w, w.map((x) => x * 2)], optimizer: { step: 7, m: [w.map((x) => x / 3)], v: [new Float32Array(floats)] } } };
}

const names: string[] = [];
function dbName(): string {
  const name = `rl-lab-runs-test-${names.length}-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return name;
}

const opened: RunDb[] = [];
async function open(name: string): Promise<RunDb> {
  const db = await RunDb.open(name);
  opened.push(db);
  return db;
}

afterEach(async () => {
  for (const db of opened.splice(0)) db.close();
  for (const name of names.splice(0)) {
    await new Promise<void>((resolve) => {
      const r = indexedDB.deleteDatabase(name);
      r.onsuccess = r.onerror = r.onblocked = () => resolve();
    });
  }
});

/** How many entries each store holds for a run, read straight from IndexedDB. */
async function rawCounts(name: string, id: string): Promise<Record<string, number>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const out: Record<string, number> = {};
  for (const store of ['records', 'metrics', 'checkpoints']) {
    out[store] = await new Promise<number>((resolve) => {
      const r = db.transaction(store).objectStore(store).count(id);
      r.onsuccess = () => resolve(r.result);
    });
  }
  out.sizes = await new Promise<number>((resolve) => {
    const r = db.transaction('sizes').objectStore('sizes').count(IDBKeyRange.bound([id], [id, []]));
    r.onsuccess = () => resolve(r.result);
  });
  db.close();
  return out;
}

const exact = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe('runs in IndexedDB', () => {
  it('round-trips two runs exactly, oldest first, and keeps them across a reopen', async () => {
    const name = dbName();
    const db = await open(name);
    const a = record('run-a', 'IQL seed 2', 2000);
    const b = record('run-b', 'CQL seed 1', 1000);
    const ma = metrics(3000);
    const mb = metrics(10, 1);
    const ca = checkpoint(5000, 3);
    await Promise.all([db.saveRun(a), db.saveRun(b), db.saveMetrics('run-a', ma), db.saveMetrics('run-b', mb), db.saveCheckpoint('run-a', ca)]);

    const check = (loaded: Awaited<ReturnType<RunDb['loadAll']>>) => {
      expect(loaded.map((r) => r.record.id)).toEqual(['run-b', 'run-a']);
      expect(loaded[1].record).toEqual(a);
      expect(loaded[0].record).toEqual(b);
      const back = loaded[1].metrics!;
      expect(back.series.map((s) => s.name)).toEqual(['loss/actor', 'q/mean']);
      back.series.forEach((s, i) => {
        expect(s.xs).toBeInstanceOf(Float64Array);
        expect(exact(s.xs, ma.series[i].xs) && exact(s.ys, ma.series[i].ys), s.name).toBe(true);
      });
      expect(exact(back.clock.updates, ma.clock.updates) && exact(back.clock.wallMs, ma.clock.wallMs)).toBe(true);
      expect(exact(loaded[0].metrics!.series[0].ys, mb.series[0].ys)).toBe(true);
      const cp = loaded[1].checkpoint as ReturnType<typeof checkpoint> & { agent: { weights: Float32Array[] } };
      expect(cp.agent.weights[0]).toBeInstanceOf(Float32Array);
      expect(cp).toEqual(ca); // structure, and every Float32Array element
      expect(loaded[0].checkpoint).toBeNull();
    };
    expect(await db.loadCheckpoint('run-a')).toEqual(ca);
    expect(await db.loadCheckpoint('run-b')).toBeNull();
    check(await db.loadAll());

    db.close();
    check(await (await open(name)).loadAll());
  });

  it('deletes a run’s record, metrics and checkpoint together, and drops its late saves', async () => {
    const name = dbName();
    const db = await open(name);
    await db.saveRun(record('gone', 'BC seed 0', 1));
    await db.saveRun(record('kept', 'BC seed 1', 2));
    await Promise.all([db.saveMetrics('gone', metrics(50)), db.saveCheckpoint('gone', checkpoint(100, 1)), db.saveMetrics('kept', metrics(5))]);
    expect(await rawCounts(name, 'gone')).toEqual({ records: 1, metrics: 1, checkpoints: 1, sizes: 3 });

    await db.deleteRun('gone');
    expect(await rawCounts(name, 'gone')).toEqual({ records: 0, metrics: 0, checkpoints: 0, sizes: 0 });
    // A report that was already on its way when the run was deleted does not bring it back.
    await Promise.all([db.saveMetrics('gone', metrics(5)), db.saveRun(record('gone', 'BC seed 0', 1))]);
    expect(await rawCounts(name, 'gone')).toEqual({ records: 0, metrics: 0, checkpoints: 0, sizes: 0 });
    expect((await db.loadAll()).map((r) => r.record.id)).toEqual(['kept']);
    expect(await rawCounts(name, 'kept')).toEqual({ records: 1, metrics: 1, checkpoints: 0, sizes: 2 });
  });

  it('keeps the last of many concurrent saves of a run, without touching other runs', async () => {
    const db = await open(dbName());
    await db.saveRun(record('busy', 'TD3+BC seed 0', 1));
    await db.saveRun(record('quiet', 'TD3+BC seed 1', 2));
    await db.saveMetrics('quiet', metrics(7, 99));
    const storm: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      storm.push(db.saveMetrics('busy', metrics(200, i)));
      storm.push(db.saveRun({ ...record('busy', 'TD3+BC seed 0', 1), update: i }));
      if (i % 10 === 0) storm.push(db.saveCheckpoint('busy', checkpoint(64, i + 1)));
    }
    await Promise.all(storm); // every save settles, superseded ones included
    const [busy, quiet] = await db.loadAll();
    expect(busy.record.update).toBe(39);
    expect(exact(busy.metrics!.series[0].ys, metrics(200, 39).series[0].ys)).toBe(true);
    expect(busy.checkpoint).toEqual(checkpoint(64, 31));
    expect(exact(quiet.metrics!.series[0].ys, metrics(7, 99).series[0].ys)).toBe(true);
  });

  it('lists runs largest first, from the stored sizes, beside the browser’s estimate', async () => {
    const db = await open(dbName());
    await db.saveRun(record('small', 'BC seed 0', 1));
    await db.saveRun(record('large', 'IQL seed 2', 2));
    await db.saveRun(record('middle', 'CQL seed 1', 3));
    await db.saveCheckpoint('large', checkpoint(250_000, 1)); // 4 Float32Arrays of 1 MB
    await db.saveMetrics('middle', metrics(20_000)); // 6 Float64Arrays of 160 kB
    const usage = await db.usage();
    expect(usage.byRun.map((r) => [r.id, r.name])).toEqual([['large', 'IQL seed 2'], ['middle', 'CQL seed 1'], ['small', 'BC seed 0']]);
    const large = usage.byRun[0].bytes;
    expect(large).toBeGreaterThan(4_000_000);
    expect(large).toBeLessThan(4_100_000);
    expect(usage.byRun[1].bytes).toBeGreaterThan(960_000);
    expect(usage.quotaBytes).toBeGreaterThan(0);
    expect(usage.usedBytes).toBeGreaterThan(0);
    expect(usage.fraction).toBeCloseTo(usage.usedBytes / usage.quotaBytes, 12);
    // Replacing a checkpoint replaces its size; deleting a run removes it from the list.
    await db.saveCheckpoint('large', checkpoint(10, 1));
    await db.deleteRun('middle');
    const after = (await db.usage()).byRun;
    expect(after.map((r) => r.id).sort()).toEqual(['large', 'small']);
    expect(after.find((r) => r.id === 'large')!.bytes).toBeLessThan(5_000);
  });

  it('removes metrics and checkpoints that have no record when loading', async () => {
    const name = dbName();
    const db = await open(name);
    await db.saveMetrics('orphan', metrics(5)); // a save that raced a delete in another tab, say
    await db.saveCheckpoint('orphan', checkpoint(5, 1));
    expect((await rawCounts(name, 'orphan')).metrics).toBe(1);
    expect(await db.loadAll()).toEqual([]);
    expect(await rawCounts(name, 'orphan')).toEqual({ records: 0, metrics: 0, checkpoints: 0, sizes: 0 });
    // Later loads on the same connection leave a checkpoint saved before its run's record alone.
    await db.saveCheckpoint('new', checkpoint(5, 1));
    expect(await db.loadAll()).toEqual([]);
    expect((await rawCounts(name, 'new')).checkpoints).toBe(1);
  });

  it('names the run when the disk is full, and says what cannot be stored', async () => {
    const db = await open(dbName());
    await db.saveRun(record('r', 'SAC seed 4', 1));
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('quota', 'QuotaExceededError');
    };
    try {
      const e = await db.saveCheckpoint('r', checkpoint(250_000, 1)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StorageFullError);
      expect((e as Error).message).toBe('Not enough browser storage to save the checkpoint of run SAC seed 4 (4.0 MB). Delete runs you no longer need.');
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    const e = await db.saveMetrics('r', { series: [{ name: 'f', xs: new Float64Array(1), ys: new Float64Array(1), fn: () => 1 } as never], clock: { updates: new Float64Array(0), wallMs: new Float64Array(0) } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(StorageFullError);
    expect((e as Error).message).toMatch(/^saving the metrics of run SAC seed 4: /);
    // Nothing half-written: the run is still there, without metrics or checkpoint.
    const [run] = await db.loadAll();
    expect([run.record.name, run.metrics, run.checkpoint]).toEqual(['SAC seed 4', null, null]);
  });

  it('estimates sizes from typed arrays, counting a shared buffer once', () => {
    const w = new Float32Array(1000);
    expect(estimateBytes({ a: w })).toBeGreaterThanOrEqual(4000);
    expect(estimateBytes({ a: w, b: w.subarray(0, 10) })).toBeLessThan(4100);
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic.self = cyclic;
    expect(estimateBytes(cyclic)).toBeLessThan(100);
  });
});

describe('the storage message', () => {
  const usage = (fraction: number, byRun: StorageUsage['byRun'] = []): StorageUsage => ({ usedBytes: fraction * 2e9, quotaBytes: 2e9, fraction, byRun });
  const runs = [
    { id: 'a', name: 'IQL seed 2', bytes: 140e6 },
    { id: 'b', name: 'CQL seed 0', bytes: 95.4e6 },
    { id: 'c', name: 'BC seed 1', bytes: 2.25e6 },
    { id: 'd', name: 'BC seed 2', bytes: 800e3 },
  ];

  it('says nothing while under 80%', () => {
    expect(storageMessage(usage(0.5, runs))).toBeNull();
    expect(storageMessage(usage(0.799, runs))).toBeNull();
  });

  it('says how full, how much, and which runs are largest', () => {
    expect(storageMessage(usage(0.92, runs))).toBe('Storage for this site is 92% full (1.8 GB of 2.0 GB). Delete runs you no longer need — the largest: IQL seed 2 (140 MB), CQL seed 0 (95 MB), BC seed 1 (2.3 MB), …');
    expect(storageMessage(usage(0.8, runs.slice(2)))).toBe('Storage for this site is 80% full (1.6 GB of 2.0 GB). Delete runs you no longer need — the largest: BC seed 1 (2.3 MB), BC seed 2 (800 kB).');
    expect(storageMessage(usage(0.85))).toBe('Storage for this site is 85% full (1.7 GB of 2.0 GB). Delete saved datasets you no longer need.');
  });

  it('says so after a full disk, whatever the estimate, and without numbers it does not have', () => {
    expect(storageMessage(usage(0.3, runs.slice(0, 1)), true)).toBe('Storage for this site is full: the last save did not fit (600 MB of 2.0 GB). Delete runs you no longer need — the largest: IQL seed 2 (140 MB).');
    expect(storageMessage({ usedBytes: 0, quotaBytes: 0, fraction: 0, byRun: [] }, true)).toBe('Storage for this site is full: the last save did not fit. Delete saved datasets you no longer need.');
  });
});
