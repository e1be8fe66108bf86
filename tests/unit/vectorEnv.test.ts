import { describe, expect, it } from 'vitest';
import { makeEnv } from '../../src/core/envs/registry';
import { VectorEnv } from '../../src/core/envs/vectorEnv';
import { Rng } from '../../src/core/rng';

const row = (a: Float32Array, i: number, d: number) => Array.from(a.subarray(i * d, (i + 1) * d));

describe('VectorEnv', () => {
  it('reset(seed) resets copy i with seed + i, like Gymnasium', () => {
    const venv = new VectorEnv('Acrobot-v1', 3);
    const obs = venv.reset(10);
    for (let i = 0; i < 3; i++) expect(row(obs, i, 6)).toEqual(Array.from(makeEnv('Acrobot-v1').reset(10 + i)));
    expect(Array.from(new VectorEnv('Acrobot-v1', 3, { seed: 10 }).reset())).toEqual(Array.from(obs));
  });

  it("same-step autoreset: an ending step returns the next episode's first observation and the final one aside", () => {
    const n = 4;
    const venv = new VectorEnv('CartPole-v1', n, { seed: 5 });
    const singles = Array.from({ length: n }, (_, i) => makeEnv('CartPole-v1', { seed: 5 + i }));
    venv.reset();
    const rng = new Rng(1);
    let endings = 0;
    for (let t = 0; t < 400; t++) {
      const actions = Int32Array.from({ length: n }, () => rng.int(2));
      const out = venv.step(actions);
      singles.forEach((env, i) => {
        const r = env.step(actions[i]);
        expect(out.rewards[i]).toBe(r.reward);
        expect(out.terminated[i]).toBe(r.terminated ? 1 : 0);
        expect(out.truncated[i]).toBe(r.truncated ? 1 : 0);
        if (r.terminated || r.truncated) {
          endings += 1;
          expect(Array.from(out.finalObservations[i]!)).toEqual(Array.from(r.observation));
          expect(row(out.observations, i, 4)).toEqual(Array.from(env.reset()));
        } else {
          expect(out.finalObservations[i]).toBeNull();
          expect(row(out.observations, i, 4)).toEqual(Array.from(r.observation));
        }
      });
    }
    expect(endings).toBeGreaterThan(20);
  });

  it('next-step autoreset: the step after an ending resets that copy, ignores its action, reward 0', () => {
    const venv = new VectorEnv('MountainCar-v0', 2, { seed: 0, autoreset: 'next-step' });
    venv.reset();
    let t = 0;
    let out = venv.step([1, 1]);
    while (!out.truncated[0]) {
      out = venv.step([1, 1]);
      t += 1;
    }
    expect(t + 1).toBe(200);
    expect(out.finalObservations).toEqual([null, null]);
    const next = venv.step([0, 0]);
    expect(Array.from(next.rewards)).toEqual([0, 0]);
    expect(Array.from(next.terminated)).toEqual([0, 0]);
    expect(Array.from(next.truncated)).toEqual([0, 0]);
    // The new episode continues copy 0's seed stream, as a single env's second reset would.
    const single = makeEnv('MountainCar-v0', { seed: 0 });
    expect(row(next.observations, 0, 2)).toEqual(Array.from(single.reset()));
    expect(venv.step([2, 2]).rewards[0]).toBe(-1);
  });

  it('takes continuous actions as one flat array of numEnvs × actionDim', () => {
    const venv = new VectorEnv('PointMaze-UMaze-v1', 3, { seed: 2 });
    expect(venv.actionDim).toBe(2);
    venv.reset();
    const out = venv.step(Float32Array.of(1, 0, 0, 1, -1, -1));
    expect(out.observations.length).toBe(12);
    expect(() => venv.step(Float32Array.of(1, 0, 0))).toThrow(/expected 6 action values \(3 envs × 2\), got 3/);
    expect(() => venv.step(Float32Array.of(1, 0, 0, 1, NaN, 0))).toThrow(/env 2: .*action\[0\] is NaN/);
  });

  it('rejects bad discrete actions and misuse with clear messages', () => {
    const venv = new VectorEnv('Acrobot-v1', 2);
    expect(() => venv.step([0, 1])).toThrow(/call reset\(\) before step\(\)/);
    venv.reset(0);
    expect(() => venv.step([0, 3])).toThrow(/env 1: Acrobot-v1: action must be an integer in \[0, 2\], got 3/);
    expect(() => new VectorEnv('Acrobot-v1', 0)).toThrow(/numEnvs must be an integer/);
  });

  it('steps custom layouts too', () => {
    const venv = new VectorEnv('GridWorld', 2, { layout: 'SG', seed: 0 });
    venv.reset();
    const out = venv.step([1, 1]);
    expect(Array.from(out.terminated)).toEqual([1, 1]);
    expect(Array.from(out.rewards)).toEqual([1, 1]);
    expect(Array.from(out.observations)).toEqual([0, 0, 0, 0]);
  });
});
