import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { watchConsole } from './watchConsole';

const artifacts = 'tests/artifacts';
mkdirSync(artifacts, { recursive: true });
const fixture = (name: string) => `tests/fixtures/${name}`;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

const points = async (page: Page, testId: string) => Number(await page.getByTestId(testId).getAttribute('data-points'));
const savedNames = (page: Page) => page.getByTestId('saved-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-name')));

test('datasets: import a D4RL file, inspect it, train on it, survive a bad file and a reload, delete, export', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await expect(page.getByTestId('dataset-select')).toContainText('cartpole-expert');

  // Import through the file picker: 30 CartPole-shaped transitions (obs 4, actions 0/1), no timeouts key.
  await page.getByTestId('import-file').setInputFiles(fixture('d4rl_discrete.hdf5'));
  await expect(page.getByTestId('import-note')).toContainText('d4rl_discrete.hdf5: attached to CartPole-v1');
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText('d4rl_discrete (30)');

  // The inspector: counts, a return histogram (two episodes of 15 steps: one bar), measures with their reference.
  const inspector = page.getByTestId('dataset-inspector');
  await expect(inspector.getByTestId('inspector-transitions')).toHaveText('30');
  await expect(inspector.getByTestId('inspector-episodes')).toHaveText('2');
  await expect(inspector.getByTestId('inspector-return')).toContainText('15 ± 0');
  await expect(inspector.getByTestId('return-histogram')).toHaveAttribute('data-bars', '1');
  await expect(inspector.getByTestId('return-histogram').locator('.recharts-bar-rectangle')).not.toHaveCount(0);
  await expect(inspector.getByTestId('action-chart')).toHaveAttribute('data-bars', '2');
  await expect(inspector.getByTestId('inspector-saco')).toContainText('random policy, 30 transitions');
  await expect(inspector.getByTestId('inspector-score')).not.toContainText('n/a');

  // Train BC on it: the loss chart grows.
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveText('running');
  await expect.poll(() => points(page, 'chart-loss')).toBeGreaterThan(3);
  const before = await points(page, 'chart-loss');
  await expect.poll(() => points(page, 'chart-loss')).toBeGreaterThan(before);

  // A bad file: the error names the key; the imported dataset and the run are untouched.
  await page.getByTestId('import-file').setInputFiles(fixture('bad_missing_key.hdf5'));
  await expect(page.getByTestId('dataset-error')).toContainText("Could not import bad_missing_key.hdf5: missing key 'observations' in the file (found:");
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText('d4rl_discrete (30)');
  await expect(page.getByTestId('run-status')).toHaveText('running');
  await page.screenshot({ path: `${artifacts}/datasets-import-train.png`, fullPage: true });
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-status')).toHaveText('stopped');

  // Everything is still there after a reload (IndexedDB).
  await page.getByTestId('saved-datasets').locator('summary').click();
  await expect.poll(() => savedNames(page)).toContain('d4rl_discrete');
  await expect(page.getByTestId('saved-datasets').locator('summary')).not.toContainText('0.00 MB saved');
  const beforeReload = (await savedNames(page)).sort();
  await page.reload();
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('saved-datasets').locator('summary').click();
  await expect.poll(async () => (await savedNames(page)).sort()).toEqual(beforeReload);
  await expect(page.getByTestId('saved-datasets')).not.toContainText('not saved');

  // Delete one: gone now and after another reload.
  await page.getByTestId('saved-item').filter({ hasText: 'cartpole-random' }).getByTestId('delete-dataset').click();
  await expect.poll(() => savedNames(page)).not.toContain('cartpole-random');
  await page.reload();
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('saved-datasets').locator('summary').click();
  await expect.poll(() => savedNames(page)).toContain('d4rl_discrete');
  expect(await savedNames(page)).not.toContain('cartpole-random');

  // Export the imported dataset as D4RL HDF5: a download whose bytes start with the HDF5 signature.
  await page.getByTestId('saved-item').filter({ hasText: 'd4rl_discrete' }).getByRole('button', { name: 'd4rl_discrete', exact: true }).click();
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText('d4rl_discrete (30)');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-hdf5').click()]);
  expect(download.suggestedFilename()).toBe('d4rl_discrete.hdf5');
  const bytes = readFileSync((await download.path())!);
  expect(Array.from(bytes.subarray(0, 8))).toEqual(HDF5_SIGNATURE);

  await page.screenshot({ path: `${artifacts}/datasets.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test('datasets: a dropped file without an environment trains on offline metrics only; wrong dimensions and a cancelled generation change nothing', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();

  // Drag a file over the page and drop it: 40 transitions with 3-dim observations, 2-dim actions (no env fits).
  const b64 = readFileSync(fixture('d4rl_basic.hdf5')).toString('base64');
  const transfer = await page.evaluateHandle((data) => {
    const t = new DataTransfer();
    t.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'd4rl_basic.hdf5'));
    return t;
  }, b64);
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer });
  await expect(page.locator('.drop-overlay')).toBeVisible();
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
  await expect(page.locator('.drop-overlay')).toHaveCount(0);
  await expect(page.getByTestId('import-note')).toHaveText('d4rl_basic.hdf5: kept without an environment: none has these dimensions');
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText('d4rl_basic (40)');
  await expect(page.getByTestId('no-env-note')).toContainText('training runs without evaluation rollouts');
  await expect(page.getByTestId('inspector-transitions')).toHaveText('40');
  await expect(page.getByTestId('inspector-saco')).toContainText('n/a');
  await expect(page.getByTestId('inspector-score')).toContainText('n/a');

  // BC trains on it: losses, no evaluation chart, and the page says why.
  await page.getByTestId('start').click();
  await expect.poll(() => points(page, 'chart-loss')).toBeGreaterThan(3);
  await expect(page.getByText('This dataset has no environment, so there are no evaluation episodes')).toBeVisible();
  await expect(page.getByTestId('chart-return')).toHaveCount(0);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-status')).toHaveText('stopped');

  // A file whose dimensions do not fit the chosen environment: named, nothing added.
  const options = await page.getByTestId('dataset-select').locator('option').count();
  await page.getByTestId('import-env').selectOption('CartPole-v1');
  await page.getByTestId('import-file').setInputFiles(fixture('bad_wrong_dims.hdf5'));
  await expect(page.getByTestId('dataset-error')).toHaveText('Could not import bad_wrong_dims.hdf5: observations have 5 columns but CartPole-v1 expects 4');
  await expect(page.getByTestId('dataset-select').locator('option')).toHaveCount(options);

  // A large generation shows its progress and can be cancelled; nothing is added.
  await page.getByTestId('generate-form').locator('summary').click();
  await page.getByTestId('generate-size').fill('5000000'); // the largest size: seconds of work to cancel
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('dataset-progress')).toContainText('making cartpole-expert');
  await expect.poll(async () => Number(await page.getByTestId('dataset-progress').locator('progress').getAttribute('value'))).toBeGreaterThan(0);
  await page.getByTestId('dataset-cancel').click();
  await expect(page.getByTestId('dataset-error')).toHaveText('Cancelled cartpole-expert; nothing was added.');
  await expect(page.getByTestId('dataset-progress')).toHaveCount(0);
  await expect(page.getByTestId('dataset-select').locator('option')).toHaveCount(options);
  expect(errors).toEqual([]);
});
