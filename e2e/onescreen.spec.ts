/**
 * "Will it fit, how fast, and why" on one screen (issue 16): at 1280×720 the headline figures, the memory bar,
 * the time bar, the contributors and the stage slider show without scrolling; at 1600×1000 no column is left
 * half empty; and the memory curve, its peak, the values at the peak and the step's contributors follow the
 * stage slider.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import { galleryEntry } from '../src/core/models/gallery';
import { runPipeline } from '../src/core/pipeline';
import { num, shot, TINY, waitUpToDate, watch } from './helpers';

async function openWith(page: Page, config: Config) {
  await page.goto(`/#${encodeConfig(config)}`);
  await waitUpToDate(page, 120_000);
}

/** Wholly inside the window, and not clipped by a scrolled pane (the IntersectionObserver's view). */
async function expectOnScreen(page: Page, el: Locator, what: string) {
  const vp = page.viewportSize()!;
  const box = await el.boundingBox();
  expect(box, `${what} is drawn`).not.toBeNull();
  expect(box!.x, `${what} left`).toBeGreaterThanOrEqual(0);
  expect(box!.y, `${what} top`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} right`).toBeLessThanOrEqual(vp.width + 0.5);
  expect(box!.y + box!.height, `${what} bottom`).toBeLessThanOrEqual(vp.height + 0.5);
  await expect(el, `${what} not clipped by a scrolled pane`).toBeInViewport({ ratio: 0.99 });
}

const T32 = galleryEntry('t32-bp-mp-z3')!.config;

test.describe('at 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });
  test('the headline figures, memory bar, time bar, contributors and stage slider all show without scrolling', async ({ page }) => {
    const w = watch(page);
    await openWith(page, T32);
    for (const id of ['step-time', 'peak-memory', 'mfu', 'stage-slider', 'time-compute']) await expectOnScreen(page, page.getByTestId(id), id);
    await expectOnScreen(page, page.locator('[data-testid^="memory-bar-"] rect').first(), 'memory bar');
    // the contributors: the tables' captions and first rows (each table scrolls inside its half of the cell)
    await expectOnScreen(page, page.locator('[data-testid="peak-values"] figcaption'), 'peak values caption');
    await expectOnScreen(page, page.getByTestId('peak-value-row').first(), 'largest value at the peak');
    await expectOnScreen(page, page.locator('[data-testid="step-contributors"] figcaption'), 'step contributors caption');
    await expectOnScreen(page, page.getByTestId('step-contributor-row').first(), 'largest step contributor');
    // the headline figures are whole, not cut to an ellipsis ("16.6 GiB of 16…" hid the capacity)
    for (const cell of await page.locator('.summary-value, .summary-label').all()) {
      const cut = await cell.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      expect(cut, `"${await cell.textContent()}" is cut`).toBe(false);
    }
    // nothing of the page itself scrolls
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
    await shot(page, 'onescreen-1280x720.png');
    w.check();
  });
});

test.describe('at 1600×1000', () => {
  test.use({ viewport: { width: 1600, height: 1000 } });
  test('the tactics column has no empty half and the charts use the width (curve beside the bars)', async ({ page }) => {
    const w = watch(page);
    await openWith(page, T32);
    const right = (await page.getByTestId('pane-right').boundingBox())!;
    const stages = (await page.locator('.stages-host').boundingBox())!;
    const table = (await page.locator('.stages-host table').first().boundingBox())!;
    // the stages sit at the bottom of the column, as tall as their table; the editor has the rest
    expect(right.y + right.height - (stages.y + stages.height)).toBeLessThan(4);
    expect(stages.y + stages.height - (table.y + table.height)).toBeLessThan(24);
    const memory = (await page.locator('.why-memory').boundingBox())!;
    const curve = (await page.locator('.why-curve').boundingBox())!;
    const contributors = (await page.getByTestId('why-contributors').boundingBox())!;
    expect(Math.abs(curve.y - memory.y)).toBeLessThan(2);
    expect(Math.abs(contributors.y - memory.y)).toBeLessThan(2);
    await expectOnScreen(page, page.getByTestId('memory-curve-peak'), 'memory curve peak');
    await shot(page, 'onescreen-1600x1000.png');
    w.check();
  });
});

test('the memory curve, its peak, the values at the peak and the step contributors follow the stage slider', async ({ page }) => {
  const w = watch(page);
  await openWith(page, TINY);
  const expected = runPipeline(TINY).report;
  const final = expected.memory.perDevice[0];
  const afterBP = expected.stages[0];
  expect(afterBP.memory!.peak).not.toBe(final.peak);
  expect(Number(await page.getByTestId('memory-curve-peak').getAttribute('data-value'))).toBe(final.peak);
  await page.getByTestId('stage-slider').fill('0');
  await expect(page.getByTestId('stage-label')).toHaveText(/after BP/);
  // the curve's marked peak is the stage's peak, as the summary strip says
  await expect.poll(async () => Number(await page.getByTestId('memory-curve-peak').getAttribute('data-value'))).toBe(afterBP.memory!.peak);
  expect(await num(page, 'peak-memory')).toBe(afterBP.memory!.peak);
  // the values at the peak and the contributors are the stage's, as the pipeline lists them
  const bytes = await page.getByTestId('peak-value-row').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-bytes'))));
  expect(bytes).toEqual(afterBP.memory!.topValues!.map((v) => v.bytes));
  expect(bytes.length).toBeGreaterThan(0);
  const rows = await page.getByTestId('step-contributor-row').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-what'), Number(r.getAttribute('data-seconds'))]));
  expect(rows).toEqual(afterBP.contributors!.map((c) => [c.what, c.seconds]));
  expect(rows.length).toBeGreaterThan(0);
  // after BP alone there is no Megatron all-reduce over "model" among them; at the end there is
  const finalRows = expected.stages.at(-1)!.contributors!;
  expect(JSON.stringify(rows)).not.toBe(JSON.stringify(finalRows.map((c) => [c.what, c.seconds])));
  await shot(page, 'onescreen-stage-0.png');
  await page.getByTestId('stage-slider').fill('1');
  await expect.poll(async () => Number(await page.getByTestId('memory-curve-peak').getAttribute('data-value'))).toBe(final.peak);
  w.check();
});
