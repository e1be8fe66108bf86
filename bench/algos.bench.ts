// Updates per second of every algorithm at the D4RL locomotion size, on each backend, in Node and in a headless
// Chromium worker, side by side with a PyTorch CPU implementation of the same update (bench/torch_peer.py).
// Run: npx tsx bench/algos.bench.ts [--algos bc,iql] [--budget 3000] [--skip-browser]
// Needs: Debian's chromium and python3-torch (apt-get install -y chromium python3-torch).
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { measureUpdatesPerSecond } from '../src/core/run/measure';
import { configureWasm } from '../src/core/tf/backend';
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
    }
  }
  return out;
}

async function browserResults(): Promise<Record<string, Record<string, number | string>>> {
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 5179, strictPort: true }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage();
    const query = new URLSearchParams({ budget: String(budget), ...(only ? { algos: only.join(',') } : {}) });
    await page.goto(`http://localhost:5179/bench/browser/index.html?${query}`);
    await page.waitForFunction(() => (window as unknown as { benchResult?: unknown }).benchResult !== undefined, null, { timeout: 30 * 60_000 });
    return await page.evaluate(() => (window as unknown as { benchResult: Record<string, Record<string, number | string>> }).benchResult);
  } finally {
    await browser.close();
    await server.close();
  }
}

function torchResults(): Record<string, unknown> {
  const r = spawnSync('/usr/bin/python3', ['bench/torch_peer.py', '--budget', String(budget / 1000), '--specs', JSON.stringify(specs)], { encoding: 'utf8' });
  if (r.status !== 0) return { error: `torch peer failed: ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const node = await nodeResults();
const browser = process.argv.includes('--skip-browser') ? null : await browserResults();
const torch = torchResults() as { threads?: number; results?: Record<string, Record<string, number | string>>; error?: string };
const rows = specs.map((spec) => {
  const id = spec.algorithmId;
  const tfjsAll: [string, number][] = [
    ...Object.entries(node[id]).map(([b, v]) => [`node-${b}`, v] as [string, number]),
    ...Object.entries(browser?.[id] ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number').map(([b, v]) => [`browser-${b}`, v] as [string, number]),
  ];
  const best = tfjsAll.sort((a, b) => b[1] - a[1])[0];
  const peer = torch.results?.[id];
  const peer1 = typeof peer?.threads_1 === 'number' ? peer.threads_1 : null;
  return {
    algorithm: id,
    tfjs: { node: node[id], browser: browser?.[id] ?? 'skipped' },
    torch: peer ?? torch.error ?? 'no peer for this algorithm',
    bestTfjs: best ? { where: best[0], updatesPerSecond: best[1] } : null,
    ratioBestTfjsToTorch1Thread: best && peer1 ? best[1] / peer1 : null,
  };
});
console.log(JSON.stringify({ size: '17-dim obs, 6-dim actions, 2x256 MLPs, batch 256', budgetMs: budget, cores: cpus().length, node: process.version, torchThreads: torch.threads, results: rows }, null, 2));
