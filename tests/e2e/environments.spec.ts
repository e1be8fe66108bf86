import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { inkAndSum } from './labPage';
import { watchConsole } from './watchConsole';

const artifacts = 'tests/artifacts/envs';
mkdirSync(artifacts, { recursive: true });

// Phase-plane environments draw a second canvas beside the scene.
const PHASE = ['MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1'];

test('every environment: select it, play a random episode, the replay draws and moves', async ({ page }) => {
  test.setTimeout(600_000);
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  const select = page.getByTestId('env-select');
  const ids = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const groups = await select.locator('optgroup').evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
  expect(groups).toEqual(['Classic control', 'Grid worlds', 'Point mazes', 'MuJoCo locomotion']);
  expect(ids.length).toBeGreaterThanOrEqual(17);

  for (const id of ids) {
    await test.step(id, async () => {
      await select.selectOption(id);
      await expect(page.getByTestId('env-limit')).toHaveText(/\d+ steps/);
      // The preview shows the environment at its first reset.
      expect((await inkAndSum(page.getByTestId('env-preview'))).ink).toBeGreaterThan(300);

      await page.getByTestId('demo-policy').selectOption('random');
      await page.getByTestId('play-episode').click();
      await expect(page.getByTestId('rollout-source')).toContainText('demo');
      await expect(page.getByTestId('rollout-source')).toContainText(`random policy, seed 0, ${id}`);
      const scene = page.getByTestId('rollout-canvas');
      await expect(scene).toBeVisible();
      // Quarter speed: a MuJoCo hopper's random episode is over in a tenth of a second at 1×.
      await page.getByTestId('rollout-speed').selectOption('0.25');
      await scene.scrollIntoViewIfNeeded(); // the replay plays while on screen
      const first = await inkAndSum(scene);
      expect(first.ink, `${id}: the scene draws`).toBeGreaterThan(1500);
      // Playing: the step counter moves and so does the picture.
      await expect.poll(async () => (await inkAndSum(scene)).sum, { timeout: 15_000 }).not.toBe(first.sum);
      const step = page.getByTestId('rollout-step');
      const s0 = await step.innerText();
      await expect(step).not.toHaveText(s0, { timeout: 15_000 });

      const phase = page.getByTestId('rollout-phase');
      if (PHASE.includes(id)) {
        await expect(phase).toBeVisible();
        expect((await inkAndSum(phase)).ink, `${id}: the phase plane draws`).toBeGreaterThan(1500);
      } else await expect(phase).toHaveCount(0);

      // A still for the record: paused two thirds through, with the dataset's coverage once it exists.
      const coverage = page.getByTestId('rollout-coverage');
      if ((await coverage.count()) > 0) await expect(coverage).toBeEnabled({ timeout: 120_000 });
      await page.getByTestId('rollout-play').click();
      await expect(page.getByTestId('rollout-play')).toHaveText('Play');
      const max = Number(await page.getByTestId('rollout-scrubber').getAttribute('max'));
      await page.getByTestId('rollout-scrubber').fill(String(Math.round((max * 2) / 3)));
      await expect(step).toHaveText(String(Math.round((max * 2) / 3)));
      await page.getByTestId('rollout-panel').screenshot({ path: `${artifacts}/${id}.png` });
    });
  }
  await page.screenshot({ path: `${artifacts}/lab-environments.png`, fullPage: true });
  expect(errors).toEqual([]);
});
