import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Acrobot } from '../../src/core/envs/acrobot';
import { CartPole } from '../../src/core/envs/cartpole';
import { MountainCar } from '../../src/core/envs/mountainCar';
import { MountainCarContinuous } from '../../src/core/envs/mountainCarContinuous';
import { Pendulum } from '../../src/core/envs/pendulum';
import type { Env } from '../../src/core/envs/types';

// Transitions recorded from Gymnasium itself by tests/reference/record_gymnasium.py: random states inside
// and just outside the limits, every discrete action, continuous actions inside and outside the box, and
// chained steps from resets (so Gymnasium's own float32 state rounding is in the data).
interface Record {
  s: number[];
  a: number | number[];
  ns: number[];
  o: number[];
  r: number;
  t: number;
}
interface Reference {
  meta: { gymnasium_version: string; gymnasium_commit: string };
  envs: { [id: string]: Record[] };
}

const ref = JSON.parse(readFileSync(new URL('../reference/gymnasium_classic_control.json', import.meta.url), 'utf8')) as Reference;
const TOL = 1e-5;

const makers: { [id: string]: () => Env } = {
  'CartPole-v1': () => new CartPole(),
  'MountainCar-v0': () => new MountainCar(),
  'MountainCarContinuous-v0': () => new MountainCarContinuous(),
  'Pendulum-v1': () => new Pendulum(),
  'Acrobot-v1': () => new Acrobot(),
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe(`classic control matches Gymnasium ${ref.meta.gymnasium_version}`, () => {
  for (const [id, make] of Object.entries(makers)) {
    const records = ref.envs[id];
    it(`${id}: ${records.length} recorded transitions agree to ${TOL}`, () => {
      expect(records.length).toBeGreaterThan(200);
      const env = make();
      env.reset(0);
      let worst = 0;
      records.forEach((rec, k) => {
        env.setState(Float64Array.from(rec.s));
        const action = typeof rec.a === 'number' ? rec.a : Float32Array.from(rec.a);
        const out = env.step(action);
        const where = `${id} record ${k}: state [${rec.s}] action ${JSON.stringify(rec.a)}`;
        const dState = maxDiff(env.getState(), rec.ns);
        const dObs = maxDiff(out.observation, rec.o);
        expect(dState, `${where}: next state`).toBeLessThan(TOL);
        expect(dObs, `${where}: observation`).toBeLessThan(TOL);
        expect(Math.abs(out.reward - rec.r), `${where}: reward`).toBeLessThan(TOL);
        expect(out.terminated, `${where}: terminated`).toBe(rec.t === 1);
        expect(out.truncated).toBe(false);
        worst = Math.max(worst, dState, dObs);
      });
      // The integrators follow Gymnasium's operation order, so agreement is far tighter than the tolerance.
      expect(worst).toBeLessThan(1e-6);
    });
  }

  it('resets from the same distributions as Gymnasium', () => {
    const sample = (make: () => Env, n: number) => {
      const env = make();
      env.reset(123);
      return Array.from({ length: n }, () => (env.reset(), Array.from(env.getState())));
    };
    const within = (xs: number[], lo: number, hi: number) => xs.every((x) => x >= lo && x <= hi);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // MountainCar(-Continuous): position ~ U(-0.6, -0.4), velocity 0.
    for (const make of [makers['MountainCar-v0'], makers['MountainCarContinuous-v0']]) {
      const s = sample(make, 2000);
      expect(within(s.map((x) => x[0]), -0.6, -0.4)).toBe(true);
      expect(s.every((x) => x[1] === 0)).toBe(true);
      expect(Math.abs(mean(s.map((x) => x[0])) + 0.5)).toBeLessThan(0.005);
    }
    // Pendulum: theta ~ U(-pi, pi), theta_dot ~ U(-1, 1).
    const p = sample(makers['Pendulum-v1'], 2000);
    expect(within(p.map((x) => x[0]), -Math.PI, Math.PI) && within(p.map((x) => x[1]), -1, 1)).toBe(true);
    expect(Math.max(...p.map((x) => Math.abs(x[0])))).toBeGreaterThan(3.1);
    // Acrobot: all four ~ U(-0.1, 0.1), stored as float32.
    const a = sample(makers['Acrobot-v1'], 2000).flat();
    expect(within(a, -0.1, 0.1)).toBe(true);
    expect(a.every((x) => Math.fround(x) === x)).toBe(true);
    expect(Math.max(...a)).toBeGreaterThan(0.099);
  });

  it('covers terminations, clipped actions and limits in the data', () => {
    for (const id of ['CartPole-v1', 'MountainCar-v0', 'MountainCarContinuous-v0', 'Acrobot-v1']) {
      expect(ref.envs[id].some((r) => r.t === 1), id).toBe(true);
    }
    expect(ref.envs['Pendulum-v1'].some((r) => Array.isArray(r.a) && Math.abs(r.a[0]) > 2)).toBe(true);
    expect(ref.envs['MountainCarContinuous-v0'].some((r) => Array.isArray(r.a) && Math.abs(r.a[0]) > 1)).toBe(true);
    expect(ref.envs['MountainCar-v0'].some((r) => r.s[0] === -1.2 && r.s[1] < 0)).toBe(true);
  });
});
