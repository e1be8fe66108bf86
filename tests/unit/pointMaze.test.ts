import { describe, expect, it } from 'vitest';
import { cellOf, isWall, LARGE_MAZE, MEDIUM_MAZE, OPEN_MAZE, parseMaze, U_MAZE, WALL_HALF_SIZE, WALL_OFFSET, type MazeLayout } from '../../src/core/envs/mazeLayout';
import { BALL_RADIUS, isPointMazeSpec, MAX_STEP_SPEED, PointMaze, type PointMazeSpec } from '../../src/core/envs/pointMaze';
import { getEnvSpec, listEnvs, makeEnv } from '../../src/core/envs/registry';
import { pointMazeExpert } from '../../src/core/policies/pointMaze';
import { Rng } from '../../src/core/rng';

const MAZE_IDS = ['PointMaze-Open-v1', 'PointMaze-UMaze-v1', 'PointMaze-Medium-v1', 'PointMaze-Large-v1'];

/** Distance from (x, y) to the nearest wall square, over every wall of the maze. */
function wallDistance(maze: MazeLayout, x: number, y: number): number {
  let best = Infinity;
  maze.rows.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) {
      if (row[j] !== '#') continue;
      const dx = Math.max(Math.abs(x - (i + WALL_OFFSET)) - WALL_HALF_SIZE, 0);
      const dy = Math.max(Math.abs(y - (j + WALL_OFFSET)) - WALL_HALF_SIZE, 0);
      best = Math.min(best, Math.hypot(dx, dy));
    }
  });
  return best;
}

function mazeSpec(id: string): PointMazeSpec {
  const spec = getEnvSpec(id);
  if (!isPointMazeSpec(spec)) throw new Error('not a maze');
  return spec;
}

describe('PointMaze walls', () => {
  for (const id of MAZE_IDS) {
    it(`${id}: the ball never enters a wall in random and reckless rollouts`, () => {
      const spec = mazeSpec(id);
      const env = makeEnv(id);
      const rng = new Rng(7);
      const expert = pointMazeExpert(spec.maze);
      let steps = 0;
      for (let ep = 0; ep < 12; ep++) {
        let obs = env.reset(ep);
        const hold = Float32Array.of(rng.uniform(-1, 1), rng.uniform(-1, 1));
        for (let t = 0; t < spec.maxEpisodeSteps; t++) {
          // Mix uniform noise, long full-thrust pushes (to hit walls at top speed, corners included) and the expert.
          const mode = ep % 3;
          if (mode === 1 && t % 40 === 0) hold.set([rng.next() < 0.5 ? -1 : 1, rng.uniform(-1, 1)]);
          const action = mode === 0 ? Float32Array.of(rng.uniform(-1, 1), rng.uniform(-1, 1)) : mode === 1 ? hold : (expert.act(obs, rng) as Float32Array);
          const r = env.step(action);
          obs = r.observation;
          const s = env.getState();
          expect(wallDistance(spec.maze, s[0], s[1])).toBeGreaterThanOrEqual(BALL_RADIUS - 1e-9);
          // The integrator bounds each axis; a corner contact only removes velocity, so the norm stays bounded.
          expect(Math.hypot(s[2], s[3])).toBeLessThanOrEqual(MAX_STEP_SPEED * Math.SQRT2 + 1e-9);
          for (let k = 0; k < 4; k++) expect(Math.abs(obs[k]) <= spec.observationSpace.high[k] + 1e-6).toBe(true);
          expect(r.terminated).toBe(false);
          steps += 1;
        }
      }
      expect(steps).toBeGreaterThan(1000);
    });
  }

  it('a ball pushed into a wall rests one radius from it and keeps no velocity into it', () => {
    const env = makeEnv('PointMaze-Open-v1', { seed: 0 });
    env.setState(Float64Array.of(2, 3, 0, 0));
    for (let t = 0; t < 300; t++) env.step(Float32Array.of(-1, 0));
    const s = env.getState();
    expect(s[0]).toBeCloseTo(0 + WALL_OFFSET + WALL_HALF_SIZE + BALL_RADIUS, 12);
    expect(s[2]).toBe(0);
  });

  it('matches MuJoCo (D4RL model, MuJoCo 3 WASM) in free flight and rests where MuJoCo rests against a wall', () => {
    // Recorded once with @mujoco/mujoco on D4RL's point_maze model of the open maze: qpos (1, 1), ctrl (1, -1).
    const mujoco: [number, number[]][] = [
      [0, [1.002382, 0.997618, 0.238164, -0.238164]],
      [9, [1.130059, 0.869941, 2.356275, -2.356275]],
      [19, [1.49268, 0.50732, 4.65703, -4.65703]],
      [29, [2.010728, 0.397278, 5.226256, 0.208322]],
      [49, [3.055979, 0.403372, 5.226256, 0.000048]],
    ];
    const env = new PointMaze(mazeSpec('PointMaze-Open-v1'));
    env.setState(Float64Array.of(1, 1, 0, 0));
    const states: number[][] = [];
    for (let t = 0; t < 50; t++) {
      env.step(Float32Array.of(1, -1));
      states.push(Array.from(env.getState().subarray(0, 4)));
    }
    for (const [t, ref] of mujoco) {
      const s = states[t];
      expect(Math.abs(s[0] - ref[0]), `x at ${t}`).toBeLessThan(1e-5);
      expect(Math.abs(s[2] - ref[2]), `vx at ${t}`).toBeLessThan(1e-5);
      // y: MuJoCo's soft contact sinks 0.02 into the wall and springs back; ours stops at 0.4.
      expect(Math.abs(s[1] - ref[1]), `y at ${t}`).toBeLessThan(t < 20 ? 1e-5 : 0.03);
    }
  });
});

describe('PointMaze rewards, resets and episodes', () => {
  it('sparse reward is 1 within 0.5 of the goal, dense is exp(-distance)', () => {
    for (const [id, goal] of [['PointMaze-UMaze', U_MAZE.goal], ['PointMaze-Large', LARGE_MAZE.goal]] as const) {
      const sparse = makeEnv(`${id}-v1`, { seed: 0 });
      const dense = makeEnv(`${id}-Dense-v1`, { seed: 0 });
      for (const d of [0, 0.2, 0.49, 0.51, 0.8]) {
        // At rest with no force the ball does not move, so the reward is for this exact distance.
        const state = Float64Array.of(goal[0], goal[1] + d, 0, 0);
        sparse.setState(state);
        dense.setState(state);
        expect(sparse.step(Float32Array.of(0, 0)).reward).toBe(d <= 0.5 ? 1 : 0);
        expect(dense.step(Float32Array.of(0, 0)).reward).toBeCloseTo(Math.exp(-d), 12);
      }
    }
  });

  it('resets to an open or goal cell plus U(-0.1, 0.1), velocity N(0, 0.1²)', () => {
    for (const id of MAZE_IDS) {
      const spec = mazeSpec(id);
      const env = makeEnv(id);
      env.reset(11);
      const cells = new Set<string>();
      const vs: number[] = [];
      for (let k = 0; k < 2000; k++) {
        const o = env.reset();
        const i = Math.round(o[0]);
        const j = Math.round(o[1]);
        expect(isWall(spec.maze, i, j)).toBe(false);
        expect(Math.abs(o[0] - i)).toBeLessThanOrEqual(0.1 + 1e-6);
        expect(Math.abs(o[1] - j)).toBeLessThanOrEqual(0.1 + 1e-6);
        cells.add(`${i},${j}`);
        vs.push(o[2], o[3]);
      }
      const open = spec.maze.rows.join('').split('').filter((c) => c !== '#').length;
      expect(cells.size).toBe(open);
      const std = Math.sqrt(vs.reduce((a, v) => a + v * v, 0) / vs.length);
      expect(std).toBeGreaterThan(0.09);
      expect(std).toBeLessThan(0.11);
    }
  });

  it('never terminates and truncates at the D4RL episode lengths', () => {
    const lengths: Record<string, number> = { 'PointMaze-Open-v1': 150, 'PointMaze-UMaze-v1': 300, 'PointMaze-Medium-v1': 600, 'PointMaze-Large-v1': 800 };
    for (const [id, n] of Object.entries(lengths)) {
      for (const variant of [id, id.replace('-v1', '-Dense-v1')]) {
        const env = makeEnv(variant, { seed: 1 });
        expect(env.spec.maxEpisodeSteps).toBe(n);
        let r = env.step(Float32Array.of(0, 0));
        for (let t = 1; t < n; t++) {
          expect(r.truncated).toBe(false);
          r = env.step(Float32Array.of(0.3, -0.2));
          expect(r.terminated).toBe(false);
        }
        expect(r.truncated).toBe(true);
      }
    }
  });

  it("carries D4RL's reference scores", () => {
    expect(getEnvSpec('PointMaze-UMaze-v1').referenceScores).toMatchObject({ min: 23.85, max: 161.86 });
    expect(getEnvSpec('PointMaze-Large-Dense-v1').referenceScores).toMatchObject({ min: 30.569041, max: 303.4857382709002 });
    expect(listEnvs().filter(isPointMazeSpec).length).toBe(8);
  });

  it('getState is [x, y, vx, vy, goal x, goal y]; setState takes 4 or 6 values and refuses walls', () => {
    const env = makeEnv('PointMaze-Medium-v1', { seed: 3 });
    const s = env.getState();
    expect(s.length).toBe(6);
    expect([s[4], s[5]]).toEqual([6, 6]);
    env.setState(Float64Array.of(1, 1, 0.5, 0, 2, 2));
    expect(Array.from(env.getState())).toEqual([1, 1, 0.5, 0, 2, 2]);
    expect(() => env.setState(Float64Array.of(0, 0, 0, 0))).toThrow(/inside a wall/);
    expect(() => env.setState(Float64Array.of(1, 1, 0))).toThrow(/got 3 values/);
  });
});

describe('maze layouts', () => {
  it('are D4RL maze2d strings with their goals, exposed on the spec for drawing', () => {
    expect(mazeSpec('PointMaze-UMaze-v1').maze.rows).toEqual(['#####', '#GOO#', '###O#', '#OOO#', '#####']);
    expect(U_MAZE.goal).toEqual([1, 1]);
    expect(MEDIUM_MAZE.goal).toEqual([6, 6]);
    expect(LARGE_MAZE.goal).toEqual([7, 9]);
    expect(OPEN_MAZE.goal).toEqual([2, 3]);
    expect(cellOf(1 + WALL_OFFSET, 2 + WALL_OFFSET)).toEqual([1, 2]);
  });

  it("parses D4RL's backslash format and custom mazes, and rejects open borders", () => {
    expect(parseMaze('#####\\#GOO#\\###O#\\#OOO#\\#####').rows).toEqual(U_MAZE.rows);
    expect(() => parseMaze('#####\n#GOOO\n#####')).toThrow(/border must be wall/);
    expect(() => parseMaze('#####\n#GOG#\n#####')).toThrow(/more than one goal/);
    const env = makeEnv('PointMaze-Open-v1', { layout: '####\n#OG#\n####', seed: 0 });
    expect(isPointMazeSpec(env.spec) && env.spec.maze.goal).toEqual([1, 2]);
  });
});
