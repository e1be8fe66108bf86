// Population Based Training's decisions as plain data (Jaderberg et al. 2017, "Population Based Training of Neural
// Networks", arXiv:1711.09846): every `interval` updates, truncation selection (the bottom quantile copies the top
// quantile: "exploit") then explore (perturb each hyperparameter by x0.8 or x1.2, or resample it from its prior).
// Copying weights and optimizer state, and applying the values, is the caller's job; this file only decides.
import { checkValue, formatValue, HyperparameterError, type HyperParam, type HyperValue, type HyperValues } from '../run/hyperparameters';
import { runSchema } from '../run/runSettings';
import type { Rng } from '../rng';
import { resolveRange, sampleValue } from './sweep';

export interface PbtSettings {
  members: number;
  /** Updates between exploit/explore steps. */
  interval: number;
  /** 0.25: the bottom quarter copies the top quarter (the paper uses 20%). */
  quantile: number;
  mode: 'perturb' | 'resample';
  /** Perturbation factors, [0.8, 1.2] in the paper. */
  factors: [number, number];
  /** In 'perturb' mode, the chance to resample a key instead; 0 by default. */
  resampleProbability: number;
  /** Hyperparameters explored. */
  keys: string[];
}

/** A problem with the PBT settings themselves: `field` names the settings' field. */
export class PbtSettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PbtSettingsError';
  }
}

const RUN_KEYS = new Set(runSchema.map((p) => p.key));

/**
 * Not explored by default, though live and numeric:
 * - run settings (seed, updatesPerEval, evalEpisodes, maxUpdates): they shape the run and its scoring, not learning;
 * - `batchSize`: a population trains as one batched model, so members share tensor shapes; and a bigger batch costs
 *   more per update, so scores at equal updates would favour it unfairly;
 * - `targetReturn` (Decision Transformer): it is the question asked at evaluation, so tuning it games the score.
 * Ints are left out too (sampledActions changes shapes; policyDelay, targetPeriod and warmup count updates, and
 * x0.8/x1.2 of 1 or 2 rounds back to itself): a user can still add an int key, which is then rounded.
 */
const NOT_EXPLORED = new Set(['batchSize', 'targetReturn']);

/**
 * Live numeric hyperparameters of the algorithm that PBT may explore by default: live (the paper changes them
 * mid-training without restarting), kind 'number', bounded on both sides (perturbations are clamped and resampling
 * draws from the range), and not in the exclusions above.
 */
export function pbtKeys(schema: readonly HyperParam[]): string[] {
  return schema
    .filter((p) => p.live && p.kind === 'number' && p.min !== undefined && p.max !== undefined && !RUN_KEYS.has(p.key) && !NOT_EXPLORED.has(p.key))
    .map((p) => p.key);
}

export function defaultPbtSettings(schema: readonly HyperParam[]): PbtSettings {
  return { members: 8, interval: 5000, quantile: 0.25, mode: 'perturb', factors: [0.8, 1.2], resampleProbability: 0, keys: pbtKeys(schema) };
}

/** Throws naming the bad field (PbtSettingsError) or the bad key (HyperparameterError). */
export function validatePbtSettings(settings: PbtSettings, schema: readonly HyperParam[]): void {
  const { members, interval, quantile, mode, factors, resampleProbability, keys } = settings;
  if (!Number.isInteger(members) || members < 2) throw new PbtSettingsError('members', `a population needs a whole number of at least 2 members, got ${String(members)}`);
  if (!Number.isInteger(interval) || interval < 1) throw new PbtSettingsError('interval', `the interval must be a whole number of updates, at least 1, got ${String(interval)}`);
  // Above 0.5 the bottom and the top would overlap.
  if (!(typeof quantile === 'number' && quantile > 0 && quantile <= 0.5)) throw new PbtSettingsError('quantile', `the quantile must be above 0 and at most 0.5, got ${String(quantile)}`);
  if (mode !== 'perturb' && mode !== 'resample') throw new PbtSettingsError('mode', `mode must be "perturb" or "resample", got ${String(mode as unknown)}`);
  if (!Array.isArray(factors) || factors.length !== 2 || !factors.every((f) => typeof f === 'number' && Number.isFinite(f) && f > 0)) {
    throw new PbtSettingsError('factors', `factors must be two positive numbers such as [0.8, 1.2], got ${JSON.stringify(factors)}`);
  }
  if (!(typeof resampleProbability === 'number' && resampleProbability >= 0 && resampleProbability <= 1)) {
    throw new PbtSettingsError('resampleProbability', `the resample probability must be between 0 and 1, got ${String(resampleProbability)}`);
  }
  if (!Array.isArray(keys)) throw new PbtSettingsError('keys', 'keys must be a list of hyperparameter keys');
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) throw new HyperparameterError(key, `"${key}" is explored twice`);
    seen.add(key);
    explorable(schema, key);
  }
}

/** The schema entry of an explored key, with its range; throws naming the key if PBT cannot explore it. */
function explorable(schema: readonly HyperParam[], key: string): HyperParam {
  const param = schema.find((p) => p.key === key);
  if (!param) throw new HyperparameterError(key, `no hyperparameter "${key}" (known: ${schema.map((p) => p.key).join(', ')})`);
  const name = `${param.label} (${key})`;
  if (!param.live) throw new HyperparameterError(key, `${name} cannot change while a run trains, so PBT cannot explore it`);
  if (param.kind !== 'number' && param.kind !== 'int') throw new HyperparameterError(key, `${name} is not a number; PBT explores numbers`);
  resolveRange(param); // bounded (clamping and resampling need both ends), log ranges above 0
  return param;
}

export interface PbtMember {
  member: number;
  /** Latest evaluation score; null = not yet evaluated, never selected either way. */
  score: number | null;
  hyperparameters: HyperValues;
}

export interface PbtChange {
  key: string;
  from: HyperValue;
  to: HyperValue;
}

export interface PbtDecision {
  target: number;
  source: number;
  /** The explored keys whose value differs from the target's before the step (for the run's event markers). */
  changes: PbtChange[];
  /** The target's new values of the explored keys. */
  values: HyperValues;
}

/** How many members are cut at each end: floor(n · quantile), at least 1, at most half. */
export function truncationCount(scored: number, quantile: number): number {
  // The epsilon keeps 0.3 · 10 = 3 from flooring to 2 through round-off.
  return Math.min(Math.floor(scored / 2), Math.max(1, Math.floor(scored * quantile + 1e-9)));
}

/**
 * Truncation selection: rank members with a score; each member in the bottom `quantile` copies a uniformly chosen
 * member of the top `quantile` (weights and optimizer state are the caller's job) and explores: each key perturbed
 * by a factor chosen uniformly from `factors` (clamped to the schema range; ints rounded) or resampled from the
 * schema range (log-uniform where log). With fewer than 2 scored members, no decisions.
 *
 * Ranking: higher score is better; ties go to the lower member index; a NaN score ranks last (a diverged member is
 * what PBT should replace). A value of 0 stays 0 under perturbation (only resampling moves it).
 * Deterministic for a given Rng: targets are visited by member index, and per target the draws are the source, then
 * per key (in `keys` order) the resample coin (only when resampleProbability > 0) and the factor or the new value.
 * Decisions are returned in member order.
 */
export function pbtExploitExplore(members: readonly PbtMember[], settings: PbtSettings, schema: readonly HyperParam[], rng: Rng): PbtDecision[] {
  validatePbtSettings(settings, schema);
  const params = settings.keys.map((k) => explorable(schema, k));
  const scored = members.filter((m) => m.score !== null);
  if (scored.length < 2) return [];

  const rank = (s: number | null): number => (s === null || Number.isNaN(s) ? -Infinity : s);
  // Equal ranks (including -Infinity and NaN against each other) subtract to 0 or NaN, both falsy: member order.
  const ranked = [...scored].sort((a, b) => rank(b.score) - rank(a.score) || a.member - b.member);
  const cut = truncationCount(ranked.length, settings.quantile);
  const top = ranked.slice(0, cut);
  const bottom = ranked.slice(ranked.length - cut).sort((a, b) => a.member - b.member);

  return bottom.map((target) => {
    const source = top[rng.int(top.length)];
    const values: HyperValues = {};
    const changes: PbtChange[] = [];
    for (const param of params) {
      const current = numberOf(source, param);
      const resample = settings.mode === 'resample' || (settings.resampleProbability > 0 && rng.next() < settings.resampleProbability);
      const next = resample ? (sampleValue(param, resolveRange(param), rng) as number) : perturb(param, current, settings.factors[rng.int(2)]);
      values[param.key] = checkValue(param, next);
      const before = target.hyperparameters[param.key];
      if (before !== values[param.key]) changes.push({ key: param.key, from: before, to: values[param.key] });
    }
    return { target: target.member, source: source.member, changes, values };
  });
}

function numberOf(member: PbtMember, param: HyperParam): number {
  const v = member.hyperparameters[param.key];
  if (typeof v !== 'number') throw new HyperparameterError(param.key, `member ${member.member} has no number for ${param.label} (${param.key}), got ${v === undefined ? 'nothing' : formatValue(v)}`);
  return v;
}

/** value × factor, rounded for ints, clamped to the schema's range (resolveRange checked both ends exist). */
function perturb(param: HyperParam, value: number, factor: number): number {
  const v = param.kind === 'int' ? Math.round(value * factor) : value * factor;
  return Math.min(param.max as number, Math.max(param.min as number, v));
}

export interface LineageEvent {
  update: number;
  target: number;
  source: number;
  changes: PbtChange[];
}

export interface MemberLineage {
  member: number;
  /** Whom the member copied, and when, in update order. */
  copies: { update: number; source: number }[];
  /** Per explored key, the member's own value over time: piecewise constant, starting at update 0. */
  schedule: Record<string, { update: number; value: HyperValue }[]>;
}

/**
 * For the lineage view. Kept simple: a member's schedule is its own value over time, as set at start and by each
 * decision that targeted it (the changes' `to`); it does not splice in the ancestors' schedules before a copy.
 * Events are taken in update order (ties in list order); two changes of a key at one update keep the last; a step
 * that leaves the value as it was adds no point.
 */
export function buildLineage(initial: readonly HyperValues[], events: readonly LineageEvent[], keys: readonly string[]): MemberLineage[] {
  const out: MemberLineage[] = initial.map((values, member) => ({
    member,
    copies: [],
    schedule: Object.fromEntries(
      keys.map((key) => {
        const v = values[key];
        if (v === undefined) throw new HyperparameterError(key, `member ${member} has no initial value for "${key}"`);
        return [key, [{ update: 0, value: v }]];
      }),
    ),
  }));
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.update - b.e.update || a.i - b.i);
  for (const { e } of sorted) {
    const lineage = out[e.target];
    if (!lineage) throw new RangeError(`a PBT event at update ${e.update} targets member ${e.target}, but the population has ${initial.length} members`);
    if (e.source < 0 || e.source >= initial.length) throw new RangeError(`a PBT event at update ${e.update} copies member ${e.source}, but the population has ${initial.length} members`);
    lineage.copies.push({ update: e.update, source: e.source });
    for (const change of e.changes) {
      const schedule = lineage.schedule[change.key];
      if (!schedule) continue; // a key not shown in this view
      const last = schedule[schedule.length - 1];
      if (last.update === e.update) {
        last.value = change.to;
        const previous = schedule[schedule.length - 2];
        if (previous && previous.value === last.value) schedule.pop();
      } else if (last.value !== change.to) {
        schedule.push({ update: e.update, value: change.to });
      }
    }
  }
  return out;
}
