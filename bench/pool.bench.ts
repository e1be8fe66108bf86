// How many runs the page's pool of trainer workers keeps training at once, and their combined updates/s against one
// run alone, on the production build in headless Chromium. Per algorithm: one run alone, then k runs started together
// (the page's seeds field); with k above the pool size the rest wait in the queue. Updates/s come from the run rows'
// update counts over a fixed window after warm-up (not from the page's upd/s badge). Each case gets a fresh browser
// context (fresh storage, fresh workers), so runs of one case never train during the next.
// Run: npx vite build && npx tsx bench/pool.bench.ts [--seconds 20] [--warmup 2] [--ks 1,2,4] [--cases bc:64,64,iql:256,256]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { chromium, type Page } from 'playwright';
import { preview } from 'vite';
import { poolSize } from '../src/app/client/pool';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', '20'));
const warmupSeconds = Number(arg('warmup', '2'));
const ks = arg('ks', '1,2,4').split(',').map(Number);
// algorithm:hidden pairs; BC at the teaching size, IQL at its default.
const algos = arg('cases', 'bc:64,64,iql:256,256')
  .split(/,(?=[a-z])/)
  .map((s) => {
    const [algo, hidden] = s.split(':');
    return { algo, hidden };
  });
const PORT = 4192;
const MAX_UPDATES = '10000000'; // far more than a window trains: no run finishes inside it
const UPDATES_PER_EVAL = '100000'; // no evaluation inside the window

interface RowSample {
  id: string;
  status: string;
  update: number;
}
interface Sample {
  t: number; // the page's performance.now(), ms
  rows: RowSample[];
}

const log = (s: string) => console.error(`[pool.bench] ${s}`);

async function sample(page: Page): Promise<Sample> {
  return page.evaluate(() => ({
    t: performance.now(),
    rows: [...document.querySelectorAll('[data-testid=run-row]')].map((tr) => ({
      id: tr.getAttribute('data-run-id') ?? '',
      status: tr.getAttribute('data-status') ?? '',
      update: Number((tr.querySelector('td.num')?.textContent ?? '0').replace(/\D/g, '')) || 0,
    })),
  }));
}

async function setHyper(page: Page, key: string, value: string): Promise<void> {
  const input = page.getByTestId(`hp-${key}`);
  await input.fill(value);
  await input.press('Enter');
  if ((await page.getByTestId(`error-${key}`).count()) > 0) throw new Error(`the page refused ${key}=${value}`);
}

async function runCase(browser: import('playwright').Browser, algo: string, hidden: string, k: number) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  let trainers = 0;
  let maxTrainers = 0;
  try {
    const page = await context.newPage();
    page.on('worker', (w) => {
      if (!w.url().includes('trainer')) return;
      maxTrainers = Math.max(maxTrainers, ++trainers);
      w.on('close', () => trainers--);
    });
    await page.goto(`http://localhost:${PORT}/#env=CartPole-v1&data=cartpole-expert&algo=${algo}`);
    await page.waitForSelector('[data-ready=true]', { timeout: 120_000 });
    await page.getByTestId('hp-hidden').selectOption(hidden);
    await setHyper(page, 'maxUpdates', MAX_UPDATES);
    await setHyper(page, 'updatesPerEval', UPDATES_PER_EVAL);
    await page.getByTestId('seeds').fill(String(k));
    const hardwareConcurrency = await page.evaluate(() => navigator.hardwareConcurrency);
    await page.getByTestId('start').click();

    // Warm-up: every run holding a worker has measured its backend, built its agent and is counting updates.
    const warmStart = Date.now();
    let prev = await sample(page);
    for (;;) {
      await page.waitForTimeout(500);
      const s = await sample(page);
      const running = s.rows.filter((r) => r.status === 'running');
      const advancing = running.every((r) => r.update > 0 && r.update > (prev.rows.find((p) => p.id === r.id)?.update ?? Infinity));
      const starting = s.rows.some((r) => r.status === 'starting' || r.status === 'idle');
      if (s.rows.length === k && running.length > 0 && advancing && !starting) break;
      if (s.rows.some((r) => r.status === 'failed' || r.status === 'finished')) throw new Error(`a run ended during warm-up: ${JSON.stringify(s.rows)}`);
      if (Date.now() - warmStart > 90_000) throw new Error(`no steady training after 90 s: ${JSON.stringify(s.rows)}`);
      prev = s;
    }
    const warmupToTrainingSeconds = (Date.now() - warmStart) / 1000;
    await page.waitForTimeout(warmupSeconds * 1000);

    // The window: sample the rows twice a second; per run, updates between the first and the last sample.
    const samples: Sample[] = [await sample(page)];
    const end = samples[0].t + seconds * 1000;
    while (samples[samples.length - 1].t < end) {
      await page.waitForTimeout(500);
      samples.push(await sample(page));
    }
    const first = samples[0];
    const last = samples[samples.length - 1];
    const windowSeconds = (last.t - first.t) / 1000;
    const backend = await page.getByTestId('backend').innerText();
    const poolBadge = await page.getByTestId('pool-status').innerText();
    const perRun = first.rows.map((r) => {
      const after = last.rows.find((x) => x.id === r.id);
      return after ? (after.update - r.update) / windowSeconds : 0;
    });
    if (last.rows.some((r) => r.status === 'finished' || r.status === 'failed')) throw new Error(`a run ended inside the window: ${JSON.stringify(last.rows)}`);
    return {
      hardwareConcurrency,
      trainerWorkers: maxTrainers,
      warmupToTrainingSeconds: Number(warmupToTrainingSeconds.toFixed(1)),
      windowSeconds: Number(windowSeconds.toFixed(2)),
      backend,
      poolBadge,
      runsAtOnce: Math.max(...samples.map((s) => s.rows.filter((r) => r.status === 'running').length)),
      runsThatTrained: perRun.filter((u) => u > 0).length,
      statusesAtEnd: last.rows.map((r) => r.status),
      combinedUpdatesPerSecond: perRun.reduce((a, b) => a + b, 0),
      perRunUpdatesPerSecond: perRun,
    };
  } finally {
    await context.close();
  }
}

const round = (x: number) => Number(x.toPrecision(4));
const started = Date.now();
const loadBefore = loadavg();
const server = await preview({ preview: { port: PORT, strictPort: true }, logLevel: 'error' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'] });
const cases: Record<string, Record<string, unknown>> = {};
let hardwareConcurrency = 0;
let trainerWorkers = 0;
try {
  for (const { algo, hidden } of algos) {
    let alone = 0;
    for (const k of ks) {
      const name = `${algo} ${hidden} x${k}`;
      log(`${name} ...`);
      const r = await runCase(browser, algo, hidden, k);
      hardwareConcurrency = r.hardwareConcurrency;
      trainerWorkers = Math.max(trainerWorkers, r.trainerWorkers);
      if (k === 1) alone = r.combinedUpdatesPerSecond;
      cases[name] = {
        runsStarted: k,
        runsAtOnce: r.runsAtOnce,
        combinedUpdatesPerSecond: round(r.combinedUpdatesPerSecond),
        perRunUpdatesPerSecond: r.perRunUpdatesPerSecond.map(round),
        speedupOverOne: alone > 0 ? Number((r.combinedUpdatesPerSecond / alone).toFixed(2)) : null,
        statusesAtEnd: r.statusesAtEnd,
        trainerWorkers: r.trainerWorkers,
        backend: r.backend,
        poolBadge: r.poolBadge,
        windowSeconds: r.windowSeconds,
        secondsToSteadyTraining: r.warmupToTrainingSeconds,
      };
      log(`${name}: ${JSON.stringify(cases[name])}`);
    }
  }
} finally {
  await browser.close();
  server.httpServer.close();
}

const result = {
  note: 'headless Chromium on the production build (vite preview), CartPole cartpole-expert; updates/s from the run rows over the window after warm-up',
  date: new Date().toISOString(),
  machineCores: cpus().length,
  hardwareConcurrency,
  poolSizeForThisMachine: poolSize(hardwareConcurrency),
  trainerWorkersSeen: trainerWorkers,
  maxUpdates: Number(MAX_UPDATES),
  updatesPerEval: Number(UPDATES_PER_EVAL),
  warmupSecondsAfterSteady: warmupSeconds,
  windowSeconds: seconds,
  loadAverage: { before: loadBefore.map((x) => round(x)), after: loadavg().map((x) => round(x)) },
  benchSeconds: Math.round((Date.now() - started) / 1000),
  cases,
};
const json = JSON.stringify(result, null, 2);
console.log(json);
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/pool-${result.date.slice(0, 10)}.json`, `${json}\n`);
