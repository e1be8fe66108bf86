// tfjs-wasm's threaded SIMD build inside a Web Worker of a production (minified) build: one worker with 2 threads
// against two workers on one thread each (what the page's pool does), training the same lone run or population, in
// headless Chromium served with the lab's COOP/COEP headers. Also a build without minification, to tell what
// minifying changes. Prints JSON; a threaded worker that fails to start is reported with its error and the console.
// Run: npx tsx bench/wasmThreads.bench.ts [--cases iql:teaching:0,iql:teaching:8,iql:d4rl:0] [--slice 1000] [--cycles 6] [--builds minified,plain] [--threads 2] [--cores 4]
import { loadavg } from 'node:os';
import { chromium } from 'playwright';
import { build, preview } from 'vite';
import { round as round4, startBench } from './benchResult';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const cases = arg('cases', 'iql:teaching:0,iql:teaching:8,iql:d4rl:0').split(',').map((c) => c.split(':'));
const builds = arg('builds', 'minified,plain').split(',');
const slice = arg('slice', '1000');
const cycles = arg('cycles', '6');
const threads = arg('threads', '2');
// navigator.hardwareConcurrency the threaded worker reports to tfjs, which caps its pool at half of it (0: unchanged).
const cores = arg('cores', String(2 * Number(threads)));
const PORT = 4305;
const log = (s: string) => console.error(`[wasmThreads.bench] ${s}`);
const round = (x: unknown) => (typeof x === 'number' ? round4(x) : x);

const bench = startBench();
const results: Record<string, unknown> = {};
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'] });
try {
  for (const kind of builds) {
    const outDir = `/tmp/lab-wasm-threads-${kind}`;
    log(`building (${kind}) into ${outDir} ...`);
    await build({ configFile: 'vite.config.ts', logLevel: 'error', build: { outDir, emptyOutDir: true, minify: kind === 'minified', rollupOptions: { input: { threads: 'bench/browser/wasmThreads.html' } } } });
    const server = await preview({ configFile: 'vite.config.ts', build: { outDir }, preview: { port: PORT, strictPort: true }, logLevel: 'error' });
    try {
      for (const [algo, size, members] of cases) {
        const name = `${kind} ${algo} ${size} ${members === '0' ? 'lone run' : `population of ${members}`}`;
        log(`${name} ...`);
        const context = await browser.newContext();
        const consoleLines: string[] = [];
        try {
          const page = await context.newPage();
          page.on('console', (m) => consoleLines.length < 40 && consoleLines.push(`${m.type()}: ${m.text().slice(0, 300)}`));
          page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message.slice(0, 300)}`));
          page.on('response', (r) => r.status() >= 400 && consoleLines.push(`HTTP ${r.status()}: ${r.url()}`));
          const loadCase = loadavg()[0];
          await page.goto(`http://localhost:${PORT}/bench/browser/wasmThreads.html?threads=${threads}&workers=2&algo=${algo}&size=${size}&members=${members}&slice=${slice}&cycles=${cycles}&cores=${cores}`);
          await page.waitForFunction(() => (window as unknown as { benchResult?: unknown }).benchResult !== undefined, null, { timeout: 600_000, polling: 500 });
          const r = (await page.evaluate(() => (window as unknown as { benchResult: Record<string, unknown> }).benchResult)) as Record<string, unknown>;
          const t = r.threadedUpdatesPerSecond as number | null;
          const p = r.poolUpdatesPerSecond as number;
          const one = r.oneThreadAloneUpdatesPerSecond as number;
          results[name] = { ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)])), threadedOverPool: t === null ? null : round(t / p), threadedOverOneThreadAlone: t === null ? null : round(t / one), loadAverage1Min: [round(loadCase), round(loadavg()[0])], console: consoleLines };
        } finally {
          await context.close();
        }
        log(`${name}: ${JSON.stringify(results[name]).slice(0, 600)}`);
      }
    } finally {
      server.httpServer.close();
    }
  }
} finally {
  await browser.close();
}
bench.finish('wasm-threads', {
  note: 'headless Chromium, production build of bench/browser/wasmThreads.html (vite build, with and without minification) served by vite preview with the lab COOP/COEP headers; updates/s of one worker with the threaded SIMD binary against two workers on the single-threaded SIMD binary together and one of them alone, alternating slices; a population counts one update for all its members',
  results,
});
