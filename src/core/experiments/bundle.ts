// Run bundles: one run or a whole comparison as one zip, to share, archive or move to another browser.
//
//   bundle.json          {format, version: 1, exportedAt, runs: [{record, metrics: {csv, values, series, clock}}]}
//                        records in full (config, events, evaluations); per run the names and lengths of its series
//   metrics/<name>.csv   per run, for a spreadsheet: update, wall_ms and one column per metric (see metricsCsv)
//   series/<k>.f64       per run, the exact series: float64 little-endian, for each series its updates then its
//                        values (bundle.json's order), then the clock's updates and wall ms. Bit-exact, NaN included.
//
// importBundle checks everything before it returns anything, and gives the runs new ids (see ImportedBundle).
import { readZip, writeZipSync } from '../data/formats/zip';
import type { HyperparameterEvent } from '../run/events';
import type { HyperValue, HyperValues } from '../run/hyperparameters';
import { BACKEND_REQUESTS, type BackendRequest } from '../tf/backendNames';
import type { EvaluationPoint, MetricsSnapshot, RunConfig, RunMembership, RunPhase, RunRecord } from './types';

export interface BundleRun {
  record: RunRecord;
  metrics: MetricsSnapshot;
}

export interface RunBundle {
  version: 1;
  exportedAt: string;
  runs: BundleRun[];
}

/**
 * What importBundle returns: the runs with new ids (so they never clash with runs already in the browser) and
 * `ids`, each old run id to its new one. Fork links (config.fork.runId) to a run in the bundle follow it; group,
 * sweep and PBT ids get new ids too, the same new id for the same old one, so imported runs keep their groups
 * among themselves without joining a local group by chance. A run exported while live (queued, starting,
 * running, paused) comes back 'stopped': no worker trains it here.
 */
export interface ImportedBundle extends RunBundle {
  ids: Record<string, string>;
}

export interface ImportOptions {
  /** Makes a new id (default crypto.randomUUID()). */
  newId?: () => string;
}

/** A bundle that cannot be written or read; the message names the problem and, where there is one, the run. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

const FORMAT = 'rl-lab-run-bundle';
const PHASES: readonly RunPhase[] = ['queued', 'starting', 'running', 'paused', 'finished', 'stopped', 'failed'];
const LIVE: readonly RunPhase[] = ['queued', 'starting', 'running', 'paused'];

// ---------------------------------------------------------------------------------------------------------------
// CSV

/** RFC 4180: a cell with a comma, a double quote or a line break goes in double quotes, its quotes doubled. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Training time at `update` along the clock, as the charts map it: linear between clock points, from (0, 0) before the first, the last after it. */
function wallAt(updates: Float64Array, wallMs: Float64Array, update: number): number | null {
  const n = updates.length;
  if (n === 0) return null;
  if (update <= updates[0]) return updates[0] > 0 ? (wallMs[0] * update) / updates[0] : wallMs[0];
  if (update >= updates[n - 1]) return wallMs[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (updates[mid] <= update) lo = mid;
    else hi = mid;
  }
  return wallMs[lo] + ((update - updates[lo]) / (updates[hi] - updates[lo])) * (wallMs[hi] - wallMs[lo]);
}

/**
 * The metrics of a run as CSV: header `update,wall_ms,<metric>,...` (names quoted per RFC 4180), one row per update
 * present in any series, ascending; a cell is empty where that series has no point at that update (its last point
 * there if it has several). wall_ms is the clock's time at that update (interpolated as the charts do; empty when the
 * run has no clock). Numbers print as JavaScript writes them (shortest exact form; NaN, Infinity). Lines end in \n.
 */
export function metricsCsv(snapshot: MetricsSnapshot): string {
  const { series, clock } = snapshot;
  const columns = series.map((s) => {
    const byUpdate = new Map<number, number>();
    for (let i = 0; i < s.xs.length; i++) byUpdate.set(s.xs[i], s.ys[i]);
    return byUpdate;
  });
  const updates = [...new Set(columns.flatMap((c) => [...c.keys()]))].sort((a, b) => a - b);
  const lines = [['update', 'wall_ms', ...series.map((s) => s.name)].map(csvCell).join(',')];
  for (const u of updates) {
    const wall = wallAt(clock.updates, clock.wallMs, u);
    const cells = columns.map((c) => (c.has(u) ? String(c.get(u)) : ''));
    lines.push([String(u), wall === null ? '' : String(wall), ...cells].join(','));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: plain JSON in, typed values out, every message naming the run and the field.

type Json = unknown;

class Check {
  constructor(private readonly where: string) {}

  fail(message: string): never {
    throw new BundleError(`${this.where}: ${message}`);
  }

  object(v: Json, path: string): Record<string, Json> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${path} must be an object, got ${show(v)}`);
    return v as Record<string, Json>;
  }

  array(v: Json, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(`${path} must be a list, got ${show(v)}`);
    return v;
  }

  string(v: Json, path: string): string {
    if (typeof v !== 'string') this.fail(`${path} must be a string, got ${show(v)}`);
    return v;
  }

  number(v: Json, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${path} must be a finite number, got ${show(v)}`);
    return v;
  }

  count(v: Json, path: string): number {
    const n = this.number(v, path);
    if (!Number.isInteger(n) || n < 0) this.fail(`${path} must be a whole number >= 0, got ${n}`);
    return n;
  }

  boolean(v: Json, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(`${path} must be true or false, got ${show(v)}`);
    return v;
  }

  stringOrNull(v: Json, path: string): string | null {
    return v === null ? null : this.string(v, path);
  }

  hyperValue(v: Json, path: string): HyperValue {
    if (typeof v === 'boolean' || typeof v === 'string') return v;
    return this.number(v, path);
  }
}

function show(v: Json): string {
  if (v === undefined) return 'nothing (missing)';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/** How a run is named in messages: its name and id, or its place in the bundle when those are unreadable. */
function runLabel(raw: Json, index: number): string {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, Json>).record : undefined;
  const r = typeof record === 'object' && record !== null ? (record as Record<string, Json>) : {};
  const name = typeof r.name === 'string' ? `'${r.name}'` : null;
  const id = typeof r.id === 'string' ? `id ${r.id}` : null;
  return `run ${index + 1}${name ? ` ${name}` : ''}${id ? ` (${id})` : ''}`;
}

function checkConfig(c: Check, raw: Json): RunConfig {
  const o = c.object(raw, 'record.config');
  const hyper = c.object(o.hyperparameters, 'record.config.hyperparameters');
  const hyperparameters: HyperValues = {};
  for (const [key, value] of Object.entries(hyper)) hyperparameters[key] = c.hyperValue(value, `hyperparameter ${key}`);
  const backend = c.string(o.backend, 'record.config.backend');
  if (!(BACKEND_REQUESTS as readonly string[]).includes(backend)) c.fail(`record.config.backend must be one of ${BACKEND_REQUESTS.join(', ')}, got "${backend}"`);
  const config: RunConfig = {
    algorithmId: c.string(o.algorithmId, 'record.config.algorithmId'),
    envId: c.stringOrNull(o.envId, 'record.config.envId'),
    datasetId: c.string(o.datasetId, 'record.config.datasetId'),
    datasetName: c.string(o.datasetName, 'record.config.datasetName'),
    hyperparameters,
    backend: backend as BackendRequest,
  };
  if (o.fork !== undefined) {
    const f = c.object(o.fork, 'record.config.fork');
    config.fork = { runId: c.string(f.runId, 'record.config.fork.runId'), update: c.number(f.update, 'record.config.fork.update') };
  }
  return config;
}

function checkMembership(c: Check, raw: Json): RunMembership {
  const o = c.object(raw, 'record.membership');
  const m: RunMembership = { groupId: c.string(o.groupId, 'record.membership.groupId') };
  if (o.sweepId !== undefined) m.sweepId = c.string(o.sweepId, 'record.membership.sweepId');
  if (o.sweepPoint !== undefined) m.sweepPoint = c.number(o.sweepPoint, 'record.membership.sweepPoint');
  if (o.pbtId !== undefined) m.pbtId = c.string(o.pbtId, 'record.membership.pbtId');
  if (o.pbtMember !== undefined) m.pbtMember = c.number(o.pbtMember, 'record.membership.pbtMember');
  return m;
}

function checkEvent(c: Check, raw: Json, i: number): HyperparameterEvent {
  const p = `record.events[${i}]`;
  const o = c.object(raw, p);
  const e: HyperparameterEvent = {
    update: c.number(o.update, `${p}.update`),
    key: c.string(o.key, `${p}.key`),
    label: c.string(o.label, `${p}.label`),
    from: c.hyperValue(o.from, `${p}.from`),
    to: c.hyperValue(o.to, `${p}.to`),
  };
  if (o.source !== undefined) e.source = c.string(o.source, `${p}.source`);
  return e;
}

function checkEvaluation(c: Check, raw: Json, i: number): EvaluationPoint {
  const p = `record.evaluations[${i}]`;
  const o = c.object(raw, p);
  return {
    update: c.number(o.update, `${p}.update`),
    wallMs: c.number(o.wallMs, `${p}.wallMs`),
    meanReturn: c.number(o.meanReturn, `${p}.meanReturn`),
    stdReturn: c.number(o.stdReturn, `${p}.stdReturn`),
    normalizedScore: o.normalizedScore === null ? null : c.number(o.normalizedScore, `${p}.normalizedScore`),
  };
}

function checkRecord(c: Check, raw: Json): RunRecord {
  const o = c.object(raw, 'record');
  const status = c.string(o.status, 'record.status');
  if (!(PHASES as readonly string[]).includes(status)) c.fail(`record.status must be one of ${PHASES.join(', ')}, got "${status}"`);
  return {
    id: c.string(o.id, 'record.id'),
    name: c.string(o.name, 'record.name'),
    color: c.string(o.color, 'record.color'),
    createdAt: c.number(o.createdAt, 'record.createdAt'),
    config: checkConfig(c, o.config),
    membership: checkMembership(c, o.membership),
    status: status as RunPhase,
    error: c.stringOrNull(o.error, 'record.error'),
    notice: c.stringOrNull(o.notice, 'record.notice'),
    update: c.number(o.update, 'record.update'),
    updatesPerSecond: c.number(o.updatesPerSecond, 'record.updatesPerSecond'),
    wallMs: c.number(o.wallMs, 'record.wallMs'),
    hidden: c.boolean(o.hidden, 'record.hidden'),
    events: c.array(o.events, 'record.events').map((e, i) => checkEvent(c, e, i)),
    evaluations: c.array(o.evaluations, 'record.evaluations').map((e, i) => checkEvaluation(c, e, i)),
  };
}

/** The first non-finite value of an array that must hold finite numbers (updates, clock), named. */
function checkFiniteArray(c: Check, values: Float64Array, what: string): void {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) c.fail(`${what}[${i}] is ${values[i]}; it must be a finite number`);
}

function checkSnapshot(c: Check, m: MetricsSnapshot): void {
  const seen = new Set<string>();
  for (const s of m.series) {
    if (seen.has(s.name)) c.fail(`two series are named '${s.name}'`);
    seen.add(s.name);
    if (s.xs.length !== s.ys.length) c.fail(`series '${s.name}' has ${s.xs.length} updates but ${s.ys.length} values`);
    checkFiniteArray(c, s.xs, `series '${s.name}' update`);
  }
  if (m.clock.updates.length !== m.clock.wallMs.length) c.fail(`the clock has ${m.clock.updates.length} updates but ${m.clock.wallMs.length} wall times`);
  checkFiniteArray(c, m.clock.updates, 'clock update');
  checkFiniteArray(c, m.clock.wallMs, 'clock wall time');
}

// ---------------------------------------------------------------------------------------------------------------
// Export

interface SeriesEntry {
  name: string;
  updates: number;
  values: number;
}

interface MetricsEntry {
  csv: string;
  values: string;
  series: SeriesEntry[];
  clock: { updates: number; wallMs: number };
}

/** A file name from a run name: letters, digits, '-', '_' and '.', at most 80 characters. */
function fileStem(name: string, fallback: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 80);
  return stem || fallback;
}

function float64Bytes(arrays: readonly Float64Array[]): Uint8Array {
  const total = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Uint8Array(total * 8);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++, at += 8) view.setFloat64(at, a[i], true);
  }
  return out;
}

/**
 * The bundle as zip bytes (deflated). Refuses, naming the run, what importBundle would refuse (a NaN where a number
 * must be, series whose updates and values differ in length), so every bundle written can be read back.
 */
export function exportBundle(bundle: RunBundle): Uint8Array {
  if (bundle.version !== 1) throw new BundleError(`cannot write bundle version ${String(bundle.version)}; this lab writes version 1`);
  const members: { name: string; data: Uint8Array }[] = [];
  const stems = new Set<string>();
  const runs = bundle.runs.map((run, k) => {
    const c: Check = new Check(runLabel(run, k));
    // JSON would write a NaN as null: check the record as importBundle will, so the NaN is named here, not lost.
    checkRecord(c, run.record);
    checkSnapshot(c, run.metrics);
    const base = fileStem(run.record.name, fileStem(run.record.id, `run-${k + 1}`));
    let stem = base;
    for (let n = 2; stems.has(stem.toLowerCase()); n++) stem = `${base}-${n}`;
    stems.add(stem.toLowerCase());
    const metrics: MetricsEntry = {
      csv: `metrics/${stem}.csv`,
      values: `series/${k}.f64`,
      series: run.metrics.series.map((s) => ({ name: s.name, updates: s.xs.length, values: s.ys.length })),
      clock: { updates: run.metrics.clock.updates.length, wallMs: run.metrics.clock.wallMs.length },
    };
    members.push({ name: metrics.csv, data: new TextEncoder().encode(metricsCsv(run.metrics)) });
    const arrays = run.metrics.series.flatMap((s) => [s.xs, s.ys]);
    members.push({ name: metrics.values, data: float64Bytes([...arrays, run.metrics.clock.updates, run.metrics.clock.wallMs]) });
    return { record: run.record, metrics };
  });
  const json = { format: FORMAT, version: 1, exportedAt: bundle.exportedAt, runs };
  members.unshift({ name: 'bundle.json', data: new TextEncoder().encode(JSON.stringify(json, null, 1)) });
  return writeZipSync(members, true);
}

// ---------------------------------------------------------------------------------------------------------------
// Import

function readMetrics(c: Check, raw: Json, files: Map<string, Uint8Array>): MetricsSnapshot {
  const o = c.object(raw, 'metrics');
  const path = c.string(o.values, 'metrics.values');
  const seriesEntries = c.array(o.series, 'metrics.series').map((s, i) => {
    const e = c.object(s, `metrics.series[${i}]`);
    const name = c.string(e.name, `metrics.series[${i}].name`);
    const updates = c.count(e.updates, `series '${name}' updates`);
    const values = c.count(e.values, `series '${name}' values`);
    if (updates !== values) c.fail(`series '${name}' has ${updates} updates but ${values} values`);
    return { name, length: updates };
  });
  const clock = c.object(o.clock, 'metrics.clock');
  const clockUpdates = c.count(clock.updates, 'metrics.clock.updates');
  const clockWall = c.count(clock.wallMs, 'metrics.clock.wallMs');
  if (clockUpdates !== clockWall) c.fail(`the clock has ${clockUpdates} updates but ${clockWall} wall times`);
  const bytes = files.get(path);
  if (!bytes) c.fail(`its series file ${path} is missing from the bundle`);
  const need = 2 * seriesEntries.reduce((s, e) => s + e.length, 0) + 2 * clockUpdates;
  if (bytes.length !== need * 8) c.fail(`${path} holds ${bytes.length} bytes; the series lengths in bundle.json need ${need} float64 values (${need * 8} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const take = (n: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++, at += 8) out[i] = view.getFloat64(at, true);
    return out;
  };
  const snapshot: MetricsSnapshot = {
    series: seriesEntries.map((e) => ({ name: e.name, xs: take(e.length), ys: take(e.length) })),
    clock: { updates: take(clockUpdates), wallMs: take(clockUpdates) },
  };
  checkSnapshot(c, snapshot);
  return snapshot;
}

/** The new-id map for one kind of id: the same old id gets the same new one. */
function renamer(newId: () => string): (old: string) => string {
  const map = new Map<string, string>();
  return (old) => {
    let id = map.get(old);
    if (id === undefined) map.set(old, (id = newId()));
    return id;
  };
}

/**
 * Reads a bundle written by exportBundle. Everything is checked first (a broken zip, a missing bundle.json, a
 * wrong format or version, a record missing a field or holding a NaN, series lengths that disagree): the error
 * names the problem and the run, and nothing is returned. The runs come back with new ids (see ImportedBundle).
 */
export function importBundle(bytes: Uint8Array, opts: ImportOptions = {}): ImportedBundle {
  let files: Map<string, Uint8Array>;
  try {
    files = readZip(bytes, 'a run bundle (zip file)');
  } catch (e) {
    throw new BundleError(`broken run bundle: ${e instanceof Error ? e.message : String(e)}`);
  }
  const top: Check = new Check('bundle.json');
  const jsonBytes = files.get('bundle.json');
  if (!jsonBytes) top.fail(`missing: the zip holds no bundle.json (found: ${[...files.keys()].join(', ') || 'nothing'})`);
  let json: Json;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes)) as Json;
  } catch (e) {
    return top.fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const root = top.object(json, 'the top level');
  if (root.format !== FORMAT) top.fail(`format must be "${FORMAT}", got ${show(root.format)}`);
  if (root.version !== 1) top.fail(`unsupported bundle version ${show(root.version)}; this lab reads version 1`);
  const exportedAt = top.string(root.exportedAt, 'exportedAt');
  const rawRuns = top.array(root.runs, 'runs');

  const runs: BundleRun[] = rawRuns.map((raw, k) => {
    const c: Check = new Check(runLabel(raw, k));
    const o = c.object(raw, 'the entry');
    return { record: checkRecord(c, o.record), metrics: readMetrics(c, o.metrics, files) };
  });
  const seen = new Set<string>();
  runs.forEach((r, k) => {
    if (seen.has(r.record.id)) new Check(runLabel(rawRuns[k], k)).fail(`its id ${r.record.id} appears twice in the bundle`);
    seen.add(r.record.id);
  });

  // New ids: runs, then the experiment ids they share.
  const newId = opts.newId ?? (() => crypto.randomUUID());
  const ids: Record<string, string> = {};
  for (const r of runs) ids[r.record.id] = newId();
  const group = renamer(newId);
  const sweep = renamer(newId);
  const pbt = renamer(newId);
  for (const r of runs) {
    const rec = r.record;
    rec.id = ids[rec.id];
    if (rec.config.fork && ids[rec.config.fork.runId] !== undefined) rec.config.fork.runId = ids[rec.config.fork.runId];
    rec.membership.groupId = group(rec.membership.groupId);
    if (rec.membership.sweepId !== undefined) rec.membership.sweepId = sweep(rec.membership.sweepId);
    if (rec.membership.pbtId !== undefined) rec.membership.pbtId = pbt(rec.membership.pbtId);
    if (LIVE.includes(rec.status)) rec.status = 'stopped';
  }
  return { version: 1, exportedAt, runs, ids };
}
