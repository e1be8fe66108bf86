import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { watchConsole } from './watchConsole';

const artifacts = 'tests/artifacts';
mkdirSync(artifacts, { recursive: true });

/** Clicks a cell of the editor until it holds `kind` (a click cycles open → wall → start → goal → hole → cliff). */
async function paint(page: Page, row: number, col: number, kind: string): Promise<void> {
  const cell = page.getByTestId(`cell-${row}-${col}`);
  for (let i = 0; i < 6 && (await cell.getAttribute('data-kind')) !== kind; i++) await cell.click();
  await expect(cell).toHaveAttribute('data-kind', kind);
}

/** The colour at a cell's centre on a GridWorld canvas drawn without heatmap (renderer geometry: render/gridWorld.ts, frame.ts). */
function cellColour(canvas: Locator, rows: number, cols: number, row: number, col: number, cssWidth: number, cssHeight: number): Promise<number[]> {
  return canvas.evaluate(
    (c: HTMLCanvasElement, a) => {
      const box = { left: 8, top: 8, width: a.cssWidth - 16, height: a.cssHeight - 16 - 20 }; // 20: the footer line
      const aspect = a.cols / a.rows;
      const width = Math.min(box.width, box.height * aspect);
      const cell = width / a.cols;
      const left = box.left + (box.width - width) / 2;
      const top = box.top + (box.height - width / aspect) / 2;
      const scale = c.width / a.cssWidth;
      const d = c.getContext('2d')!.getImageData(Math.round((left + (a.col + 0.5) * cell) * scale), Math.round((top + (a.row + 0.5) * cell) * scale), 1, 1).data;
      return [d[0], d[1], d[2]];
    },
    { rows, cols, row, col, cssWidth, cssHeight },
  );
}

const WALL = [75, 85, 99]; // #4b5563

test('grid editor: draw a map, see what is wrong with it, generate datasets on it, train BC, replay the drawn map', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await page.getByTestId('env-select').selectOption('GridWorld');
  await expect(page.getByTestId('dataset-select')).toContainText('gridworld-expert');

  const editor = page.getByTestId('grid-editor');
  await editor.locator('summary').first().click();
  await expect(page.getByTestId('grid-ready')).toContainText('registered map');
  await expect(page.getByTestId('grid-generate')).toBeDisabled();

  // The teaching grid (4 × 8): wall the short path in the middle row, so the way round over the top is the only one.
  await paint(page, 2, 3, '#');
  await expect(page.getByTestId('grid-ready')).toContainText('Ready');
  // A hole on the top row cuts that way too: the editor names the start that cannot reach the goal.
  await paint(page, 0, 4, 'H');
  await expect(page.getByTestId('grid-problems')).toHaveText('Grid layout: the goal cannot be reached from the start at row 2, column 0: walls, holes or cliffs cut every path');
  await expect(page.getByTestId('grid-generate')).toBeDisabled();
  await paint(page, 0, 4, '.');
  // No start at all: the format's own message.
  await paint(page, 2, 0, 'G');
  await expect(page.getByTestId('grid-problems')).toContainText('Grid layout: the map needs a start cell S');
  await paint(page, 2, 0, 'S');
  // A bad setting typed as text is refused with the parser's message, and the map stays.
  await editor.locator('.grid-text summary').click();
  await page.getByTestId('grid-text').fill('S.G\nslip: lots');
  await page.getByTestId('grid-apply-text').click();
  await expect(page.getByTestId('grid-text-error')).toHaveText('Grid layout line 2: slip must be a number, got "lots"');
  await expect(page.getByTestId('cell-2-3')).toHaveAttribute('data-kind', '#');
  // No slip, so the drawn way round is the whole lesson.
  await page.getByTestId('grid-slip').fill('0');
  await expect(page.getByTestId('grid-ready')).toContainText('Ready');
  await editor.screenshot({ path: `${artifacts}/grid-editor.png` });

  // Reset to preset and back: the reset restores the registered map.
  await page.getByTestId('grid-reset').click();
  await expect(page.getByTestId('cell-2-3')).toHaveAttribute('data-kind', '.');
  await paint(page, 2, 3, '#');
  await page.getByTestId('grid-slip').fill('0');

  // A demo episode plays on the drawn map: the expert plans the way round over the top.
  await page.getByTestId('demo-policy').selectOption('expert');
  await page.getByTestId('play-episode').click();
  await expect(page.getByTestId('rollout-source')).toContainText('expert policy, seed 0, GridWorld (custom layout)');
  await expect(page.getByTestId('rollout-info')).toContainText('episode return 0.60 (terminated)');

  // Generate random, medium and expert datasets on the drawn map; the expert is selected last.
  await page.getByTestId('grid-generate').click();
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText(/^gridworld-custom-expert \(20,000\)$/, { timeout: 120_000 });
  await expect(page.getByTestId('dataset-select')).toContainText('gridworld-custom-random');
  await expect(page.getByTestId('dataset-select')).toContainText('gridworld-custom-medium');
  await expect(page.getByTestId('inspector-layout')).toHaveText('custom layout, 4 × 8, slip 0');
  // Scored against this map's own references: expert data is 100.
  await expect(page.getByTestId('inspector-score')).toContainText('custom layout');
  await expect(page.getByTestId('inspector-score')).toContainText('100');

  // Train BC briefly: evaluations run on the drawn map.
  const setHp = async (key: string, value: string) => {
    const input = page.getByTestId(`hp-${key}`);
    await input.fill(value);
    await input.press('Enter');
  };
  await page.getByTestId('algorithm-select').selectOption('bc');
  await page.locator('#hp-hidden').selectOption('64,64');
  await setHp('updatesPerEval', '100');
  await setHp('maxUpdates', '300');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 120_000 });
  await page.getByTestId('replay-evaluation').click(); // the demo stays on screen until asked
  await expect(page.getByTestId('rollout-source')).toContainText('evaluation');
  await expect(page.getByTestId('rollout-source')).toContainText('GridWorld (custom layout)');
  // The way round: 2 up, 7 right, 2 down = 11 steps; 10 open cells at -0.04 and the goal's +1.
  await expect(page.getByTestId('rollout-info')).toContainText('episode return 0.60 (terminated)');

  // The replay draws the drawn map: the new wall where the registered map has an open cell.
  await page.getByTestId('rollout-coverage').uncheck();
  await page.getByTestId('rollout-play').click();
  const scene = page.getByTestId('rollout-canvas');
  expect(await cellColour(scene, 4, 8, 2, 3, 560, 320)).toEqual(WALL);
  expect(await cellColour(scene, 4, 8, 2, 2, 560, 320)).not.toEqual(WALL);
  await page.getByTestId('rollout-scrubber').fill('5');
  await page.getByTestId('rollout-panel').screenshot({ path: `${artifacts}/grid-editor-replay.png` });
  await page.getByTestId('value-map').scrollIntoViewIfNeeded();
  await page.getByTestId('value-map').screenshot({ path: `${artifacts}/grid-editor-value-map.png` });
  await page.getByTestId('dataset-inspector').screenshot({ path: `${artifacts}/grid-editor-inspector.png` });

  await page.screenshot({ path: `${artifacts}/grid-editor-lab.png`, fullPage: true });

  // After a reload the datasets still know their map (IndexedDB keeps the whole info record), and the editor
  // takes the map back from the selected dataset.
  await page.reload();
  await expect(page.locator('[data-ready=true]')).toBeVisible();
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText(/^gridworld-custom-expert /);
  await expect(page.getByTestId('inspector-layout')).toHaveText('custom layout, 4 × 8, slip 0');
  await editor.locator('summary').first().click();
  await expect(page.getByTestId('cell-2-3')).toHaveAttribute('data-kind', '.');
  await page.getByTestId('grid-load-dataset').click();
  await expect(page.getByTestId('cell-2-3')).toHaveAttribute('data-kind', '#');
  await expect(page.getByTestId('grid-slip')).toHaveValue('0');
  expect(errors).toEqual([]);
});
