import { expect, test } from '@playwright/test';
import { artifacts, setHyper } from './labPage';
import { watchConsole } from './watchConsole';

test('a shared link opens the same lab in a fresh browser: generated dataset rebuilt from its recipe, settings, chart choices, hidden controls, runs started on a click', async ({ page, browser }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  // A dataset of our own: 70% random, 30% expert, 3,000 transitions.
  await page.getByTestId('generate-form').locator('summary').click();
  await page.getByTestId('mix-random').fill('70');
  await page.getByTestId('mix-medium').fill('0').catch(() => undefined);
  await page.getByTestId('mix-expert').fill('30');
  await page.getByTestId('generate-size').fill('3000');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('dataset-size')).toHaveText('3,000');
  const datasetName = await page.getByTestId('dataset-select').locator('option:checked').innerText();

  await page.getByTestId('hp-hidden').selectOption('64,64');
  await setHyper(page, 'maxUpdates', '300');
  await setHyper(page, 'lr', '1e-3');
  await page.getByTestId('seeds').fill('2');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await page.getByTestId('chart-smoothing').fill('0.9');

  await page.getByTestId('share').click();
  await page.getByTestId('share-hide-backend').check();
  await page.getByTestId('share-hide-sweeps').check();
  await page.getByTestId('share-hide-keys').fill('batchSize');
  await page.getByTestId('share-copy').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toContain('run=bc~');
  expect(link).toContain('recipe=');
  expect(link).toContain('hide=');

  // Another browser (no datasets, no runs): everything comes from the link.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const otherErrors = watchConsole(other);
  await other.goto(link);
  await expect(other.locator('[data-ready=true]')).toBeVisible();
  await expect(other.getByTestId('dataset-select').locator('option:checked')).toHaveText(datasetName);
  await expect(other.getByTestId('dataset-size')).toHaveText('3,000');
  await expect(other.getByTestId('hp-hidden')).toHaveValue('64,64');
  await expect(other.getByTestId('hp-lr')).toHaveValue('1e-3');
  await expect(other.getByTestId('hp-batchSize')).toHaveCount(0); // hidden by the teacher
  await expect(other.getByTestId('backend-select')).toHaveCount(0);
  await expect(other.getByTestId('sweep-panel')).toHaveCount(0);
  await expect(other.getByTestId('chart-smoothing')).toHaveCount(0); // no runs yet, so no chart settings...
  await expect(other.getByTestId('run-row')).toHaveCount(0); // ...and nothing started without a click
  await expect(other.getByTestId('link-runs')).toContainText('2 runs');
  await other.getByTestId('link-runs-start').click();
  await expect(other.getByTestId('run-row')).toHaveCount(2);
  await expect(other.getByTestId('chart-smoothing')).toHaveValue('0.9');
  await expect(other.getByTestId('run-row').first()).toContainText(datasetName.split(' (')[0]);
  await other.screenshot({ path: `${artifacts}/shared-link.png` });
  expect(otherErrors).toEqual([]);
  await fresh.close();

  // A hostile link: unknown keys, an out-of-range value and a script are reported as text; the lab still opens.
  const hostile = await browser.newContext();
  const bad = await hostile.newPage();
  await bad.goto(`/#algo=bc&lr=50&foo=1&data=${encodeURIComponent('<script>alert(1)</script>')}&hide=${'x'.repeat(300)}`);
  await expect(bad.locator('[data-ready=true]')).toBeVisible();
  const notice = bad.getByTestId('runs-notice');
  await expect(notice).toContainText('learning rate (lr) must be between');
  await expect(notice).toContainText('"foo"');
  expect(await bad.locator('script:not([src]):not([type])').count()).toBe(0);
  await bad.goto(`/#lr=${'9'.repeat(100_000)}`);
  await expect(bad.getByTestId('runs-notice')).toContainText('characters long');
  await hostile.close();
  expect(errors).toEqual([]);
});
