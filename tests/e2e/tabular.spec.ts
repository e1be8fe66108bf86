import { expect, test, type Page } from '@playwright/test';
import { artifacts, inkAndSum } from './labPage';
import { watchConsole } from './watchConsole';

// Tall enough that the whole tabular panel (grid and return curve) is in one screenshot.
test.use({ viewport: { width: 1400, height: 1700 } });

/** Episodes played, and the mean return of the last ones, from the TD status line. */
async function tdStatus(page: Page): Promise<{ episodes: number; mean: number | null }> {
  const text = await page.getByTestId('tabular-status').innerText();
  const episodes = Number(/episode (\d+)/.exec(text)?.[1] ?? NaN);
  const m = /mean of the last \d+ (-?[\d.]+)/.exec(text);
  return { episodes, mean: m ? Number(m[1]) : null };
}

/** Plays at 100 episodes a frame until `episodes` have been played, then pauses. */
async function playUntil(page: Page, episodes: number): Promise<void> {
  await page.getByTestId('tabular-speed').selectOption('100');
  await page.getByTestId('tabular-play').click();
  await expect.poll(async () => (await tdStatus(page)).episodes, { timeout: 60_000 }).toBeGreaterThanOrEqual(episodes);
  await page.getByTestId('tabular-play').click();
  await expect(page.getByTestId('tabular-play')).toHaveText('play');
}

test('Q-learning and SARSA on CliffWalking: values and arrows change, returns rise, Q-learning finds the edge path and SARSA does not', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('env-select').selectOption('CliffWalking');
  const panel = page.getByTestId('tabular-panel');
  await panel.scrollIntoViewIfNeeded();
  await page.getByTestId('tabular-method').selectOption('q-learning');
  await expect(page.getByTestId('tabular-status')).toHaveText('episode 0');
  const canvas = page.getByTestId('tabular-canvas');
  const before = await inkAndSum(canvas);
  await page.getByTestId('tabular-episode').click();
  await expect(page.getByTestId('tabular-status')).toContainText('episode 1 · last return');
  const first = (await tdStatus(page)).mean!;
  expect(first).toBeLessThan(-13); // the first episode wanders (and falls): worse than the 13-step path
  await expect.poll(async () => (await inkAndSum(canvas)).sum).not.toBe(before.sum);
  await playUntil(page, 300);
  const q = await tdStatus(page);
  expect(q.mean!).toBeGreaterThan(first);
  // Q-learning's greedy policy walks the cliff's edge: value iteration's optimum.
  await expect(page.getByTestId('tabular-gap')).toHaveAttribute('data-optimal', 'true');
  await expect(page.getByTestId('tabular-gap')).toContainText('optimum V* -9.73');
  // A live change of epsilon is marked on the return curve.
  await page.getByTestId('tabular-epsilon').fill('0');
  await page.getByTestId('tabular-episode').click();
  await expect(page.getByTestId('tabular-returns')).toContainText('epsilon 0.1 → 0');
  await panel.screenshot({ path: `${artifacts}/tabular-cliff-q-learning.png` });

  await page.getByTestId('tabular-method').selectOption('sarsa');
  await expect(page.getByTestId('tabular-status')).toHaveText('episode 0');
  await expect(page.getByTestId('tabular-epsilon')).toHaveValue('0');
  await page.getByTestId('tabular-epsilon').fill('0.1');
  await page.getByTestId('tabular-episode').click();
  const sarsaFirst = (await tdStatus(page)).mean!;
  await playUntil(page, 800);
  expect((await tdStatus(page)).mean!).toBeGreaterThan(sarsaFirst);
  // SARSA values its own exploring policy: its greedy path keeps away from the edge, longer than the optimum's 13 steps
  // yet reaching the goal (17 steps: -11.64 with gamma 0.95; a path that never arrives is worth -20).
  await expect(page.getByTestId('tabular-gap')).toHaveAttribute('data-optimal', 'false');
  const sarsaValue = Number(/value at the start (-?[\d.]+)/.exec(await page.getByTestId('tabular-gap').innerText())![1]);
  expect(sarsaValue).toBeLessThan(-9.8);
  expect(sarsaValue).toBeGreaterThan(-15);
  await panel.screenshot({ path: `${artifacts}/tabular-cliff-sarsa.png` });
  expect(errors).toEqual([]);
});

test('offline tabular Q on narrow CliffWalking data: plain Q steps off the path, VI-LCB keeps it', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('env-select').selectOption('CliffWalking');
  // Expert data only: the path along the edge, nothing else tried.
  await page.getByTestId('generate-form').locator('summary').click();
  await page.getByTestId('generate-form').getByRole('button', { name: 'expert', exact: true }).click();
  await page.getByTestId('generate-size').fill('2000');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('dataset-size')).toHaveText(/2,000|2000/);
  await page.getByTestId('tabular-method').selectOption('pessimistic-q');
  const table = page.getByTestId('tabular-offline-table');
  await expect(table).toBeVisible();
  // Untried "down" at Q = 0 beats every -1 step: plain Q's greedy policy falls for ever, -100 / (1 - 0.95).
  await expect(page.getByTestId('tabular-offline-plain')).toContainText('-2000.00');
  await expect(page.getByTestId('tabular-offline-lcb')).toContainText('-9.73');
  await expect(page.getByTestId('tabular-offline-optimum')).toContainText('-9.73');
  const panel = page.getByTestId('tabular-panel');
  await panel.screenshot({ path: `${artifacts}/tabular-offline-lcb.png` });
  const lcbPicture = await inkAndSum(page.getByTestId('tabular-canvas'));
  await page.getByTestId('tabular-offline-shown').selectOption('plain');
  await expect.poll(async () => (await inkAndSum(page.getByTestId('tabular-canvas'))).sum).not.toBe(lcbPicture.sum);
  await panel.screenshot({ path: `${artifacts}/tabular-offline-plain.png` });
  // The largest penalty distrusts even the data's path.
  await page.getByTestId('tabular-lcb').fill('9');
  await expect(page.getByTestId('tabular-offline-lcb')).toContainText('VI-LCB, c = 1');
  expect(errors).toEqual([]);
});

test('expected SARSA on slippery FrozenLake: it starts reaching the goal; a gamma change is marked on the curve', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('env-select').selectOption('FrozenLake-4x4');
  await page.getByTestId('tabular-method').selectOption('expected-sarsa');
  // Slippery moves: a small default step size.
  await expect(page.getByTestId('tabular-alpha')).toHaveValue('0.1');
  await playUntil(page, 1000);
  await page.getByTestId('tabular-gamma').fill('0.99');
  await playUntil(page, 2500);
  // The goal's reward (1) shows in the returns: the recent mean is above 0.
  expect((await tdStatus(page)).mean!).toBeGreaterThan(0);
  await expect(page.getByTestId('tabular-returns')).toContainText('gamma 0.95 → 0.99');
  await expect(page.getByTestId('tabular-gap')).toContainText('optimum V*');
  await page.getByTestId('tabular-panel').screenshot({ path: `${artifacts}/tabular-frozenlake-expected-sarsa.png` });
  expect(errors).toEqual([]);
});
