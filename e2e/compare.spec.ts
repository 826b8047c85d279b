/** Compare A/B (issue 16): B varies the mesh and the hardware, not only the tactics; the collectives diff is grouped by kind. */
import { test, expect } from '@playwright/test';
import { compareResults } from '../src/core/compare';
import { encodeConfig } from '../src/core/io/url';
import { runPipeline } from '../src/core/pipeline';
import { shot, TINY, waitUpToDate, watch } from './helpers';

test("B's mesh and hardware differ from A's; the diff is B's and is grouped by collective kind", async ({ page }) => {
  const w = watch(page);
  await page.goto(`/#${encodeConfig(TINY)}`);
  await waitUpToDate(page);
  await page.getByTestId('compare-toggle').click();
  const panel = page.getByTestId('compare-panel');
  await expect(panel).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  // B: model axis 4, on H100s
  await page.getByTestId('b-axis-size-1').fill('4');
  await page.getByTestId('b-hardware-preset').selectOption('h100');
  await expect.poll(() => page.evaluate(() => window.__partir!.state().docB?.hardware.preset), { timeout: 10_000 }).toBe('h100');
  const b = (await page.evaluate(() => window.__partir!.state().docB))!;
  expect(b.mesh.axes).toEqual([{ name: 'batch', size: 2 }, { name: 'model', size: 4 }]);
  // A keeps its own mesh and hardware
  expect(await page.evaluate(() => window.__partir!.state().doc.hardware.preset)).toBe('tpu-v5p');
  await expect(panel).toContainText('B: batch=2 × model=4', { timeout: 60_000 });
  await expect(panel).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  // the figures are those of core's comparison of the two configs
  const expected = compareResults(runPipeline(TINY), runPipeline(b));
  expect(Number(await page.getByTestId('diff-step').getAttribute('data-b'))).toBe(expected.time.step.b);
  expect(Number(await page.getByTestId('diff-peak').getAttribute('data-b'))).toBe(expected.memory.peak.b);
  // by kind: one row per collective kind, with A's and B's counts
  const byKind = page.getByTestId('diff-by-kind');
  await expect(byKind).toBeVisible();
  const ar = page.getByTestId('diff-kind-all-reduce');
  const countOf = (side: 'a' | 'b') => expected.collectives.byKind.filter((g) => g.kind === 'all-reduce').reduce((n, g) => n + g.count[side], 0);
  expect(Number(await ar.getAttribute('data-a'))).toBe(countOf('a'));
  expect(Number(await ar.getAttribute('data-b'))).toBe(countOf('b'));
  await shot(page, 'compare-mesh-hardware.png');
  w.check();
});
