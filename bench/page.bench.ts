// Main-thread health of the page while a run trains in its worker: long tasks (> 50 ms) and their total over a
// window, per algorithm, on the production build in headless Chromium. The DESIGN target is no long task over 50 ms.
// Run: npm run build && npx tsx bench/page.bench.ts [--seconds 20] [--algos bc,iql]
import { chromium } from 'playwright';
import { preview } from 'vite';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', '20'));
const algos = arg('algos', 'bc,iql,cql-discrete').split(',');

const server = await preview({ preview: { port: 4191, strictPort: true }, logLevel: 'error' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });
const results = [];
try {
  for (const algo of algos) {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    await page.goto(`http://localhost:4191/#env=CartPole-v1&data=cartpole-medium-expert&algo=${algo}&hidden=64%2C64`);
    await page.waitForSelector('[data-ready=true]', { timeout: 120_000 });
    await page.click('[data-testid=start]');
    await page.waitForTimeout(5000); // past backend measurement and the first render of the charts
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
    });
    await page.waitForTimeout(seconds * 1000);
    const tasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const updates = await page.getByTestId('update-count').innerText();
    results.push({
      algorithm: algo,
      windowSeconds: seconds,
      longTasks: tasks.length,
      longTaskMsTotal: Math.round(tasks.reduce((a, b) => a + b, 0)),
      longestMs: Math.round(Math.max(0, ...tasks)),
      mainThreadBusyInLongTasks: tasks.reduce((a, b) => a + b, 0) / (seconds * 1000),
      updatesAtEnd: updates,
    });
    await page.close();
  }
} finally {
  await browser.close();
  server.httpServer.close();
}
console.log(JSON.stringify({ note: 'headless Chromium, CartPole medium-expert, hidden 64,64', results }, null, 2));
