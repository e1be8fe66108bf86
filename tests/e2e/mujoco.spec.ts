import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { inkAndSum, setHyper } from './labPage';
import { watchConsole } from './watchConsole';

const artifacts = 'tests/artifacts/mujoco';
mkdirSync(artifacts, { recursive: true });

test('Hopper: MuJoCo loads only when chosen, a random episode falls, the replay draws and scrubs', async ({ page }) => {
  const errors = watchConsole(page);
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (/mujoco.*\.wasm$/.test(r.url())) wasm.push(r.url());
  });
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  expect(wasm, 'MuJoCo is not on the startup path').toEqual([]);

  await page.getByTestId('env-select').selectOption('Hopper-v5');
  await expect(page.getByTestId('mujoco-note')).toContainText('mujoco-py on MuJoCo 2.1');
  await expect.poll(async () => (await inkAndSum(page.getByTestId('env-preview'))).ink, { timeout: 60_000 }).toBeGreaterThan(1500);
  // Its built-in example is generated in the dataset worker (MuJoCo there too).
  await expect(page.getByTestId('dataset-select')).toContainText('hopper-random', { timeout: 120_000 });
  // The inspector measures it (SACo against a random reference made in the worker's MuJoCo).
  await expect(page.getByTestId('dataset-inspector').getByTestId('inspector-saco')).toContainText('random policy, 5,000 transitions', { timeout: 120_000 });
  await expect(page.getByText('Could not measure')).toHaveCount(0);

  await page.getByTestId('demo-policy').selectOption('random');
  await page.getByTestId('play-episode').click();
  await expect(page.getByTestId('rollout-source')).toContainText('random policy, seed 0, Hopper-v5');
  // Random torques topple the hopper long before the 1000-step limit.
  await expect(page.getByTestId('rollout-info')).toContainText('(terminated)');
  const length = Number(await page.getByTestId('rollout-scrubber').getAttribute('max'));
  expect(length).toBeGreaterThan(5);
  expect(length).toBeLessThan(200);
  const scene = page.getByTestId('rollout-canvas');
  // A fall takes a tenth of a second at Gymnasium's 125 fps: a quarter speed leaves time to see frames change.
  await page.getByTestId('rollout-speed').selectOption('0.25');
  const first = await inkAndSum(scene);
  expect(first.ink).toBeGreaterThan(3000);
  await expect.poll(async () => (await inkAndSum(scene)).sum, { timeout: 15_000 }).not.toBe(first.sum);

  // Scrub: the first and the last frame differ (it stood, then it fell).
  await page.getByTestId('rollout-scrubber').fill('0');
  await expect(page.getByTestId('rollout-step')).toHaveText('0');
  const standing = await inkAndSum(scene);
  await page.screenshot({ path: `${artifacts}/hopper-standing.png`, fullPage: true });
  await page.getByTestId('rollout-scrubber').fill(String(length));
  await expect(page.getByTestId('rollout-step')).toHaveText(String(length));
  const fallen = await inkAndSum(scene);
  expect(fallen.sum).not.toBe(standing.sum);
  await scene.screenshot({ path: `${artifacts}/hopper-fallen.png` });

  // The README's link opens the lab on Hopper directly.
  await page.goto('/#env=Hopper-v5');
  await page.reload();
  await expect(page.getByTestId('env-select')).toHaveValue('Hopper-v5');
  await expect.poll(async () => (await inkAndSum(page.getByTestId('env-preview'))).ink, { timeout: 60_000 }).toBeGreaterThan(1500);
  expect(errors).toEqual([]);
});

test('Hopper: import a D4RL-layout file, train BC, see an evaluation in MuJoCo with a D4RL-normalized score', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('import-file').setInputFiles('tests/fixtures/hopper-random-tiny-v2.hdf5');
  await expect(page.getByTestId('import-note')).toContainText('attached to Hopper-v5');
  await expect(page.getByTestId('env-select')).toHaveValue('Hopper-v5');
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toContainText('hopper-random-tiny-v2');

  await page.getByTestId('algorithm-select').selectOption('bc');
  await setHyper(page, 'updatesPerEval', '100');
  await setHyper(page, 'evalEpisodes', '2');
  await setHyper(page, 'maxUpdates', '300');
  await page.getByTestId('start').click();
  // Three evaluations in the worker's MuJoCo; the chart reports the D4RL-normalized score.
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 240_000 });
  await expect(page.getByTestId('chart-return')).toContainText(/normalized score -?\d+\.\d/);
  await expect(page.getByTestId('rollout-source')).toContainText('evaluation');
  await expect(page.getByTestId('rollout-source')).toContainText('Hopper-v5');
  expect((await inkAndSum(page.getByTestId('rollout-canvas'))).ink).toBeGreaterThan(3000);
  await page.screenshot({ path: `${artifacts}/hopper-bc-d4rl.png`, fullPage: true });

  // Record a dataset from the trained policy (its checkpoint, on a trainer worker): it joins the list, selected.
  await page.getByTestId('record-size').fill('2000');
  await page.getByTestId('record-dataset').click();
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toContainText('-policy', { timeout: 120_000 });
  await expect(page.getByTestId('dataset-size')).toHaveText('2,000');
  await expect(page.getByTestId('runs-notice')).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/hopper-recorded-dataset.png` });
  expect(errors).toEqual([]);
});
