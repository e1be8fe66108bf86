// Member-updates/s of a population (K runs of one algorithm as one batched model, src/core/population) against K runs
// trained separately: one lone run alone, two lone runs in two processes at once (what the page's pool of 2 workers
// does with K runs on this 2-core machine: the rest wait in its queue), and the PyTorch peer (bench/torch_peer.py: the
// same update) on one core, alone and as parallel processes (8: an 8-seed experiment as a researcher runs it in
// PyTorch). Node, tfjs wasm, fixed random batches as
// src/core/run/measure.ts; each measurement in its own process. Progress on stderr, JSON on stdout and in bench/results.
// Run: npx tsx bench/population.bench.ts [--budget 4000] [--cycles 8] [--ks 1,4,8,32] [--algos iql,td3bc,sac] [--sizes teaching,d4rl] [--skip-torch] [--torch-processes 1,2,8]
// DQN (discrete actions): --algos dqn --sizes cartpole,d4rl-discrete [--out population-dqn]
// Decision Transformer: --algos dt --sizes dt-cartpole,dt-d4rl --ks 1,4,8 --skip-torch --out population-dt
// --products xnnpack,lab-gemm: every subject once per wasm product path (src/core/tf/wasmBatchMatMul.ts: tfjs's XNNPACK
// path as before the lab's GEMM, or the GEMM), all alternating in one process; results keyed by path.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { MeasureSpec } from '../src/core/run/measure';
import { configureWasm } from '../src/core/tf/backend';
import { setWasmProducts, type WasmProducts } from '../src/core/tf/wasmBatchMatMul';
import { round, startBench } from './benchResult';
import { interleaved, loneSubject, networksOf, populationSubject, specOf, type Subject } from './populationSubjects';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const budget = Number(arg('budget', '4000'));
/** Alternations of the subjects of one measurement (each gets budget / cycles ms per cycle). */
const cycles = Number(arg('cycles', '8'));
/** The wasm product paths to compare ('' keeps the default, as before this flag). */
const productPaths = arg('products', '').split(',').filter(Boolean) as WasmProducts[];

/** The same subject, updating through one wasm product path (shares the agent; dispose once). */
function onPath(s: Subject, path: WasmProducts): Subject {
  return {
    name: `${s.name}@${path}`,
    update: () => {
      setWasmProducts(path);
      return s.update();
    },
    dispose: () => s.dispose(),
  };
}

// ---- child mode: measurements in this process, one after another ----
if (process.argv.includes('--child')) {
  configureWasm();
  await tf.setBackend('wasm');
  await tf.ready();
  const [kind, algorithmId, size, list] = arg('child', '').split(':');
  const spec = specOf(algorithmId, size);
  // lone: one lone run; pop: one population of K (list) alone; set: a lone run and populations of each K, alternating.
  const populations = () => (list ?? '').split(',').map((k) => populationSubject(spec, Number(k)));
  const subjects = kind === 'lone' ? [loneSubject(spec)] : kind === 'pop' ? populations() : [loneSubject(spec), ...populations()];
  const timed = productPaths.length === 0 ? subjects : subjects.flatMap((s) => productPaths.map((path) => onPath(s, path)));
  const out = await interleaved(timed, cycles, budget / cycles);
  for (const s of subjects) s.dispose();
  console.log(JSON.stringify(out));
  process.exit(0);
}

const log = (s: string) => console.error(`[population.bench] ${s}`);

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.trim().split('\n').pop()}`))));
  });
}

/** What each of `parallel` processes measured, started together (1: alone). */
async function tfjsChildren(what: string, parallel: number): Promise<Record<string, number>[]> {
  const paths = productPaths.length > 0 ? ['--products', productPaths.join(',')] : [];
  const outs = await Promise.all(Array.from({ length: parallel }, () => run(process.execPath, [...process.execArgv, process.argv[1], '--child', what, '--budget', String(budget), '--cycles', String(cycles), ...paths])));
  return outs.map((o) => JSON.parse(o.trim().split('\n').pop()!) as Record<string, number>);
}

const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
async function torchChildren(spec: MeasureSpec, parallel: number): Promise<number[] | string> {
  if (!existsSync(OPENBLAS)) return 'libopenblas0-openmp is not installed (apt-get install -y libopenblas0-openmp)';
  const env = { ...process.env, LD_LIBRARY_PATH: OPENBLAS, OMP_WAIT_POLICY: 'passive', OMP_NUM_THREADS: '1' };
  try {
    const outs = await Promise.all(Array.from({ length: parallel }, () => run('/usr/bin/python3', ['bench/torch_peer.py', '--budget', String(budget / 1000), '--threads', '1', '--specs', JSON.stringify([spec])], env)));
    return outs.map((o) => (JSON.parse(o) as { results: Record<string, { threads_1: number }> }).results[spec.algorithmId].threads_1);
  } catch (e) {
    return `torch peer failed: ${(e as Error).message}`;
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ks = arg('ks', '1,4,8,32').split(',').map(Number);
const algos = arg('algos', 'iql,td3bc,sac').split(',');
const sizes = arg('sizes', 'teaching,d4rl').split(',');
const skipTorch = process.argv.includes('--skip-torch');
const torchParallel = arg('torch-processes', '1,2,8').split(',').map(Number);
const bench = startBench();
const cases: Record<string, unknown> = {};
for (const size of sizes) {
  for (const algorithmId of algos) {
    const name = `${algorithmId} ${size}`;
    const spec = specOf(algorithmId, size);
    log(`${name}: a lone run and populations of ${ks.join(', ')}, alternating ...`);
    const [measured] = await tfjsChildren(`set:${algorithmId}:${size}:${ks.join(',')}`, 1);
    log(`${name}: two lone runs at once (the pool's two workers) ...`);
    const pooled = await tfjsChildren(`lone:${algorithmId}:${size}`, 2);
    // An 8-seed experiment on the page's pool of 2 workers: two populations of 4, one per worker (experiments/populations.ts).
    log(`${name}: an 8-seed experiment as two populations of 4 at once ...`);
    const halved = await tfjsChildren(`pop:${algorithmId}:${size}:4`, 2);
    const tfjs = (path: string) => {
      const at = (name: string) => measured[`${name}${path}`];
      const pool = pooled.map((o) => o[`lone${path}`]);
      const halves = halved.map((o) => o[`K=4${path}`] * 4);
      const lone = at('lone');
      const population: Record<string, unknown> = {};
      for (const k of ks) {
        const ups = at(`K=${k}`);
        population[`K=${k}`] = {
          populationUpdatesPerSecond: round(ups),
          memberUpdatesPerSecond: round(ups * k),
          overOneLoneRun: round((ups * k) / lone),
          overPoolOfTwo: round((ups * k) / sum(pool)),
        };
      }
      return {
        loneRunUpdatesPerSecond: round(lone),
        poolOfTwoLoneRuns: { each: pool.map(round), combined: round(sum(pool)) },
        eightSeedsAsTwoPopulationsOfFour: { memberUpdatesPerSecond: { each: halves.map(round), combined: round(sum(halves)) } },
        population,
      };
    };
    let torch: unknown = 'skipped (--skip-torch)';
    if (!skipTorch) {
      // 1: the peer alone; more: K seeds as parallel processes on the same cores, as a researcher runs them.
      const runs: Record<string, unknown> = {};
      for (const parallel of torchParallel) {
        log(`${name}: PyTorch, ${parallel} process(es) at once ...`);
        const each = await torchChildren(spec, parallel);
        runs[`processes=${parallel}`] = typeof each === 'string' ? each : { each: each.map(round), combined: round(sum(each)) };
      }
      torch = runs;
    }
    cases[name] = {
      networks: networksOf(spec),
      ...(productPaths.length === 0 ? tfjs('') : { byProducts: Object.fromEntries(productPaths.map((path) => [path, tfjs(`@${path}`)])) }),
      torch,
    };
    log(`${name}: ${JSON.stringify(cases[name])}`);
  }
}
bench.finish(arg('out', 'population'), {
  note: 'Node wasm (one thread), member-updates/s = population updates/s x K; the lone run and the populations of one case measured in one process in alternating slices (--cycles), after a warm-up; fixed random batches; torch: bench/torch_peer.py on OpenBLAS, one thread per process',
  budgetMs: budget,
  cycles,
  products: productPaths.length > 0 ? productPaths : 'default (lab-gemm where it runs)',
  cases,
});
