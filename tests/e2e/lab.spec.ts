import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { watchConsole } from './watchConsole';

const artifacts = 'tests/artifacts';
mkdirSync(artifacts, { recursive: true });

async function points(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-points'));
}

test('BC on CartPole: start, live charts, a learning-rate change with its marker, pause/resume, rollout replay', async ({ page }) => {
  const errors = watchConsole(page);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('/');

  // A built-in dataset is ready, with its size and mean return.
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await expect(page.getByTestId('dataset-select')).toContainText('cartpole-expert');
  await expect(page.getByTestId('dataset-size')).toHaveText('20,000');
  await expect(page.getByTestId('dataset-return')).toContainText('500.0');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveText('running');
  await expect(page.getByTestId('backend')).not.toHaveText('backend: —');
  await expect.poll(() => points(page, 'chart-loss')).toBeGreaterThan(5);
  const before = await points(page, 'chart-loss');
  await expect.poll(() => points(page, 'chart-loss')).toBeGreaterThan(before);
  await expect(page.getByTestId('ups')).toHaveText(/\d+ updates\/s/);

  // Change the learning rate mid-run: every chart shows the marker.
  const lr = page.getByTestId('hp-lr');
  await lr.fill('1e-3');
  await lr.press('Enter');
  await expect(page.getByTestId('chart-loss').getByText('lr 3e-4 → 1e-3')).toBeVisible();
  await expect(page.getByTestId('chart-return').getByText('lr 3e-4 → 1e-3')).toBeVisible();

  // A bad value is refused with a message, and the run goes on.
  await lr.fill('-5');
  await lr.press('Enter');
  await expect(page.getByTestId('error-lr')).toContainText('learning rate (lr) must be between');

  // Pause: the update count stops; resume: it moves again.
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('run-status')).toHaveText('paused');
  const paused = await page.getByTestId('update-count').innerText();
  await page.waitForTimeout(700);
  await expect(page.getByTestId('update-count')).toHaveText(paused);
  await page.getByTestId('step-1').click();
  await expect(page.getByTestId('update-count')).not.toHaveText(paused);
  await page.getByTestId('resume').click();
  await expect(page.getByTestId('run-status')).toHaveText('running');

  // The evaluation episode is replayed on the canvas: pixels other than the background appear.
  await expect(page.getByTestId('rollout-canvas')).toBeVisible();
  const inked = await page.getByTestId('rollout-canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(500);
  await expect(page.getByTestId('rollout-info')).toContainText('episode return');

  await page.screenshot({ path: `${artifacts}/lab-bc-cartpole.png`, fullPage: true });
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-status')).toHaveText('stopped');

  expect(errors).toEqual([]);
  const origin = new URL(page.url()).origin;
  const foreign = requests.filter((u) => new URL(u).origin !== origin && !u.startsWith('blob:') && !u.startsWith('data:'));
  expect(foreign).toEqual([]);
});
