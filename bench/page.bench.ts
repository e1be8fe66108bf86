// Main-thread health of the page on the production build in headless Chromium (the DESIGN target: no long task over
// 50 ms while training) and how soon training shows after Start.
// - firstUpdate: ms from the Start click to the header's first non-zero update count, cold (a fresh browser
//   context: empty storage and HTTP cache, nothing remembered) and warm (the same context reloaded).
// - longTasks: PerformanceObserver('longtask') entries over a window of training with the charts in view, with 1 run
//   and with 8 runs at once (`--workers 8`: navigator.hardwareConcurrency is set to workers + 1 before the page loads,
//   so the pool makes 8 trainer workers and every run trains, all on this machine's cores).
// Run: npx vite build && npx tsx bench/page.bench.ts [--seconds 60] [--algo cql-discrete] [--runs 1,8] [--port 4191]
//        [--skip-first] [--dist dist,/tmp/baseline-dist --rounds 2] [--extra '&hide=replay'] [--view '[data-testid=rollout-panel]']
import { cpus, loadavg } from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { preview } from 'vite';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', '60'));
const algo = arg('algo', 'cql-discrete');
const runCounts = arg('runs', '1,8').split(',').map(Number).filter((n) => n > 0);
const port = Number(arg('port', '4191'));
// Builds to compare side by side (`--dist dist,/tmp/old-dist`): their windows alternate, `--rounds` times, so the
// machine's other load falls on both alike. Each is served on its own port (port, port + 10, ...).
const dists = arg('dist', 'dist').split(',');
const rounds = Number(arg('rounds', '1'));
// --extra appends link options, e.g. '&hide=replay' to see what one panel costs.
const linkFor = (i: number) => `http://127.0.0.1:${port + 10 * i}/#env=CartPole-v1&data=cartpole-medium-expert&algo=${algo}&hidden=64%2C64${arg('extra', '')}`;
let link = linkFor(0);
const log = (s: string) => console.error(`[page.bench] ${s}`);

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Thread (CPU) ms of each top-level task of the renderer's main thread. */
function mainThreadTasks(events: TraceEvent[]): number[] {
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`) && e.tdur !== undefined).map((e) => e.tdur! / 1000);
}

async function newContext(browser: Browser, workers?: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  if (workers) await context.addInitScript(`Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => ${workers + 1} })`);
  return context;
}

async function openLab(page: Page): Promise<void> {
  await page.goto(link);
  await page.waitForSelector('[data-ready=true]', { timeout: 180_000 });
}

/** ms from the Start click to the first update the header shows. */
async function timeToFirstUpdate(page: Page): Promise<number> {
  const t0 = await page.evaluate(() => {
    const w = window as unknown as { firstUpdateAt: number | null };
    w.firstUpdateAt = null;
    const badge = document.querySelector('[data-testid=update-count]')!;
    new MutationObserver(() => {
      if (w.firstUpdateAt === null && /[1-9]/.test(badge.textContent ?? '')) w.firstUpdateAt = performance.now();
    }).observe(badge, { subtree: true, childList: true, characterData: true });
    return performance.now();
  });
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => (window as unknown as { firstUpdateAt: number | null }).firstUpdateAt !== null, null, { timeout: 120_000, polling: 50 });
  const t1 = await page.evaluate(() => (window as unknown as { firstUpdateAt: number }).firstUpdateAt);
  return Math.round(t1 - t0);
}

async function firstUpdate(browser: Browser): Promise<{ coldMs: number; warmMs: number; warmBackend: string; warmReason: string | null; backgroundMeasurementMs: number | null }> {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await openLab(page);
    const coldMs = await timeToFirstUpdate(page);
    // Warm means remembered: wait for the background measurement to store its choice, as a user's first session would.
    const t0 = Date.now();
    // A build without remembered choices (an older one compared side by side) only gets time to settle.
    const remembers = (await page.getByTestId('backend-forget').count()) > 0;
    if (!remembers) await page.waitForTimeout(15_000);
    const remembered = remembers && await page
      .waitForFunction(() => (localStorage.getItem('rl-lab:backend-choices:v1') ?? '{}').length > 2, null, { timeout: 120_000, polling: 250 })
      .then(() => true)
      .catch(() => false);
    const measuredAfterMs = remembered ? Date.now() - t0 : null;
    await page.reload();
    await page.waitForSelector('[data-ready=true]', { timeout: 180_000 });
    // The restored run (paused after the reload) stays; Start adds a new one.
    const warmMs = await timeToFirstUpdate(page);
    const warmBackend = await page.getByTestId('backend').innerText();
    const warmReason = await page.getByTestId('backend').getAttribute('title');
    return { coldMs, warmMs, warmBackend, warmReason, backgroundMeasurementMs: measuredAfterMs };
  } finally {
    await context.close();
  }
}

async function longTasks(browser: Browser, runs: number) {
  const context = await newContext(browser, runs > 1 ? runs : undefined);
  try {
    const page = await context.newPage();
    await openLab(page);
    if (runs > 1) await page.getByTestId('seeds').fill(String(runs));
    await page.click('[data-testid=start]');
    // Every run trains before the window opens (backend choice, first charts drawn).
    await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid=run-row]')].filter((r) => r.getAttribute('data-status') === 'running').length >= n, runs, { timeout: 180_000, polling: 500 });
    await page.waitForTimeout(3000);
    await page.evaluate((sel) => document.querySelector(sel)?.scrollIntoView(), arg('view', '.charts'));
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
    });
    const load0 = loadavg()[0];
    // The same window traced: tasks by the main thread's own CPU time, which other processes on the machine do not
    // stretch (a long task above is wall time: under load a 10 ms task can take 80).
    const cdp = await context.newCDPSession(page);
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
    const traced = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
    await page.waitForTimeout(seconds * 1000);
    await cdp.send('Tracing.end');
    await traced;
    const cpu = mainThreadTasks(events);
    const tasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const stats = await page.evaluate(() => ({
      charts: document.querySelectorAll('.charts figure.chart').length,
      running: [...document.querySelectorAll('[data-testid=run-row]')].filter((r) => r.getAttribute('data-status') === 'running').length,
      svgPathChars: [...document.querySelectorAll('.charts path')].reduce((n, p) => n + (p.getAttribute('d')?.length ?? 0), 0),
    }));
    return {
      runs,
      windowSeconds: seconds,
      longTasks: tasks.length,
      longestMs: Math.round(Math.max(0, ...tasks)),
      totalMs: Math.round(tasks.reduce((a, b) => a + b, 0)),
      over100ms: tasks.filter((t) => t > 100).length,
      cpuLongTasks: cpu.filter((t) => t > 50).length,
      cpuLongestMs: Math.round(Math.max(0, ...cpu)),
      cpuBusyMsPerSecond: Math.round(cpu.reduce((a, b) => a + b, 0) / seconds),
      ...stats,
      loadAverage: [Number(load0.toFixed(2)), Number(loadavg()[0].toFixed(2))],
    };
  } finally {
    await context.close();
  }
}

const servers = await Promise.all(dists.map((outDir, i) => preview({ build: { outDir }, preview: { port: port + 10 * i, strictPort: true, host: '127.0.0.1' }, logLevel: 'error' })));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking'] });
const out: Record<string, unknown> = { note: `headless Chromium, production build, CartPole medium-expert, ${algo} hidden 64,64, viewport 1500x1000, charts scrolled into view`, date: new Date().toISOString(), cores: cpus().length };
try {
  out.firstUpdate = [];
  out.longTasks = [];
  for (let round = 0; round < rounds; round++)
    for (const [i, dist] of dists.entries()) {
      link = linkFor(i);
      if (!process.argv.includes('--skip-first')) {
        log(`${dist}: first update, cold then warm`);
        const r = { dist, ...(await firstUpdate(browser)) };
        log(JSON.stringify(r));
        (out.firstUpdate as unknown[]).push(r);
      }
      for (const runs of runCounts) {
        log(`${dist}: long tasks, ${runs} run(s), ${seconds} s`);
        const r = { dist, ...(await longTasks(browser, runs)) };
        log(JSON.stringify(r));
        (out.longTasks as unknown[]).push(r);
      }
    }
} finally {
  await browser.close();
  for (const s of servers) s.httpServer.close();
}
console.log(JSON.stringify(out, null, 2));
