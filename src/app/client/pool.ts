// The pool of trainer workers: one job (one run, or a population of runs trained as one batched model) per worker, at
// most one worker per core.
// Part of the one client module family that talks to workers; the page never imports tfjs.
import * as Comlink from 'comlink';
import type { JobStart, ReportListener, TrainingSession } from '../../core/run/session';
import type { PopulationStart } from '../../core/population/populationJob';
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

/** K runs trained as one population job (see core/population); each member's reports come under its own run id. */
export interface PopulationRequest extends Omit<JobRequest, 'start'> {
  start: PopulationStart;
}

interface Slot {
  worker: Worker;
  api: TrainerApi;
  /** The runs of the job it holds: none (idle), one lone run, or a population's members still training. */
  runIds: string[];
  /** Held for a background call (a backend measurement): queued runs wait for another worker meanwhile. */
  spare?: boolean;
}

interface QueuedJob {
  runIds: string[];
  request: JobRequest | PopulationRequest;
  population: boolean;
}

function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^Error: /, ''); // Comlink re-throws a worker's error with its message
}

/** Runs jobs on a bounded set of trainer workers; queued jobs start as workers free up. */
export class TrainerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: QueuedJob[] = [];
  private readonly failures = new Map<string, (message: string) => void>();
  /** Slots whose job is a population (their runs pause by leaving it). */
  private readonly populationSlots = new Set<Slot>();

  constructor(
    readonly size: number,
    private readonly makeWorker: () => Worker,
  ) {}

  /** Queues a run; it starts at once when a worker is free. */
  submit(runId: string, request: JobRequest): void {
    this.queue.push({ runIds: [runId], request, population: false });
    this.drain();
  }

  /** Queues a population job (one worker for all its members). */
  submitPopulation(request: PopulationRequest): void {
    this.queue.push({ runIds: request.start.members.map((m) => m.runId), request, population: true });
    this.drain();
  }

  /** True while the run waits for a worker. */
  isQueued(runId: string): boolean {
    return this.queue.some((q) => q.runIds.includes(runId));
  }

  queuedIds(): string[] {
    return this.queue.flatMap((q) => q.runIds);
  }

  /** The session hosting a run, or null when it has no worker (queued, done and released, never started). */
  api(runId: string): TrainerApi | null {
    return this.slots.find((s) => s.runIds.includes(runId))?.api ?? null;
  }

  /** True when the run trains as a member of a population job (it pauses by leaving it). */
  inPopulation(runId: string): boolean {
    const slot = this.slots.find((s) => s.runIds.includes(runId));
    return slot !== undefined && this.populationSlots.has(slot);
  }

  /** Runs that hold a worker now. */
  activeIds(): string[] {
    return this.slots.flatMap((s) => s.runIds);
  }

  /**
   * Ends a run's part in its job: dequeues it (a queued population goes on without it), or stops it (in a population:
   * that member) and frees its worker once its job has no runs left. `stop` false skips the stop call (the run already
   * finished, failed or left).
   */
  async release(runId: string, stop = true): Promise<void> {
    const q = this.queue.findIndex((j) => j.runIds.includes(runId));
    if (q >= 0) {
      const job = this.queue[q];
      job.runIds = job.runIds.filter((id) => id !== runId);
      if (job.population) (job.request as PopulationRequest).start = { ...(job.request as PopulationRequest).start, members: (job.request as PopulationRequest).start.members.filter((m) => m.runId !== runId) };
      if (job.runIds.length === 0) this.queue.splice(q, 1);
    }
    const slot = this.slots.find((s) => s.runIds.includes(runId));
    if (!slot) return;
    if (stop) {
      try {
        await slot.api.stop(runId);
      } catch {
        // A dead worker is replaced below; stopping it cannot fail the page.
      }
    }
    slot.runIds = slot.runIds.filter((id) => id !== runId);
    if (slot.runIds.length === 0) this.populationSlots.delete(slot);
    this.failures.delete(runId);
    this.drain();
  }

  /** A catalog or other run-independent call on an idle worker (made if needed); never blocks a training job. */
  async withIdleWorker<T>(call: (api: TrainerApi) => Promise<T>): Promise<T> {
    const slot = this.slots.find((s) => s.runIds.length === 0) ?? (this.slots.length < this.size ? this.addSlot() : this.slots[0]);
    return call(slot.api);
  }

  /**
   * A background call on a free worker (made if the pool has room), held from queued runs until it returns (a run
   * started meanwhile waits seconds at most); null without calling when every worker is busy or runs are waiting.
   */
  async withSpareWorker<T>(call: (api: TrainerApi) => Promise<T>): Promise<T | null> {
    if (this.queue.length > 0) return null;
    const slot = this.slots.find((s) => s.runIds.length === 0 && !s.spare) ?? (this.slots.length < this.size ? this.addSlot() : null);
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
    const slot: Slot = { worker, api: Comlink.wrap<TrainingSession>(worker), runIds: [] };
    worker.addEventListener('error', (e) => this.crashed(slot, `the trainer worker stopped: ${e.message || 'unknown error'}`));
    this.slots.push(slot);
    return slot;
  }

  /** A worker died: its runs fail with the message, a fresh worker takes its place, the other runs go on. */
  private crashed(slot: Slot, message: string): void {
    slot.worker.terminate();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    this.populationSlots.delete(slot);
    for (const runId of slot.runIds) {
      this.failures.get(runId)?.(message);
      this.failures.delete(runId);
    }
    this.drain();
  }

  private drain(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.runIds.length === 0 && !s.spare);
      if (!slot && this.slots.length < this.size) slot = this.addSlot();
      if (!slot) return;
      const job = this.queue.shift()!;
      const { runIds, request } = job;
      slot.runIds = [...runIds];
      if (job.population) this.populationSlots.add(slot);
      for (const runId of runIds) this.failures.set(runId, request.onFailed);
      const claimed = slot;
      request.onAssigned();
      const started = job.population
        ? claimed.api.startPopulation((request as PopulationRequest).start, Comlink.proxy(request.listener))
        : claimed.api.start((request as JobRequest).start, Comlink.proxy(request.listener));
      started
        .then((backend) => request.onStarted(backend))
        .catch((e: unknown) => {
          request.onFailed(messageOf(e));
          for (const runId of runIds) if (claimed.runIds.includes(runId)) void this.release(runId, false);
        });
    }
  }
}
