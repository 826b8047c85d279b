/**
 * "Will it fit, how fast, and why" on one screen (issue 16): the values at the memory peak, memory over
 * time with the peak marked, what costs the step, a timeline that says which devices it shows with a
 * legend, and "Export → Charts" with every chart, titled, with legends.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import { runPipeline } from '../src/core/pipeline';
import { num, shot, TINY, waitUpToDate, watch } from './helpers';

async function openWith(page: Page, config: Config) {
  await page.goto(`/#${encodeConfig(config)}`);
  await waitUpToDate(page);
}

test('the memory & time tab shows the peak contributors, memory over time and the step contributors', async ({ page }) => {
  const w = watch(page);
  await openWith(page, TINY);
  const peak = await num(page, 'peak-memory');
  // the largest values at the peak, largest first, each with its op, scope and category
  const rows = page.getByTestId('peak-value-row');
  await expect(rows).toHaveCount(10);
  const bytes = await rows.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-bytes'))));
  expect([...bytes].sort((a, b) => b - a)).toEqual(bytes);
  expect(bytes.reduce((s, b) => s + b, 0)).toBeLessThanOrEqual(peak);
  await expect(page.getByTestId('peak-values')).toContainText(/params|activations|gradients|optimizer|temporaries/);
  // the curve's marked peak is the summary's peak memory
  const marker = page.getByTestId('memory-curve-peak');
  expect(Number(await marker.getAttribute('data-value'))).toBe(peak);
  await expect(page.getByTestId('memory-phase-forward')).toHaveCount(1);
  await expect(page.getByTestId('memory-phase-backward')).toHaveCount(1);
  await expect(page.getByTestId('memory-curve').locator('svg')).toHaveAttribute('aria-label', /peak .* at op \d+/);
  // step time: compute ops and collectives, with their scope
  const contributors = page.getByTestId('step-contributor-row');
  expect(await contributors.count()).toBeGreaterThan(3);
  expect(await page.locator('[data-testid="step-contributor-row"][data-kind="communication"]').count()).toBeGreaterThan(0);
  await expect(page.getByTestId('step-contributors')).toContainText(/layer_\d/);
  await page.getByTestId('memory-curve').scrollIntoViewIfNeeded();
  await shot(page, 'why-charts.png');
  w.check();
});

test('the timeline names the devices it shows and has a legend', async ({ page }) => {
  const w = watch(page);
  await openWith(page, TINY);
  await page.getByTestId('tab-timeline').click();
  await expect(page.getByTestId('timeline-title')).toHaveText(/Timeline of devices 0–3/);
  const legend = page.getByTestId('timeline-legend');
  await expect(legend).toContainText('compute');
  await expect(legend).toContainText('all-reduce');
  w.check();
});

test('Export → Charts holds every chart with its title and legend', async ({ page }) => {
  const w = watch(page);
  await openWith(page, TINY);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-menu').selectOption('image:charts.svg')]);
  const svg = readFileSync((await download.path())!, 'utf8');
  const titles = [...svg.matchAll(/class="chart-title">([^<]*)</g)].map((m) => m[1]);
  for (const t of [/^Memory per device at its peak/, /^Memory over time on device 0/, /^Step time/, /^Timeline of devices 0–3/, /^Largest values at the peak/, /^What costs most of the step/])
    expect(titles.some((x) => t.test(x)), `${t} in ${titles.join(' | ')}`).toBe(true);
  // legends: the memory categories, the phases, the collective kinds of the timeline
  const legends = [...svg.matchAll(/<g class="chart-legend">(.*?)<\/g>/g)].map((m) => m[1]).join(' ');
  for (const label of ['activations', 'optimizer', 'backward phase', 'compute', 'all-reduce']) expect(legends).toContain(label);
  w.check();
});

test('the stage slider moves the figures: memory, time and collectives after the selected tactic', async ({ page }) => {
  const w = watch(page);
  await openWith(page, TINY);
  const expected = runPipeline(TINY).report;
  const afterBP = expected.stages[0];
  const final = { peak: await num(page, 'peak-memory'), step: await num(page, 'step-time'), comm: await num(page, 'communication') };
  expect(final.peak).toBe(expected.memory.perDevice[0].peak);
  await page.getByTestId('stage-slider').fill('0');
  await expect(page.getByTestId('stage-label')).toHaveText(/after BP/);
  // the summary, the memory bars, the time chart and the collectives table are those after BP alone
  await expect.poll(() => num(page, 'peak-memory')).toBe(afterBP.memory!.peak);
  expect(await num(page, 'step-time')).toBe(afterBP.time!.step);
  expect(afterBP.memory!.peak).not.toBe(final.peak);
  await expect(page.getByTestId('charts-stage-note')).toContainText('after BP (1 of 2)');
  expect(Number(await page.locator('[data-testid^="memory-bar-"]').first().getAttribute('data-value'))).toBe(afterBP.memory!.peak);
  await expect(page.getByTestId('tab-collectives')).toHaveText(`collectives (${afterBP.collectives!.length})`);
  await shot(page, 'stage-figures.png');
  // back at the end: the whole schedule's figures again
  await page.getByTestId('stage-slider').fill('1');
  await expect.poll(() => num(page, 'peak-memory')).toBe(final.peak);
  await expect(page.getByTestId('charts-stage-note')).toHaveCount(0);
  await expect(page.getByTestId('tab-collectives')).toHaveText(`collectives (${expected.collectives.length})`);
  w.check();
});
