// Keeps runs across reloads: records on every change (coalesced), metrics every few seconds while a run trains,
// checkpoints when the page asks for them. One instance, opened at start; saves before it opens wait for it.
import type { RunRecord } from '../../core/experiments/types';
import type { TrainerCheckpoint } from '../../core/run/trainer';
import { RunDb, storageMessage, type StoredRun } from '../persist/runDb';
import { StorageFullError } from '../persist/db';
import { useLab } from './labStore';

/** Metrics of a training run are written at most this often (each write is the run's whole series). */
const METRICS_EVERY_MS = 5000;

class RunStorage {
  private db: Promise<RunDb | null> = Promise.resolve(null);
  private recordTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private metricTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The latest checkpoint of each run this page took: a resume right after a pause must not wait for IndexedDB. */
  private checkpoints = new Map<string, TrainerCheckpoint>();

  open(name?: string): Promise<RunDb | null> {
    this.db = RunDb.open(name).catch((e: unknown) => {
      this.report(e);
      return null;
    });
    return this.db;
  }

  async loadAll(): Promise<StoredRun[]> {
    const db = await this.db;
    return db ? db.loadAll() : [];
  }

  /** Coalesces a burst of record changes (every report changes the update count) into one write per second. */
  saveRecord(record: RunRecord): void {
    if (this.recordTimers.has(record.id)) return;
    this.recordTimers.set(
      record.id,
      setTimeout(() => {
        this.recordTimers.delete(record.id);
        const latest = useLab.getState().runs[record.id];
        if (latest) void this.write((db) => db.saveRun(latest));
      }, 1000),
    );
  }

  saveMetricsSoon(id: string, delay = METRICS_EVERY_MS): void {
    if (this.metricTimers.has(id)) {
      if (delay > 0) return;
      clearTimeout(this.metricTimers.get(id));
    }
    this.metricTimers.set(
      id,
      setTimeout(() => {
        this.metricTimers.delete(id);
        const snap = useLab.getState().metrics.snapshot(id);
        if (snap && useLab.getState().runs[id]) void this.write((db) => db.saveMetrics(id, snap));
      }, delay),
    );
  }

  saveCheckpoint(id: string, checkpoint: TrainerCheckpoint): void {
    this.checkpoints.set(id, checkpoint);
    void this.write((db) => db.saveCheckpoint(id, checkpoint));
  }

  async loadCheckpoint(id: string): Promise<TrainerCheckpoint | null> {
    const kept = this.checkpoints.get(id);
    if (kept) return kept;
    const db = await this.db;
    if (!db) return null;
    return ((await db.loadCheckpoint(id)) as TrainerCheckpoint | null) ?? null;
  }

  async deleteRun(id: string): Promise<void> {
    clearTimeout(this.recordTimers.get(id));
    clearTimeout(this.metricTimers.get(id));
    this.recordTimers.delete(id);
    this.metricTimers.delete(id);
    this.checkpoints.delete(id);
    await this.write((db) => db.deleteRun(id));
  }

  /** Says when storage is nearly full, naming the largest runs. */
  async checkUsage(full = false): Promise<void> {
    const db = await this.db;
    if (!db) return;
    const text = storageMessage(await db.usage(), full);
    if (text || full) useLab.setState({ runsNotice: text });
  }

  private async write(op: (db: RunDb) => Promise<void>): Promise<void> {
    const db = await this.db;
    if (!db) return;
    try {
      await op(db);
    } catch (e) {
      this.report(e);
    }
  }

  private report(e: unknown): void {
    if (e instanceof StorageFullError) void this.checkUsage(true);
    else useLab.setState({ runsNotice: `Runs could not be saved in this browser: ${e instanceof Error ? e.message : String(e)}` });
  }
}

let storage: RunStorage | null = null;
/** The page's run storage (one per page, like the worker pool). */
export function runStorage(): RunStorage {
  return (storage ??= new RunStorage());
}
