import { describe, expect, it } from 'vitest';
import { episodeStarts } from '../../src/core/data/episodes';
import { exportCsv, parseCsv, shortFloat32 } from '../../src/core/data/formats/csv';
import { exportJson, parseJson } from '../../src/core/data/formats/json';
import { expected, expectFormatError, expectSameData, fixture, list, makeDataset } from './formats.helpers';

const table = expected.table;

describe('CSV and JSON import', () => {
  for (const file of ['dataset.csv', 'dataset_records.json', 'dataset_columns.json']) {
    it(`${file}: the numbers, and episodes split by the episode column`, () => {
      const d = file.endsWith('.csv') ? parseCsv(fixture(file)) : parseJson(fixture(file));
      expect([d.size, d.observationDim, d.actionDim, d.discreteActions, d.episodes]).toEqual([12, 3, 2, null, 3]);
      expect(Array.from(d.observations)).toEqual(list(table.observations));
      expect(Array.from(d.actions)).toEqual(list(table.actions));
      expect(Array.from(d.rewards)).toEqual(list(table.rewards));
      expect(Array.from(d.terminals)).toEqual(list(table.terminals));
      // Episode 1 ends at row 8 with no flag: the change of episode makes it a time-out, as the end of the data does.
      expect(Array.from(d.timeouts)).toEqual(list(table.timeouts));
      expect(Array.from(episodeStarts(d))).toEqual([0, 4, 9, 12]);
      expect(Array.from(d.nextValid).flatMap((v, i) => (v ? [] : [i]))).toEqual([8, 11]);
    });
  }

  it('accepts the documented header forms, tabs, quotes, comments and true/false flags', () => {
    const text = ['# made by hand', '"state[0]"\tstate[1]\tact\tr\tdone\ttruncated\tep\tcomment', '0.5\t1\t2\t1\tfalse\tFALSE\t7\t9', '0.25\t2\t0\t1\ttrue\tfalse\t7\t9', '', '1\t3\t1\t0\t0\t0\t8\t9'].join('\r\n');
    const d = parseCsv(text);
    expect([d.observationDim, d.actionDim, d.discreteActions]).toEqual([2, 1, 3]);
    expect(Array.from(d.observations)).toEqual([0.5, 1, 0.25, 2, 1, 3]);
    expect(Array.from(d.actions)).toEqual([2, 0, 1]);
    expect(Array.from(d.terminals)).toEqual([0, 1, 0]);
    expect(d.metadata).toEqual({ ignored_columns: 'comment' });
  });

  it('reads a single action column of non-integers, and action_0, as continuous', () => {
    expect(parseCsv('obs_0,action,reward\n1,0.5,1\n2,1,0\n').discreteActions).toBeNull();
    expect(parseCsv('obs_0,action_0,reward\n1,1,1\n2,0,0\n').discreteActions).toBeNull();
    expect(parseCsv('obs_0,action,reward\n1,1,1\n2,0,0\n').discreteActions).toBe(2);
  });

  it('reads explicit next observations as valid successors', () => {
    const d = parseCsv('obs_0,next_obs_0,action,reward,terminal\n1,2,0,0,0\n5,6,1,1,1\n');
    expect(Array.from(d.nextObservations)).toEqual([2, 6]);
    expect(Array.from(d.nextValid)).toEqual([1, 1]);
  });
});

describe('CSV and JSON bad input', () => {
  it('names a NaN with its row and line', async () => {
    await expectFormatError(() => parseCsv(fixture('bad_nan.csv')), 'reward row 3 is NaN (line 5)');
  });
  it('names a short row', async () => {
    await expectFormatError(() => parseCsv(fixture('bad_ragged.csv')), 'line 3 (row 1) has 4 values but the header has 5 columns');
  });
  it('names a missing column and lists the header', async () => {
    await expectFormatError(() => parseCsv(fixture('bad_no_reward.csv')), 'missing reward column', "found: 'obs_0', 'obs_1', 'action', 'terminal'");
  });
  it('names text that is not a number, an empty cell, gaps in numbered columns and duplicates', async () => {
    await expectFormatError(() => parseCsv('obs_0,action,reward\n1,0,abc\n'), "reward row 0 is 'abc', not a number (line 2)");
    await expectFormatError(() => parseCsv('obs_0,action,reward\n1,,1\n'), 'action row 0 is empty (line 2)');
    await expectFormatError(() => parseCsv('obs_0,obs_2,action,reward\n1,1,0,1\n'), 'observation columns must be numbered 0..1: found obs_0, obs_2');
    await expectFormatError(() => parseCsv('obs,reward,rewards,action\n1,1,1,0\n'), "two rewards columns: 'reward' and 'rewards'");
  });
  it('names a value beyond the float32 range', async () => {
    await expectFormatError(() => parseJson('{"observations": [[1e39, 0]], "actions": [0], "rewards": [1]}'), 'observations_0..observations_1 row 0, column 0 is 1e+39, beyond the float32 range');
  });
  it('names JSON problems: syntax, rows of different lengths, missing keys, non-numbers', async () => {
    await expectFormatError(() => parseJson('[{"obs": [1]'), 'not valid JSON');
    await expectFormatError(() => parseJson('{"observations": [[1], [2]], "actions": [0], "rewards": [1, 1]}'), 'actions has 1 rows but observations has 2');
    await expectFormatError(() => parseJson('[{"obs": [1], "action": 0, "reward": 1}, {"obs": [2], "action": 1}]'), "row 1 has no 'reward' (row 0 has it)");
    await expectFormatError(() => parseJson('[{"obs": [1], "action": 0, "reward": "x"}]'), 'reward row 0 is "x", expected a number');
    await expectFormatError(() => parseJson('[{"obs": [1, 2], "action": 0, "reward": 1}, {"obs": [2], "action": 0, "reward": 1}]'), 'obs row 1 has 1 values but row 0 has 2');
    await expectFormatError(() => parseJson('[{"obs": [1], "action": 0, "reward": "nan"}]'), 'reward row 0 is NaN');
  });
});

describe('CSV and JSON export', () => {
  it('round-trips exactly through CSV (continuous and discrete)', () => {
    const d = makeDataset({ n: 80, obsDim: 3, actDim: 2, seed: 21 });
    expectSameData(parseCsv(exportCsv(d)), d);
    const discrete = makeDataset({ n: 50, obsDim: 2, actDim: 1, discrete: 4, seed: 22 });
    expectSameData(parseCsv(exportCsv(discrete)), discrete);
  });

  it('round-trips exactly through JSON', () => {
    const d = makeDataset({ n: 80, obsDim: 3, actDim: 1, seed: 23 });
    expectSameData(parseJson(exportJson(d)), d);
    const discrete = makeDataset({ n: 40, obsDim: 2, actDim: 1, discrete: 2, seed: 24 });
    expectSameData(parseJson(exportJson(discrete)), discrete);
  });

  it('prints float32 values in their shortest exact form', () => {
    expect(shortFloat32(Math.fround(0.1))).toBe('0.1');
    expect(shortFloat32(Math.fround(1 / 3))).toBe('0.33333334');
    expect(shortFloat32(-2)).toBe('-2');
  });
});
