// Environment steps per second, single and vectorised, for every registered env, with Python Gymnasium
// (Debian's python3 and numpy, Gymnasium's source from a temporary checkout of the local mirror) side by side.
// Run: npx tsx bench/envs.bench.ts   (GYMNASIUM_SRC=<dir with gymnasium/> to use another checkout)
// Each env is measured in its own Node process: sharing one process across 17 env classes makes the step call
// sites megamorphic and slows later envs several-fold, which a worker running one env never sees.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareEnv } from '../src/core/envs/prepare';
import { listEnvs, makeEnv } from '../src/core/envs/registry';
import { VectorEnv } from '../src/core/envs/vectorEnv';
import type { Action } from '../src/core/envs/types';
import { randomPolicy } from '../src/core/policies/random';
import { Rng } from '../src/core/rng';

const SECONDS = 0.6;
const NUM_ENVS = 16;
const ROUNDS = 3;
const PYTHON = '/usr/bin/python3';
const MIRROR = '/work/.mirror/Farama-Foundation+Gymnasium/repo';

/**
 * Calls step(i) in batches of 1000 for ROUNDS rounds of `seconds` / ROUNDS each, after a warm-up, and returns
 * the best round's calls per second (the machine is shared, so the best round is the least disturbed one).
 */
function timed(step: (i: number) => void, seconds = SECONDS): number {
  const warm = performance.now();
  for (let k = 0; k < 20_000 && performance.now() - warm < 300; k++) step(k); // MuJoCo: 0.3 s, not 20,000 steps
  let best = 0;
  let n = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    let calls = 0;
    for (;;) {
      for (let k = 0; k < 1000; k++) step(n++);
      calls += 1000;
      const elapsed = (performance.now() - start) / 1000;
      if (elapsed >= seconds / ROUNDS) {
        best = Math.max(best, calls / elapsed);
        break;
      }
    }
  }
  return best;
}

function labNumbers(id: string) {
  const env = makeEnv(id, { seed: 0 });
  const rng = new Rng(0);
  const policy = randomPolicy(env.spec.actionSpace);
  const actions: Action[] = Array.from({ length: 4096 }, () => policy.act(new Float32Array(0), rng));
  const raw = env.inner;
  raw.reset(0);
  const singleRaw = timed((i) => {
    if (raw.step(actions[i & 4095]).terminated) raw.reset();
  });
  env.reset(0);
  const singleMake = timed((i) => {
    const r = env.step(actions[i & 4095]);
    if (r.terminated || r.truncated) env.reset();
  });
  const venv = new VectorEnv(id, NUM_ENVS, { seed: 0 });
  venv.reset();
  const width = env.spec.actionSpace.kind === 'discrete' ? 1 : env.spec.actionSpace.shape[0];
  const batches = Array.from({ length: 64 }, () => {
    const flat = new Float32Array(NUM_ENVS * width);
    for (let k = 0; k < NUM_ENVS; k++) {
      const a = policy.act(new Float32Array(0), rng);
      if (typeof a === 'number') flat[k] = a;
      else flat.set(a, k * width);
    }
    return flat;
  });
  const vector = NUM_ENVS * timed((i) => venv.step(batches[i & 63]), SECONDS / 4);
  env.dispose();
  venv.dispose();
  return { single_raw: singleRaw, single_make: singleMake, vector_env_steps: vector };
}

interface PeerResult {
  gymnasium?: string;
  mujoco?: string;
  numpy?: string;
  python?: string;
  steps_per_second?: Record<string, Record<string, number>>;
  error?: string;
}

function gymnasiumPeer(): PeerResult {
  if (!existsSync(PYTHON)) return { error: `${PYTHON} not found` };
  let src = process.env.GYMNASIUM_SRC;
  let tmp: string | null = null;
  try {
    if (!src) {
      if (!existsSync(MIRROR)) return { error: `no GYMNASIUM_SRC and no mirror at ${MIRROR}` };
      tmp = mkdtempSync(join(tmpdir(), 'gym-src-'));
      // git archive may complain about large files outside gymnasium/ that the mirror lacks; the extract is checked below.
      execFileSync('sh', ['-c', `git -C '${MIRROR}' archive HEAD gymnasium 2>/dev/null | tar -x -C '${tmp}'`]);
      if (!existsSync(join(tmp, 'gymnasium', '__init__.py'))) return { error: 'could not extract gymnasium/ from the mirror' };
      src = tmp;
    }
    const out = execFileSync(PYTHON, [join(import.meta.dirname, 'gymnasium_peer.py'), String(SECONDS), String(NUM_ENVS)], {
      env: { ...process.env, PYTHONPATH: src },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out) as PeerResult;
  } catch (e) {
    return { error: `Gymnasium peer failed: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** Gymnasium's MuJoCo envs (MuJoCo 3.14.0) from the venv that also records the reference transitions. */
function mujocoPeer(): PeerResult {
  const python = process.env.MUJOCO_PYTHON ?? join(import.meta.dirname, '..', '.venv-mujoco', 'bin', 'python');
  if (!existsSync(python)) return { error: `${python} not found (make the venv as tests/reference/record_mujoco.py says)` };
  try {
    const out = execFileSync(python, [join(import.meta.dirname, 'gymnasium_peer.py'), String(SECONDS), String(NUM_ENVS), 'mujoco'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out) as PeerResult;
  } catch (e) {
    return { error: `Gymnasium MuJoCo peer failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Runs this file again for one env and reads its numbers. */
function labNumbersInChild(id: string): ReturnType<typeof labNumbers> {
  const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--env', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out) as ReturnType<typeof labNumbers>;
}

const round = (x: number) => Math.round(x);

function main(): void {
const peer = gymnasiumPeer();
const mujoco = mujocoPeer();
const results = listEnvs().map((spec) => {
  const lab = labNumbersInChild(spec.id);
  const py = peer.steps_per_second?.[spec.id] ?? mujoco.steps_per_second?.[spec.id];
  return {
    env: spec.id,
    lab: { single_raw: round(lab.single_raw), single_make: round(lab.single_make), vector_env_steps: round(lab.vector_env_steps) },
    gymnasium: py ? { single_raw: round(py.single_raw), single_make: round(py.single_make), vector_env_steps: round(py.vector_env_steps) } : null,
    speedup_make: py ? Number((lab.single_make / py.single_make).toFixed(1)) : null,
  };
});
console.log(
  JSON.stringify(
    {
      bench: 'env steps per second',
      note:
        'single_raw: the bare env (Gymnasium: env.unwrapped); single_make: makeEnv / gym.make with their wrappers; ' +
        `vector_env_steps: env steps per second through VectorEnv / gym.make_vec sync with ${NUM_ENVS} copies. Random actions, ` +
        `resets included, best of ${ROUNDS} rounds. PointMaze has no Python peer (D4RL needs mujoco-py). MuJoCo locomotion: the lab on @mujoco/mujoco 3.14 (wasm), ` +
        'Gymnasium 1.3.0 on the native mujoco 3.14.0 wheel.',
      node: process.version,
      peer: { gymnasium: peer.gymnasium, numpy: peer.numpy, python: peer.python, error: peer.error },
      mujoco_peer: { gymnasium: mujoco.gymnasium, mujoco: mujoco.mujoco, numpy: mujoco.numpy, python: mujoco.python, error: mujoco.error },
      seconds_per_measurement: SECONDS,
      results,
    },
    null,
    1,
  ),
);
}

const at = process.argv.indexOf('--env');
if (at >= 0) {
  await prepareEnv(process.argv[at + 1]);
  console.log(JSON.stringify(labNumbers(process.argv[at + 1])));
}
else main();
