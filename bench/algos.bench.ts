// Updates per second of every algorithm at the D4RL locomotion size, on each backend, in Node and in a headless
// Chromium worker, side by side with a PyTorch CPU implementation of the same update (bench/torch_peer.py).
// Run: npx tsx bench/algos.bench.ts [--algos bc,iql] [--budget 3000] [--skip-browser]
// Needs: Debian's chromium and python3-torch (apt-get install -y chromium python3-torch), and libopenblas0-openmp for
// the peer on OpenBLAS (see BLAS below).
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { measureUpdatesPerSecond } from '../src/core/run/measure';
import { BACKENDS, configureWasm } from '../src/core/tf/backend';
import { benchSpecs } from './specs';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const only = arg('algos')?.split(',');
const budget = Number(arg('budget') ?? 3000);
const specs = benchSpecs(only);

async function nodeResults(): Promise<Record<string, Record<string, number>>> {
  configureWasm();
  const out: Record<string, Record<string, number>> = {};
  for (const spec of specs) {
    out[spec.algorithmId] = {};
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      out[spec.algorithmId][backend] = await measureUpdatesPerSecond(spec, budget, 100_000);
      console.error(`node ${spec.algorithmId} ${backend}: ${out[spec.algorithmId][backend]}`);
    }
  }
  return out;
}

/** One page (a fresh worker) per algorithm and backend, so a slow or failing backend costs only its own cell. */
async function browserResults(): Promise<Record<string, Record<string, number | string>>> {
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 5179, strictPort: true }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update'],
  });
  const out: Record<string, Record<string, number | string>> = {};
  try {
    for (const spec of specs) {
      out[spec.algorithmId] = {};
      for (const backend of BACKENDS) {
        const page = await browser.newPage();
        try {
          const query = new URLSearchParams({ budget: String(budget), algos: spec.algorithmId, backends: backend });
          await page.goto(`http://localhost:5179/bench/browser/index.html?${query}`);
          await page.waitForFunction(() => (window as unknown as { benchResult?: unknown }).benchResult !== undefined, null, { timeout: 10 * 60_000 });
          const r = await page.evaluate(() => (window as unknown as { benchResult: Record<string, Record<string, number | string>> }).benchResult);
          out[spec.algorithmId][backend] = r[spec.algorithmId][backend];
        } catch (e) {
          out[spec.algorithmId][backend] = `failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
        } finally {
          await page.close();
        }
        console.error(`browser ${spec.algorithmId} ${backend}: ${out[spec.algorithmId][backend]}`);
      }
    }
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * Debian's python3-torch links whichever libblas.so.3 the loader finds: the reference BLAS by default (about 7 GFLOP/s
 * on one core here), OpenBLAS when libopenblas0-openmp is installed (about 120). The peer runs once on each library
 * that is present, chosen per process with LD_LIBRARY_PATH. OMP_WAIT_POLICY=passive: spinning OpenMP threads on
 * this shared 2-core machine made the 2-thread peer 100x slower.
 */
const BLAS = [
  { name: 'openblas', dir: '/usr/lib/x86_64-linux-gnu/openblas-openmp', missing: 'libopenblas0-openmp is not installed (apt-get install -y libopenblas0-openmp)' },
  { name: 'reference', dir: '/usr/lib/x86_64-linux-gnu/blas', missing: 'the reference BLAS (libblas3) is not installed' },
];

interface TorchRun {
  threads?: number;
  torch?: string;
  blas?: string;
  results?: Record<string, Record<string, number> | string>;
  error?: string;
}

function torchResults(dir: string, missing: string): TorchRun {
  if (!existsSync(dir)) return { error: missing };
  const r = spawnSync('/usr/bin/python3', ['bench/torch_peer.py', '--budget', String(budget / 1000), '--specs', JSON.stringify(specs)], {
    encoding: 'utf8',
    env: { ...process.env, LD_LIBRARY_PATH: dir, OMP_WAIT_POLICY: 'passive' },
  });
  if (r.status !== 0) return { error: `torch peer failed: ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(r.stdout) as TorchRun;
}

const loadBefore = loadavg();
const node = await nodeResults();
const browser = process.argv.includes('--skip-browser') ? null : await browserResults();
const torch = Object.fromEntries(BLAS.map((b) => [b.name, torchResults(b.dir, b.missing)]));
const loadAfter = loadavg();

/** The peer's updates/s on one thread with one BLAS, if it ran. */
function peer1(blas: string, id: string): number | null {
  const row = torch[blas].results?.[id];
  return typeof row === 'object' && typeof row.threads_1 === 'number' ? row.threads_1 : null;
}

const rows = specs.map((spec) => {
  const id = spec.algorithmId;
  const tfjsAll: [string, number][] = [
    ...Object.entries(node[id]).map(([b, v]) => [`node-${b}`, v] as [string, number]),
    ...Object.entries(browser?.[id] ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number').map(([b, v]) => [`browser-${b}`, v] as [string, number]),
  ];
  const best = tfjsAll.sort((a, b) => b[1] - a[1])[0];
  const ratio = (blas: string) => {
    const p = peer1(blas, id);
    return best && p ? best[1] / p : null;
  };
  const hp = spec.hyperparameters ?? {};
  return {
    algorithm: id,
    networks: { hidden: hp.hidden ?? null, batchSize: hp.batchSize, ...(id === 'dt' ? { contextLength: hp.contextLength, embedding: hp.embedding, layers: hp.layers, heads: hp.heads } : {}) },
    tfjs: { node: node[id], browser: browser?.[id] ?? 'skipped' },
    torch: Object.fromEntries(BLAS.map((b) => [b.name, torch[b.name].results?.[id] ?? torch[b.name].error ?? 'no peer for this algorithm'])),
    bestTfjs: best ? { where: best[0], updatesPerSecond: best[1] } : null,
    ratioBestTfjsToTorch1Thread: { openblas: ratio('openblas'), reference: ratio('reference') },
  };
});
const peers = Object.fromEntries(BLAS.map((b) => [b.name, { torch: torch[b.name].torch, blas: torch[b.name].blas, threadsAll: torch[b.name].threads, error: torch[b.name].error }]));
console.log(
  JSON.stringify(
    {
      size: '17-dim obs, 6-dim actions (6 discrete for DQN and discrete CQL), batch 256, each algorithm with its default networks; DT 64 windows of 20 steps',
      date: new Date().toISOString(),
      budgetMs: budget,
      cores: cpus().length,
      loadAverage: { before: loadBefore, after: loadAfter },
      node: process.version,
      peers,
      results: rows,
    },
    null,
    2,
  ),
);
