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

test('the graph is coloured by pipeline stage, with a legend, and the stage count edited in place recolours it', async ({ page }) => {
  const w = watch(page);
  await openWith(page, PIPELINED);
  const legend = page.getByTestId('legend-stages');
  await expect(legend).toHaveAttribute('data-stages', '2');
  await expect(legend).toContainText("pp stages");
  const stageColours = async () => {
    const rects = page.locator('[data-testid="graph-stage-stripe"] rect');
    const byStage = new Map<string, Set<string>>();
    for (const r of await rects.all()) {
      const stage = (await r.getAttribute('data-stage'))!;
      const fill = (await r.getAttribute('fill'))!;
      byStage.set(stage, (byStage.get(stage) ?? new Set()).add(fill));
    }
    return byStage;
  };
  let byStage = await stageColours();
  expect([...byStage.keys()].sort()).toEqual(['0', '1']);
  // one colour per stage, and the legend's swatch is that colour
  for (const [stage, fills] of byStage) {
    expect(fills.size).toBe(1);
    await expect(page.getByTestId(`legend-stage-${stage}`)).toHaveAttribute('data-color', [...fills][0]);
  }
  expect(new Set([...byStage.values()].map((f) => [...f][0])).size).toBe(2);

  // interleaved, then two chunks per stage: both rewrite the Pipeline call, and the Gantt doubles
  await page.getByTestId('tab-pipeline').click();
  await page.getByTestId('pipeline-schedule').selectOption('interleaved');
  await expect(page.locator('.monaco-editor')).toContainText('schedule="interleaved"');
  await waitUpToDate(page);
  const chunks = page.getByTestId('pipeline-virtual-input');
  await chunks.fill('2');
  await chunks.press('Enter');
  await expect(page.locator('.monaco-editor')).toContainText('virtual=2');
  await waitUpToDate(page);
  // 2 stages × 2 chunks × 4 micro-batches × (forward, backward)
  await expect(page.getByTestId('gantt-action')).toHaveCount(32);
  // back to 1F1B: the chunk count goes with it
  await page.getByTestId('pipeline-schedule').selectOption('1F1B');
  await expect(page.locator('.monaco-editor')).toContainText('schedule="1F1B"');
  await expect(page.locator('.monaco-editor')).not.toContainText('virtual');
  await waitUpToDate(page);

  // four stages: the mesh changes, the Gantt gets four rows, the graph four colours
  const stages = page.getByTestId('pipeline-stages-input');
  await stages.fill('4');
  await stages.press('Enter');
  await expect(legend).toHaveAttribute('data-stages', '4', { timeout: 60_000 });
  await waitUpToDate(page);
  await expect(page.locator('[data-testid="gantt-action"][data-stage="3"]')).toHaveCount(8);
  await expect(page.getByTestId('pipeline-stage-3')).toBeVisible();
  byStage = await stageColours();
  expect([...byStage.keys()].sort()).toEqual(['0', '1', '2', '3']);
  expect(new Set([...byStage.values()].map((f) => [...f][0])).size).toBe(4);
  // the tactic text the user typed is kept as it was
  await expect(page.locator('.monaco-editor')).toContainText('MP = Megatron(axis="tp")');
  await expect(page.locator('.monaco-editor')).toContainText('microbatches=4');
  await shot(page, 'pipeline-graph-stages.png');
  w.check();
});

test('the exports of a pipelined step: a runnable 1F1B in the JAX file, one trace process per stage', async ({ page }) => {
  const w = watch(page);
  await openWith(page, PIPELINED);
  const { readFileSync } = await import('node:fs');
  const download = async (kind: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-menu').selectOption(`text:${kind}`)]);
    return readFileSync(await file.path(), 'utf8');
  };
  const py = await download('jax');
  expect(py).toContain("PIPELINE_AXIS = 'pp'");
  expect(py).toContain('NUM_STAGES = 2');
  expect(py).toContain('NUM_MICROBATCHES = 4');
  expect(py).toContain('def one_f_one_b(stage_params, microbatches, targets):');
  expect(py).toContain("mesh = Mesh(devices, ('pp', 'tp'))");
  const trace = JSON.parse(await download('trace')) as { traceEvents: { name: string; cat?: string; args?: { name?: string } }[] };
  const stages = trace.traceEvents.filter((e) => e.name === 'process_name' && e.args?.name?.startsWith('pipeline stage'));
  expect(stages.length).toBe(2);
  // 2 stages × 4 micro-batches × (forward, backward)
  expect(trace.traceEvents.filter((e) => e.cat === 'pipeline').length).toBe(16);
  w.check();
});
