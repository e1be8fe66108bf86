// Where the page's main thread spends its time while a run trains: a CPU profile (Chrome DevTools protocol) of the
// production build, aggregated by function (self time) and by the deepest function of the page's own code. For
// diagnosis, not a benchmark; build unminified for readable names: npx vite build --minify false.
// Run: npx vite build --minify false --outDir /tmp/lab-prof && npx tsx bench/profile-page.ts --dist /tmp/lab-prof [--seconds 15] [--algo cql-discrete] [--runs 1] [--port 4191]
import { chromium } from 'playwright';
import { preview } from 'vite';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', '15'));
const algo = arg('algo', 'cql-discrete');
const runs = Number(arg('runs', '1'));
const port = Number(arg('port', '4191'));
const outDir = arg('dist', 'dist');

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const server = await preview({ build: { outDir }, preview: { port, strictPort: true, host: '127.0.0.1' }, logLevel: 'error' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });
try {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  if (runs > 1) await context.addInitScript(`Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => ${runs + 1} })`);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/#env=CartPole-v1&data=cartpole-medium-expert&algo=${algo}&hidden=64%2C64${arg('extra', '')}`);
  await page.waitForSelector('[data-ready=true]', { timeout: 180_000 });
  if (runs > 1) await page.getByTestId('seeds').fill(String(runs));
  await page.click('[data-testid=start]');
  await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid=run-row]')].filter((r) => r.getAttribute('data-status') === 'running').length >= n, runs, { timeout: 180_000, polling: 500 });
  await page.waitForTimeout(3000);
  await page.evaluate(() => document.querySelector('.charts')?.scrollIntoView());
  const cdp = await context.newCDPSession(page);
  if (process.argv.includes('--trace')) {
    // Main-thread time by trace event (layout, style, paint, script, messages), top-level events only.
    const events: { name: string; dur?: number; ph: string; tid: number; pid: number; args?: { data?: { frame?: string } } }[] = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as typeof events)));
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
    await page.waitForTimeout(seconds * 1000);
    await cdp.send('Tracing.end');
    await done;
    const main = events.find((e) => e.name === 'TracingStartedInBrowser') as unknown as { args: { data: { frames: { processId: number }[] } } } | undefined;
    const pid = main?.args.data.frames[0]?.processId;
    const threadNames = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, (e.args as { name?: string } | undefined)?.name ?? '']));
    const byName = new Map<string, number>();
    for (const e of events) {
      if (e.ph !== 'X' || !e.dur || (pid !== undefined && e.pid !== pid) || threadNames.get(`${e.pid}:${e.tid}`) !== 'CrRendererMain') continue;
      byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
    }
    console.log(`trace of ${seconds} s, ${runs} run(s): main-thread ms by event (nested events counted in each)\n${[...byName].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([n, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${n}`).join('\n')}`);
    process.exit(0);
  }
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(seconds * 1000);
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] } };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const name = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const n = byId.get(id)!;
    self.set(name(n), (self.get(name(n)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([f, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${f}`);
  console.log(`profile of ${seconds} s, ${runs} run(s) of ${algo}\n-- self --\n${top(self, 35).join('\n')}\n-- inclusive --\n${top(inclusive, 220).join('\n')}`);
} finally {
  await browser.close();
  server.httpServer.close();
}
