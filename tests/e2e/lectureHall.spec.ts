// The page in a lecture hall, on the production build, in one page load: a keyboard-only walk from page load to a
// finished BC run with a learning rate changed on its slider; the shortcuts and their help; screenshots at the sizes
// a lecturer meets (1280×720, 1024×768, 1280×720 at 150% zoom, 640 px wide, presentation mode), each checked for no
// sideways scrolling and for the run controls and a chart on the first screen; an axe-core scan of every panel.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { artifacts } from './labPage';
import { watchConsole } from './watchConsole';

/** What has the keyboard focus: its test id, else its accessible label, else its tag. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    return e?.getAttribute('data-testid') ?? e?.getAttribute('aria-label') ?? e?.tagName ?? '';
  });

/** Presses Tab (or Shift+Tab) until `target` has the focus; returns each stop with its focus ring and place. */
async function tabTo(page: Page, target: string, { back = false, max = 60 } = {}) {
  const stops: { id: string; ring: boolean; inView: boolean }[] = [];
  while (stops.length < max) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const stop = await page.evaluate(() => {
      const e = document.activeElement as HTMLElement;
      const style = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      return {
        id: e.getAttribute('data-testid') ?? e.getAttribute('aria-label') ?? e.tagName,
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        inView: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth,
      };
    });
    stops.push(stop);
    if (stop.id === target) return stops;
  }
  throw new Error(`${target} not reached in ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}; stops: ${stops.map((s) => s.id).join(', ')}`);
}

/** Serious and critical axe-core violations, one line each (rule, impact, first offending elements). */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

interface Screen {
  name: string;
  width: number;
  height: number;
  scale: number;
  /** The algorithm menu and the learning-rate slider must also be on the first screen (beside the charts). */
  settingsOnScreen: boolean;
}

/**
 * Sets the viewport through the DevTools protocol (the only way to change the device scale factor within one page),
 * saves a screenshot and checks the first screen: no horizontal overflow, the run controls and a whole chart in view.
 */
async function checkScreen(page: Page, cdp: CDPSession, s: Screen): Promise<void> {
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: s.width, height: s.height, deviceScaleFactor: s.scale, mobile: false });
  await expect.poll(() => page.evaluate(() => [innerWidth, innerHeight, devicePixelRatio])).toEqual([s.width, s.height, s.scale]);
  await page.evaluate(() => {
    for (const box of [document.scrollingElement, document.querySelector('.controls-column'), document.querySelector('.main')]) box?.scrollTo(0, 0);
  });
  // Charts follow their box through a ResizeObserver: let two frames pass, then a short settle.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.waitForTimeout(400);
  const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
  writeFileSync(`${artifacts}/lecture-${s.name}.png`, Buffer.from(data, 'base64'));

  const m = await page.evaluate(() => {
    const box = (selector: string) => {
      const r = document.querySelector(selector)?.getBoundingClientRect();
      return r ? { top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right) } : null;
    };
    // The page and, when wide, each of its two scrolling columns.
    const boxes = [document.documentElement, document.querySelector('.controls-column'), document.querySelector('.main')].filter((e) => e !== null);
    return {
      sideways: boxes.filter((e) => e.scrollWidth > e.clientWidth).map((e) => `${e.className || e.tagName}: ${e.scrollWidth} > ${e.clientWidth}`),
      boxes: {
        start: box('[data-testid=start]'),
        pause: box('[data-testid=pause], [data-testid=resume]'),
        step: box('[data-testid=step-1]'),
        chart: box('[data-testid=chart-return]'),
        algorithm: box('[data-testid=algorithm-select]'),
        lrSlider: box('[aria-label="learning rate slider"]'),
      },
    };
  });
  expect(m.sideways, `${s.name}: nothing scrolls sideways`).toEqual([]);
  const wanted = s.settingsOnScreen ? Object.keys(m.boxes) : ['start', 'pause', 'step', 'chart'];
  for (const key of wanted) {
    const b = m.boxes[key as keyof typeof m.boxes];
    expect(b, `${s.name}: ${key} is on the page`).not.toBeNull();
    const inside = b!.top >= 0 && b!.left >= 0 && b!.bottom <= s.height && b!.right <= s.width;
    expect(inside, `${s.name}: ${key} ${JSON.stringify(b)} lies within the first ${s.width}×${s.height} screen`).toBe(true);
  }
}

test('lecture hall: keyboard-only BC run with a learning-rate change, shortcuts, layouts at projector sizes, presentation mode, axe scan', async ({ page }) => {
  const errors = watchConsole(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.locator('[data-ready=true]')).toBeVisible();

  // Start is near the top of the tab order; every stop on the way to the run settings shows a focus ring and is
  // scrolled into view, and passing the sliders changes no value.
  const toStart = await tabTo(page, 'start');
  expect(toStart.length).toBeLessThanOrEqual(3);
  const toShare = await tabTo(page, 'share');
  // The share box opens with Enter, takes the next Tab, and Escape closes it with the focus back on Share.
  await page.keyboard.press('Enter');
  const shareBox = page.getByRole('dialog', { name: 'share the lab' });
  await expect(shareBox).toBeVisible();
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('share-hide-environment');
  await page.keyboard.press('Escape');
  await expect(shareBox).toBeHidden();
  expect(await focused(page)).toBe('share');
  const stops = [...toShare, ...(await tabTo(page, 'hp-maxUpdates'))];
  expect(stops.filter((s) => !s.ring || !s.inView)).toEqual([]);
  expect(stops.map((s) => s.id)).toEqual(expect.arrayContaining(['pause', 'step-1', 'algorithm-select', 'learning rate slider', 'hp-lr', 'batch size slider', 'hp-batchSize']));
  await expect(page.getByTestId('hp-batchSize')).toHaveValue('256');
  await expect(page.getByTestId('hp-lr')).toHaveValue('3e-4');
  await expect(page.getByTestId('hp-evalEpisodes')).toHaveValue('5');

  // Total updates 500, typed (Tab selected the field's text). A shortcut key typed in a field is text, not a command.
  await page.keyboard.type('500');
  await page.keyboard.press('s');
  await expect(page.getByTestId('hp-maxUpdates')).toHaveValue('500s');
  await expect(page.getByTestId('run-status')).toHaveText('idle');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('error-maxUpdates')).toHaveCount(0);

  // On through the environment and dataset panels to the backend menu: typing "wasm" picks it (and its "s" starts
  // nothing, a menu takes letters). The column scrolls each stop into view.
  const settingsStops = await tabTo(page, 'backend-select');
  expect(settingsStops.filter((s) => !s.ring || !s.inView)).toEqual([]);
  expect(settingsStops.map((s) => s.id)).toEqual(expect.arrayContaining(['env-select', 'dataset-select']));
  await page.keyboard.type('wasm');
  await expect(page.getByTestId('backend-select')).toHaveValue('wasm');
  await expect(page.getByTestId('run-status')).toHaveText('idle');

  // Back to Start and press it: the run starts and the focus stays on Start.
  await tabTo(page, 'start', { back: true, max: 80 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-status')).toHaveText('running');
  expect(await focused(page)).toBe('start');

  // Pause with Enter on a button that stays and keeps the focus; `n` steps the paused run by one update.
  await tabTo(page, 'pause');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-status')).toHaveText('paused');
  expect(await focused(page)).toBe('resume');
  const before = await page.getByTestId('update-count').innerText();
  const n = Number(before.replace(/\D/g, ''));
  await page.keyboard.press('n');
  await expect(page.getByTestId('update-count')).toHaveText(`update ${(n + 1).toLocaleString('en-US')}`);

  // While it is paused, the learning-rate slider: one arrow press is one notch on its log scale (3e-4 → 5e-4),
  // applied to the run. `p` resumes it (a slider is no text field); every chart marks the change.
  await tabTo(page, 'learning rate slider');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('hp-lr')).toHaveValue('5e-4');
  await page.keyboard.press('p');
  await expect(page.getByTestId('run-status')).toHaveText('running');
  await expect(page.getByTestId('chart-loss').getByText('lr 3e-4 → 5e-4')).toBeVisible();
  expect(await focused(page)).toBe('learning rate slider');
  // All that tabbing through the settings column left the charts where they were, beside it.
  const loss = (await page.getByTestId('chart-loss').boundingBox())!;
  expect(loss.y >= 0 && loss.y + loss.height <= 720).toBe(true);

  // `?` opens the shortcuts; Escape closes them and gives the focus back.
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts-dialog')).toBeVisible();
  expect(await focused(page)).toBe('shortcuts-close');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts-dialog')).toBeHidden();
  expect(await focused(page)).toBe('learning rate slider');

  // The screens a lecturer meets, checked while the run trains.
  const cdp = await page.context().newCDPSession(page);
  for (const s of [
    { name: '1280x720', width: 1280, height: 720, scale: 1, settingsOnScreen: true },
    { name: '1024x768', width: 1024, height: 768, scale: 1, settingsOnScreen: true },
    { name: '1280x720-zoom150', width: 853, height: 480, scale: 1.5, settingsOnScreen: true },
    { name: '640-wide', width: 640, height: 900, scale: 1, settingsOnScreen: false },
  ]) {
    await checkScreen(page, cdp, s);
  }

  // The run finishes by itself at 500 updates, the changed rate on its record.
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 120_000 });
  await expect(page.getByTestId('update-count')).toHaveText('update 500');

  // Every panel, with every disclosure open, at the lecture size: no serious or critical axe violations.
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 720, deviceScaleFactor: 1, mobile: false });
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  await expect(page.getByTestId('rollout-panel')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // Presentation mode by its key: large text and ticks, thick lines, fewer panels; kept in the link as present=1,
  // and a link without it turns it off again.
  await page.keyboard.press('f');
  await expect(page.locator('.lab')).toHaveAttribute('data-presentation', 'true');
  await expect(page).toHaveURL(/[#&]present=1/);
  await checkScreen(page, cdp, { name: 'presentation-1280x720', width: 1280, height: 720, scale: 1, settingsOnScreen: true });
  const sizes = await page.evaluate(() => {
    const visibleText = [...document.querySelectorAll('.lab *')].filter(
      (e) => !e.closest('svg') && e.getClientRects().length > 0 && [...e.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && c.textContent!.trim() !== ''),
    );
    const ticks = [...document.querySelectorAll('.chart .chart-axes text')];
    const line = document.querySelector('.chart path.chart-line[stroke-opacity="1"]');
    return {
      smallText: visibleText.filter((e) => parseFloat(getComputedStyle(e).fontSize) < 18).map((e) => `${e.tagName}.${e.className}: ${getComputedStyle(e).fontSize}`),
      smallestTick: Math.min(...ticks.map((e) => parseFloat(getComputedStyle(e).fontSize))),
      ticks: ticks.length,
      lineWidth: line ? parseFloat(getComputedStyle(line).strokeWidth) : 0,
    };
  });
  expect(sizes.smallText, 'text under 18 px in presentation mode').toEqual([]);
  expect(sizes.ticks).toBeGreaterThan(4);
  expect(sizes.smallestTick).toBeGreaterThanOrEqual(14);
  expect(sizes.lineWidth).toBeGreaterThanOrEqual(3);
  for (const panel of ['sweep-panel', 'run-list', 'backend-select']) await expect(page.getByTestId(panel)).toHaveCount(0);
  // Scanned with the shortcuts dialog open, so the dialog is scanned too.
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts-dialog')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await page.evaluate(() => (location.hash = location.hash.replace(/&?present=1/, '')));
  await expect(page.locator('.lab')).toHaveAttribute('data-presentation', 'false');

  expect(errors).toEqual([]);
});
