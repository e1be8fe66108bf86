import { beforeAll, describe, expect, it } from 'vitest';
import { loadMujoco } from '../../src/core/envs/mujoco/loadMujoco';
import { isMujocoEnvId } from '../../src/core/envs/mujoco/locomotionEnvs';
import { getEnvSpec, listEnvs, makeEnv } from '../../src/core/envs/registry';
import { Pendulum } from '../../src/core/envs/pendulum';
import { MountainCarContinuous } from '../../src/core/envs/mountainCarContinuous';
import { randomPolicy } from '../../src/core/policies/random';
import { Rng } from '../../src/core/rng';

const GYMNASIUM_LIMITS: Record<string, number> = {
  'CartPole-v1': 500,
  'MountainCar-v0': 200,
  'MountainCarContinuous-v0': 999,
  'Pendulum-v1': 200,
  'Acrobot-v1': 500,
};

describe('every registered environment', () => {
  beforeAll(() => loadMujoco());
  for (const spec of listEnvs()) {
    it(`${spec.id}: seeded resets repeat, observations stay in the space, state round-trips`, () => {
      const a = makeEnv(spec.id);
      const b = makeEnv(spec.id);
      expect(Array.from(a.reset(42))).toEqual(Array.from(b.reset(42)));
      const policy = randomPolicy(spec.actionSpace);
      const rng = new Rng(0);
      const { low, high } = spec.observationSpace;
      for (let t = 0; t < 300; t++) {
        const action = policy.act(new Float32Array(0), rng);
        const saved = a.getState();
        const r1 = a.step(action);
        // Restoring the state and repeating the action gives the same step (deterministic envs only).
        // MuJoCo repeats up to its solver's warm start (envs.mujoco.test.ts checks it with a tolerance).
        if (!isMujocoEnvId(spec.id) && (spec.actionSpace.kind === 'box' || !['FrozenLake-4x4', 'FrozenLake-8x8', 'GridWorld'].includes(spec.id))) {
          a.setState(saved);
          const r2 = a.inner.step(action);
          expect(Array.from(r2.observation)).toEqual(Array.from(r1.observation));
          expect(r2.reward).toBe(r1.reward);
        }
        r1.observation.forEach((v, k) => {
          expect(v, `${spec.id} observation[${k}]`).toBeGreaterThanOrEqual(low[k] - 1e-6);
          expect(v, `${spec.id} observation[${k}]`).toBeLessThanOrEqual(high[k] + 1e-6);
        });
        if (r1.terminated || r1.truncated) a.reset();
      }
      expect(spec.observationLabels.length).toBe(spec.observationSpace.shape[0]);
      expect(spec.actionLabels.length).toBe(spec.actionSpace.kind === 'discrete' ? spec.actionSpace.n : spec.actionSpace.shape[0]);
    });
  }

  it("uses Gymnasium's episode limits and solved thresholds", () => {
    for (const [id, n] of Object.entries(GYMNASIUM_LIMITS)) expect(getEnvSpec(id).maxEpisodeSteps).toBe(n);
    expect(getEnvSpec('MountainCar-v0').solvedThreshold).toBe(-110);
    expect(getEnvSpec('MountainCarContinuous-v0').solvedThreshold).toBe(90);
    expect(getEnvSpec('Acrobot-v1').solvedThreshold).toBe(-100);
  });
});

describe('bad actions are rejected with a message naming the env and the problem', () => {
  it('discrete: out of range, fractional, NaN', () => {
    for (const id of ['MountainCar-v0', 'Acrobot-v1']) {
      const env = makeEnv(id, { seed: 0 });
      expect(() => env.step(3)).toThrow(new RegExp(`${id}: action must be an integer in \\[0, 2\\], got 3`));
      expect(() => env.step(-1)).toThrow(/got -1/);
      expect(() => env.step(1.5)).toThrow(/integer/);
      expect(() => env.step(NaN)).toThrow(/got NaN/);
    }
    const grid = makeEnv('FrozenLake-4x4', { seed: 0 });
    expect(() => grid.step(4)).toThrow(/FrozenLake-4x4: action must be an integer in \[0, 3\]/);
  });

  it('continuous: wrong length, NaN, infinity', () => {
    for (const id of ['Pendulum-v1', 'MountainCarContinuous-v0']) {
      const env = makeEnv(id, { seed: 0 });
      expect(() => env.step(Float32Array.of(0, 0))).toThrow(new RegExp(`${id}: action must have 1 values, got 2`));
      expect(() => env.step(Float32Array.of(NaN))).toThrow(/action\[0\] is NaN; actions must be finite/);
      expect(() => env.step(Float32Array.of(Infinity))).toThrow(/finite/);
    }
    const maze = makeEnv('PointMaze-Large-v1', { seed: 0 });
    expect(() => maze.step(Float32Array.of(1))).toThrow(/PointMaze-Large-v1: action must have 2 values, got 1/);
  });

  it("clips out-of-range continuous actions as Gymnasium does (Pendulum's cost sees the clipped torque)", () => {
    const a = new Pendulum();
    const b = new Pendulum();
    a.setState(Float64Array.of(1, 0.5));
    b.setState(Float64Array.of(1, 0.5));
    const big = a.step(Float32Array.of(7));
    const max = b.step(Float32Array.of(2));
    expect(Array.from(a.getState())).toEqual(Array.from(b.getState()));
    expect(big.reward).toBe(max.reward);
    // A bare number is accepted for a one-dimensional Box.
    expect(() => makeEnv('Pendulum-v1', { seed: 0 }).step(0.5)).not.toThrow();
  });

  it("MountainCarContinuous clips the force but charges the cost on the action as given (Gymnasium's reward)", () => {
    const a = new MountainCarContinuous();
    const b = new MountainCarContinuous();
    a.setState(Float64Array.of(-0.5, 0));
    b.setState(Float64Array.of(-0.5, 0));
    const big = a.step(Float32Array.of(3));
    const one = b.step(Float32Array.of(1));
    expect(Array.from(a.getState())).toEqual(Array.from(b.getState()));
    expect(big.reward).toBeCloseTo(-0.9, 12);
    expect(one.reward).toBeCloseTo(-0.1, 12);
  });

  it('setState checks the layout of the state', () => {
    expect(() => makeEnv('Pendulum-v1').setState(Float64Array.of(1, 2, 3))).toThrow(/\[theta, theta_dot\], got 3 values/);
    expect(() => makeEnv('Acrobot-v1').setState(Float64Array.of(1))).toThrow(/theta1, theta2, dtheta1, dtheta2/);
    expect(() => makeEnv('MountainCar-v0').setState(Float64Array.of(1))).toThrow(/position, velocity/);
    expect(() => makeEnv('CliffWalking').setState(Float64Array.of(48))).toThrow(/integer in \[0, 47\]/);
  });

  it('options are checked', () => {
    expect(() => makeEnv('Nope-v9')).toThrow(/Unknown environment "Nope-v9". Known: CartPole-v1/);
    expect(() => makeEnv('Acrobot-v1', { g: 9.81 })).toThrow(/g option .* Pendulum-v1 only/);
    const light = makeEnv('Pendulum-v1', { g: 0 });
    light.setState(Float64Array.of(1, 0));
    light.step(Float32Array.of(0));
    expect(Array.from(light.getState())).toEqual([1, 0]); // no gravity, no torque: nothing moves
  });
});
