// Load time of a 1M-transition D4RL file: the lab's dataset worker in headless Chromium (the page's own import
// path: a File handed to the worker, parsed with h5wasm into SharedArrayBuffer arrays) and the same service in
// Node, side by side with h5py reading the same file (bench/d4rl_peer.py). Also reports the longest main-thread
// task while the worker loads, which must stay short (the page does not freeze).
// Run: npx tsx bench/datasetLoad.bench.ts [--rows 1000000] [--obs 17] [--act 6] [--repeat 3] [--skip-browser]
// Needs: Debian's chromium, python3-h5py and python3-numpy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { DatasetService } from '../src/core/data/datasetService';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rows = arg('rows', 1_000_000);
const obs = arg('obs', 17);
const act = arg('act', 6);
const repeat = arg('repeat', 3);
const PYTHON = '/usr/bin/python3';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function python(args: string[]): string {
  const r = spawnSync(PYTHON, ['bench/d4rl_peer.py', ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`d4rl_peer.py ${args[0]} failed (needs ${PYTHON} with h5py and numpy): ${r.stderr.trim().split('\n').pop()}`);
  return r.stdout;
}

async function nodeRuns(path: string): Promise<number[]> {
  const service = new DatasetService();
  const out: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const bytes = new Uint8Array(readFileSync(path));
    const { dataset } = await service.importFile(bytes, { fileName: 'bench.hdf5', env: { kind: 'none' } });
    out.push((performance.now() - t0) / 1000);
    if (dataset.size !== rows) throw new Error(`read ${dataset.size} rows, wrote ${rows}`);
  }
  return out;
}

interface BrowserResult {
  runs?: { seconds: number; stages: Record<string, number>; rows: number; sharedArrays: boolean; longestMainThreadTaskMs: number }[];
  crossOriginIsolated?: boolean;
  error?: string;
}

async function browserRuns(path: string): Promise<BrowserResult> {
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 5178, strictPort: true }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://localhost:5178/bench/browser/datasetLoad.html?repeat=${repeat}`);
    await page.locator('#file').setInputFiles(path); // by path, as a user picks it: no copy through the driver
    await page.waitForFunction(() => (window as unknown as { benchResult?: unknown }).benchResult !== undefined, null, { timeout: 30 * 60_000 });
    return await page.evaluate(() => (window as unknown as { benchResult: BrowserResult }).benchResult);
  } finally {
    await browser.close();
    await server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rl-lab-bench-'));
const path = join(dir, 'd4rl-bench.hdf5');
try {
  python(['write', path, '--rows', String(rows), '--obs', String(obs), '--act', String(act)]);
  const megabytes = statSync(path).size / 1e6;
  const node = await nodeRuns(path);
  const browser = process.argv.includes('--skip-browser') ? null : await browserRuns(path);
  const peer = JSON.parse(python(['read', path, '--repeat', String(repeat)])) as { runs: { totalSeconds: number }[]; h5py: string; numpy: string };
  const peerMedian = median(peer.runs.map((r) => r.totalSeconds));
  const browserMedian = browser?.runs ? median(browser.runs.map((r) => r.seconds)) : null;
  console.log(
    JSON.stringify(
      {
        file: { rows, observationDim: obs, actionDim: act, megabytes: Number(megabytes.toFixed(1)), layout: 'D4RL (h5py, gzip, next_observations, bool terminals/timeouts)' },
        cores: cpus().length,
        lab: {
          browserWorker: browser ?? 'skipped',
          browserMedianSeconds: browserMedian,
          nodeSeconds: node,
          nodeMedianSeconds: median(node),
        },
        h5py: { ...peer, medianSeconds: peerMedian },
        ratioBrowserToH5py: browserMedian !== null ? browserMedian / peerMedian : null,
        ratioNodeToH5py: median(node) / peerMedian,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
