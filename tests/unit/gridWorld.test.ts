import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIFF_WALKING, FROZEN_LAKE_4X4, FROZEN_LAKE_8X8, formatLayout, parseLayout, TEACHING_GRID, type GridLayout } from '../../src/core/envs/gridLayout';
import { GridWorld, gridWorldSpec, isGridWorldSpec, stateIndexOf } from '../../src/core/envs/gridWorld';
import { getEnvSpec, makeEnv } from '../../src/core/envs/registry';
import { valueIteration } from '../../src/core/policies/valueIteration';

// Gymnasium's own transition tables (env.unwrapped.P) and value-iteration values computed from them in Python,
// recorded by tests/reference/record_gymnasium.py.
type PEntry = [number, number, number, number];
interface ToyText {
  envs: { [name: string]: { P: PEntry[][][]; values: { [gamma: string]: { V: number[]; Q: number[][] } } } };
}
const ref = JSON.parse(readFileSync(new URL('../reference/gymnasium_toy_text.json', import.meta.url), 'utf8')) as ToyText;

const grid = (layout: GridLayout, id = 'test') => new GridWorld(gridWorldSpec(layout, { id, name: id, description: '' }));
const FROZEN_LAKE_4X4_NOT_SLIPPERY: GridLayout = { ...FROZEN_LAKE_4X4, slip: 0 };
const CLIFF_WALKING_SLIPPERY: GridLayout = { ...CLIFF_WALKING, slip: 2 / 3 };
const CASES: [string, GridLayout, number[]][] = [
  // name in the reference file, layout, cells whose outgoing moves Gymnasium models differently (see gridWorld.ts)
  ['FrozenLake-4x4', FROZEN_LAKE_4X4, []],
  ['FrozenLake-4x4-not-slippery', FROZEN_LAKE_4X4_NOT_SLIPPERY, []],
  ['FrozenLake-8x8', FROZEN_LAKE_8X8, []],
  ['CliffWalking', CLIFF_WALKING, [47]],
  ['CliffWalkingSlippery', CLIFF_WALKING_SLIPPERY, [47]],
];

describe('GridWorld transition model', () => {
  for (const layout of [FROZEN_LAKE_4X4, FROZEN_LAKE_8X8, CLIFF_WALKING, TEACHING_GRID, CLIFF_WALKING_SLIPPERY]) {
    it(`probabilities sum to 1 in every state and action (${layout.rows.length}x${layout.rows[0].length}, slip ${layout.slip.toFixed(2)})`, () => {
      const env = grid(layout);
      for (let s = 0; s < env.numStates; s++) {
        for (let a = 0; a < env.numActions; a++) {
          const total = env.transitions(s, a).reduce((sum, t) => sum + t.prob, 0);
          expect(Math.abs(total - 1)).toBeLessThan(1e-12);
        }
      }
    });
  }

  for (const [name, layout, skip] of CASES) {
    it(`equals Gymnasium's P for ${name} (outcomes in the same order)`, () => {
      const env = grid(layout);
      const P = ref.envs[name].P;
      expect(env.numStates).toBe(P.length);
      for (let s = 0; s < P.length; s++) {
        if (skip.includes(s)) continue;
        for (let a = 0; a < 4; a++) {
          const mine = env.transitions(s, a);
          expect(mine.length, `P[${s}][${a}]`).toBe(P[s][a].length);
          P[s][a].forEach(([p, next, r, done], k) => {
            expect(Math.abs(mine[k].prob - p), `P[${s}][${a}][${k}] prob`).toBeLessThan(1e-12);
            expect(mine[k].next, `P[${s}][${a}][${k}] next`).toBe(next);
            expect(mine[k].reward, `P[${s}][${a}][${k}] reward`).toBe(r);
            expect(mine[k].done, `P[${s}][${a}][${k}] done`).toBe(done === 1);
          });
        }
      }
    });
  }

  it('slips to each perpendicular direction a third of the time on FrozenLake (sampled)', () => {
    const env = grid(FROZEN_LAKE_4X4);
    env.reset(1);
    // Cell 10 (row 2, col 2), action RIGHT (2): DOWN -> 14, RIGHT -> 11 (hole), UP -> 6.
    const counts: Record<number, number> = { 14: 0, 11: 0, 6: 0 };
    const n = 30000;
    for (let i = 0; i < n; i++) {
      env.setState(Float64Array.of(10));
      const r = env.step(2);
      counts[env.getState()[0]] += 1;
      expect(r.terminated).toBe(env.getState()[0] === 11);
    }
    for (const c of Object.values(counts)) expect(Math.abs(c / n - 1 / 3)).toBeLessThan(0.015);
  });

  it('follows Gymnasium action numbering: FrozenLake LEFT DOWN RIGHT UP, CliffWalking UP RIGHT DOWN LEFT', () => {
    const fl = grid(FROZEN_LAKE_4X4_NOT_SLIPPERY);
    expect([0, 1, 2, 3].map((a) => fl.transitions(6, a)[0].next)).toEqual([5, 10, 7, 2]);
    const cw = grid(CLIFF_WALKING);
    expect([0, 1, 2, 3].map((a) => cw.transitions(13, a)[0].next)).toEqual([1, 14, 25, 12]);
  });
});

describe('GridWorld episodes', () => {
  it('CliffWalking: the cliff costs -100 and returns to the start without ending; the goal ends it', () => {
    const env = makeEnv('CliffWalking', { seed: 0 });
    expect(env.getState()[0]).toBe(36);
    const fall = env.step(1); // right from the start is the cliff
    expect(fall.reward).toBe(-100);
    expect(fall.terminated).toBe(false);
    expect(env.getState()[0]).toBe(36);
    expect(Array.from(fall.observation)).toEqual([1, 0]);
    env.setState(Float64Array.of(35));
    const goal = env.step(2);
    expect(goal).toMatchObject({ reward: -1, terminated: true });
    expect(env.getState()[0]).toBe(47);
  });

  it('FrozenLake: reward 1 at the goal, 0 in a hole, both end the episode; truncation at 100 / 200 steps', () => {
    const env = makeEnv('FrozenLake-4x4', { seed: 0 });
    const model = env.inner as GridWorld;
    expect(model.transitions(14, 2).some((t) => t.next === 15 && t.reward === 1 && t.done)).toBe(true);
    expect(model.transitions(1, 1).some((t) => t.next === 5 && t.reward === 0 && t.done)).toBe(true);
    expect(getEnvSpec('FrozenLake-4x4').maxEpisodeSteps).toBe(100);
    expect(getEnvSpec('FrozenLake-8x8').maxEpisodeSteps).toBe(200);
  });

  it('observation is [row, column] normalised to [0, 1] and maps back to the cell index', () => {
    for (const layout of [FROZEN_LAKE_8X8, CLIFF_WALKING, TEACHING_GRID]) {
      const env = grid(layout);
      const rows = layout.rows.length;
      const cols = layout.rows[0].length;
      for (let s = 0; s < env.numStates; s++) {
        const obs = env.observationOf(s);
        expect(Array.from(obs)).toEqual([Math.fround(Math.floor(s / cols) / (rows - 1)), Math.fround((s % cols) / (cols - 1))]);
        expect(stateIndexOf(layout, obs)).toBe(s);
      }
    }
    const env = makeEnv('FrozenLake-8x8');
    expect(Array.from(env.reset(0))).toEqual([0, 0]);
    expect(env.spec.observationSpace.shape).toEqual([2]);
  });

  it('walls cannot be entered', () => {
    const env = grid(parseLayout('S#G\n...'));
    expect(env.transitions(0, 1)[0]).toMatchObject({ next: 0, reward: 0, done: false });
    expect(() => env.setState(Float64Array.of(1))).toThrow(/wall/);
  });

  it('several start cells are chosen uniformly', () => {
    const env = grid(parseLayout('S.S\n..G'));
    const seen = { 0: 0, 2: 0 } as Record<number, number>;
    env.reset(3);
    for (let i = 0; i < 4000; i++) {
      env.reset();
      seen[env.getState()[0]] += 1;
    }
    expect(Math.abs(seen[0] / 4000 - 0.5)).toBeLessThan(0.04);
  });
});

describe('value iteration on the transition model', () => {
  it('FrozenLake-4x4, gamma 0.99: V(start) = 0.542 and every value as Python value iteration on Gymnasium P', () => {
    const { V } = valueIteration(grid(FROZEN_LAKE_4X4), 0.99);
    expect(V[0]).toBeCloseTo(0.542, 3);
    ref.envs['FrozenLake-4x4'].values['0.99'].V.forEach((v, s) => expect(Math.abs(V[s] - v)).toBeLessThan(1e-9));
  });

  for (const [name, layout, skip] of CASES) {
    for (const gamma of ['0.9', '0.99']) {
      it(`${name}, gamma ${gamma}: optimal values match Python's`, () => {
        const { V, Q } = valueIteration(grid(layout), Number(gamma));
        const expected = ref.envs[name].values[gamma];
        expected.V.forEach((v, s) => {
          if (skip.includes(s)) return;
          expect(Math.abs(V[s] - v), `V(${s})`).toBeLessThan(1e-8);
          expected.Q[s].forEach((q, a) => expect(Math.abs(Q[s * 4 + a] - q), `Q(${s}, ${a})`).toBeLessThan(1e-8));
        });
      });
    }
  }

  it('CliffWalking optimal path is the 13-step walk along the cliff', () => {
    const { V } = valueIteration(grid(CLIFF_WALKING), 1.0);
    expect(V[36]).toBeCloseTo(-13, 9);
  });
});

describe('GridWorld layouts', () => {
  it('text format round-trips, custom rewards included', () => {
    const text = 'S..#\n.H.G\nslip: 0.1\nstep: -0.5\ngoal: 2\nhole: -3\nsteps: 40\nactions: left down right up\nreward 0,1: 0.25';
    const layout = parseLayout(text);
    expect(layout).toMatchObject({ slip: 0.1, maxSteps: 40, rewards: { step: -0.5, goal: 2, hole: -3 }, actions: ['left', 'down', 'right', 'up'] });
    expect(layout.cellRewards).toEqual({ 1: 0.25 });
    expect(parseLayout(formatLayout(layout))).toEqual(layout);
    const env = grid(layout);
    expect(env.transitions(0, 2)[1]).toMatchObject({ next: 1, reward: 0.25 });
    for (const preset of [FROZEN_LAKE_4X4, CLIFF_WALKING, TEACHING_GRID]) expect(parseLayout(formatLayout(preset))).toEqual(preset);
  });

  it('rejects bad layouts with a message naming the problem', () => {
    expect(() => parseLayout('S.X\n..G')).toThrow(/unknown cell "X" at row 0, column 2/);
    expect(() => parseLayout('S..\n.G')).toThrow(/row 1 has 2 cells, expected 3/);
    expect(() => parseLayout('...\n..G')).toThrow(/start cell S/);
    expect(() => parseLayout('S.G\nslip: 1.5')).toThrow(/slip must be in \[0, 1\]/);
    expect(() => parseLayout('S.G\nslip: lots')).toThrow(/line 2: slip must be a number/);
    expect(() => parseLayout('S.G\nactions: up down left right')).toThrow(/perpendicular/);
    expect(() => parseLayout('S.G\nwind: 3')).toThrow(/unknown setting "wind"/);
    expect(() => parseLayout('S.G\nreward 4,0: 1')).toThrow(/outside the 1x3 map/);
  });

  it('makeEnv takes a custom layout for GridWorld ids, and the spec carries it', () => {
    const env = makeEnv('GridWorld', { layout: 'S.G\nsteps: 5', seed: 0 });
    expect(isGridWorldSpec(env.spec) && env.spec.grid.rows).toEqual(['S.G']);
    expect(env.spec.maxEpisodeSteps).toBe(5);
    let last = env.step(3); // left into the edge: stays
    for (let i = 0; i < 4; i++) last = env.step(3);
    expect(last.truncated).toBe(true);
    expect(() => makeEnv('Pendulum-v1', { layout: 'S.G' })).toThrow(/only for GridWorld and PointMaze/);
  });
});
