// Sweeps: a grid or random search over the form's configuration, expanded by core/experiments/sweep and run
// through the pool like any other runs (each configuration is a group of seeds). This store only remembers which
// runs belong to which sweep and the sweep's state; the runs themselves live in useLab.
import { create } from 'zustand';
import { expandSweep, type SweepPoint, type SweepSpec } from '../../core/experiments/sweep';
import type { RunRecord } from '../../core/experiments/types';
import { formatValue, type HyperParam, type HyperValues } from '../../core/run/hyperparameters';
import { labPool } from '../client/labClient';
import { useLab } from './labStore';
import { addRuns, algorithmName, formConfig, newId, onRunReport, pauseRun, resumeRun, stopRun } from './runs';
import { hasEnded } from './sweepResults';

export type SweepStatus = 'running' | 'paused' | 'cancelled' | 'done';

export interface Sweep {
  id: string;
  name: string;
  algorithmId: string;
  spec: SweepSpec;
  points: SweepPoint[];
  /** Every run it started, in start order (seed-major: each configuration once before any repeats). */
  runIds: string[];
  status: SweepStatus;
  createdAt: number;
}

interface SweepsState {
  sweeps: Record<string, Sweep>;
  /** Oldest first. */
  order: string[];
  /** The sweep whose results the page shows. */
  selected: string | null;
}

export const useSweeps = create<SweepsState>(() => ({ sweeps: {}, order: [], selected: null }));

const set = useSweeps.setState;
const get = useSweeps.getState;
const lab = useLab.getState;

/** The schema a sweep of this algorithm is checked against: its hyperparameters and the run settings. */
export function sweepSchema(algorithmId: string): HyperParam[] {
  const catalog = lab().catalog;
  const algo = catalog?.algorithms.find((a) => a.id === algorithmId);
  return algo && catalog ? [...algo.hyperparameters, ...catalog.runSchema] : [];
}

/** "lr 1e-3 · batchSize 64": a configuration's swept values. */
export const describePoint = (values: HyperValues): string =>
  Object.entries(values)
    .map(([k, v]) => `${k} ${formatValue(v)}`)
    .join(' · ');

function patchSweep(id: string, patch: Partial<Sweep>): void {
  set((s) => (s.sweeps[id] ? { sweeps: { ...s.sweeps, [id]: { ...s.sweeps[id], ...patch } } } : s));
}

/**
 * Starts a sweep of the form's configuration (the chosen algorithm, dataset and values as the base): expands the
 * spec against the algorithm's schema and adds every run to the pool's queue. Returns the sweep's id; throws the
 * expansion's error (naming the key) or the form's problem, and then starts nothing.
 */
export function startSweep(spec: SweepSpec): string {
  const config = formConfig();
  if (typeof config === 'string') throw new Error(config);
  const schema = sweepSchema(config.algorithmId);
  if (schema.length === 0) throw new Error('The algorithms are still loading.');
  const { points, runs } = expandSweep(spec, schema, config.hyperparameters);
  const id = newId('sweep');
  const name = `Sweep ${get().order.length + 1}`;
  const keys = spec.params.map((p) => p.key).join(' × ');
  const sweep: Sweep = { id, name: `${name} · ${algorithmName(config.algorithmId)} · ${keys}`, algorithmId: config.algorithmId, spec, points, runIds: [], status: 'running', createdAt: Date.now() };
  set((s) => ({ sweeps: { ...s.sweeps, [id]: sweep }, order: [...s.order, id], selected: id }));
  // Points that share the algorithm's network shapes and batch size train as populations (addRuns decides).
  const runIds = addRuns(
    runs.map((r) => ({
      config: { ...config, hyperparameters: r.hyperparameters },
      membership: { groupId: `${id}:${r.point}`, sweepId: id, sweepPoint: r.point },
      options: { name: `${name} · ${describePoint(points[r.point].values)} · seed ${String(r.hyperparameters.seed)}` },
    })),
  );
  patchSweep(id, { runIds });
  refresh(id);
  return id;
}

/** The sweep's runs as they are now (each step below can change the others' state). */
const current = (ids: readonly string[]): RunRecord[] => ids.flatMap((id) => lab().runs[id] ?? []);

/** Pauses the sweep's training runs and takes its queued ones out of the queue (paused before they start). */
export async function pauseSweep(id: string): Promise<void> {
  const sweep = get().sweeps[id];
  if (!sweep || sweep.status !== 'running') return;
  patchSweep(id, { status: 'paused' });
  // Waiting ones first: a run that ends meanwhile frees a worker, which must not go to one of them.
  for (const r of current(sweep.runIds)) if (r.status === 'queued' && !labPool().api(r.id)) await pauseRun(r.id);
  for (const r of current(sweep.runIds)) if (r.status === 'queued' || r.status === 'starting' || r.status === 'running') await pauseRun(r.id);
}

/** Resumes the sweep's paused runs: those holding a worker first, then the ones paused in the queue, in order. */
export async function resumeSweep(id: string): Promise<void> {
  const sweep = get().sweeps[id];
  if (!sweep || sweep.status !== 'paused') return;
  patchSweep(id, { status: 'running' });
  const paused = current(sweep.runIds).filter((r) => r.status === 'paused');
  const holding = new Set(labPool().activeIds());
  for (const r of paused) if (holding.has(r.id)) await resumeRun(r.id);
  for (const r of paused) if (!holding.has(r.id)) await resumeRun(r.id);
  refresh(id);
}

/** Stops every unfinished run of the sweep; what they learned so far stays in the results. */
export async function cancelSweep(id: string): Promise<void> {
  const sweep = get().sweeps[id];
  if (!sweep || sweep.status === 'cancelled' || sweep.status === 'done') return;
  patchSweep(id, { status: 'cancelled' });
  // Those without a worker first, so a stopped run's freed worker does not start one of them.
  for (const r of current(sweep.runIds)) if (!hasEnded(r) && !labPool().api(r.id)) await stopRun(r.id);
  for (const r of current(sweep.runIds)) if (!hasEnded(r)) await stopRun(r.id);
}

export const selectSweep = (id: string | null) => set({ selected: id });

/** Picks out a configuration's runs on the charts (the others fade); the same runs again clear it. */
export function toggleHighlight(runIds: readonly string[]): void {
  useLab.setState({ highlight: isHighlighted(lab().highlight, runIds) || runIds.length === 0 ? null : [...runIds] });
}

/** Whether the charts pick out exactly these runs. */
export const isHighlighted = (highlight: readonly string[] | null, runIds: readonly string[]): boolean =>
  highlight !== null && runIds.length > 0 && highlight.length === runIds.length && runIds.every((id) => highlight.includes(id));

/** A sweep whose runs have all ended is done (a cancelled one stays cancelled). */
function refresh(id: string): void {
  const sweep = get().sweeps[id];
  if (!sweep || sweep.status === 'done' || sweep.status === 'cancelled') return;
  if (sweep.runIds.length === 0) return; // still adding its runs
  if (current(sweep.runIds).every(hasEnded)) patchSweep(id, { status: 'done' });
}

/** The sweep a run belongs to, if this store knows it and it is still going. */
function openSweepOf(runId: string): string | null {
  const sweepId = lab().runs[runId]?.membership.sweepId;
  return sweepId && get().sweeps[sweepId] ? sweepId : null;
}

/**
 * Sweeps seen in runs restored after a reload (their records keep sweepId and sweepPoint): rebuilt from the runs,
 * the swept keys being those that differ between configurations. They come back paused, like their runs.
 */
function adoptRestored(runs: readonly RunRecord[]): void {
  const found = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const sweepId = r.membership.sweepId;
    if (!sweepId || r.membership.sweepPoint === undefined || get().sweeps[sweepId]) continue;
    const list = found.get(sweepId);
    if (list) list.push(r);
    else found.set(sweepId, [r]);
  }
  for (const [id, members] of found) {
    const first = members[0];
    const keys = Object.keys(first.config.hyperparameters).filter((k) => k !== 'seed' && members.some((m) => m.config.hyperparameters[k] !== first.config.hyperparameters[k]));
    const points = new Map<number, SweepPoint>();
    for (const m of members) {
      const index = m.membership.sweepPoint!;
      if (!points.has(index)) points.set(index, { index, values: Object.fromEntries(keys.map((k) => [k, m.config.hyperparameters[k]])) });
    }
    const seeds = Math.max(...[...points.keys()].map((p) => members.filter((m) => m.membership.sweepPoint === p).length));
    const label = first.name.split(' · ')[0] || 'Sweep';
    const sweep: Sweep = {
      id,
      name: `${label} · ${algorithmName(first.config.algorithmId)} · ${keys.join(' × ') || 'one configuration'}`,
      algorithmId: first.config.algorithmId,
      spec: { mode: 'grid', params: keys.map((key) => ({ key })), seeds, seed: 0 },
      points: [...points.values()].sort((a, b) => a.index - b.index),
      runIds: members.map((m) => m.id),
      status: members.every(hasEnded) ? 'done' : members.some((m) => m.status === 'running' || m.status === 'queued' || m.status === 'starting') ? 'running' : 'paused',
      createdAt: Math.min(...members.map((m) => m.createdAt)),
    };
    set((s) => ({ sweeps: { ...s.sweeps, [id]: sweep }, order: [...s.order, id].sort((a, b) => (s.sweeps[a]?.createdAt ?? sweep.createdAt) - (s.sweeps[b]?.createdAt ?? sweep.createdAt)), selected: s.selected ?? id }));
  }
}

// Reports move a sweep's runs to their end; a run can also end without one (failed at start, stopped in the
// queue) or disappear (deleted), so the run list's changes are watched too, cheaply: only when it changes.
onRunReport((report) => {
  const id = openSweepOf(report.runId);
  if (id) refresh(id);
});
useLab.subscribe((s, prev) => {
  if (s.runOrder !== prev.runOrder) adoptRestored(s.runOrder.map((id) => s.runs[id]).filter(Boolean));
  if (s.runs === prev.runs) return;
  for (const id of get().order) {
    const sweep = get().sweeps[id];
    if (sweep.status === 'running' || sweep.status === 'paused') {
      if (sweep.runIds.some((r) => s.runs[r] !== prev.runs[r])) refresh(id);
    }
  }
});
