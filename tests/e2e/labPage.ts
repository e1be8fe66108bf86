import { expect, type Page } from '@playwright/test';
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
