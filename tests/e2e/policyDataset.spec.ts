import { expect, test } from '@playwright/test';
import { artifacts, setHyper } from './labPage';
import { watchConsole } from './watchConsole';

test("the dataset generator records a trained run's policy: an online DQN run while it trains, an offline BC run from its checkpoint", async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('generate-form').locator('summary').click();
  await expect(page.getByTestId('generate-run-source')).toContainText('Train a run on CartPole-v1');

  // An offline run, trained to the end: its policy comes back from its checkpoint on an idle worker.
  await page.getByTestId('algorithm-select').selectOption('bc');
  await setHyper(page, 'maxUpdates', '200');
  await setHyper(page, 'updatesPerEval', '100');
  await setHyper(page, 'evalEpisodes', '1');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 120_000 });
  const bcRun = page.getByTestId('generate-run').locator('option', { hasText: '(bc, finished)' });
  await expect(bcRun).toHaveCount(1);
  await page.getByTestId('generate-run').selectOption({ label: (await bcRun.innerText()).trim() });
  await page.getByTestId('generate-run-size').fill('20000');
  await page.getByTestId('generate-from-run').click();
  // The dataset panel's progress bar, as for a generated dataset; no Cancel (a recording runs to its end).
  await expect(page.getByTestId('dataset-progress')).toContainText('recording 20,000 transitions');
  await expect(page.getByTestId('dataset-cancel')).toHaveCount(0);
  await expect(page.getByTestId('dataset-progress')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toContainText('-policy');
  await expect(page.getByTestId('dataset-size')).toHaveText('20,000');

  // An online run, recorded greedily while it still trains (from its own worker).
  await page.getByTestId('algorithm-select').selectOption('dqn-online');
  await setHyper(page, 'learningStarts', '500');
  await setHyper(page, 'totalEnvSteps', '200000');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveText('running');
  const dqnRun = page.getByTestId('generate-run').locator('option', { hasText: '(dqn-online, running)' });
  await expect(dqnRun).toHaveCount(1);
  await page.getByTestId('generate-run').selectOption({ label: (await dqnRun.innerText()).trim() });
  await page.getByTestId('generate-run-mode').selectOption('greedy');
  await page.getByTestId('generate-run-size').fill('5000');
  await page.getByTestId('generate-from-run').click();
  await expect(page.getByTestId('dataset-progress')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toContainText('-policy-greedy');
  await expect(page.getByTestId('dataset-size')).toHaveText('5,000');
  await page.screenshot({ path: `${artifacts}/dataset-from-run-policy.png`, fullPage: true });
  await page.getByTestId('stop').click();
  expect(errors).toEqual([]);
});
