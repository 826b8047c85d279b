/** Hostile links and documents too big for a link: the app ends in a working page with a banner, and keeps the work. */
import { randomBytes } from 'node:crypto';
import { test, expect } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import { TINY, waitUpToDate, watch } from './helpers';

test('#example= with a malformed percent-escape: a banner and a working page, not a blank one', async ({ page }) => {
  const w = watch(page);
  await page.goto('/#example=%E0%A4%A');
  await expect(page.getByTestId('banner')).toContainText(/not valid percent-encoding/);
  await waitUpToDate(page);
  await expect(page.getByTestId('share')).toBeVisible();
  w.check();
});

test('an edit made just before a reload is kept (flushed on pagehide)', async ({ page }) => {
  const w = watch(page);
  await page.goto(`/#${encodeConfig(TINY)}`);
  await waitUpToDate(page);
  await page.evaluate(() => window.__partir!.setTactics('# typed just before the reload\nBP = BatchParallel(axis="batch")\nschedule = [BP]\n'));
  await page.reload();
  await waitUpToDate(page);
  expect((await page.evaluate(() => window.__partir!.state().doc)).tactics).toContain('# typed just before the reload');
  w.check();
});

test('a document too large for a link is kept in the browser, and Share offers the config file', async ({ page }) => {
  const w = watch(page);
  // ~2.5 M characters of incompressible text in a comment of the module: a link would pass 2 M characters
  const noise = randomBytes(1_900_000).toString('base64');
  const module = [
    'module @big {',
    '  func.func public @main(%arg0: tensor<8x16xf32>) -> tensor<8x16xf32> {',
    '    %0 = stablehlo.add %arg0, %arg0 : tensor<8x16xf32>',
    '    return %0 : tensor<8x16xf32>',
    '  }',
    '}',
    `// ${noise}`,
    '',
  ].join('\n');
  const big: Config = { ...TINY, model: { stablehlo: module }, mesh: { axes: [{ name: 'batch', size: 2 }] }, hardware: { preset: 'tpu-v5p' }, tactics: '' };
  await page.goto(`/#${encodeConfig(TINY)}`);
  await waitUpToDate(page);
  await page.evaluate((doc) => window.__partir!.setDoc(doc), big);
  await expect(page.getByTestId('banner')).toContainText(/too large for a link/, { timeout: 30_000 });
  // the stale link is gone from the address bar, so a reload cannot open the old document
  await expect.poll(() => new URL(page.url()).hash, { timeout: 30_000 }).toBe('');

  await page.getByTestId('share').click();
  await expect(page.getByTestId('share-too-long')).toContainText(/link is too long/);
  const download = page.waitForEvent('download');
  await page.getByTestId('share-download-config').click();
  expect((await download).suggestedFilename()).toBe('partir-config.json');

  // IndexedDB is written asynchronously: wait until the marker is in localStorage, then reload
  await expect.poll(() => page.evaluate(() => localStorage.getItem('partir-explorer/doc')), { timeout: 30_000 }).toBe('{"savedIn":"indexeddb"}');
  await page.reload();
  await expect.poll(() => page.evaluate(() => {
    const m = window.__partir!.state().doc.model;
    return 'stablehlo' in m ? m.stablehlo.length : 0;
  }), { timeout: 30_000 }).toBe(module.length);
  w.check();
});
