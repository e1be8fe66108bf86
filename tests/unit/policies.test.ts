import { describe, expect, it } from 'vitest';
import { isMujocoEnvId } from '../../src/core/envs/mujoco/locomotionEnvs';
import { isPointMazeSpec } from '../../src/core/envs/pointMaze';
import { listEnvs, makeEnv } from '../../src/core/envs/registry';
import { evaluatePolicy } from '../../src/core/policies/evaluate';
import { getPolicyLevel, policyLevels } from '../../src/core/policies/index';
import { Rng } from '../../src/core/rng';

// 100 seeded episodes per level, as the reference scores and policies/README.md were measured (about 2 s in all).
const EPISODES = 100;

describe('behaviour policies', () => {
  // MuJoCo locomotion has only a random policy (envs.mujoco.test.ts); the scripted envs have three levels.
  for (const spec of listEnvs().filter((s) => !isMujocoEnvId(s.id))) {
    it(`${spec.id}: random < medium < expert, medium about a third of the way`, () => {
      expect(policyLevels(spec.id).map((l) => l.id)).toEqual(['random', 'medium', 'expert']);
      const [random, medium, expert] = ['random', 'medium', 'expert'].map((level) => evaluatePolicy(spec.id, level, EPISODES).mean);
      expect(random).toBeLessThan(medium);
      expect(medium).toBeLessThan(expert);
      if (spec.id !== 'CartPole-v1') {
        const fraction = (medium - random) / (expert - random);
        expect(fraction).toBeGreaterThan(0.2);
        expect(fraction).toBeLessThan(0.5);
      }
      const ref = spec.referenceScores;
      if (ref && ref.source.startsWith('lab')) {
        // The stored reference scores are exactly these measurements (rounded to 4 decimals).
        expect(Math.abs(ref.min - random)).toBeLessThan(1e-3);
        expect(Math.abs(ref.max - expert)).toBeLessThan(1e-3);
      }
      if (ref && isPointMazeSpec(spec)) expect(ref.source).toMatch(/^D4RL/);
    });
  }

  it('every registered env except CartPole (older) carries reference scores', () => {
    for (const spec of listEnvs()) expect(spec.referenceScores, spec.id).toBeDefined();
  });

  it('evaluation is reproducible from its seed', () => {
    const a = evaluatePolicy('Pendulum-v1', 'medium', 5, 3);
    const b = evaluatePolicy('Pendulum-v1', 'medium', 5, 3);
    expect(a.returns).toEqual(b.returns);
    expect(evaluatePolicy('Pendulum-v1', 'medium', 5, 4).returns).not.toEqual(a.returns);
  });

  it('GridWorld experts plan on a custom layout passed as the spec', () => {
    const env = makeEnv('GridWorld', { layout: 'S....\n.###.\n....G\nslip: 0', seed: 0 });
    const policy = getPolicyLevel('GridWorld', 'expert').make(env.spec);
    let obs = env.reset(0);
    let steps = 0;
    for (;;) {
      const r = env.step(policy.act(obs, new Rng(0)));
      obs = r.observation;
      steps += 1;
      if (r.terminated || r.truncated) {
        expect(r.terminated).toBe(true);
        break;
      }
    }
    expect(steps).toBe(6);
  });

  it('PointMaze experts plan on a custom maze passed as the spec', () => {
    const env = makeEnv('PointMaze-UMaze-v1', { layout: '######\n#OOOO#\n####O#\n#GOOO#\n######', seed: 0 });
    const policy = getPolicyLevel('PointMaze-UMaze-v1', 'expert').make(env.spec);
    // Start at the far end of the U: the path runs right, down and back left (8 cells).
    env.setState(Float64Array.of(1, 1, 0, 0));
    let obs: Float32Array = Float32Array.of(1, 1, 0, 0);
    let total = 0;
    for (let t = 0; t < 300; t++) {
      const r = env.step(policy.act(obs, new Rng(0)));
      obs = r.observation;
      total += r.reward;
    }
    expect(total).toBeGreaterThan(100);
  });

  it('unknown levels and environments are named in the error', () => {
    expect(() => getPolicyLevel('Acrobot-v1', 'superb')).toThrow(/no "superb" policy. Known: random, medium, expert/);
    expect(() => policyLevels('Nope-v0')).toThrow(/Nope-v0/);
  });
});
