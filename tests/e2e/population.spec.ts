import { expect, test } from '@playwright/test';
import { artifacts, runRows, runStatuses, setHyper } from './labPage';
import { watchConsole } from './watchConsole';

test('four IQL seeds train as population jobs (more runs at once than workers), each its own run; one member pauses out of its population and resumes alone, one stops, the others finish', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchConsole(page);
  await page.goto('/#env=CartPole-v1&data=cartpole-medium-expert&algo=iql');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('hp-hidden').selectOption('32,32');
  await setHyper(page, 'maxUpdates', '600');
  await setHyper(page, 'updatesPerEval', '200');
  await page.getByTestId('seeds').fill('4');
  await page.getByTestId('start').click();
  await expect(runRows(page)).toHaveCount(4);
  // Two workers on this 2-core machine, yet all four seeds train at once: two populations of two.
  await expect.poll(async () => (await runStatuses(page)).filter((s) => s === 'running').length, { timeout: 120_000 }).toBe(4);
  await expect(runRows(page).first()).toContainText('as one batched model');

  // Pause one member: it leaves its population with its checkpoint; the others train on.
  const ids = await runRows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run-id')!));
  const row = (id: string) => page.locator(`[data-run-id="${id}"]`);
  const updateOf = async (id: string) => Number(((await row(id).locator('td.num').first().textContent()) ?? '0').replace(/\D/g, ''));
  await expect.poll(() => updateOf(ids[0]), { timeout: 60_000 }).toBeGreaterThan(0);
  await row(ids[0]).getByRole('button', { name: /^pause/ }).click();
  await expect(row(ids[0])).toHaveAttribute('data-status', 'paused');
  await expect(row(ids[0])).toContainText('left its population');
  const pausedAt = await updateOf(ids[0]);
  const partnerBefore = await updateOf(ids[1]);
  await expect.poll(() => updateOf(ids[1]), { timeout: 60_000 }).toBeGreaterThan(partnerBefore);
  expect(await updateOf(ids[0])).toBe(pausedAt);
  // Its population dropped it: the partner trains on as a population of one, and says so.
  await expect(row(ids[1])).toContainText('trains with no other run now');

  // Stop another member: its reports end, its partner trains on.
  await row(ids[2]).getByRole('button', { name: /^stop/ }).click();
  await expect(row(ids[2])).toHaveAttribute('data-status', 'stopped');

  // Resume the paused one: it trains alone from its checkpoint once a worker is free (both hold populations now).
  await row(ids[0]).getByRole('button', { name: /^resume/ }).click();
  await expect(row(ids[0])).toHaveAttribute('data-status', /queued|starting|running/);

  await expect.poll(async () => (await runStatuses(page)).filter((s) => s === 'finished').length, { timeout: 240_000 }).toBe(3);
  expect(await updateOf(ids[0])).toBe(600);
  expect(await updateOf(ids[1])).toBe(600);
  await expect(row(ids[1])).not.toContainText('as one batched model'); // a finished member trains with no one
  await expect(page.getByTestId('chart-return')).toBeVisible();
  await page.screenshot({ path: `${artifacts}/population-iql4.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test('four online DQN seeds train as population jobs: each acts in its own environments, reports environment steps and ends at its total', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('algorithm-select').selectOption('dqn-online');
  await page.getByTestId('hp-hidden').selectOption('32,32');
  for (const [key, value] of [
    ['learningStarts', '500'],
    // The zoo's target copy every 10 steps suits its rounds of 256 steps; with rounds of 16, Q diverges (alone too).
    ['targetInterval', '250'],
    ['trainFrequency', '16'],
    ['gradientSteps', '4'],
    ['batchSize', '32'],
    ['totalEnvSteps', '3000'],
  ]) {
    await setHyper(page, key, value);
  }
  await page.getByTestId('seeds').fill('4');
  await page.getByTestId('start').click();
  await expect(runRows(page)).toHaveCount(4);
  // Two workers, four online runs at once: two populations of two, each member stepping its own environment.
  await expect.poll(async () => (await runStatuses(page)).filter((s) => s === 'running').length, { timeout: 120_000 }).toBe(4);
  await expect(runRows(page).first()).toContainText('as one batched model');
  await page.getByTestId('chart-x').selectOption('envSteps');
  await expect(page.getByTestId('chart-return')).toHaveAttribute('data-x', 'env step');
  await expect.poll(async () => (await runStatuses(page)).filter((s) => s === 'finished').length, { timeout: 200_000 }).toBe(4);
  // Each ended by its environment steps (3,000), after 4 updates per 16 steps from step 500: about 625 updates.
  const updates = await runRows(page).evaluateAll((trs) => trs.map((tr) => Number((tr.querySelector('td.num')?.textContent ?? '0').replace(/\D/g, ''))));
  for (const u of updates) expect(u).toBeGreaterThan(600);
  await page.screenshot({ path: `${artifacts}/population-dqn-online4.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test('four PPO seeds train as population jobs: each collects its own rollouts, reports environment steps and ends at its total', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('algorithm-select').selectOption('ppo');
  await page.getByTestId('hp-hidden').selectOption('32,32');
  // The zoo's CartPole settings otherwise: 8 copies x 32 steps per rollout, 20 epochs of one minibatch of 256.
  await setHyper(page, 'totalEnvSteps', '3000');
  await page.getByTestId('seeds').fill('4');
  await page.getByTestId('start').click();
  await expect(runRows(page)).toHaveCount(4);
  // Two workers, four runs at once: two populations of two, each member stepping its own environment copies.
  await expect.poll(async () => (await runStatuses(page)).filter((s) => s === 'running').length, { timeout: 120_000 }).toBe(4);
  await expect(runRows(page).first()).toContainText('as one batched model');
  await expect.poll(async () => (await runStatuses(page)).filter((s) => s === 'finished').length, { timeout: 200_000 }).toBe(4);
  // Each ended by its environment steps: 12 rollouts of 256 steps reach 3,000, 20 updates each.
  const updates = await runRows(page).evaluateAll((trs) => trs.map((tr) => Number((tr.querySelector('td.num')?.textContent ?? '0').replace(/\D/g, ''))));
  expect(updates).toEqual([240, 240, 240, 240]);
  await page.screenshot({ path: `${artifacts}/population-ppo4.png`, fullPage: true });
  expect(errors).toEqual([]);
});
