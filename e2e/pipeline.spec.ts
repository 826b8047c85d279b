/**
 * Pipelines in the explorer: the pipeline tab's Gantt chart, per-stage memory and bubble, and the counts
 * edited in place rewriting the tactic text.
 */
import { test, expect, type Page } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import { shot, waitUpToDate, watch } from './helpers';

const PIPELINED: Config = {
  version: 1,
  model: { zoo: 'transformer', params: { layers: 4, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 256, batch: 8 } },
  mesh: { axes: [{ name: 'pp', size: 2 }, { name: 'tp', size: 2 }] },
  hardware: { preset: 'a100-80gb' },
  tactics: 'MP = Megatron(axis="tp")\nPP = Pipeline(axis="pp", schedule="1F1B", microbatches=4)\nschedule = [MP, PP]\n',
  options: { overlap: true },
};

async function openWith(page: Page, config: Config) {
  await page.goto(`/#${encodeConfig(config)}`);
  await waitUpToDate(page);
}

test('the pipeline tab draws the Gantt chart and per-stage figures, and edits the counts in place', async ({ page }) => {
  const w = watch(page);
  await openWith(page, PIPELINED);
  await page.getByTestId('tab-pipeline').click();
  const gantt = page.getByTestId('gantt');
  await expect(gantt).toBeVisible();
  // 2 stages × 4 micro-batches × (forward, backward)
  await expect(page.getByTestId('gantt-action')).toHaveCount(16);
  await expect(page.locator('[data-testid="gantt-action"][data-pass="F"][data-stage="1"]')).toHaveCount(4);
  expect(await page.getByTestId('gantt-p2p').count()).toBeGreaterThan(0);
  const bubble = Number(await page.getByTestId('gantt-bubble').getAttribute('data-value'));
  expect(bubble).toBeGreaterThan(0);
  // per-stage rows: the first stage holds more micro-batches in flight, so more memory
  const peak0 = Number(await page.getByTestId('pipeline-stage-0').getAttribute('data-peak'));
  const peak1 = Number(await page.getByTestId('pipeline-stage-1').getAttribute('data-peak'));
  expect(peak0).toBeGreaterThan(0);
  expect(peak1).toBeGreaterThan(0);
  await expect(page.getByTestId('memory-chart')).toBeVisible();
  await shot(page, 'pipeline-gantt.png');

  // more micro-batches: the text changes and the chart follows, with a smaller bubble
  const input = page.getByTestId('pipeline-microbatches-input');
  await input.fill('8');
  await input.press('Enter');
  await expect(page.locator('.monaco-editor')).toContainText('microbatches=8');
  await waitUpToDate(page);
  await expect(page.getByTestId('gantt-action')).toHaveCount(32);
  const bubble8 = Number(await page.getByTestId('gantt-bubble').getAttribute('data-value'));
  expect(bubble8).toBeLessThan(bubble);

  // GPipe from the schedule menu
  await page.getByTestId('pipeline-schedule').selectOption('GPipe');
  await expect(page.locator('.monaco-editor')).toContainText('schedule="GPipe"');
  await waitUpToDate(page);
  await expect(page.getByTestId('gantt')).toContainText('GPipe pipeline');
  w.check();
});
