import { describe, expect, it } from 'vitest';
import { groupEnvs, spaceRows, spaceSummary } from '../../src/app/components/envFacts';
import { colourScale, formatNumber, luminance, scaleTicks, viridis } from '../../src/app/render/colormap';
import { fitFrame, niceTicks, px, py, type Frame } from '../../src/app/render/frame';
import { cellNumber } from '../../src/app/render/gridWorld';
import { recordBehaviourEpisode } from '../../src/app/store/demoEpisode';
import { getEnvSpec, listEnvs } from '../../src/core/envs/registry';
import { evaluatePolicy } from '../../src/core/policies/evaluate';

describe('viridis', () => {
  it('runs from dark purple to yellow through its published end points', () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(0.5)).toEqual([33, 145, 140]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
  });

  it('gets brighter all the way up (readable in greyscale and on a projector)', () => {
    let prev = -1;
    for (let i = 0; i <= 100; i++) {
      const l = luminance(viridis(i / 100));
      expect(l).toBeGreaterThan(prev);
      prev = l;
    }
  });
});

describe('colourScale', () => {
  it('spans the finite values and leaves NaN undrawn', () => {
    const s = colourScale(Float32Array.of(2, NaN, 4, 6, Infinity));
    expect(s.domain).toEqual([2, 6]);
    expect(s.unit(2)).toBe(0);
    expect(s.unit(5)).toBe(0.75);
    expect(s.unit(6)).toBe(1);
    expect(s.unit(NaN)).toBeNull();
  });

  it('a given domain clamps, a constant field sits mid-scale', () => {
    const s = colourScale([0, 10], { domain: [0, 5] });
    expect(s.unit(10)).toBe(1);
    expect(s.unit(-1)).toBe(0);
    expect(colourScale([3, 3, 3]).unit(3)).toBe(0.5);
  });

  it('log scale: zeros are not drawn and the geometric middle maps to 0.5', () => {
    const s = colourScale([0, 0.001, 0.1, 0], { scale: 'log' });
    expect(s.domain).toEqual([0.001, 0.1]);
    expect(s.unit(0)).toBeNull();
    expect(s.unit(0.01)).toBeCloseTo(0.5, 12);
    // Nearly equal counts (an expert's path) span a decade, so they all look bright rather than stretched apart.
    const path = colourScale([0.07686, 0.07698, 0], { scale: 'log' });
    expect(path.domain[0]).toBeCloseTo(0.007698, 9);
    expect(path.unit(0.07686)).toBeGreaterThan(0.99);
  });

  it('ticks include both ends in increasing order, with round numbers between', () => {
    const t = scaleTicks(colourScale([-0.089, 0.978]));
    expect(t[0]).toBe(-0.089);
    expect(t[t.length - 1]).toBe(0.978);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThan(t[i - 1]);
    expect(t.slice(1, -1)).toEqual([0.5]);
    expect(scaleTicks(colourScale([0.002, 0.5], { scale: 'log' }))).toEqual([0.002, 0.01, 0.1, 0.5]);
    expect(scaleTicks(colourScale([-1, 1]))).toEqual([-1, -0.5, 0, 0.5, 1]);
    // 1e-4 and 0.1 would crowd the end labels 5e-5 and 0.328 (within 15% of the bar): left out.
    expect(scaleTicks(colourScale([5e-5, 0.328], { scale: 'log' }))).toEqual([5e-5, 0.001, 0.01, 0.328]);
  });

  it('formats numbers short', () => {
    expect(formatNumber(0.0321456)).toBe('0.0321');
    expect(formatNumber(-2081.65)).toBe('-2080');
    expect(formatNumber(1e-5)).toBe('1e-5');
    expect(formatNumber(2.5e-5)).toBe('2.5e-5');
    expect(formatNumber(0)).toBe('0');
    expect(cellNumber(-0.0604)).toBe('−0.06');
    expect(cellNumber(-10.2)).toBe('−10.2');
    expect(cellNumber(523.4)).toBe('523');
  });
});

describe('frames', () => {
  const down: Frame = { left: 10, top: 20, width: 100, height: 50, xRange: [0, 10], yRange: [-1, 1], yDown: true };
  it('maps the plane onto the canvas rectangle, y up or down', () => {
    expect(px(down, 0)).toBe(10);
    expect(px(down, 10)).toBe(110);
    expect(py(down, -1)).toBe(20);
    expect(py(down, 1)).toBe(70);
    const up = { ...down, yDown: false };
    expect(py(up, -1)).toBe(70);
    expect(py(up, 1)).toBe(20);
    expect(py(up, 0)).toBe(45);
  });

  it('fits the largest frame of the aspect ratio, centred', () => {
    const f = fitFrame({ left: 0, top: 0, width: 400, height: 100 }, [0, 12], [0, 4], true, 12 / 4);
    expect([f.left, f.top, f.width, f.height]).toEqual([50, 0, 300, 100]);
    const g = fitFrame({ left: 0, top: 0, width: 100, height: 400 }, [0, 1], [0, 1], true);
    expect([g.left, g.top, g.width, g.height]).toEqual([0, 150, 100, 100]);
  });

  it('nice ticks are round and inside the range', () => {
    expect(niceTicks(-1.2, 0.6)).toEqual([-1, -0.5, 0, 0.5]);
    expect(niceTicks(-0.07, 0.07)).toEqual([-0.05, 0, 0.05]);
    expect(niceTicks(-8, 8)).toEqual([-5, 0, 5]);
    expect(niceTicks(0, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe('environment facts', () => {
  it('groups the registry into classic control, grid worlds, point mazes and MuJoCo locomotion', () => {
    const groups = groupEnvs(listEnvs());
    expect(groups.map((g) => g.label)).toEqual(['Classic control', 'Grid worlds', 'Point mazes', 'MuJoCo locomotion']);
    expect(groups[3].envs.map((e) => e.id)).toEqual(['Hopper-v5', 'Walker2d-v5', 'HalfCheetah-v5']);
    expect(groups[0].envs.map((e) => e.id)).toEqual(['CartPole-v1', 'MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1', 'Acrobot-v1']);
    expect(groups[1].envs.map((e) => e.id)).toEqual(['FrozenLake-4x4', 'FrozenLake-8x8', 'CliffWalking', 'GridWorld']);
    expect(groups[2].envs).toHaveLength(8);
    expect(groups.flatMap((g) => g.envs)).toHaveLength(listEnvs().length);
  });

  it('describes spaces with their ranges and labels', () => {
    const cartPole = getEnvSpec('CartPole-v1');
    expect(spaceSummary(cartPole.observationSpace)).toBe('Box(4)');
    expect(spaceRows(cartPole.observationSpace, cartPole.observationLabels)[1]).toBe('cart velocity [−∞, ∞]');
    expect(spaceRows(cartPole.actionSpace, cartPole.actionLabels)).toEqual(['0: push left', '1: push right']);
    expect(spaceSummary(getEnvSpec('Pendulum-v1').actionSpace)).toBe('Box(1) in [−2, 2]');
    expect(spaceSummary(getEnvSpec('MountainCar-v0').actionSpace)).toBe('Discrete(3)');
  });
});

describe('demo episodes', () => {
  it('record the episode the reference scores were measured on (same seeding as evaluatePolicy)', () => {
    for (const [id, level] of [
      ['CartPole-v1', 'random'],
      ['MountainCarContinuous-v0', 'medium'],
      ['FrozenLake-4x4', 'expert'],
      ['PointMaze-UMaze-v1', 'random'],
    ]) {
      for (const seed of [0, 3]) {
        const ep = recordBehaviourEpisode(id, level, seed);
        const reference = evaluatePolicy(id, level, 1, seed);
        expect(ep.return, `${id} ${level} seed ${seed}`).toBeCloseTo(reference.returns[0], 9);
        expect(ep.rewards).toHaveLength(ep.length);
        expect(ep.states).toHaveLength((ep.length + 1) * ep.stateDim);
        expect(ep.actions).toHaveLength(ep.length * ep.actionDim);
      }
    }
  });

  it('CartPole expert balances for the whole 500 steps; state rows are getState()s', () => {
    const ep = recordBehaviourEpisode('CartPole-v1', 'expert', 1);
    expect(ep.length).toBe(500);
    expect(ep.terminated).toBe(false);
    expect(ep.stateDim).toBe(4);
    expect(ep.actionDim).toBe(1);
    const maze = recordBehaviourEpisode('PointMaze-Open-v1', 'expert', 1);
    expect(maze.stateDim).toBe(6);
    expect(maze.actionDim).toBe(2);
    expect(maze.length).toBe(150);
  });
});
