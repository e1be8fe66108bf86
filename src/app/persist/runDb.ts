import type { MetricsSnapshot, RunRecord } from '../../core/experiments/types';
import { storageError, storageEstimate, StorageFullError } from './db';

/**
 * Runs kept in IndexedDB across reloads: each run's record (configuration, status, events, evaluations), its
 * metric series and its last checkpoint, under the run's id in three stores, so saving one part of one run
 * rewrites nothing else. Saves are coalesced per run and part: while one write is in flight, further saves of
 * the same part only replace the value waiting behind it, so a storm of reports costs at most one write in
 * flight and one queued per part, and the last value saved is the one kept. A small `sizes` store, written in
 * the same transaction as each part, gives every run's stored size without reading its checkpoint back.
 *
 * This module opens its transactions itself (a part and its size must commit together, and a run's parts are
 * deleted together), using db.ts's storageError so a full disk is a StorageFullError.
 */

export interface StoredRun {
  record: RunRecord;
  metrics: MetricsSnapshot | null;
  /** A TrainerCheckpoint, kept as opaque structured-cloneable data. */
  checkpoint: unknown | null;
}

export interface StorageUsage {
  /** What the whole site stores (datasets included), as the browser estimates it. */
  usedBytes: number;
  /** What the site may store; 0 when the browser does not say. */
  quotaBytes: number;
  /** usedBytes / quotaBytes, or 0 when the quota is unknown. */
  fraction: number;
  /** Every stored run, largest first, its size estimated from the values stored. */
  byRun: { id: string; name: string; bytes: number }[];
}

type Part = 'record' | 'metrics' | 'checkpoint';
const STORE = { record: 'records', metrics: 'metrics', checkpoint: 'checkpoints' } as const;
const STORES = ['records', 'metrics', 'checkpoints', 'sizes'] as const;
const PART_WORDS: Record<Part, string> = { record: 'the record', metrics: 'the metrics', checkpoint: 'the checkpoint' };

type SizeKey = [id: string, part: Part];

const DEFAULT_NAME = 'rl-lab-runs';
const VERSION = 1;

/**
 * About how many bytes a value takes once structured-cloned: typed arrays and buffers by their byte length
 * (each buffer once, as the clone stores it once), strings by their length, numbers as 8 bytes, plus a little
 * per key and element. An estimate for ranking runs by size, not an exact count of what the browser writes.
 */
export function estimateBytes(value: unknown): number {
  const seen = new Set<object>();
  const walk = (v: unknown): number => {
    if (v === null || v === undefined || typeof v === 'boolean') return 1;
    if (typeof v === 'number') return 9;
    if (typeof v === 'bigint') return 9 + Math.ceil(v.toString(16).length / 2);
    if (typeof v === 'string') return 5 + v.length;
    if (typeof v !== 'object') return 0; // functions and symbols cannot be stored at all
    if (seen.has(v)) return 2; // a repeated reference is stored as a back-reference
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (seen.has(v.buffer)) return 12;
      seen.add(v.buffer);
      return 12 + v.buffer.byteLength;
    }
    if (v instanceof ArrayBuffer) return 5 + v.byteLength;
    if (v instanceof Date) return 9;
    if (v instanceof Map) {
      let sum = 5;
      for (const [k, x] of v) sum += walk(k) + walk(x);
      return sum;
    }
    if (v instanceof Set) {
      let sum = 5;
      for (const x of v) sum += walk(x);
      return sum;
    }
    if (Array.isArray(v)) return v.reduce((sum: number, x: unknown) => sum + walk(x), 5);
    let sum = 5;
    for (const [k, x] of Object.entries(v)) sum += 5 + k.length + walk(x);
    return sum;
  };
  return walk(value);
}

const KB = 1e3;
const MB = 1e6;
const GB = 1e9;

/** Decimal units, as the browser's and the OS's storage pages show them: "140 MB", "1.8 GB", "950 kB". */
export function formatBytes(bytes: number): string {
  const scaled = (n: number, unit: string) => `${n >= 10 ? Math.round(n) : n.toFixed(1)} ${unit}`;
  if (bytes >= GB) return `${(bytes / GB).toFixed(1)} GB`;
  if (bytes >= MB) return scaled(bytes / MB, 'MB');
  if (bytes >= KB) return scaled(bytes / KB, 'kB');
  return `${Math.round(bytes)} B`;
}

/** From this share of the quota on, the page warns. */
export const NEARLY_FULL = 0.8;
const LARGEST_NAMED = 3;

/**
 * A message when storage is nearly full (fraction >= 0.8) or after a StorageFullError (`full`), naming the
 * largest runs to delete; null when all is well.
 * "Storage for this site is 92% full (1.8 GB of 2.0 GB). Delete runs you no longer need — the largest: IQL seed 2 (140 MB), …"
 */
export function storageMessage(usage: StorageUsage, full = false): string | null {
  if (!full && !(usage.fraction >= NEARLY_FULL)) return null;
  const known = usage.quotaBytes > 0;
  const amounts = known ? ` (${formatBytes(usage.usedBytes)} of ${formatBytes(usage.quotaBytes)})` : '';
  const state = full
    ? `Storage for this site is full: the last save did not fit${amounts}.`
    : `Storage for this site is ${Math.min(100, Math.round(usage.fraction * 100))}% full${amounts}.`;
  const runs = usage.byRun.filter((r) => r.bytes > 0);
  if (runs.length === 0) return `${state} Delete saved datasets you no longer need.`;
  const largest = runs.slice(0, LARGEST_NAMED).map((r) => `${r.name} (${formatBytes(r.bytes)})`);
  const end = runs.length > LARGEST_NAMED ? ', …' : '.';
  return `${state} Delete runs you no longer need — the largest: ${largest.join(', ')}${end}`;
}

function request<T>(r: IDBRequest<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(storageError(r.error, what));
  });
}

function committed(tx: IDBTransaction, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    // A failed request's error is on the request; the transaction's is set only once it aborts.
    tx.onerror = (e) => reject(storageError((e.target as IDBRequest | null)?.error ?? tx.error, what));
    tx.onabort = () => reject(storageError(tx.error ?? new DOMException('aborted', 'AbortError'), what));
  });
}

const partsOf = (id: string): IDBKeyRange => IDBKeyRange.bound([id], [id, []]);

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** One run part's writes: whether one is in flight, and the latest value waiting behind it. */
interface Slot {
  writing: boolean;
  next: { value: unknown; waiters: Waiter[] } | null;
}

export class RunDb {
  private readonly slots = new Map<string, Slot>();
  /** Run names by id, for messages about a run known only by its id. */
  private readonly names = new Map<string, string>();
  /** Runs deleted here: later saves for them (a last report in flight) are dropped. Run ids are never reused. */
  private readonly deleted = new Set<string>();
  private swept = false;

  private constructor(private readonly db: IDBDatabase) {
    // Another tab upgrading the database: step aside rather than block it.
    db.onversionchange = () => db.close();
  }

  static open(name = DEFAULT_NAME): Promise<RunDb> {
    if (typeof indexedDB === 'undefined') return Promise.reject(new Error('this browser has no IndexedDB'));
    const r = indexedDB.open(name, VERSION);
    r.onupgradeneeded = (e) => {
      if (e.oldVersion < 1) for (const store of STORES) r.result.createObjectStore(store);
    };
    return request(r, `opening the ${name} database`).then((db) => new RunDb(db));
  }

  /** Saves a run's record (cheap: called on every status change). */
  saveRun(record: RunRecord): Promise<void> {
    if (this.deleted.has(record.id)) return Promise.resolve();
    this.names.set(record.id, record.name);
    return this.save(record.id, 'record', record);
  }

  saveMetrics(id: string, metrics: MetricsSnapshot): Promise<void> {
    return this.deleted.has(id) ? Promise.resolve() : this.save(id, 'metrics', metrics);
  }

  /** Keeps a run's last checkpoint (replacing the one before). */
  saveCheckpoint(id: string, checkpoint: unknown): Promise<void> {
    return this.deleted.has(id) ? Promise.resolve() : this.save(id, 'checkpoint', checkpoint);
  }

  /**
   * Queues a value for one part of one run. It resolves once this value, or one saved after it, is committed;
   * the value is cloned when its write starts, so callers must not change it afterwards.
   */
  private save(id: string, part: Part, value: unknown): Promise<void> {
    const key = `${part}:${id}`;
    return new Promise<void>((resolve, reject) => {
      let slot = this.slots.get(key);
      if (!slot) this.slots.set(key, (slot = { writing: false, next: null }));
      if (slot.next) {
        slot.next.value = value;
        slot.next.waiters.push({ resolve, reject });
      } else {
        slot.next = { value, waiters: [{ resolve, reject }] };
      }
      if (!slot.writing) void this.drain(key, id, part, slot);
    });
  }

  private async drain(key: string, id: string, part: Part, slot: Slot): Promise<void> {
    slot.writing = true;
    while (slot.next) {
      const { value, waiters } = slot.next;
      slot.next = null;
      try {
        await this.write(id, part, value); // opens its transaction before the first await: writes keep call order
        for (const w of waiters) w.resolve();
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    }
    slot.writing = false;
    if (this.slots.get(key) === slot) this.slots.delete(key);
  }

  /** One part and its size in one transaction; a full disk becomes a StorageFullError naming the run. */
  private write(id: string, part: Part, value: unknown): Promise<void> {
    const store = STORE[part];
    const what = `saving ${PART_WORDS[part]} of run ${this.nameOf(id)}`;
    const bytes = estimateBytes(value);
    let done: Promise<void>;
    try {
      const tx = this.db.transaction([store, 'sizes'], 'readwrite');
      done = committed(tx, what);
      try {
        tx.objectStore(store).put(value, id);
        tx.objectStore('sizes').put(bytes, [id, part] satisfies SizeKey);
      } catch (e) {
        tx.abort(); // a value that cannot be cloned fails right here
        done.catch(() => undefined);
        throw e;
      }
    } catch (e) {
      return Promise.reject(this.named(storageError(e, what), id, part, bytes));
    }
    return done.catch((e: unknown) => {
      throw this.named(e, id, part, bytes);
    });
  }

  private named(e: unknown, id: string, part: Part, bytes: number): unknown {
    if (!(e instanceof StorageFullError)) return e;
    return new StorageFullError(`Not enough browser storage to save ${PART_WORDS[part]} of run ${this.nameOf(id)} (${formatBytes(bytes)}). Delete runs you no longer need.`);
  }

  private nameOf(id: string): string {
    return this.names.get(id) ?? id;
  }

  /**
   * Every stored run, oldest first (record.createdAt). The first call on a connection (at page start) also
   * removes metrics and checkpoints without a record (left by a save that raced a delete, say), unless this
   * page is writing them; later calls leave them, as they may belong to a run whose record is not yet saved.
   */
  async loadAll(): Promise<StoredRun[]> {
    const records = (await request(this.db.transaction('records', 'readonly').objectStore('records').getAll(), 'reading runs')) as RunRecord[];
    records.sort((a, b) => a.createdAt - b.createdAt);
    const out: StoredRun[] = [];
    // One transaction per run: no single read clones every checkpoint at once.
    for (const record of records) {
      this.names.set(record.id, record.name);
      const tx = this.db.transaction(['metrics', 'checkpoints'], 'readonly');
      const [metrics, checkpoint] = await Promise.all([
        request(tx.objectStore('metrics').get(record.id), `reading the metrics of run ${record.name}`),
        request(tx.objectStore('checkpoints').get(record.id), `reading the checkpoint of run ${record.name}`),
      ]);
      out.push({ record, metrics: (metrics as MetricsSnapshot | undefined) ?? null, checkpoint: checkpoint ?? null });
    }
    if (!this.swept) {
      this.swept = true;
      await this.sweep();
    }
    return out;
  }

  /** One run's last checkpoint, or null: without reading every run back. */
  async loadCheckpoint(id: string): Promise<unknown | null> {
    const found: unknown = await request(this.db.transaction('checkpoints', 'readonly').objectStore('checkpoints').get(id), `reading the checkpoint of run ${this.nameOf(id)}`);
    return found ?? null;
  }

  /** Reads and deletes in one transaction, so a run saved meanwhile is never taken for an orphan. */
  private async sweep(): Promise<void> {
    const tx = this.db.transaction(STORES, 'readwrite');
    const done = committed(tx, 'removing parts of deleted runs');
    const recordKeys = tx.objectStore('records').getAllKeys();
    const sizeKeys = tx.objectStore('sizes').getAllKeys();
    const busy = (id: string) => (['record', 'metrics', 'checkpoint'] as const).some((p) => this.slots.has(`${p}:${id}`));
    // Requests of one transaction succeed in order: the record keys are there when the size keys arrive.
    sizeKeys.onsuccess = () => {
      const known = new Set(recordKeys.result as string[]);
      const orphans = new Set((sizeKeys.result as SizeKey[]).map((k) => k[0]).filter((id) => !known.has(id) && !busy(id)));
      for (const id of orphans) this.deleteIn(tx, id);
    };
    await done;
  }

  private deleteIn(tx: IDBTransaction, id: string): void {
    tx.objectStore('records').delete(id);
    tx.objectStore('metrics').delete(id);
    tx.objectStore('checkpoints').delete(id);
    tx.objectStore('sizes').delete(partsOf(id));
  }

  /**
   * Removes a run's record, metrics and checkpoint in one transaction, after any write of it already in flight.
   * Saves of it still waiting are dropped (their promises resolve), and so are its later saves on this page.
   */
  async deleteRun(id: string): Promise<void> {
    this.deleted.add(id);
    for (const part of ['record', 'metrics', 'checkpoint'] as const) {
      const slot = this.slots.get(`${part}:${id}`);
      if (slot?.next) {
        for (const w of slot.next.waiters) w.resolve();
        slot.next = null;
      }
    }
    const tx = this.db.transaction(STORES, 'readwrite');
    this.deleteIn(tx, id);
    await committed(tx, `deleting run ${this.nameOf(id)}`);
  }

  /** The browser's estimate for the whole site, and each stored run's size, largest first. */
  async usage(): Promise<StorageUsage> {
    const tx = this.db.transaction(['sizes', 'records'], 'readonly');
    const [sizeKeys, sizes, records, estimate] = await Promise.all([
      request(tx.objectStore('sizes').getAllKeys(), 'reading run sizes'),
      request(tx.objectStore('sizes').getAll(), 'reading run sizes'),
      request(tx.objectStore('records').getAll(), 'reading runs'),
      storageEstimate(),
    ]);
    const names = new Map((records as RunRecord[]).map((r) => [r.id, r.name]));
    const bytes = new Map<string, number>();
    (sizeKeys as SizeKey[]).forEach(([id], i) => bytes.set(id, (bytes.get(id) ?? 0) + (sizes[i] as number)));
    const byRun = [...bytes].map(([id, b]) => ({ id, name: names.get(id) ?? this.nameOf(id), bytes: b })).sort((a, b) => b.bytes - a.bytes);
    const usedBytes = estimate?.usage ?? byRun.reduce((sum, r) => sum + r.bytes, 0);
    const quotaBytes = estimate?.quota ?? 0;
    return { usedBytes, quotaBytes, fraction: quotaBytes > 0 ? usedBytes / quotaBytes : 0, byRun };
  }

  /** Closes the connection once the writes already started have committed. */
  close(): void {
    this.db.close();
  }
}
