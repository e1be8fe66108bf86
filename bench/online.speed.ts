// Speed of the online algorithms: environment steps/s and updates/s of the lab's Trainer (Node, wasm backend, the
// algorithm's zoo defaults, acting and stepping included) beside a CleanRL-style PyTorch loop doing the same work
// (bench/online_torch_peer.py: same environments from Gymnasium, networks, batch sizes, copies and schedules, one
// torch thread, OpenBLAS when installed). Prints JSON. Run: npx tsx bench/online.speed.ts [--seconds 10]
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../src/core/data/generate';
import { Trainer } from '../src/core/run/trainer';
import { configureWasm } from '../src/core/tf/backend';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SECONDS = Number(arg('seconds') ?? 10);
const PYTHON = '/usr/bin/python3';
const MIRROR = '/work/.mirror/Farama-Foundation+Gymnasium/repo';
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
const CASES = ['dqn-online:CartPole-v1', 'ppo:CartPole-v1', 'sac-online:Pendulum-v1'];

async function lab(name: string): Promise<{ envStepsPerSecond: number; updatesPerSecond: number }> {
  const [algorithmId, envId] = name.split(':');
  const dataset = generateDataset({ envId, mix: [{ policy: 'random', weight: 1 }], transitions: 200, seed: 0 });
  // DQN acts with a fixed 10% exploration in the peer, with the peer's schedule and sizes (the zoo's 2020 CartPole
  // settings; the lab's defaults are now the zoo's current ones); learning starts after 100 steps in both SAC loops.
  const dqnAsPeer = { epsilonStart: 0.1, epsilonEnd: 0.1, hidden: '64,64', batchSize: 512, trainFrequency: 16, gradientSteps: 4, learningStarts: 0, lr: 2.5e-4, targetInterval: 5000 };
  const t = new Trainer({ dataset, algorithmId, hyperparameters: { updatesPerEval: 1e6, totalEnvSteps: 1e8, ...(algorithmId === 'dqn-online' ? dqnAsPeer : {}) } });
  try {
    await t.run(1500); // warm-up: kernels, the first rollout or learning starts
    const [steps, updates, start] = [t.envSteps, t.update, performance.now()];
    while (performance.now() - start < SECONDS * 1000) await t.run(500);
    const s = (performance.now() - start) / 1000;
    return { envStepsPerSecond: (t.envSteps - steps) / s, updatesPerSecond: (t.update - updates) / s };
  } finally {
    t.dispose();
  }
}

function peer(): Record<string, unknown> {
  if (!existsSync(PYTHON)) return { error: `${PYTHON} not found` };
  if (!existsSync(MIRROR)) return { error: `no Gymnasium mirror at ${MIRROR}` };
  const tmp = mkdtempSync(join(tmpdir(), 'gym-src-'));
  try {
    execFileSync('sh', ['-c', `git -C '${MIRROR}' archive HEAD gymnasium 2>/dev/null | tar -x -C '${tmp}'`]);
    const env = { ...process.env, PYTHONPATH: tmp, OMP_WAIT_POLICY: 'passive', ...(existsSync(OPENBLAS) ? { LD_LIBRARY_PATH: OPENBLAS } : {}) };
    const out = execFileSync(PYTHON, [join(import.meta.dirname, 'online_torch_peer.py'), String(SECONDS)], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { blas: existsSync(OPENBLAS) ? 'openblas' : 'reference', ...JSON.parse(out) };
  } catch (e) {
    return { error: `torch peer failed: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  configureWasm();
  await tf.setBackend('wasm');
  await tf.ready();
  const load = [loadavg()[0]];
  const ours: Record<string, unknown> = {};
  for (const c of CASES) {
    ours[c] = await lab(c);
    process.stderr.write(`${c}: ${JSON.stringify(ours[c])}\n`);
  }
  const torch = peer();
  load.push(loadavg()[0]);
  const rows = CASES.map((c) => {
    const l = ours[c] as { envStepsPerSecond: number; updatesPerSecond: number };
    const p = torch[c] as { envStepsPerSecond: number; updatesPerSecond: number } | undefined;
    const r = (x: number) => Number(x.toFixed(1));
    return { case: c, lab: { envStepsPerSecond: r(l.envStepsPerSecond), updatesPerSecond: r(l.updatesPerSecond) }, torch: p ? { envStepsPerSecond: r(p.envStepsPerSecond), updatesPerSecond: r(p.updatesPerSecond) } : null, labOverTorchEnvSteps: p ? Number((l.envStepsPerSecond / p.envStepsPerSecond).toFixed(2)) : null };
  });
  console.log(JSON.stringify({ bench: 'online speed', seconds: SECONDS, lab: 'tfjs wasm in Node', peer: torch.error ?? `torch ${String(torch.torch)}, ${String(torch.threads)} thread, ${String(torch.blas)}`, loadavg1: load, rows }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
