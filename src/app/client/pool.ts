// The pool of trainer workers: one job (one run today; a population later) per worker, at most one worker per core.
// Part of the one client module family that talks to workers; the page never imports tfjs.
import * as Comlink from 'comlink';
import type { JobStart, ReportListener, TrainingSession } from '../../core/run/session';
import type { BackendReport } from '../../core/tf/backend';

export type TrainerApi = Comlink.Remote<TrainingSession>;

/**
 * Workers for a machine with `cores` logical cores: one per core, leaving one for the page where there are more than
 * two, and at most 8 (each worker holds its own tfjs backend; more would only share the same cores and memory).
 */
export function poolSize(cores: number | undefined): number {
  const n = Number.isFinite(cores) && cores! > 0 ? Math.floor(cores!) : 2;
  return Math.max(1, Math.min(8, n > 2 ? n - 1 : n));
}

export interface JobRequest {
  start: JobStart;
  listener: ReportListener;
  /** Called when the job leaves the queue for a worker (it then measures backends and builds its agent). */
  onAssigned(): void;
  /** Called when the job has a worker and its start call returned (the backend it chose). */
  onStarted(backend: BackendReport): void;
  /** The job's worker died or its start threw: the run failed with this message. The pool goes on. */
  onFailed(message: string): void;
}

interface Slot {
  worker: Worker;
  api: TrainerApi;
  runId: string | null;
  /** Held for a background call (a backend measurement): queued runs wait for another worker meanwhile. */
  spare?: boolean;
}

function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^Error: /, ''); // Comlink re-throws a worker's error with its message
}

/** Runs jobs on a bounded set of trainer workers; queued jobs start as workers free up. */
export class TrainerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: { runId: string; request: JobRequest }[] = [];
  private readonly failures = new Map<string, (message: string) => void>();

  constructor(
    readonly size: number,
    private readonly makeWorker: () => Worker,
  ) {}

  /** Queues a run; it starts at once when a worker is free. */
  submit(runId: string, request: JobRequest): void {
    this.queue.push({ runId, request });
    this.drain();
  }

  /** True while the run waits for a worker. */
  isQueued(runId: string): boolean {
    return this.queue.some((q) => q.runId === runId);
  }

  queuedIds(): string[] {
    return this.queue.map((q) => q.runId);
  }

  /** The session hosting a run, or null when it has no worker (queued, done and released, never started). */
  api(runId: string): TrainerApi | null {
    return this.slots.find((s) => s.runId === runId)?.api ?? null;
  }

  /** Runs that hold a worker now. */
  activeIds(): string[] {
    return this.slots.flatMap((s) => (s.runId ? [s.runId] : []));
  }

  /**
   * Ends a run's job: dequeues it, or stops it and frees its worker for the next queued run. `stop` false skips the
   * stop call (the run already finished or failed).
   */
  async release(runId: string, stop = true): Promise<void> {
    const q = this.queue.findIndex((j) => j.runId === runId);
    if (q >= 0) this.queue.splice(q, 1);
    const slot = this.slots.find((s) => s.runId === runId);
    if (!slot) return;
    if (stop) {
      try {
        await slot.api.stop();
      } catch {
        // A dead worker is replaced below; stopping it cannot fail the page.
      }
    }
    if (slot.runId === runId) slot.runId = null;
    this.failures.delete(runId);
    this.drain();
  }

  /** A catalog or other run-independent call on an idle worker (made if needed); never blocks a training job. */
  async withIdleWorker<T>(call: (api: TrainerApi) => Promise<T>): Promise<T> {
    const slot = this.slots.find((s) => s.runId === null) ?? (this.slots.length < this.size ? this.addSlot() : this.slots[0]);
    return call(slot.api);
  }

  /**
   * A background call on a free worker (made if the pool has room), held from queued runs until it returns (a run
   * started meanwhile waits seconds at most); null without calling when every worker is busy or runs are waiting.
   */
  async withSpareWorker<T>(call: (api: TrainerApi) => Promise<T>): Promise<T | null> {
    if (this.queue.length > 0) return null;
    const slot = this.slots.find((s) => s.runId === null && !s.spare) ?? (this.slots.length < this.size ? this.addSlot() : null);
    if (!slot) return null;
    slot.spare = true;
    try {
      return await call(slot.api);
    } finally {
      slot.spare = false;
      this.drain();
    }
  }

  private addSlot(): Slot {
    const worker = this.makeWorker();
    const slot: Slot = { worker, api: Comlink.wrap<TrainingSession>(worker), runId: null };
    worker.addEventListener('error', (e) => this.crashed(slot, `the trainer worker stopped: ${e.message || 'unknown error'}`));
    this.slots.push(slot);
    return slot;
  }

  /** A worker died: its run fails with the message, a fresh worker takes its place, the other runs go on. */
  private crashed(slot: Slot, message: string): void {
    slot.worker.terminate();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (slot.runId) {
      this.failures.get(slot.runId)?.(message);
      this.failures.delete(slot.runId);
    }
    this.drain();
  }

  private drain(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.runId === null && !s.spare);
      if (!slot && this.slots.length < this.size) slot = this.addSlot();
      if (!slot) return;
      const { runId, request } = this.queue.shift()!;
      slot.runId = runId;
      this.failures.set(runId, request.onFailed);
      const claimed = slot;
      request.onAssigned();
      claimed.api
        .start(request.start, Comlink.proxy(request.listener))
        .then((backend) => request.onStarted(backend))
        .catch((e: unknown) => {
          request.onFailed(messageOf(e));
          if (claimed.runId === runId) void this.release(runId, false);
        });
    }
  }
}
