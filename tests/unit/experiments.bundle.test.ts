import { describe, expect, it } from 'vitest';
import { readZip, readZipEntries, writeZipSync } from '../../src/core/data/formats/zip';
import { BundleError, exportBundle, importBundle, metricsCsv, type RunBundle } from '../../src/core/experiments/bundle';
import type { MetricsSnapshot, RunRecord } from '../../src/core/experiments/types';

const f64 = (values: number[]): Float64Array => Float64Array.from(values);
const bits = (a: Float64Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

function record(over: Partial<RunRecord> & { id: string; name: string }): RunRecord {
  return {
    color: '#1f77b4',
    createdAt: 1_764_000_000_123,
    config: {
      algorithmId: 'iql',
      envId: 'Pendulum-v1',
      datasetId: 'local-ds-1',
      datasetName: 'pendulum-medium',
      hyperparameters: { seed: 3, lr: 3e-4, actorCosine: true, hidden: '256,256', maxUpdates: 20_000 },
      backend: 'auto',
    },
    membership: { groupId: 'group-1', sweepId: 'sweep-1', sweepPoint: 0 },
    status: 'finished',
    error: null,
    notice: null,
    update: 20_000,
    updatesPerSecond: 812.5,
    wallMs: 24_615.384615384617,
    hidden: false,
    events: [{ update: 5000, key: 'lr', label: 'learning rate', from: 3e-4, to: 1e-4 }],
    evaluations: [
      { update: 250, wallMs: 301.7, meanReturn: -1180.25, stdReturn: 40.125, normalizedScore: 2.466 },
      { update: 500, wallMs: 612.3, meanReturn: -640, stdReturn: 0, normalizedScore: null },
    ],
    ...over,
  };
}

/** Values a text format would bend: -0, the smallest denormal, 0.1 + 0.2, the largest double, NaN, infinities. */
const awkward = [-0, 5e-324, 0.1 + 0.2, 1.7976931348623157e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1 / 3];

function twoRuns(): RunBundle {
  const a: MetricsSnapshot = {
    series: [
      { name: 'q_loss', xs: f64([1, 2, 3, 4, 5, 6, 7, 8]), ys: f64(awkward) },
      { name: 'actor, "loss"', xs: f64([2, 4]), ys: f64([0.5, -2.25]) },
    ],
    clock: { updates: f64([4, 8]), wallMs: f64([10.5, 21.000000000000004]) },
  };
  const b: MetricsSnapshot = { series: [{ name: 'v_loss', xs: f64([]), ys: f64([]) }], clock: { updates: f64([]), wallMs: f64([]) } };
  return {
    version: 1,
    exportedAt: '2026-11-27T10:00:00.000Z',
    runs: [
      { record: record({ id: 'run-a', name: 'IQL seed 3' }), metrics: a },
      {
        record: record({
          id: 'run-b',
          name: 'IQL seed 3', // the same name: the CSV files must still differ
          status: 'running',
          config: { ...record({ id: 'x', name: 'x' }).config, fork: { runId: 'run-a', update: 5000 } },
          membership: { groupId: 'group-1', pbtId: 'pbt-9', pbtMember: 1 },
          events: [{ update: 7, key: 'beta', label: 'beta', from: 3, to: 10, source: 'PBT: copied member 0' }],
          evaluations: [],
          notice: 'forked',
        }),
        metrics: b,
      },
    ],
  };
}

function counter(): () => string {
  let n = 0;
  return () => `new-${++n}`;
}

/** The bundle's files, changed by `edit`, zipped again (stored, so a test can also flip bytes). */
function rewrite(bytes: Uint8Array, edit: (files: Map<string, Uint8Array>) => void): Uint8Array {
  const files = new Map([...readZip(bytes)].map(([k, v]) => [k, v.slice()]));
  edit(files);
  return writeZipSync([...files].map(([name, data]) => ({ name, data })), false);
}

type JsonObject = Record<string, unknown>;
function editJson(bytes: Uint8Array, edit: (json: JsonObject & { runs: { record: JsonObject; metrics: JsonObject }[] }) => void): Uint8Array {
  return rewrite(bytes, (files) => {
    const json = JSON.parse(new TextDecoder().decode(files.get('bundle.json'))) as JsonObject & { runs: { record: JsonObject; metrics: JsonObject }[] };
    edit(json);
    files.set('bundle.json', new TextEncoder().encode(JSON.stringify(json)));
  });
}

function expectBundleError(run: () => unknown, message: string): void {
  let error: unknown = null;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a BundleError: ${message}`).toBeInstanceOf(BundleError);
  expect((error as Error).message).toBe(message);
}

describe('run bundles', () => {
  it('round-trips two runs exactly, to the bit, with new ids', () => {
    const original = twoRuns();
    const bytes = exportBundle(original);
    const back = importBundle(bytes, { newId: counter() });

    expect(back.version).toBe(1);
    expect(back.exportedAt).toBe(original.exportedAt);
    expect(back.ids).toEqual({ 'run-a': 'new-1', 'run-b': 'new-2' });
    expect(back.runs).toHaveLength(2);
    for (let k = 0; k < 2; k++) {
      const want = original.runs[k].metrics;
      const got = back.runs[k].metrics;
      expect(got.series.map((s) => s.name)).toEqual(want.series.map((s) => s.name));
      got.series.forEach((s, i) => {
        expect(bits(s.xs), `${s.name} xs`).toEqual(bits(want.series[i].xs));
        expect(bits(s.ys), `${s.name} ys`).toEqual(bits(want.series[i].ys));
      });
      expect(bits(got.clock.updates)).toEqual(bits(want.clock.updates));
      expect(bits(got.clock.wallMs)).toEqual(bits(want.clock.wallMs));
    }
    expect(Object.is(back.runs[0].metrics.series[0].ys[0], -0)).toBe(true);

    // Records come back whole; only ids change (runs, and the group, sweep and PBT ids they share), a fork follows
    // its parent, and a run exported while running comes back stopped.
    const [a, b] = back.runs.map((r) => r.record);
    expect(a).toEqual({ ...original.runs[0].record, id: 'new-1', membership: { groupId: 'new-3', sweepId: 'new-4', sweepPoint: 0 } });
    expect(b).toEqual({
      ...original.runs[1].record,
      id: 'new-2',
      status: 'stopped',
      config: { ...original.runs[1].record.config, fork: { runId: 'new-1', update: 5000 } },
      membership: { groupId: 'new-3', pbtId: 'new-5', pbtMember: 1 },
    });
  });

  it('gives new ids by default, and never the old ones', () => {
    const back = importBundle(exportBundle(twoRuns()));
    const ids = back.runs.map((r) => r.record.id);
    expect(new Set(ids).size).toBe(2);
    expect(ids).not.toContain('run-a');
    expect(back.ids['run-a']).toBe(ids[0]);
  });

  it('lays the zip out as bundle.json, one CSV per run and one float64 file per run', () => {
    const bundle = twoRuns();
    const files = readZip(exportBundle(bundle));
    expect([...files.keys()].sort()).toEqual(['bundle.json', 'metrics/IQL-seed-3-2.csv', 'metrics/IQL-seed-3.csv', 'series/0.f64', 'series/1.f64']);
    expect(new TextDecoder().decode(files.get('metrics/IQL-seed-3.csv'))).toBe(metricsCsv(bundle.runs[0].metrics));
    expect(files.get('series/0.f64')?.length).toBe(8 * (2 * 8 + 2 * 2 + 2 * 2));
    const json = JSON.parse(new TextDecoder().decode(files.get('bundle.json'))) as { format: string; runs: { metrics: unknown }[] };
    expect(json.format).toBe('rl-lab-run-bundle');
    expect(json.runs[0].metrics).toEqual({
      csv: 'metrics/IQL-seed-3.csv',
      values: 'series/0.f64',
      series: [
        { name: 'q_loss', updates: 8, values: 8 },
        { name: 'actor, "loss"', updates: 2, values: 2 },
      ],
      clock: { updates: 2, wallMs: 2 },
    });
  });

  it('writes the metrics CSV by hand', () => {
    const snapshot: MetricsSnapshot = {
      series: [
        { name: 'loss', xs: f64([1, 2, 3]), ys: f64([0.5, 0.25, Number.NaN]) },
        { name: 'q, "value"', xs: f64([2, 4]), ys: f64([1, -3e-7]) },
        { name: 'two\nlines', xs: f64([4]), ys: f64([7]) },
      ],
      clock: { updates: f64([2, 4]), wallMs: f64([100, 300]) },
    };
    expect(metricsCsv(snapshot)).toBe(
      ['update,wall_ms,loss,"q, ""value""","two\nlines"', '1,50,0.5,,', '2,100,0.25,1,', '3,200,NaN,,', '4,300,,-3e-7,7', ''].join('\n'),
    );
    // No clock: the wall time stays empty. No series: the header alone.
    expect(metricsCsv({ series: [{ name: 'x', xs: f64([5]), ys: f64([1]) }], clock: { updates: f64([]), wallMs: f64([]) } })).toBe('update,wall_ms,x\n5,,1\n');
    expect(metricsCsv({ series: [], clock: { updates: f64([1]), wallMs: f64([1]) } })).toBe('update,wall_ms\n');
  });

  it('refuses to write what it could not read back', () => {
    const nan = twoRuns();
    nan.runs[1].record.updatesPerSecond = Number.NaN;
    expectBundleError(() => exportBundle(nan), "run 2 'IQL seed 3' (id run-b): record.updatesPerSecond must be a finite number, got NaN");
    const uneven = twoRuns();
    uneven.runs[0].metrics.series[1].ys = f64([1]);
    expectBundleError(() => exportBundle(uneven), "run 1 'IQL seed 3' (id run-a): series 'actor, \"loss\"' has 2 updates but 1 values");
  });

  describe('import names what is wrong, and the run', () => {
    const good = exportBundle(twoRuns());
    const run1 = "run 1 'IQL seed 3' (id run-a)";
    const run2 = "run 2 'IQL seed 3' (id run-b)";

    it('a file that is not a zip, a truncated zip, a corrupt member', () => {
      expectBundleError(() => importBundle(new TextEncoder().encode('{"runs": []}')), 'broken run bundle: not a run bundle (zip file) (signature 7b 22 72 75, expected 50 4b 03 04)');
      expectBundleError(() => importBundle(good.subarray(0, good.length - 10)), 'broken run bundle: truncated file: the zip directory at the end of the file is missing');
      const stored = rewrite(good, () => {});
      const entry = readZipEntries(stored)[0];
      expect(entry.name).toBe('bundle.json');
      const corrupt = stored.slice();
      corrupt[entry.dataOffset] ^= 0x01; // '{' -> 'z', stored: only the CRC can tell

      expectBundleError(() => importBundle(corrupt), 'broken run bundle: member bundle.json is corrupt (CRC-32 mismatch)');
    });

    it('a missing bundle.json, bad JSON, a wrong format or version', () => {
      expectBundleError(() => importBundle(rewrite(good, (f) => f.delete('bundle.json'))), 'bundle.json: missing: the zip holds no bundle.json (found: metrics/IQL-seed-3.csv, series/0.f64, metrics/IQL-seed-3-2.csv, series/1.f64)');
      expect(() => importBundle(rewrite(good, (f) => f.set('bundle.json', new TextEncoder().encode('{"runs": ['))))).toThrow(/^bundle\.json: not valid JSON \(/);
      expectBundleError(() => importBundle(editJson(good, (j) => (j.version = 2))), 'bundle.json: unsupported bundle version 2; this lab reads version 1');
      expectBundleError(() => importBundle(editJson(good, (j) => (j.format = 'something-else'))), 'bundle.json: format must be "rl-lab-run-bundle", got "something-else"');
      expectBundleError(() => importBundle(editJson(good, (j) => delete j.exportedAt)), 'bundle.json: exportedAt must be a string, got nothing (missing)');
    });

    it('a record missing a field, or of the wrong type', () => {
      expectBundleError(() => importBundle(editJson(good, (j) => delete j.runs[1].record.color)), `${run2}: record.color must be a string, got nothing (missing)`);
      expectBundleError(() => importBundle(editJson(good, (j) => delete (j.runs[0].record.config as JsonObject).datasetName)), `${run1}: record.config.datasetName must be a string, got nothing (missing)`);
      expectBundleError(() => importBundle(editJson(good, (j) => (j.runs[0].record.status = 'done'))), `${run1}: record.status must be one of queued, starting, running, paused, finished, stopped, failed, got "done"`);
      expectBundleError(() => importBundle(editJson(good, (j) => (j.runs[0].record.hidden = 'no'))), `${run1}: record.hidden must be true or false, got "no"`);
      expectBundleError(() => importBundle(editJson(good, (j) => ((j.runs[0].record.events as JsonObject[])[0].to = null))), `${run1}: record.events[0].to must be a finite number, got null`);
      expectBundleError(() => importBundle(editJson(good, (j) => delete j.runs[0].record.name)), "run 1 (id run-a): record.name must be a string, got nothing (missing)");
    });

    it('NaN where a number must be: in a record, and in the updates or the clock', () => {
      // JSON has no NaN: an exporter that wrote one anyway leaves null or a string.
      expectBundleError(() => importBundle(editJson(good, (j) => (j.runs[0].record.update = null))), `${run1}: record.update must be a finite number, got null`);
      expectBundleError(() => importBundle(editJson(good, (j) => ((j.runs[1].record.config as { hyperparameters: JsonObject }).hyperparameters.lr = null))), `${run2}: hyperparameter lr must be a finite number, got null`);
      expectBundleError(
        () => importBundle(editJson(good, (j) => ((j.runs[0].record.evaluations as JsonObject[])[1].meanReturn = 'NaN'))),
        `${run1}: record.evaluations[1].meanReturn must be a finite number, got "NaN"`,
      );
      const at = (k: number) => k * 8;
      const nanIn = (index: number) =>
        rewrite(good, (f) => {
          const bin = f.get('series/0.f64');
          if (!bin) throw new Error('no series/0.f64');
          new DataView(bin.buffer, bin.byteOffset).setFloat64(at(index), Number.NaN, true);
        });
      expectBundleError(() => importBundle(nanIn(1)), `${run1}: series 'q_loss' update[1] is NaN; it must be a finite number`);
      expectBundleError(() => importBundle(nanIn(2 * 8 + 2 * 2 + 1)), `${run1}: clock update[1] is NaN; it must be a finite number`);
      expectBundleError(() => importBundle(nanIn(2 * 8 + 2 * 2 + 2)), `${run1}: clock wall time[0] is NaN; it must be a finite number`);
      // A NaN among the values is data (a diverged loss) and comes back as it was.
      expect(Number.isNaN(importBundle(good).runs[0].metrics.series[0].ys[4])).toBe(true);
    });

    it('series lengths that disagree, a missing or short series file, a repeated id', () => {
      const series = (j: { runs: { metrics: JsonObject }[] }) => j.runs[0].metrics.series as JsonObject[];
      expectBundleError(() => importBundle(editJson(good, (j) => (series(j)[0].values = 7))), `${run1}: series 'q_loss' has 8 updates but 7 values`);
      expectBundleError(() => importBundle(editJson(good, (j) => ((j.runs[0].metrics.clock as JsonObject).wallMs = 3))), `${run1}: the clock has 2 updates but 3 wall times`);
      expectBundleError(
        () => importBundle(editJson(good, (j) => ((series(j)[0].updates = 9), (series(j)[0].values = 9)))),
        `${run1}: series/0.f64 holds 192 bytes; the series lengths in bundle.json need 26 float64 values (208 bytes)`,
      );
      expectBundleError(() => importBundle(rewrite(good, (f) => f.delete('series/1.f64'))), `${run2}: its series file series/1.f64 is missing from the bundle`);
      expectBundleError(() => importBundle(editJson(good, (j) => (series(j)[0].updates = -1))), `${run1}: series 'q_loss' updates must be a whole number >= 0, got -1`);
      expectBundleError(() => importBundle(editJson(good, (j) => (j.runs[1].record.id = 'run-a'))), "run 2 'IQL seed 3' (id run-a): its id run-a appears twice in the bundle");
    });
  });
});
