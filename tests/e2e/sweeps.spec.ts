import { expect, test } from '@playwright/test';
import { artifacts, setHyper, runStatuses } from './labPage';
import { watchConsole } from './watchConsole';

const statuses = runStatuses;

test('a 2x2 grid sweep with 2 seeds runs through the pool to completion: results table, parallel coordinates, a row highlights its runs', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('hp-hidden').selectOption('64,64');
  await setHyper(page, 'maxUpdates', '300');
  await setHyper(page, 'updatesPerEval', '100');

  await page.getByTestId('sweep-add').selectOption('lr');
  await page.getByTestId('sweep-values-lr').fill('3e-4, 3e-3');
  await page.getByTestId('sweep-add').selectOption('batchSize');
  await page.getByTestId('sweep-values-batchSize').fill('32, 128');
  await page.getByTestId('sweep-seeds').fill('2');
  await expect(page.getByTestId('sweep-total')).toContainText('8');
  // A bad item is named before anything starts.
  await page.getByTestId('sweep-values-lr').fill('3e-4, 7');
  await expect(page.getByTestId('sweep-error-lr')).toContainText('learning rate (lr)');
  await page.getByTestId('sweep-values-lr').fill('3e-4, 3e-3');
  await page.getByTestId('sweep-start').click();

  await expect(page.getByTestId('run-row')).toHaveCount(8);
  await expect.poll(async () => (await statuses(page)).filter((s) => s === 'running').length).toBe(2); // two workers here
  await expect(page.getByTestId('sweep-status')).toHaveText(/running/);
  await expect.poll(async () => (await statuses(page)).every((s) => s === 'finished'), { timeout: 300_000 }).toBe(true);
  await expect(page.getByTestId('sweep-status')).toHaveText(/done/);

  const table = page.getByTestId('sweep-results');
  await expect(table.getByTestId('sweep-row')).toHaveCount(4);
  await expect(table.getByTestId('sweep-final').first()).toHaveText(/\d/);
  await page.getByTestId('sweep-sort-param:lr').click();
  await expect(page.getByTestId('parallel-coordinates')).toBeVisible();
  await expect(page.getByTestId('sweep-scatter')).toBeVisible();

  // A row picks out its two seeds on the charts; the rest fade.
  await table.getByTestId('sweep-row').first().click();
  expect(await page.evaluate(() => document.querySelectorAll('[data-testid=chart-return] path.chart-line').length)).toBeGreaterThan(0);
  await table.scrollIntoViewIfNeeded();
  await page.getByTestId('sweep-panel').screenshot({ path: `${artifacts}/sweep-table.png` });
  expect(errors).toEqual([]);
});

test('population-based training: members copy the best members and explore, drawn in the lineage view', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('algorithm-select').selectOption('iql');
  await page.getByTestId('hp-hidden').selectOption('64,64');
  await setHyper(page, 'maxUpdates', '1500');
  await setHyper(page, 'updatesPerEval', '100');
  await setHyper(page, 'evalEpisodes', '2');
  await page.getByTestId('pbt-members').fill('2');
  await page.getByTestId('pbt-interval').fill('100');
  await page.getByTestId('pbt-start').click();
  // Two members train side by side; at every 100 updates the worse one copies the better and perturbs.
  await expect.poll(async () => Number(await page.getByTestId('lineage-view').getAttribute('data-copies')), { timeout: 240_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('lineage-copy').first()).toBeAttached();
  await page.getByTestId('pbt-stop').click();
  await expect.poll(async () => (await statuses(page)).every((s) => s === 'stopped' || s === 'finished')).toBe(true);
  // The copy is on the target run's record: an event with its source.
  await page.getByTestId('run-row').first().locator('.run-name button.link').click();
  await page.getByTestId('lineage-view').scrollIntoViewIfNeeded();
  await page.getByTestId('pbt-panel').screenshot({ path: `${artifacts}/pbt-lineage.png` });
  expect(errors).toEqual([]);
});
