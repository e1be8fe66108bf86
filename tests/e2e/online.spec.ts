import { expect, test, type Page } from '@playwright/test';
import { artifacts, setHyper } from './labPage';
import { watchConsole } from './watchConsole';

/** The mean of the last 10 training episodes the return chart's title shows, or null before the first one ended. */
async function trainingMean(page: Page): Promise<number | null> {
  const title = await page.getByTestId('chart-return').innerText();
  const m = /last 10 training episodes (-?[\d.]+)/.exec(title);
  return m ? Number(m[1]) : null;
}

test('DQN learns CartPole online: training returns rise against environment steps, an epsilon change is marked', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('algorithm-select').selectOption('dqn-online');
  // Offline-only run settings are not offered to an algorithm that always interacts.
  await expect(page.getByTestId('hp-maxUpdates')).toHaveCount(0);
  await expect(page.getByTestId('hp-totalEnvSteps')).toBeVisible();
  // A quicker schedule than the zoo's, with small networks, so the rise shows within a minute or two.
  await page.getByTestId('hp-hidden').selectOption('64,64');
  for (const [key, value] of [
    ['lr', '1e-3'],
    ['epsilonEnd', '0.05'],
    ['explorationFraction', '0.2'],
    ['targetInterval', '500'],
    ['trainFrequency', '4'],
    ['gradientSteps', '1'],
    ['batchSize', '64'],
    ['learningStarts', '1000'],
    ['totalEnvSteps', '40000'],
  ]) {
    await setHyper(page, key, value);
  }
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveText('running');
  await page.getByTestId('chart-x').selectOption('envSteps');

  // The first training episodes are near random (about 22 steps); later ones balance far longer.
  await expect.poll(() => trainingMean(page), { timeout: 60_000 }).not.toBeNull();
  const early = (await trainingMean(page))!;
  expect(early).toBeLessThan(40);
  await expect.poll(() => trainingMean(page), { timeout: 170_000, intervals: [2000] }).toBeGreaterThan(Math.max(80, 3 * early));
  // The x-axis is in environment steps.
  await expect(page.getByTestId('chart-return')).toHaveAttribute('data-x', 'env step');

  // Raise epsilon mid-run: the change is an event marked on the return chart and on the epsilon chart.
  await setHyper(page, 'epsilonEnd', '0.3');
  await expect(page.getByTestId('chart-return').getByText('epsilonEnd 0.05 → 0.3')).toBeVisible();
  await expect(page.getByTestId('chart-epsilon').getByText('epsilonEnd 0.05 → 0.3')).toBeVisible();
  // The run's transitions join the datasets as a "replay" the offline algorithms can train on.
  await page.getByTestId('save-replay').click();
  await expect(page.getByTestId('runs-notice')).toContainText('replay');
  await expect(page.getByTestId('dataset-select')).toContainText('replay');
  await page.screenshot({ path: `${artifacts}/online-dqn-cartpole.png`, fullPage: true });
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-status')).toHaveText('stopped');
  expect(errors).toEqual([]);
});

test('an offline IQL run continues online: the switch is marked on every chart, the offline share is drawn', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('algorithm-select').selectOption('iql');
  // Small networks, so the acting policy finishes episodes soon on two shared cores.
  await page.getByTestId('hp-hidden').selectOption('64,64');
  await setHyper(page, 'batchSize', '64');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveText('running');
  await expect.poll(async () => Number(await page.getByTestId('update-count').innerText().then((t) => t.replace(/\D/g, ''))), { timeout: 60_000 }).toBeGreaterThan(50);

  await page.getByTestId('hp-interaction').selectOption('online');
  await expect(page.getByTestId('chart-return').getByText('interaction offline → online')).toBeVisible();
  // The share is a series of its own from the switch on; the switch is marked on the loss charts too.
  await expect(page.getByTestId('chart-offline_share')).toBeVisible();
  await expect.poll(() => page.locator('.charts [data-testid^="chart-"]').filter({ hasText: 'interaction offline → online' }).count()).toBeGreaterThan(3);
  // Training episodes of the acting policy now stream beside the evaluations.
  await expect.poll(() => trainingMean(page), { timeout: 150_000 }).not.toBeNull();
  await page.screenshot({ path: `${artifacts}/online-iql-finetune.png`, fullPage: true });
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-status')).toHaveText('stopped');
  expect(errors).toEqual([]);
});

test('value and policy iteration on GridWorld, one sweep at a time, drawn on the grid', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('env-select').selectOption('GridWorld');
  const panel = page.getByTestId('tabular-panel');
  await expect(panel).toBeVisible();
  for (let i = 0; i < 3; i++) await page.getByTestId('tabular-sweep').click();
  await expect(page.getByTestId('tabular-status')).toContainText('sweep 3, largest change');
  await page.getByTestId('tabular-play').click();
  await expect(page.getByTestId('tabular-status')).toContainText('converged: V = V*', { timeout: 120_000 });
  await panel.screenshot({ path: `${artifacts}/tabular-value-iteration.png` });
  await page.getByTestId('tabular-method').selectOption('policy-iteration');
  await expect(page.getByTestId('tabular-status')).toHaveText('sweep 0');
  await page.getByTestId('tabular-play').click();
  await expect(page.getByTestId('tabular-status')).toContainText('optimal', { timeout: 120_000 });
  await panel.screenshot({ path: `${artifacts}/tabular-policy-iteration.png` });
  expect(errors).toEqual([]);
});
