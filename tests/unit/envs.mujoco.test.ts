import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMujoco, mujocoHeapBytes } from '../../src/core/envs/mujoco/loadMujoco';
import { HOPPER, WALKER2D } from '../../src/core/envs/mujoco/locomotionEnvs';
import { makeEnv } from '../../src/core/envs/registry';
import { VectorEnv } from '../../src/core/envs/vectorEnv';

// Transitions recorded from Gymnasium 1.3.0 on MuJoCo 3.14.0 by tests/reference/record_mujoco.py: each step from
// the recorded (qpos, qvel) with a float32 action (some outside [-1, 1]), and is_healthy at the range edges.
interface Step {
  s: number[];
  a: number[];
  o: number[];
  r: number;
  t: number;
}
interface Reference {
  meta: { gymnasium_version: string; mujoco_version: string };
  envs: Record<string, { episodes: Step[][]; health?: { s: number[]; healthy: number }[] }>;
}

const ref = JSON.parse(readFileSync(new URL('../reference/gymnasium_mujoco.json', import.meta.url), 'utf8')) as Reference;
const TOL = 1e-5;
const IDS = ['Hopper-v5', 'Walker2d-v5', 'HalfCheetah-v5'];

beforeAll(async () => {
  await loadMujoco();
});

describe(`MuJoCo locomotion matches Gymnasium ${ref.meta.gymnasium_version} (MuJoCo ${ref.meta.mujoco_version})`, () => {
  for (const id of IDS) {
    it(`${id}: every recorded step agrees to ${TOL}`, () => {
      const episodes = ref.envs[id].episodes;
      const steps = episodes.reduce((n, e) => n + e.length, 0);
      expect(steps).toBeGreaterThan(50);
      const env = makeEnv(id);
      let worst = 0;
      for (const [e, episode] of episodes.entries()) {
        env.reset(e); // fresh solver warm start, as after Gymnasium's reset
        for (const [k, rec] of episode.entries()) {
          env.setState(Float64Array.from(rec.s));
          const out = env.step(Float32Array.from(rec.a));
          const where = `${id} episode ${e} step ${k}`;
          expect(out.observation.length).toBe(rec.o.length);
          for (let i = 0; i < rec.o.length; i++) {
            const d = Math.abs(out.observation[i] - rec.o[i]) / Math.max(1, Math.abs(rec.o[i]));
            worst = Math.max(worst, d);
            expect(d, `${where}: observation[${i}] ${out.observation[i]} vs ${rec.o[i]}`).toBeLessThan(TOL);
          }
          expect(Math.abs(out.reward - rec.r), `${where}: reward ${out.reward} vs ${rec.r}`).toBeLessThan(TOL);
          expect(out.terminated, `${where}: terminated`).toBe(rec.t === 1);
        }
      }
      env.dispose();
      expect(worst).toBeLessThan(TOL);
    });
  }

  for (const [id, config] of [['Hopper-v5', HOPPER] as const, ['Walker2d-v5', WALKER2D] as const]) {
    it(`${id}: healthy exactly where Gymnasium is, at and around the range edges`, () => {
      const cases = ref.envs[id].health!;
      expect(cases.filter((c) => c.healthy === 0).length).toBeGreaterThan(3);
      expect(cases.filter((c) => c.healthy === 1).length).toBeGreaterThan(3);
      const env = makeEnv(id);
        for (const c of cases) {
        const s = Float64Array.from(c.s);
        const q = s.length / 2; // nq == nv for these planar robots
        expect(config.isHealthy!(s.subarray(0, q), s.subarray(q)), `state [${c.s}]`).toBe(c.healthy === 1);
      }
      env.dispose();
    });
  }
});

describe('MuJoCo locomotion envs', () => {
  it('Hopper terminates when its torso tilts past 0.2 rad; HalfCheetah runs into the 1000-step truncation', () => {
    const env = makeEnv('Hopper-v5', { seed: 3 });
    const state = env.getState();
    state[2] = 0.25; // torso angle outside (-0.2, 0.2)
    env.setState(state);
    const fell = env.step(new Float32Array(3));
    expect(fell.terminated).toBe(true);
    expect(fell.reward).toBeLessThan(0.5); // no healthy reward on the unhealthy step
    state[2] = 0.15;
    env.setState(state);
    expect(env.step(new Float32Array(3)).terminated).toBe(false);
    // HalfCheetah never terminates: a random policy runs the full 1000 steps into truncation.
    const cheetah = makeEnv('HalfCheetah-v5', { seed: 1 });
    let last = cheetah.step(Float32Array.of(1, -1, 1, -1, 1, -1));
    let n = 1;
    while (!last.terminated && !last.truncated) {
      last = cheetah.step(Float32Array.from({ length: 6 }, (_, i) => Math.sin(n * 0.3 + i)));
      n++;
    }
    expect(last.terminated).toBe(false);
    expect(n).toBe(1000);
    env.dispose();
    cheetah.dispose();
  });

  it('resets draw Gymnasium’s noise: qpos U(-s, s) around the initial pose, qvel U(-s, s) or s·N(0, 1)', () => {
    const draws = (id: string, n: number) => {
      const env = makeEnv(id, { seed: 11 });
      const rows = [env.getState()];
      for (let i = 1; i < n; i++) {
        env.reset();
        rows.push(env.getState());
      }
      env.dispose();
      return rows;
    };
    const moments = (rows: Float64Array[], j: number) => {
      const m = rows.reduce((a, r) => a + r[j], 0) / rows.length;
      const v = rows.reduce((a, r) => a + (r[j] - m) ** 2, 0) / rows.length;
      return { mean: m, std: Math.sqrt(v), min: Math.min(...rows.map((r) => r[j])), max: Math.max(...rows.map((r) => r[j])) };
    };
    const n = 2000;
    const hopper = draws('Hopper-v5', n);
    const s = 5e-3;
    const initial = [0, 1.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 12; j++) {
      const mo = moments(hopper, j);
      expect(Math.abs(mo.mean - initial[j])).toBeLessThan((4 * s) / Math.sqrt(3 * n));
      expect(mo.std).toBeCloseTo(s / Math.sqrt(3), 4);
      expect(mo.min).toBeGreaterThanOrEqual(initial[j] - s);
      expect(mo.max).toBeLessThanOrEqual(initial[j] + s);
    }
    const cheetah = draws('HalfCheetah-v5', n);
    for (let j = 9; j < 18; j++) {
      const mo = moments(cheetah, j); // qvel ~ 0.1 N(0, 1): unbounded, std 0.1
      expect(Math.abs(mo.mean)).toBeLessThan((4 * 0.1) / Math.sqrt(n));
      expect(Math.abs(mo.std - 0.1)).toBeLessThan(0.01);
    }
    expect(Math.max(...cheetah.map((r) => Math.abs(r[9])))).toBeGreaterThan(0.25); // normal tails, not a uniform box
    // Same seed, same reset.
    expect(Array.from(makeEnv('Walker2d-v5', { seed: 5 }).getState())).toEqual(Array.from(makeEnv('Walker2d-v5', { seed: 5 }).getState()));
  });

  it('getState/setState round-trip qpos then qvel; bad states and actions are named', () => {
    const env = makeEnv('Walker2d-v5', { seed: 2 });
    const s = env.getState();
    expect(s.length).toBe(18);
    env.step(new Float32Array(6).fill(0.5));
    const after = env.getState();
    env.setState(s);
    env.step(new Float32Array(6).fill(0.5));
    // Equal up to MuJoCo's solver warm start (which Gymnasium's set_state does not reset either).
    env.getState().forEach((v, i) => expect(Math.abs(v - after[i])).toBeLessThan(1e-9));
    expect(() => env.setState(new Float64Array(5))).toThrow(/qpos \(9\) then qvel \(9\)/);
    expect(() => env.step(new Float32Array(3))).toThrow(/6 values/);
    expect(() => env.step(Float32Array.of(0, 0, NaN, 0, 0, 0))).toThrow(/action\[2\]/);
    env.dispose();
    expect(() => env.step(new Float32Array(6))).toThrow(/disposed/);
  });

  it('frees model and data: the wasm heap does not grow over 1,000 episodes of create, run and dispose', () => {
    const episode = (id: string, seed: number, dispose: boolean) => {
      const env = makeEnv(id, { seed });
      for (let t = 0; t < 5; t++) env.step(new Float32Array(env.spec.actionSpace.kind === 'box' ? env.spec.actionSpace.shape[0] : 1).fill(0.3));
      if (dispose) env.dispose();
    };
    for (let i = 0; i < 30; i++) episode(IDS[i % 3], i, true); // warm up: compiled templates, allocator pools
    const before = mujocoHeapBytes();
    for (let i = 0; i < 1000; i++) episode(IDS[i % 3], i, true);
    const after = mujocoHeapBytes();
    // The check can fail: the same loop without dispose grows the heap.
    for (let i = 0; i < 40; i++) episode('Hopper-v5', i, false);
    const leaked = mujocoHeapBytes();
    expect(after).toBe(before);
    expect(leaked).toBeGreaterThan(before);
  });

  it('VectorEnv steps MuJoCo copies with seeds seed + i and disposes them', () => {
    const vec = new VectorEnv('Hopper-v5', 3, { seed: 7 });
    const obs = vec.reset();
    const single = makeEnv('Hopper-v5', { seed: 8 });
    expect(Array.from(obs.subarray(11, 22))).toEqual(Array.from(single.reset(8)));
    const out = vec.step(new Float32Array(9).fill(0.1));
    expect(out.observations.length).toBe(33);
    vec.dispose();
    single.dispose();
  });
});
