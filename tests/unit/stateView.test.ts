import { describe, expect, it } from 'vitest';
import { visitationGrid } from '../../src/core/data/visitation';
import { GridWorld, isGridWorldSpec } from '../../src/core/envs/gridWorld';
import { cellOf, isWall } from '../../src/core/envs/mazeLayout';
import { isPointMazeSpec } from '../../src/core/envs/pointMaze';
import { getEnvSpec, listEnvs, makeEnv } from '../../src/core/envs/registry';
import { cellCentre, cellIndexAt, gridObservations, projectObservations, stateViewFor, viewBounds, type StateView } from '../../src/core/envs/stateView';
import type { EnvSpec } from '../../src/core/envs/types';
import { getPolicyLevel } from '../../src/core/policies/index';
import { Rng } from '../../src/core/rng';

const views = listEnvs().flatMap((spec) => {
  const view = stateViewFor(spec.id);
  return view ? [[spec.id, spec, view] as [string, EnvSpec, StateView]] : [];
});

function inBox(spec: EnvSpec, obs: Float32Array): boolean {
  const { low, high } = spec.observationSpace;
  return obs.length === low.length && Array.from(obs).every((v, i) => v >= low[i] - 1e-6 && v <= high[i] + 1e-6);
}

describe('stateView', () => {
  it('exists exactly for the environments with a 2D state', () => {
    const ids = views.map(([id]) => id);
    expect(ids).toContain('MountainCar-v0');
    expect(ids).toContain('MountainCarContinuous-v0');
    expect(ids).toContain('Pendulum-v1');
    expect(ids.filter((id) => id.startsWith('PointMaze'))).toHaveLength(8);
    expect(ids).toEqual(expect.arrayContaining(['FrozenLake-4x4', 'FrozenLake-8x8', 'CliffWalking', 'GridWorld']));
    expect(stateViewFor('CartPole-v1')).toBeNull();
    expect(stateViewFor('Acrobot-v1')).toBeNull();
    expect(() => stateViewFor('Nope-v0')).toThrow(/Unknown environment "Nope-v0"/);
  });

  it('phase planes span the observation box (MountainCar: position × velocity, Pendulum: angle × velocity)', () => {
    for (const id of ['MountainCar-v0', 'MountainCarContinuous-v0']) {
      const view = stateViewFor(id)!;
      const { low, high } = getEnvSpec(id).observationSpace;
      expect(view.kind).toBe('phase');
      expect(view.xRange).toEqual([low[0], high[0]].map((v) => expect.closeTo(v, 6)));
      expect(view.yRange).toEqual([low[1], high[1]].map((v) => expect.closeTo(v, 6)));
    }
    const pendulum = stateViewFor('Pendulum-v1')!;
    expect(pendulum.xRange).toEqual([-Math.PI, Math.PI]);
    expect(pendulum.yRange).toEqual([-8, 8]);
    expect(pendulum.yDown).toBe(false);
  });

  it('grid views put one heatmap cell on each grid cell, half a cell beyond the [0, 1] box', () => {
    for (const [id, spec, view] of views) {
      if (!isGridWorldSpec(spec)) continue;
      const rows = spec.grid.rows.length;
      const cols = spec.grid.rows[0].length;
      expect(view.resolution, id).toEqual([cols, rows]);
      expect(view.xRange[0]).toBeCloseTo(-0.5 / (cols - 1), 12);
      expect(view.xRange[1]).toBeCloseTo(1 + 0.5 / (cols - 1), 12);
      expect(view.yRange[0]).toBeCloseTo(-0.5 / (rows - 1), 12);
      const env = new GridWorld(spec);
      for (let cell = 0; cell < rows * cols; cell++) {
        const [x, y] = view.grid!.centreOf(cell);
        expect(view.grid!.cellAt(x, y)).toBe(cell);
        // The heatmap cell at a grid cell's centre is that cell's index: values[cell] colours the cell.
        expect(cellIndexAt({ width: cols, height: rows, xRange: view.xRange, yRange: view.yRange }, x, y)).toBe(cell);
        expect(Array.from(view.observationAt(x, y))).toEqual(Array.from(env.observationOf(cell)));
        expect(view.pointOf(env.observationOf(cell))).toEqual([expect.closeTo(x, 6), expect.closeTo(y, 6)]);
        expect(view.pointOfState(Float64Array.of(cell))).toEqual([x, y]);
      }
      expect(view.grid!.cellAt(view.xRange[1] + 0.01, 0)).toBe(-1);
      expect(view.grid!.kinds).toBe(spec.grid.rows.join(''));
    }
  });

  it('maze views cover the maze to the outer wall edges; open points give observations inside the box', () => {
    for (const [id, spec, view] of views) {
      if (!isPointMazeSpec(spec)) continue;
      const rows = spec.maze.rows.length;
      const cols = spec.maze.rows[0].length;
      // Wall squares of cell (i, j) span i - 0.2 ± 0.5, so the maze spans [-0.7, rows - 0.7] down and [-0.7, cols - 0.7] across.
      expect(view.yRange, id).toEqual([expect.closeTo(-0.7, 12), expect.closeTo(rows - 0.7, 12)]);
      expect(view.xRange, id).toEqual([expect.closeTo(-0.7, 12), expect.closeTo(cols - 0.7, 12)]);
      // The spec's position box lies inside, a wall plus a ball radius (1.1) in from each edge.
      const { low, high } = spec.observationSpace;
      expect(low[0] - view.yRange[0]).toBeCloseTo(1.1, 5);
      expect(view.xRange[1] - high[1]).toBeCloseTo(1.1, 5);
      const { observations, observationDim, width, height } = gridObservations(view);
      expect(observationDim).toBe(4);
      let open = 0;
      for (let k = 0; k < width * height; k++) {
        const obs = observations.subarray(k * 4, k * 4 + 4);
        const [i, j] = cellOf(obs[0], obs[1]);
        if (isWall(spec.maze, i, j)) continue;
        open++;
        expect(obs[2]).toBe(0);
        expect(obs[3]).toBe(0);
        // Heatmap cells beside a wall reach to its face; the ball's centre stays a radius away.
        const clipped = Float32Array.from(obs, (v, d) => Math.min(high[d], Math.max(low[d], v)));
        expect(Math.max(...obs.map((v, d) => Math.abs(v - clipped[d])))).toBeLessThanOrEqual(0.1 + 1e-6);
      }
      // 5 × 5 heatmap cells per maze cell, all on cell borders: each open maze cell holds exactly 25.
      const openCells = spec.maze.rows.join('').split('').filter((ch) => ch !== '#').length;
      expect(open).toBe(openCells * 25);
    }
  });

  it('observationAt gives observations inside the observation box (phase planes, every heatmap cell)', () => {
    for (const id of ['MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1', 'FrozenLake-8x8', 'CliffWalking']) {
      const view = stateViewFor(id)!;
      const spec = getEnvSpec(id);
      const { observations, observationDim, width, height } = gridObservations(view);
      expect(observationDim).toBe(spec.observationSpace.low.length);
      for (let k = 0; k < width * height; k++) expect(inBox(spec, observations.subarray(k * observationDim, (k + 1) * observationDim)), `${id} cell ${k}`).toBe(true);
    }
  });

  it('gridObservations are in heatmap order: column along x, row 0 at yRange[0]', () => {
    const view = stateViewFor('MountainCar-v0')!;
    const { observations, width, height } = gridObservations(view, 4, 3);
    // Cell (row 0, column 0) centre: position -1.2 + 0.5 * 1.8 / 4, velocity -0.07 + 0.5 * 0.14 / 3.
    expect(observations[0]).toBeCloseTo(-1.2 + 0.225, 6);
    expect(observations[1]).toBeCloseTo(-0.07 + 0.14 / 6, 6);
    // Cell (row 2, column 3): the top-right cell of the plane.
    const last = (height * width - 1) * 2;
    expect(observations[last]).toBeCloseTo(0.6 - 0.225, 6);
    expect(observations[last + 1]).toBeCloseTo(0.07 - 0.14 / 6, 6);
    const pendulum = gridObservations(stateViewFor('Pendulum-v1')!, 2, 1).observations;
    // Angle -π/2 (cos 0, sin -1) at column 0, +π/2 at column 1, velocity 0 in the single row.
    expect(Array.from(pendulum)).toEqual([expect.closeTo(0, 6), expect.closeTo(-1, 6), 0, expect.closeTo(0, 6), expect.closeTo(1, 6), 0]);
  });

  it('pointOfState of each frame matches pointOf of its observation along real episodes', () => {
    for (const [id, , view] of views) {
      if (id.endsWith('-Dense-v1') || id === 'FrozenLake-4x4') continue;
      const env = makeEnv(id);
      const policy = getPolicyLevel(id, 'medium').make();
      const rng = new Rng(3);
      let obs = env.reset(11);
      for (let t = 0; t < 60; t++) {
        const [sx, sy] = view.pointOfState(env.getState());
        const [ox, oy] = view.pointOf(obs);
        expect(sx, `${id} step ${t}`).toBeCloseTo(ox, 5);
        expect(sy, `${id} step ${t}`).toBeCloseTo(oy, 5);
        const r = env.step(policy.act(obs, rng));
        obs = r.observation;
        if (r.terminated || r.truncated) obs = env.reset();
      }
    }
  });

  it('projected GridWorld observations binned by visitationGrid on the view give per-cell visit counts', () => {
    const view = stateViewFor('FrozenLake-4x4')!;
    const spec = getEnvSpec('FrozenLake-4x4');
    if (!isGridWorldSpec(spec)) throw new Error('FrozenLake-4x4 is a grid');
    const env = new GridWorld(spec);
    const cells = [0, 0, 1, 5, 15, 15, 15];
    const observations = new Float32Array(cells.length * 2);
    cells.forEach((c, i) => observations.set(env.observationOf(c), i * 2));
    const points = projectObservations(view, observations, 2);
    const [width, height] = view.resolution;
    const v = visitationGrid({ observations: points, observationDim: 2, size: cells.length }, 0, 1, { width, height, bounds: viewBounds(view) });
    expect(v.outside).toBe(0);
    expect(v.density[0]).toBeCloseTo(2 / 7, 6);
    expect(v.density[1]).toBeCloseTo(1 / 7, 6);
    expect(v.density[5]).toBeCloseTo(1 / 7, 6);
    expect(v.density[15]).toBeCloseTo(3 / 7, 6);
  });

  it('Pendulum projections wrap the angle; cellIndexAt and cellCentre agree and reject outside points', () => {
    const view = stateViewFor('Pendulum-v1')!;
    expect(view.pointOfState(Float64Array.of(2 * Math.PI + 0.5, 1))[0]).toBeCloseTo(0.5, 12);
    expect(view.pointOf(Float32Array.of(-1, 0, 3))).toEqual([expect.closeTo(Math.PI, 6), 3]);
    const grid = { width: 10, height: 7, xRange: [0, 5] as [number, number], yRange: [-1, 1] as [number, number] };
    for (let r = 0; r < 7; r++) for (let c = 0; c < 10; c++) expect(cellIndexAt(grid, ...cellCentre(grid, r, c))).toBe(r * 10 + c);
    expect(cellIndexAt(grid, 5, 1)).toBe(69);
    expect(cellIndexAt(grid, 5.01, 0)).toBe(-1);
    expect(cellIndexAt(grid, 1, NaN)).toBe(-1);
  });
});
