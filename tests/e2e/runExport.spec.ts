import { expect, test, type Download, type Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { artifacts, setHyper, runRows } from './labPage';
import { watchConsole } from './watchConsole';

const rows = runRows;

/** Clicks a button and returns the file it downloads, saved under tests/artifacts. */
async function downloadOf(page: Page, testId: string): Promise<{ download: Download; path: string; bytes: Uint8Array }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = `${artifacts}/${download.suggestedFilename()}`;
  await download.saveAs(path);
  return { download, path, bytes: new Uint8Array(readFileSync(path)) };
}

test('a BC run leaves as a bundle, a CSV and a TF.js policy; the bundle imports into a fresh browser with its curves; CORL refuses a discrete run', async ({ page, browser }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  for (let n = await rows(page).count(); n > 0; n--) await rows(page).first().getByRole('button', { name: /^delete/ }).click();
  await expect(rows(page)).toHaveCount(0);
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toContainText('cartpole-expert');
  await page.getByTestId('hp-hidden').selectOption('64,64');
  await setHyper(page, 'maxUpdates', '300');
  await page.getByTestId('start').click();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-status', 'finished', { timeout: 120_000 });
  const name = await rows(page).first().locator('.run-name button.link').innerText();

  // Every run as one bundle.
  const bundle = await downloadOf(page, 'export-all');
  expect(bundle.download.suggestedFilename()).toMatch(/\.zip$/);
  const members = unzipSync(bundle.bytes);
  expect(Object.keys(members)).toContain('bundle.json');

  // The policy as a TF.js LayersModel that Node loads: two scores for a CartPole observation.
  const policy = await downloadOf(page, 'export-policy');
  expect(policy.download.suggestedFilename()).toMatch(/-tfjs\.zip$/);
  const files = unzipSync(policy.bytes);
  expect(Object.keys(files).sort()).toEqual(['README.txt', 'model.json', 'weights.bin']);
  const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as tf.io.ModelJSON;
  const bin = files['weights.bin'];
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer }));
  const out = model.predict(tf.tensor2d([[0.01, -0.02, 0.03, 0.04]])) as tf.Tensor;
  expect(out.shape).toEqual([1, 2]);
  expect(Array.from(await out.data()).every(Number.isFinite)).toBe(true);
  model.dispose();

  // The metrics as CSV.
  const csv = await downloadOf(page, 'export-csv');
  const text = new TextDecoder().decode(csv.bytes);
  expect(text.startsWith('update,wall_ms')).toBe(true);
  expect(text.split('\n').length).toBeGreaterThan(100);

  // CORL's offline scripts are for continuous actions: the CartPole run is refused, with the reason.
  await page.getByTestId('export-corl').click();
  await expect(page.getByTestId('runs-notice')).toContainText(/discrete actions|no CORL counterpart/);
  expect(errors).toEqual([]);

  // Another browser: import the bundle; the run is there, done, with its loss curve, and stays after a reload.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const otherErrors = watchConsole(other);
  await other.goto('/');
  await expect(other.locator('[data-ready=true]')).toBeVisible();
  await expect(rows(other)).toHaveCount(0);
  await other.getByTestId('import-runs').setInputFiles(bundle.path);
  await expect(rows(other)).toHaveCount(1);
  await expect(rows(other).first()).toHaveAttribute('data-status', 'finished');
  await expect(rows(other).first()).toContainText('done');
  await expect(rows(other).first().locator('.run-name button.link')).toHaveText(name);
  await expect.poll(async () => Number(await other.getByTestId('chart-loss').getAttribute('data-points'))).toBeGreaterThan(10);
  await other.screenshot({ path: `${artifacts}/imported-run.png`, fullPage: true });
  await other.waitForTimeout(1500); // the coalesced record save (1 s) lands
  await other.reload();
  await expect(other.locator('[data-ready=true]')).toBeVisible();
  await expect(rows(other)).toHaveCount(1);
  await expect(rows(other).first()).toHaveAttribute('data-status', 'finished');
  await expect.poll(async () => Number(await other.getByTestId('chart-loss').getAttribute('data-points'))).toBeGreaterThan(10);

  // A file that is not a bundle changes nothing and says why.
  await other.getByTestId('import-runs').setInputFiles({ name: 'not-a-bundle.zip', mimeType: 'application/zip', buffer: Buffer.from('hello') });
  await expect(other.getByTestId('runs-notice')).toContainText('Could not import not-a-bundle.zip');
  await expect(rows(other)).toHaveCount(1);
  expect(otherErrors).toEqual([]);
  await fresh.close();
});
