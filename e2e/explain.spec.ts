/**
 * Saying what is going on (issue 16): ZeRO-3's conflicts grouped, the expected ones named; the header's status
 * while a field's value is not applied.
 */
import { test, expect, type Page } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import { shot, TINY, waitUpToDate, watch } from './helpers';

async function openWith(page: Page, config: Config) {
  await page.goto(`/#${encodeConfig(config)}`);
  await waitUpToDate(page);
}

test("ZeRO-3's conflicts are grouped and called expected; a sequence split's conflicts deserve attention", async ({ page }) => {
  const w = watch(page);
  await openWith(page, { ...TINY, tactics: 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nZ3 = ZeRO(stage=3, axis="batch")\nschedule = [BP, MP, Z3]\n' });
  const cell = page.getByTestId('stage-conflicts-2');
  await expect(cell).toContainText('all expected');
  const total = Number(await page.getByTestId('stage-2').locator('td').last().getAttribute('data-value'));
  expect(total).toBeGreaterThan(10);
  await cell.click();
  const groups = page.getByTestId('conflict-group');
  expect(await groups.count()).toBeGreaterThan(0);
  expect(await groups.count()).toBeLessThan(total / 4);
  const counts = await groups.evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-expected'), Number(g.getAttribute('data-count'))] as const));
  expect(counts.every(([e]) => e === 'true')).toBe(true);
  expect(counts.reduce((n, [, c]) => n + c, 0)).toBe(total);
  await expect(groups.first()).toContainText('all-gathered before use');
  await shot(page, 'conflict-groups.png');
  // a tactic whose conflicts are not ZeRO's gathers: they are said to need attention
  await page.evaluate(() => window.__partir!.setTactics('BP = BatchParallel(axis="batch")\nX = ManualPartition(inputs={"batch/tokens": 1}, axis="model")\nschedule = [BP, X]\n'));
  await expect(page.getByTestId('stage-conflicts-1')).toContainText('need attention', { timeout: 30_000 });
  await page.getByTestId('stage-conflicts-1').click();
  await expect(page.locator('[data-testid="conflict-group"][data-expected="false"]').first()).toBeVisible();
  w.check();
});

test('the status does not say "up to date" while a field value is not applied', async ({ page }) => {
  const w = watch(page);
  await openWith(page, TINY);
  await expect(page.getByTestId('status-text')).toHaveText('up to date');
  await page.getByTestId('param-layers').fill('2.5');
  await expect(page.getByTestId('status-text')).toHaveText('not applied: an invalid field');
  await expect(page.getByTestId('status')).toHaveAttribute('title', /layers needs an integer ≥ 1; still using 2/);
  await page.getByTestId('param-layers').fill('3');
  await waitUpToDate(page);
  await expect(page.getByTestId('status-text')).toHaveText('up to date');
  w.check();
});
