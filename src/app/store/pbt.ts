// Population-based training in the page (Jaderberg et al. 2017, arXiv:1711.09846): N runs of the form's
// configuration, and a controller that follows their reports. Each member steps on its own when it is ready
// (asynchronous PBT, as in the paper): past its next multiple of K updates and evaluated since its last step, it is
// ranked against the others' latest evaluations; a member in the bottom quantile copies the weights and optimizer
// state of one in the top quantile (its worker's current checkpoint, or the stored last one of a member that has
// finished) and explores (x0.8 / x1.2 or resample). Decisions are core/experiments/pbt.ts's; this file only applies
// them. The pool trains as many runs at a time as it has workers; the other members wait in its queue and join as
// workers free up, so a late member may copy a member that has already finished.
//
// The population store is separate from useLab: it changes only when a population starts, a copy is made, or a
// population ends, so the lineage view re-renders only then (never on the runs' 10/s reports).
import { create } from 'zustand';
import { pbtExploitExplore, validatePbtSettings, type LineageEvent, type PbtMember, type PbtSettings } from '../../core/experiments/pbt';
import type { RunRecord } from '../../core/experiments/types';
import type { TrainingReport } from '../../core/run/events';
import type { HyperParam, HyperValues } from '../../core/run/hyperparameters';
import { Rng } from '../../core/rng';
import type { TrainerCheckpoint } from '../../core/run/trainer';
import { labPool } from '../client/labClient';
import { useLab } from './labStore';
import { initialValues, ready, scoreOf, type CopiedScore, type PbtInit } from './pbtReady';
import { addRun, formConfig, message, onRunReport, recordAdopted, stopRun } from './runs';
import { runStorage } from './runStorage';

export type PopulationStatus = 'running' | 'stopped' | 'done';

export interface Population {
  id: string;
  /** "PBT", "PBT 2", ...: the prefix of its members' names. */
  name: string;
  algorithmId: string;
  settings: PbtSettings;
  init: PbtInit;
  /** The schema entries of the explored keys (labels, ranges, log scale for the lineage view). */
  params: HyperParam[];
  /** Member i's run id. */
  runIds: string[];
  /** Member i's starting values of the explored keys. */
  initial: HyperValues[];
  /** The run's total updates: the lineage view's x extent. */
  totalUpdates: number;
  /** Every copy, in the order made. */
  events: LineageEvent[];
  status: PopulationStatus;
  /** The latest thing that went wrong in a step (a copy that failed), if any. */
  notice: string | null;
}

interface PbtState {
  populations: Record<string, Population>;
  order: string[];
  /** A message about the last Start (a bad setting, no dataset). */
  error: string | null;
}

export const usePbt = create<PbtState>(() => ({ populations: {}, order: [], error: null }));

const setPbt = usePbt.setState;

/** The controller's own state per population: not drawn, so kept out of the store. */
interface Controller {
  rng: Rng;
  /** Per member: the update of its last step (0 before the first). */
  lastStep: number[];
  /** Per member: its explored values now. */
  values: HyperValues[];
  /** Per member: what it last copied (its source's score stands for it until it is evaluated again). */
  copied: (CopiedScore | undefined)[];
  /** Members whose copy is under way (a step takes a checkpoint across workers; reports go on meanwhile). */
  busy: Set<number>;
}

const controllers = new Map<string, Controller>();
/** runId -> its population and member index. */
const memberOf = new Map<string, { pbtId: string; member: number }>();
let unsubscribe: (() => void) | null = null;
let counter = 0;

function patchPopulation(id: string, patch: Partial<Population> | ((p: Population) => Partial<Population>)): void {
  setPbt((s) => {
    const p = s.populations[id];
    if (!p) return s;
    return { populations: { ...s.populations, [id]: { ...p, ...(typeof patch === 'function' ? patch(p) : patch) } } };
  });
}

/** The algorithm's schema as the page knows it (its own hyperparameters and the run settings). */
export function algorithmSchema(algorithmId: string): HyperParam[] {
  const { catalog } = useLab.getState();
  const algo = catalog?.algorithms.find((a) => a.id === algorithmId);
  return algo ? [...algo.hyperparameters, ...catalog!.runSchema] : [];
}

/**
 * Starts a population of `settings.members` runs of the form's configuration, seeds base .. base + N - 1, each
 * starting from its own draw of the explored keys (see initialValues). Returns the population's id, or null with
 * the reason in the store's `error`.
 */
export function startPbt(settings: PbtSettings, init: PbtInit = 'near'): string | null {
  const config = formConfig();
  if (typeof config === 'string') {
    setPbt({ error: config });
    return null;
  }
  const schema = algorithmSchema(config.algorithmId);
  try {
    if (settings.members > 16) throw new Error(`at most 16 members, got ${settings.members}`);
    validatePbtSettings(settings, schema);
  } catch (e) {
    setPbt({ error: message(e) });
    return null;
  }
  const params = settings.keys.map((k) => schema.find((p) => p.key === k)!);
  const base = Number(config.hyperparameters.seed ?? 0);
  const rng = new Rng(base * 7919 + 17);
  let initial: HyperValues[];
  try {
    const draws = rng.fork();
    initial = Array.from({ length: settings.members }, () => initialValues(params, config.hyperparameters, init, draws));
  } catch (e) {
    setPbt({ error: message(e) });
    return null;
  }

  counter += 1;
  const pbtId = `pbt-${Date.now().toString(36)}-${counter}`;
  const name = counter === 1 ? 'PBT' : `PBT ${counter}`;
  controllers.set(pbtId, { rng, lastStep: initial.map(() => 0), values: initial.map((v) => ({ ...v })), copied: initial.map(() => undefined), busy: new Set() });
  unsubscribe ??= onRunReport(onReport);
  // The population is in the store before its runs, so their first reports find it.
  const population: Population = {
    id: pbtId,
    name,
    algorithmId: config.algorithmId,
    settings: { ...settings, keys: [...settings.keys], factors: [...settings.factors] },
    init,
    params,
    runIds: [],
    initial,
    totalUpdates: Number(config.hyperparameters.maxUpdates ?? 0),
    events: [],
    status: 'running',
    notice: null,
  };
  setPbt((s) => ({ populations: { ...s.populations, [pbtId]: population }, order: [...s.order, pbtId], error: null }));
  const runIds = initial.map((values, member) => {
    const id = addRun(
      { ...config, hyperparameters: { ...config.hyperparameters, ...values, seed: base + member } },
      { groupId: `${pbtId}:${member}`, pbtId, pbtMember: member },
      { name: `${name} m${member}` },
    );
    memberOf.set(id, { pbtId, member });
    return id;
  });
  patchPopulation(pbtId, { runIds });
  return pbtId;
}

/** Stops every member (queued ones leave the queue); the lineage so far stays. */
export async function stopPbt(pbtId: string): Promise<void> {
  const population = usePbt.getState().populations[pbtId];
  if (!population) return;
  patchPopulation(pbtId, { status: 'stopped' });
  const runs = useLab.getState().runs;
  // A member just leaving the queue has a worker but no trainer yet: the stop finds nothing to stop there, so it is
  // stopped again at its first report.
  for (const id of population.runIds) if (labPool().api(id) && (runs[id]?.status === 'queued' || runs[id]?.status === 'starting')) stopAgain.add(id);
  await Promise.all(population.runIds.map((id) => stopRun(id)));
}

/** Members of stopped populations that were starting as the population stopped. */
const stopAgain = new Set<string>();

const ENDED = new Set<RunRecord['status']>(['finished', 'stopped', 'failed']);

function onReport(report: TrainingReport): void {
  const at = memberOf.get(report.runId);
  if (!at) return;
  const population = usePbt.getState().populations[at.pbtId];
  const controller = controllers.get(at.pbtId);
  if (!population || !controller) return;
  const runs = useLab.getState().runs;
  if (population.status === 'stopped') {
    // Once only: a member resumed by hand later trains on (without PBT).
    if ((report.status === 'running' || report.status === 'paused') && stopAgain.delete(report.runId)) void stopRun(report.runId);
    return;
  }
  if (population.status !== 'running') return;
  if (population.runIds.length === population.settings.members && population.runIds.every((id) => !runs[id] || ENDED.has(runs[id].status))) {
    patchPopulation(at.pbtId, { status: 'done' });
    return;
  }
  const record = runs[report.runId];
  if (!record || record.status !== 'running' || controller.busy.has(at.member)) return;
  if (!ready(record.update, population.settings.interval, controller.lastStep[at.member], record.evaluations)) return;
  controller.lastStep[at.member] = record.update;
  step(population, controller, at.member);
}

/** One member's exploit/explore step: rank everyone by their latest evaluation; copy and explore if in the bottom. */
function step(population: Population, controller: Controller, target: number): void {
  const runs = useLab.getState().runs;
  const members: PbtMember[] = population.runIds.map((id, member) => {
    const record = runs[id];
    return { member, score: record ? scoreOf(record, controller.copied[member]) : null, hyperparameters: controller.values[member] };
  });
  let decision;
  try {
    decision = pbtExploitExplore(members, population.settings, algorithmSchema(population.algorithmId), controller.rng).find((d) => d.target === target);
  } catch (e) {
    patchPopulation(population.id, { notice: `m${target} could not take its step: ${message(e)}` });
    return;
  }
  if (!decision) return; // not in the bottom quantile: it trains on as it is
  controller.busy.add(target);
  const sourceScore = members[decision.source].score;
  // While the copy is under way the member already stands for its source's weights: another member stepping meanwhile
  // must not rank it by the evaluation it is about to throw away (or the two may swap weights with each other).
  const before = controller.copied[target];
  controller.copied[target] = { update: Number.POSITIVE_INFINITY, score: sourceScore };
  void copy(population, controller, decision.target, decision.source, sourceScore, decision.values, decision.changes)
    .then((copied) => {
      if (!copied) controller.copied[target] = before;
    })
    .finally(() => controller.busy.delete(target));
}

/** Copies the source into the target and records the lineage event; false (with a notice) if it could not. */
async function copy(population: Population, controller: Controller, target: number, source: number, sourceScore: number | null, values: HyperValues, changes: LineageEvent['changes']): Promise<boolean> {
  const targetId = population.runIds[target];
  const sourceId = population.runIds[source];
  try {
    const checkpoint = await checkpointOf(sourceId);
    if (!checkpoint) throw new Error(`m${source} has no checkpoint yet`);
    const api = labPool().api(targetId);
    if (!api) throw new Error(`m${target} no longer has a worker`);
    const events = await api.adopt(checkpoint, values, `PBT: copied member ${source}`, targetId);
    controller.values[target] = { ...controller.values[target], ...values };
    recordAdopted(targetId, values, events);
    const update = events[0]?.update ?? useLab.getState().runs[targetId]?.update ?? controller.lastStep[target];
    controller.copied[target] = { update, score: sourceScore };
    // Its next step waits for an evaluation of the weights it has now.
    controller.lastStep[target] = Math.max(controller.lastStep[target], update);
    patchPopulation(population.id, (p) => ({ events: [...p.events, { update, target, source, changes }] }));
    return true;
  } catch (e) {
    patchPopulation(population.id, { notice: `m${target} could not copy m${source}: ${message(e)}` });
    return false;
  }
}

/** A source's weights and optimizer state: from its worker while it trains, else its stored last checkpoint. */
async function checkpointOf(runId: string): Promise<TrainerCheckpoint | null> {
  const api = labPool().api(runId);
  if (api) {
    try {
      return await api.currentCheckpoint(runId);
    } catch {
      // Its job ended between the check and the call: its last checkpoint is in storage.
    }
  }
  return runStorage().loadCheckpoint(runId);
}
