import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

/** Screenshots and downloads the e2e tests leave for a person to look at. */
export const artifacts = 'tests/artifacts';
mkdirSync(artifacts, { recursive: true });

/** Types a hyperparameter into its control and commits it (Enter); the page must accept it. */
export async function setHyper(page: Page, key: string, value: string): Promise<void> {
  const input = page.getByTestId(`hp-${key}`);
  await input.fill(value);
  await input.press('Enter');
  await expect(page.getByTestId(`error-${key}`)).toHaveCount(0);
}

/** The run list's rows, and their statuses in order. */
export const runRows = (page: Page) => page.getByTestId('run-row');
export const runStatuses = (page: Page) => runRows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')));

/** Pixels that differ from the white background, and a checksum of the whole image (to see frames change). */
export function inkAndSum(canvas: Locator): Promise<{ ink: number; sum: number }> {
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
