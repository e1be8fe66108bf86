import { describe, expect, it } from 'vitest';
import { CartPole, THETA_THRESHOLD, X_THRESHOLD } from '../../src/core/envs/cartpole';
import { makeEnv } from '../../src/core/envs/registry';

// Expected next states derived by hand from Gymnasium's published CartPole equations (cartpole.py):
// temp = (F + ml*thd^2*sin)/M; thacc = (g*sin - cos*temp)/(l*(4/3 - m*cos^2/M)); xacc = temp - ml*thacc*cos/M; Euler with tau 0.02.
function reference(s: number[], action: number): number[] {
  const [x, xd, th, thd] = s;
  const g = 9.8, mc = 1.0, mp = 0.1, M = mc + mp, l = 0.5, ml = mp * l, tau = 0.02;
  const F = action === 1 ? 10 : -10;
  const c = Math.cos(th), sn = Math.sin(th);
  const temp = (F + ml * thd * thd * sn) / M;
  const thacc = (g * sn - c * temp) / (l * (4 / 3 - (mp * c * c) / M));
  const xacc = temp - (ml * thacc * c) / M;
  return [x + tau * xd, xd + tau * xacc, th + tau * thd, thd + tau * thacc];
}

describe('CartPole-v1 matches Gymnasium', () => {
  const states = [
    [0, 0, 0, 0],
    [0.01, -0.02, 0.03, 0.04],
    [-1.5, 0.7, -0.1, 1.3],
    [2.0, -1.2, 0.15, -2.0],
    [0.3, 2.5, -0.2, 0.9],
  ];
  for (const s of states) {
    for (const a of [0, 1]) {
      it(`step from [${s}] with action ${a}`, () => {
        const env = new CartPole();
        env.setState(Float64Array.from(s));
        const out = env.step(a);
        const ref = reference(s, a);
        const next = env.getState();
        for (let i = 0; i < 4; i++) {
          expect(next[i]).toBeCloseTo(ref[i], 12);
          expect(Math.abs(out.observation[i] - ref[i])).toBeLessThan(1e-6);
        }
        const term = Math.abs(ref[0]) > X_THRESHOLD || Math.abs(ref[2]) > THETA_THRESHOLD;
        expect(out.terminated).toBe(term);
        expect(out.reward).toBe(1);
      });
    }
  }

  it('hand-computed value for one step from rest pushing right', () => {
    // temp = 10/1.1; thacc = -(10/1.1)/(0.5*(4/3 - 0.1/1.1)); xacc = temp - 0.05*thacc/1.1
    const env = new CartPole();
    env.setState(new Float64Array(4));
    env.step(1);
    const temp = 10 / 1.1;
    const thacc = -temp / (0.5 * (4 / 3 - 0.1 / 1.1));
    const xacc = temp - (0.05 * thacc) / 1.1;
    const s = env.getState();
    expect(s[1]).toBeCloseTo(0.02 * xacc, 12);
    expect(s[3]).toBeCloseTo(0.02 * thacc, 12);
    expect(s[1]).toBeCloseTo(0.1951219512195122, 12);
  });

  it('terminates past the angle and position limits, and pays 0 when stepped after termination', () => {
    const env = new CartPole();
    env.setState(Float64Array.of(0, 0, THETA_THRESHOLD - 1e-4, 1.0));
    const r1 = env.step(1);
    expect(r1.terminated).toBe(true);
    expect(r1.reward).toBe(1);
    expect(env.step(1).reward).toBe(0);
    env.setState(Float64Array.of(X_THRESHOLD, 1.0, 0, 0));
    expect(env.step(0).terminated).toBe(true);
    env.setState(Float64Array.of(-X_THRESHOLD + 0.001, 0, 0, 0));
    expect(env.step(1).terminated).toBe(false);
  });

  it('truncates at 500 steps through the registry time limit', () => {
    const env = makeEnv('CartPole-v1');
    env.reset(0);
    let last = { terminated: false, truncated: false };
    for (let t = 0; t < 500; t++) {
      env.setState(new Float64Array(4)); // keep it balanced so only the time limit ends it
      last = env.step(t % 2);
      if (t < 499) expect(last.truncated).toBe(false);
    }
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
  });

  it('seeded reset is reproducible and uniform in ±0.05', () => {
    const a = makeEnv('CartPole-v1').reset(42);
    const b = makeEnv('CartPole-v1').reset(42);
    const c = makeEnv('CartPole-v1').reset(43);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const env = makeEnv('CartPole-v1');
    env.reset(7);
    for (let i = 0; i < 200; i++) for (const v of env.reset()) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
  });

  it('rejects bad actions with a message', () => {
    const env = makeEnv('CartPole-v1', { seed: 0 });
    expect(() => env.step(2)).toThrow(/integer in \[0, 1\]/);
    expect(() => env.step(NaN)).toThrow(/CartPole-v1/);
    expect(() => env.step(0.5)).toThrow(/integer/);
  });
});
