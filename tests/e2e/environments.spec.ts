import { expect, test, type Locator } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { watchConsole } from './watchConsole';

const artifacts = 'tests/artifacts/envs';
mkdirSync(artifacts, { recursive: true });

// Phase-plane environments draw a second canvas beside the scene.
const PHASE = ['MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1'];

/** Pixels that differ from the white background, and a checksum of the whole image (to see frames change). */
function inkAndSum(canvas: Locator): Promise<{ ink: number; sum: number }> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) ink++;
      sum = (sum * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) % 1_000_000_007;
    }
    return { ink, sum };
  });
}

test('every environment: select it, play a random episode, the replay draws and moves', async ({ page }) => {
  test.setTimeout(600_000);
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  const select = page.getByTestId('env-select');
  const ids = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const groups = await select.locator('optgroup').evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
  expect(groups).toEqual(['Classic control', 'Grid worlds', 'Point mazes']);
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
