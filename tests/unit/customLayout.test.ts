import { beforeAll, describe, expect, it } from 'vitest';
import { datasetEnvSpec, envSpecOf } from '../../src/core/data/datasetEnv';
import { exportD4rl, parseD4rl } from '../../src/core/data/formats/d4rl';
import { generateDataset } from '../../src/core/data/generate';
import { importDatasetFile, reattachEnvironment } from '../../src/core/data/importFile';
import { inspectDataset } from '../../src/core/data/inspectDataset';
import { EDIT_KINDS, gridProblems, nextKind, resizeLayout, setCell, toggleCellReward } from '../../src/core/envs/gridEdit';
import { formatLayout, parseLayout, TEACHING_GRID, type GridLayout } from '../../src/core/envs/gridLayout';
import { isGridWorldSpec } from '../../src/core/envs/gridWorld';
import { evaluatePolicy, measureReferenceScores } from '../../src/core/policies/evaluate';
import { evaluateAgent } from '../../src/core/run/evaluate';
import { Trainer } from '../../src/core/run/trainer';
import { expectFormatError, readWithPython } from './formats.helpers';
import { useBackend } from './helpers/tfNode';

/**
 * The registered GridWorld's expert (slip 0.2) takes the safe detour along the top row. On this map the top row
 * is holes and nothing slips, so the best path is straight along the middle: 6 steps at -0.04 and the goal's +1.
 */
const STRAIGHT = ['HHHHHHHH', '.######.', 'S......G', '.######.', 'slip: 0', 'step: -0.04', 'goal: 1', 'hole: -1', 'steps: 100'].join('\n');
const STRAIGHT_RETURN = 6 * -0.04 + 1;

describe('a dataset generated on a custom layout', () => {
  it('carries its layout and reference returns measured on it', () => {
    const d = generateDataset({ envId: 'GridWorld', layout: STRAIGHT, mix: [{ policy: 'expert', weight: 1 }], episodes: 5, seed: 1 });
    expect(d.envOptions?.layout).toBe(STRAIGHT);
    const ref = d.envOptions!.referenceScores!;
    expect(ref).toEqual(measureReferenceScores('GridWorld', { layout: STRAIGHT }));
    expect(ref.max).toBeCloseTo(STRAIGHT_RETURN, 12); // the planner's path, every episode
    expect(ref.source).toContain('custom layout');
    // The expert planned on the drawn map: 7 moves right, every episode.
    expect(d.size).toBe(35);
    expect(Array.from(d.actions).every((a) => a === 1)).toBe(true);
    expect(d.rewards.reduce((s, r) => s + r, 0) / d.episodes).toBeCloseTo(STRAIGHT_RETURN, 5);
  });

  it('has no envOptions on the registered layout, and the registered expert would fall into the drawn holes', () => {
    expect(generateDataset({ envId: 'GridWorld', mix: [{ policy: 'random', weight: 1 }], transitions: 50, seed: 1 }).envOptions).toBeUndefined();
    // The registered map's references differ from the drawn map's: its expert detours along row 0.
    const registered = measureReferenceScores('GridWorld');
    expect(registered.max).toBeCloseTo(0.452, 3);
    expect(measureReferenceScores('GridWorld', { layout: STRAIGHT }).max).not.toBeCloseTo(registered.max, 2);
  });

  it('gives its spec (drawn grid, own references) to every consumer', () => {
    const d = generateDataset({ envId: 'GridWorld', layout: STRAIGHT, mix: [{ policy: 'random', weight: 1 }], transitions: 200, seed: 2 });
    const spec = datasetEnvSpec(d)!;
    expect(isGridWorldSpec(spec) && spec.grid.rows[0]).toBe('HHHHHHHH');
    expect(spec.referenceScores).toEqual(d.envOptions!.referenceScores);
    // A custom layout without measured references scores n/a, never against the registered map's.
    expect(envSpecOf('GridWorld', { layout: STRAIGHT }).referenceScores).toBeUndefined();
    expect(datasetEnvSpec({ envId: 'GridWorld' })!.referenceScores?.max).toBeCloseTo(0.452, 3);
  });

  it('is inspected on its own map: coverage over the drawn grid, scores against its references', () => {
    const small = ['S..', '.#.', '..G', 'slip: 0', 'step: -0.1'].join('\n');
    const d = generateDataset({ envId: 'GridWorld', layout: small, mix: [{ policy: 'expert', weight: 1 }], episodes: 4, seed: 3 });
    const result = inspectDataset(d);
    expect([result.coverage!.width, result.coverage!.height]).toEqual([3, 3]);
    expect(result.referenceScores).toEqual(d.envOptions!.referenceScores);
    expect(result.measures.normalizedScore).toBeCloseTo(100, 6); // expert data scores 100 against its own map
  });
});

describe('training on a custom-layout dataset', () => {
  beforeAll(() => useBackend('wasm'));

  it('evaluates on the drawn map (the expected return only there), with its references and its layout in the replay', async () => {
    const d = generateDataset({ envId: 'GridWorld', layout: STRAIGHT, mix: [{ policy: 'expert', weight: 1 }], transitions: 700, seed: 4 });
    const t = new Trainer({ dataset: d, algorithmId: 'bc', hyperparameters: { hidden: '64,64', batchSize: 64, maxUpdates: 300, updatesPerEval: 300, evalEpisodes: 20, seed: 1 } });
    try {
      while (!t.finished) await t.run(1e9);
      const result = await t.evaluate();
      // BC copied "always right": on the drawn map every episode walks straight to the goal.
      expect(result.returns.every((r) => Math.abs(r - STRAIGHT_RETURN) < 1e-6)).toBe(true);
      const ref = d.envOptions!.referenceScores!;
      expect(result.normalizedScore).toBeCloseTo((100 * (STRAIGHT_RETURN - ref.min)) / (ref.max - ref.min), 6);
      expect(result.normalizedScore).toBeCloseTo(100, 6);
      expect(result.episode.layout).toBe(STRAIGHT);
      expect(result.episode.length).toBe(7);
      // The same agent on the registered map (slip 0.2, pits under the middle row) does not get that return.
      const registered = await evaluateAgent(t.agent, 'GridWorld', Array.from({ length: 20 }, (_, k) => k), 0);
      expect(registered.returns.some((r) => Math.abs(r - STRAIGHT_RETURN) > 1e-6)).toBe(true);
      expect(registered.meanReturn).toBeLessThan(STRAIGHT_RETURN - 0.1);
      expect(registered.episode.layout).toBeUndefined();
    } finally {
      t.dispose();
    }
  });

  it('refuses a dataset whose layout does not parse, naming the problem', () => {
    const d = generateDataset({ envId: 'GridWorld', layout: STRAIGHT, mix: [{ policy: 'random', weight: 1 }], transitions: 50, seed: 1 });
    const broken = { ...d, envOptions: { layout: 'S.X\n..G' } };
    expect(() => new Trainer({ dataset: broken, algorithmId: 'bc' })).toThrow('unknown cell "X" at row 0, column 2');
  });
});

describe('D4RL files keep the layout', () => {
  it('round-trips the layout and its reference scores through root attributes h5py reads', async () => {
    const d = generateDataset({ envId: 'GridWorld', layout: STRAIGHT, mix: [{ policy: 'medium', weight: 1 }], transitions: 300, seed: 5 });
    const bytes = await exportD4rl(d);
    const back = await parseD4rl(bytes);
    expect(back.envId).toBe('GridWorld');
    expect(back.envOptions).toEqual(d.envOptions);
    // Taken out of the metadata, so a re-export after moving the dataset cannot carry a stale map.
    expect(back.metadata?.env_layout).toBeUndefined();
    const py = readWithPython(bytes, 'hdf5');
    expect(py.attrs).toMatchObject({ env_id: 'GridWorld', env_layout: STRAIGHT, ref_min_score: d.envOptions!.referenceScores!.min, ref_max_score: d.envOptions!.referenceScores!.max });
    // Imported, it trains and draws on the drawn map again.
    const imported = await importDatasetFile(bytes, { fileName: 'custom.hdf5', env: { kind: 'auto' } });
    expect(imported.dataset.envOptions?.layout).toBe(STRAIGHT);
    expect(evaluatePolicy('GridWorld', 'expert', 3, 0, { layout: imported.dataset.envOptions!.layout }).mean).toBeCloseTo(STRAIGHT_RETURN, 6);
  });

  it('names a stored layout that does not parse, and drops the layout when the data moves to an environment without one', async () => {
    const d = generateDataset({ envId: 'GridWorld', layout: STRAIGHT, mix: [{ policy: 'random', weight: 1 }], transitions: 100, seed: 6 });
    const bad = await exportD4rl({ ...d, envOptions: { layout: 'S..\n..Q' } });
    await expectFormatError(() => importDatasetFile(bad, { fileName: 'bad.hdf5', env: { kind: 'auto' } }), "env_layout does not fit GridWorld", 'unknown cell "Q" at row 1, column 2');
    expect(reattachEnvironment(d, 'FrozenLake-4x4').envOptions?.layout).toBe(STRAIGHT);
    // Data that also fits MountainCar (2 observations, actions 0..2) loses the map there: MountainCar has none.
    const fitsCar = { ...d, discreteActions: 3, actions: d.actions.map((a) => Math.min(a, 2)) };
    expect(reattachEnvironment(fitsCar, 'MountainCar-v0').envOptions).toBeUndefined();
  });
});

describe('grid editing and its validation messages', () => {
  const base: GridLayout = { ...TEACHING_GRID, rows: ['S..', '...', '..G'], cellRewards: {} };

  it('cycles a cell through open, wall, start, goal, hole and cliff', () => {
    const seen = [EDIT_KINDS[0].ch];
    for (let i = 0; i < EDIT_KINDS.length; i++) seen.push(nextKind(seen[seen.length - 1]));
    expect(seen.join('')).toBe('.#SGHC.');
    expect(nextKind('F')).toBe('#'); // FrozenLake's F is an open cell
    expect(setCell(base, 1, 1, '#').rows).toEqual(['S..', '.#.', '..G']);
  });

  it('keeps cell rewards at their row and column when the grid is resized, and formats them back', () => {
    const rewarded = toggleCellReward(base, 1, 2, 0.5);
    expect(rewarded.cellRewards).toEqual({ 5: 0.5 });
    const wider = resizeLayout(rewarded, 4, 5);
    expect(wider.rows).toEqual(['S....', '.....', '..G..', '.....']);
    expect(wider.cellRewards).toEqual({ 7: 0.5 });
    expect(parseLayout(formatLayout(wider)).cellRewards).toEqual({ 7: 0.5 });
    expect(resizeLayout(wider, 2, 2).cellRewards).toEqual({});
    expect(toggleCellReward(rewarded, 1, 2, 0.5).cellRewards).toEqual({}); // the same value again clears it
    expect(setCell(rewarded, 1, 2, '#').cellRewards).toEqual({}); // walls are never entered
    expect(() => resizeLayout(base, 0, 3)).toThrow('rows and columns must be whole numbers from 1 to 16, got 0 × 3');
  });

  it('names a missing start, a missing goal, an unreachable goal, and the format’s own errors', () => {
    expect(gridProblems(base)).toEqual([]);
    expect(gridProblems({ ...base, rows: ['...', '...', '...'] })).toEqual(['Grid layout: the map needs a start cell S', 'Grid layout: the map needs a goal cell G (without one, episodes end only at the time limit)']);
    expect(gridProblems({ ...base, rows: ['S#.', '##.', '..G'] })).toEqual(['Grid layout: the goal cannot be reached from the start at row 0, column 0: walls, holes or cliffs cut every path']);
    // Holes and cliffs end a path too; a second start that can reach it is fine, the stuck one is named.
    expect(gridProblems({ ...base, rows: ['SH.', 'H..', 'S.G'] })).toEqual(['Grid layout: the goal cannot be reached from the start at row 0, column 0: walls, holes or cliffs cut every path']);
    expect(gridProblems({ ...base, rows: ['S.C', '..C', 'CCG'] })).toEqual(['Grid layout: the goal cannot be reached from the start at row 0, column 0: walls, holes or cliffs cut every path']);
    expect(gridProblems({ ...base, slip: 1.5 })).toEqual(['Grid layout: slip must be in [0, 1], got 1.5']);
    expect(() => parseLayout('S.G\nslip: lots')).toThrow('Grid layout line 2: slip must be a number, got "lots"');
  });
});
