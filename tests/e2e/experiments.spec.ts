import { expect, test } from '@playwright/test';
import { artifacts, setHyper, runRows, runStatuses } from './labPage';
import { watchConsole } from './watchConsole';

const rows = runRows;
const statuses = runStatuses;

test('three seeds of the Decision Transformer beside one IQL run: one line with a band per configuration, a legend, a run list; the seeds train as population jobs; pausing a lone run hands its worker to a queued job; a reload keeps them all', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  // One IQL run first: a population of one, i.e. a lone run, on one of the two workers of this 2-core machine. Long
  // enough to still be training when it is paused below.
  await page.getByTestId('algorithm-select').selectOption('iql');
  await page.getByTestId('hp-hidden').selectOption('64,64');
  await setHyper(page, 'maxUpdates', '3000');
  await setHyper(page, 'updatesPerEval', '500');
  await page.getByTestId('seeds').fill('1');
  await page.getByTestId('start').click();
  await expect(rows(page)).toHaveCount(1);
  const iql = rows(page).filter({ hasText: 'IQL' });
  await expect(iql).toHaveAttribute('data-status', 'running');

  // Three small Decision Transformer seeds share one configuration, so they train as population jobs spread over the
  // two workers (seeds 0-1 together, seed 2 alone): the first job takes the free worker, the second waits.
  await page.getByTestId('algorithm-select').selectOption('dt');
  await page.getByTestId('hp-embedding').selectOption('32');
  await setHyper(page, 'layers', '1');
  await setHyper(page, 'contextLength', '5');
  await setHyper(page, 'batchSize', '16');
  await setHyper(page, 'maxUpdates', '600');
  await setHyper(page, 'updatesPerEval', '200');
  await page.getByTestId('seeds').fill('3');
  await page.getByTestId('start').click();
  await expect(rows(page)).toHaveCount(4);
  const dt = (seed: number) => rows(page).filter({ hasText: `Decision Transformer` }).filter({ hasText: `seed ${seed}` });
  await expect(dt(2)).toHaveAttribute('data-status', 'queued');
  await expect.poll(async () => (await statuses(page)).filter((s) => s === 'running').length).toBe(3);

  // Pausing the lone IQL run while a job waits hands its worker over; the waiting seed starts.
  await iql.getByRole('button', { name: /^pause/ }).click();
  await expect(iql).toHaveAttribute('data-status', 'paused');
  await expect(iql).toContainText('its worker went to a queued run');
  await expect(dt(2)).toHaveAttribute('data-status', /starting|running/);
  // Pausing a member takes it out of its population with its checkpoint; the other member trains on.
  await dt(0).getByRole('button', { name: /^pause/ }).click();
  await expect(dt(0)).toHaveAttribute('data-status', 'paused');
  await expect(dt(0)).toContainText('it left its population');
  // Resume queues both again, to go on from their checkpoints alone.
  for (const run of [dt(0), iql]) {
    await run.getByRole('button', { name: /^resume/ }).click();
    await expect(run).toHaveAttribute('data-status', /queued|starting|running/);
  }

  // The legend names what differs: the algorithm, and the three seeds counted as one configuration.
  const legend = page.getByTestId('legend');
  await expect(legend.locator('li')).toHaveCount(2);
  await expect(legend).toContainText('3 seeds');
  await expect(legend).toContainText('IQL');

  // Every run finishes; the queue drained as workers freed up.
  await expect.poll(async () => (await statuses(page)).every((s) => s === 'finished'), { timeout: 240_000 }).toBe(true);
  await expect(page.getByTestId('chart-return')).toHaveAttribute('data-bands', '1'); // the Decision Transformer's three seeds: mean and a CI band
  await page.getByTestId('chart-band').selectOption('minmax');
  await expect(page.getByTestId('chart-return')).toHaveAttribute('data-bands', '1');
  await page.getByTestId('chart-center').selectOption('runs');
  await expect(page.getByTestId('chart-return')).toHaveAttribute('data-bands', '0');
  await page.getByTestId('chart-center').selectOption('mean');
  await page.getByTestId('chart-band').selectOption('ci95');
  // The first metric chart holds the streamed metrics.
  expect(Number(await page.getByTestId('chart-group-0').getAttribute('data-points'))).toBeGreaterThan(20);
  await page.getByTestId('legend').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/compare-dt3-iql.png`, fullPage: true });

  // A reload brings back every run with its curves.
  const names = await rows(page).locator('.run-name button.link').allInnerTexts();
  await page.waitForTimeout(1500); // the coalesced record saves (1 s) land
  await page.reload();
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await expect(rows(page)).toHaveCount(4);
  expect(await rows(page).locator('.run-name button.link').allInnerTexts()).toEqual(names);
  expect(await statuses(page)).toEqual(['finished', 'finished', 'finished', 'finished']);
  await expect.poll(async () => Number(await page.getByTestId('chart-group-0').getAttribute('data-points'))).toBeGreaterThan(20);
  await expect(page.getByTestId('chart-return')).toHaveAttribute('data-bands', '1');
  expect(errors).toEqual([]);
});

test("a run whose worker dies fails with the message; the other run and the page go on; a run training at reload comes back paused and resumes", async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  // Storage is per origin and survives between tests: start from an empty run list.
  for (let n = await rows(page).count(); n > 0; n--) await rows(page).first().getByRole('button', { name: /^delete/ }).click();
  await expect(rows(page)).toHaveCount(0);
  await page.getByTestId('hp-hidden').selectOption('64,64');
  await setHyper(page, 'maxUpdates', '1000000');
  await page.getByTestId('seeds').fill('2');
  await page.getByTestId('start').click();
  await expect.poll(async () => (await statuses(page)).filter((s) => s === 'running').length).toBe(2);

  // Crash one trainer worker from inside (an uncaught error, as a real bug would): only its run fails.
  const trainers = page.workers().filter((w) => w.url().includes('trainer'));
  expect(trainers.length).toBeGreaterThanOrEqual(2);
  await trainers[0].evaluate(() => {
    setTimeout(() => {
      throw new Error('killed by the test');
    });
  });
  await expect.poll(async () => (await statuses(page)).sort()).toEqual(['failed', 'running']);
  await expect(page.getByTestId('run-error').first()).toContainText('the trainer worker stopped');
  const survivorId = await rows(page).filter({ has: page.locator('.status-running') }).getAttribute('data-run-id');
  const survivor = page.locator(`[data-run-id="${survivorId}"]`);
  const updates = async () => Number((await survivor.locator('td.num').first().innerText()).replace(/,/g, ''));
  const before = await updates();
  await expect.poll(updates).toBeGreaterThan(before);

  // Reload while it trains: it comes back paused, Resume continues from its checkpoint.
  await survivor.getByRole('button', { name: /^pause/ }).click();
  await expect.poll(async () => (await statuses(page)).sort()).toEqual(['failed', 'paused']);
  await page.waitForTimeout(1500);
  await page.reload();
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await expect.poll(async () => (await statuses(page)).sort()).toEqual(['failed', 'paused']);
  const paused = page.locator(`[data-run-id="${survivorId}"]`);
  await expect(paused).toHaveAttribute('data-status', 'paused');
  await expect(paused).toContainText('was training when the page closed');
  await paused.getByRole('button', { name: /^resume/ }).click();
  await expect(paused).toHaveAttribute('data-status', 'running');
  await paused.getByRole('button', { name: /^stop/ }).click();
  await expect(paused).toHaveAttribute('data-status', 'stopped');

  // Fork it from its checkpoint with another learning rate: a new run that starts where this one stopped.
  await paused.locator('.run-name button.link').click();
  await page.getByTestId('run-details').locator('summary').click();
  await page.getByTestId('fork-changes').fill('lr=1e-3');
  await page.getByTestId('fork').click();
  const fork = rows(page).filter({ hasText: '⑂ lr 0.001' });
  await expect(fork).toHaveCount(1);
  await expect(fork).toHaveAttribute('data-status', /starting|running/);
  await expect(page.getByTestId('run-details')).toContainText('forked at update');
  await fork.getByRole('button', { name: /^stop/ }).click();
  // The crash's own report is expected; nothing else may log an error.
  expect(errors.filter((e) => !e.includes('killed by the test'))).toEqual([]);
});
