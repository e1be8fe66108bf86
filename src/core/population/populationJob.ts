// A population as one job of a trainer worker: the PopulationTrainer (or, for online DQN, SAC and PPO, the OnlinePopulationTrainer;
// jobPopulation.ts) driven in ticks, with one report per member per tick under the member's own run id, so the page
// shows every member as a run of its own (an online member's reports carry its env steps and episodes too). What one member can do on
// its own: change its per-member settings live, be checkpointed or copied into (PBT), stop (its reports end), and leave
// (pause: the page keeps its checkpoint and resumes it later as a lone run). Members also finish at their own totals or
// fail. At the next tick boundary after any of these, while others still train, the job shrinks to the members still
// training (keepMembers: each goes on exactly as it would have), so no compute goes to members that
// no longer report. Pausing or stepping the whole population is not offered.
import type { HyperparameterEvent, RunStatus, TrainingReport } from '../run/events';
import type { TrainerCheckpoint } from '../run/trainer';
import type { BackendReport } from '../tf/backend';
import { createJobPopulation, type JobPopulation, type JobPopulationTick } from './jobPopulation';
import { populationNotice } from './populationNotice';
import type { PopulationConfig } from './populationTrainer';

export interface PopulationStart extends Omit<PopulationConfig, 'members'> {
  /** The members: each a run of the page with its own id and settings (its seed among them). */
  members: { runId: string; hyperparameters: Record<string, unknown> }[];
  backend?: import('../tf/backend').BackendRequest;
  /** `auto`: start on this backend (the page's remembered choice for this population size) instead of measuring first. */
  backendHint?: import('../run/session').BackendHint;
}

const yieldToHost = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class PopulationJob {
  /** The population now computed: every member still training, and until the next tick boundary those that just ended. */
  private current: JobPopulation;
  /** Run ids of the current population's members, in its order. */
  private ids: string[];
  /** Per member: 'running' while reported; 'finished', 'stopped', 'failed' or 'idle' (left the job) once not. */
  private status: RunStatus[];
  /** Checkpoint reads in flight: the population is not replaced under them. */
  private readonly reads = new Set<Promise<unknown>>();
  private loop: Promise<void> | null = null;
  private ended = false;
  private disposed = false;
  /** The last state of members that finished (their job may be gone when the page asks for it). */
  private readonly finals = new Map<string, TrainerCheckpoint>();

  constructor(
    start: PopulationStart,
    private readonly listener: (report: TrainingReport) => void,
    private readonly tickMs: number,
    private readonly onFailure: (e: unknown) => void,
  ) {
    this.ids = start.members.map((m) => m.runId);
    if (new Set(this.ids).size !== this.ids.length) throw new Error('a population lists a run twice');
    this.current = createJobPopulation({ dataset: start.dataset, algorithmId: start.algorithmId, startUpdate: start.startUpdate, members: start.members.map((m) => m.hyperparameters) });
    this.status = this.ids.map(() => 'running');
  }

  get trainer(): JobPopulation {
    return this.current;
  }

  /** The run ids of the members computed now (it shrinks as members end). */
  get runIds(): readonly string[] {
    return this.ids;
  }

  /** Sends each member's first report and starts the loop. */
  begin(backend: BackendReport | null): void {
    this.ids.forEach((_, k) => this.emit(k, backend ?? undefined));
    this.loop = this.runLoop();
  }

  hosts(runId: string): boolean {
    return this.member(runId) >= 0 && this.status[this.member(runId)] === 'running';
  }

  /** Members still reported (training). */
  activeIds(): string[] {
    return this.ids.filter((_, k) => this.status[k] === 'running');
  }

  private member(runId: string): number {
    return this.ids.indexOf(runId);
  }

  private active(runId: string): number {
    const k = this.member(runId);
    if (k < 0 || this.status[k] !== 'running') throw new Error(`run ${runId} is not training in this population`);
    return k;
  }

  setHyperparameters(runId: string, patch: Record<string, unknown>): HyperparameterEvent[] {
    return this.trainer.setMemberHyperparameters(this.active(runId), patch);
  }

  async checkpoint(runId: string): Promise<TrainerCheckpoint> {
    const final = this.finals.get(runId);
    if (final) return final;
    return this.read(this.active(runId));
  }

  /** Member k's checkpoint; the population is not shrunk (its indices not changed) while it is read. */
  private read(k: number): Promise<TrainerCheckpoint> {
    const reading = this.current.checkpoints().then((all) => all[k]);
    this.reads.add(reading);
    const done = () => this.reads.delete(reading);
    reading.then(done, done);
    return reading;
  }

  adopt(runId: string, checkpoint: TrainerCheckpoint, patch: Record<string, unknown>, source: string): HyperparameterEvent[] {
    const k = this.active(runId);
    this.trainer.loadMember(k, checkpoint);
    return this.trainer.setMemberHyperparameters(k, patch, source);
  }

  /** The member's reports end with a 'stopped' one; its slice is dropped at the next tick boundary. */
  stopMember(runId: string): void {
    const k = this.active(runId);
    this.status[k] = 'stopped';
    this.emit(k);
  }

  /**
   * Pause: the member leaves the job with its checkpoint (the page resumes it as a lone run). Its last report says
   * 'paused', sent on the reports' own channel so that it arrives after every report before it.
   */
  async leave(runId: string): Promise<TrainerCheckpoint> {
    const checkpoint = await this.read(this.active(runId));
    const k = this.member(runId); // by id again: the population may have shrunk since the read
    this.status[k] = 'paused';
    const envSteps = checkpoint.envSteps === undefined ? {} : { envSteps: checkpoint.envSteps };
    this.listener({ runId, update: checkpoint.update, ...envSteps, wallMs: checkpoint.wallMs ?? 0, status: 'paused', metrics: null, evaluations: [], events: [], updatesPerSecond: 0 });
    this.status[k] = 'idle';
    return checkpoint;
  }

  /** Ends the job: every member still training is reported stopped. */
  async stop(): Promise<void> {
    const running = this.activeIds();
    this.ended = true;
    await this.loop;
    for (const id of running) {
      const k = this.member(id);
      this.status[k] = 'stopped';
      this.emit(k);
    }
    this.release();
  }

  private release(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.trainer.dispose();
  }

  /** True once no member is training (the worker can be given back). */
  get done(): boolean {
    return this.activeIds().length === 0;
  }

  /** Ticks until every member finished, stopped, failed or left; then the population's tensors go. */
  private async runLoop(): Promise<void> {
    try {
      await this.ticks();
    } finally {
      if (this.done) this.release();
    }
  }

  private async ticks(): Promise<void> {
    while (!this.ended && !this.done) {
      let tick: JobPopulationTick;
      try {
        await this.shrink();
        if (this.ended || this.done) return;
        tick = await this.trainer.run(this.tickMs);
      } catch (e) {
        this.ended = true;
        this.ids.forEach((_, k) => this.status[k] === 'running' && (this.status[k] = 'failed'));
        this.onFailure(e);
        return;
      }
      const finishing = tick.members.flatMap((m, k) => (this.status[k] === 'running' && !m.error && this.trainer.memberFinished(k) ? [k] : []));
      if (finishing.length > 0) {
        const checkpoints = await this.trainer.checkpoints();
        for (const k of finishing) this.finals.set(this.ids[k], checkpoints[k]);
      }
      tick.members.forEach((m, k) => {
        if (this.status[k] !== 'running') return;
        if (m.error) this.status[k] = 'failed';
        else if (this.trainer.memberFinished(k)) this.status[k] = 'finished';
        this.listener({
          runId: this.ids[k],
          ...this.trainer.memberProgress(k),
          wallMs: this.trainer.wallMs,
          status: this.status[k],
          metrics: m.metrics,
          evaluations: m.evaluations,
          events: m.events,
          updatesPerSecond: tick.updatesPerSecond,
          ...(m.episodes ? { episodes: m.episodes } : {}),
          ...(m.error ? { error: m.error } : {}),
        });
      });
      await yieldToHost();
    }
  }

  /**
   * Drops the members that no longer train (stopped, finished, failed, left) while some still do: the members left go on
   * as a smaller population, on the same backend, exactly as they would have gone on in this one.
   */
  private async shrink(): Promise<void> {
    while (this.reads.size > 0) await Promise.allSettled([...this.reads]);
    const keep = this.status.flatMap((s, k) => (s === 'running' ? [k] : []));
    if (keep.length === this.status.length || keep.length === 0 || this.ended) return;
    this.current = this.current.keepMembers(keep);
    this.ids = keep.map((k) => this.ids[k]);
    this.status = keep.map((k) => this.status[k]);
    this.ids.forEach((_, k) => this.emit(k, undefined, populationNotice(keep.length - 1)));
  }

  private emit(k: number, backend?: BackendReport, notice?: string): void {
    this.listener({
      runId: this.ids[k],
      ...this.trainer.memberProgress(k),
      wallMs: this.trainer.wallMs,
      status: this.status[k],
      metrics: null,
      evaluations: [],
      events: [],
      updatesPerSecond: 0,
      ...(backend ? { backend } : {}),
      ...(notice ? { notice } : {}),
    });
  }
}
