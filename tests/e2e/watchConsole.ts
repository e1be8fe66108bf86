import type { Page } from '@playwright/test';

/** Collects console errors and uncaught exceptions of the page and its workers; a test expects the list empty. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
