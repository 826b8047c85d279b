import { test, expect } from '@playwright/test';
import { encodeConfig } from '../src/core/io/url';
import { DEFAULT_CONFIG } from '../src/ui/defaultConfig';
import { num, shot, waitUpToDate, watch } from './helpers';

// The default example: 4 layers, dModel 512, heads 8, dFF 2048, seq 512, vocab 8192, batch 16 (tied embeddings).
function transformerParams(L: number, d: number, f: number, s: number, v: number, tied: boolean) {
  const perLayer = 2 * d /* ln1 */ + 3 * d * d + 3 * d /* wq wk wv + biases */ + d * d + d /* wo bo */ + 2 * d /* ln2 */ +
    d * f + f + f * d + d; /* mlp */
  return v * d + s * d + L * perLayer + 2 * d + (tied ? 0 : d * v);
}

test('the default example loads and shows the model summary computed in the worker', async ({ page }) => {
  const w = watch(page);
  await page.goto('/');
  await waitUpToDate(page);
  // The pipeline runs in its worker. (Monaco's editor worker is not started: none of the editor features
  // registered in src/ui/editor/monacoSetup.ts needs it.)
  expect(page.workers().some((wk) => /\/worker-[^/]*\.js$/.test(wk.url()))).toBe(true);

  const params = await num(page, 'model-parameters');
  const ops = await num(page, 'model-ops');
  const flops = await num(page, 'model-flops');
  expect([transformerParams(4, 512, 2048, 512, 8192, true), transformerParams(4, 512, 2048, 512, 8192, false)]).toContain(params);
  expect(ops).toBeGreaterThan(100);
  // A training step costs about 6 FLOPs per parameter per token (plus attention); 16×512 tokens.
  const sixNT = 6 * params * 16 * 512;
  expect(flops).toBeGreaterThan(0.5 * sixNT);
  expect(flops).toBeLessThan(4 * sixNT);
  // Human-readable text next to the raw value.
  await expect(page.getByTestId('model-parameters')).toHaveText(/M$/);
  await expect(page.getByTestId('device-count')).toHaveAttribute('data-value', '8');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('BatchParallel');
  await shot(page, 'default.png');
  w.check();
});

test('a syntax error in the tactics shows a marker and keeps the last results', async ({ page }) => {
  const w = watch(page);
  await page.goto('/');
  await waitUpToDate(page);
  const params = await num(page, 'model-parameters');

  await page.evaluate(() => window.__partir!.setTactics('BP = BatchParallel(axis="batch"\nschedule = [BP]\n'));
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'error', { timeout: 30_000 });
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await expect(page.getByTestId('error')).toBeVisible();
  await expect(page.getByTestId('error-where')).toContainText(/line [12]/);
  const markers = await page.evaluate(() => window.__partir!.state().markers);
  expect(markers.length).toBeGreaterThan(0);
  expect(markers[0].range?.line).toBeGreaterThanOrEqual(1);
  // The last good result stays on screen, marked as such.
  await expect(page.getByTestId('model-parameters')).toHaveAttribute('data-value', String(params));
  await expect(page.getByTestId('stale-note')).toBeVisible();
  await shot(page, 'syntax-error.png');

  await page.evaluate(() => window.__partir!.setTactics('BP = BatchParallel(axis="batch")\nschedule = [BP]\n'));
  await waitUpToDate(page);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(0);
  w.check();
});

test('a shared link opens in a fresh page with the same config', async ({ page, browser }) => {
  const w = watch(page);
  await page.goto('/');
  await waitUpToDate(page);
  // Edit through the UI: a mesh axis size, the hardware preset and the tactic text.
  await page.getByTestId('axis-size-0').fill('8');
  await page.getByTestId('hardware-preset').selectOption('h100');
  await page.evaluate(() => window.__partir!.setTactics('# shared\nBP = BatchParallel(axis="batch")\nschedule = [BP]\n'));
  await expect(page.getByTestId('device-count')).toHaveAttribute('data-value', '16');
  const doc = await page.evaluate(() => window.__partir!.state().doc);
  expect(doc.mesh.axes[0].size).toBe(8);
  expect(doc.hardware.preset).toBe('h100');
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#c1\./);

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  const length = Number(await page.getByTestId('share-length').getAttribute('data-value'));
  expect(length).toBe(url.length);
  expect(url).toContain('#c1.');

  // A fresh context: no localStorage, so only the link can carry the document.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const w2 = watch(other);
  await other.goto(url);
  await waitUpToDate(other);
  expect(await other.evaluate(() => window.__partir!.state().doc)).toEqual(doc);
  await expect(other.getByTestId('axis-size-0')).toHaveValue('8');
  await expect(other.getByTestId('hardware-preset')).toHaveValue('h100');
  await expect(other.locator('.monaco-editor .view-lines')).toContainText('# shared');
  await shot(other, 'shared.png');
  w2.check();
  await fresh.close();
  w.check();
});

test('a corrupt link shows a banner and falls back to the default example', async ({ page }) => {
  const w = watch(page);
  await page.goto('/#c1.this-is-not-a-valid-link');
  await expect(page.getByTestId('banner')).toContainText(/Could not open the shared link/);
  await waitUpToDate(page);
  const doc = await page.evaluate(() => window.__partir!.state().doc);
  expect(doc.model).toMatchObject({ zoo: 'transformer' });
  await shot(page, 'bad-link.png');
  w.check();
});

test('undo and redo restore document edits, from the buttons and the keyboard', async ({ page }) => {
  const w = watch(page);
  await page.goto('/');
  await waitUpToDate(page);
  await page.getByTestId('hardware-preset').selectOption('a100-80gb');
  await expect(page.getByTestId('hardware-preset')).toHaveValue('a100-80gb');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('hardware-preset')).toHaveValue('tpu-v5p');
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('hardware-preset')).toHaveValue('a100-80gb');
  await page.locator('.header h1').click();
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('hardware-preset')).toHaveValue('tpu-v5p');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('hardware-preset')).toHaveValue('a100-80gb');
  w.check();
});

test('a link pasted into an open tab loads, and the change can be undone', async ({ page }) => {
  const w = watch(page);
  await page.goto('/');
  await waitUpToDate(page);
  const pasted = { ...DEFAULT_CONFIG, mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 4 }] }, tactics: 'MP = Megatron(axis="model")\nschedule = [MP]\n' };
  await page.evaluate((frag) => { location.hash = frag; }, encodeConfig(pasted));
  await expect(page.getByTestId('axis-size-1')).toHaveValue('4');
  expect(await page.evaluate(() => window.__partir!.state().doc)).toEqual(pasted);
  await waitUpToDate(page);
  await expect(page.getByTestId('stage-0')).toContainText('MP');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('axis-size-1')).toHaveValue('2');
  w.check();
});

test('a long run shows progress and can be cancelled, keeping the last result', async ({ page }) => {
  const w = watch(page);
  await page.goto('/');
  await waitUpToDate(page);
  const params = await num(page, 'model-parameters');
  await page.evaluate(() => {
    const doc = window.__partir!.state().doc;
    // 160 layers (~77k ops, under the 100k limit): a run of seconds, so Cancel is still there to click
    window.__partir!.setDoc({ ...doc, model: { zoo: 'transformer', params: { ...('params' in doc.model ? doc.model.params : {}), layers: 160 } } });
  });
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'running');
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('model-parameters')).toHaveAttribute('data-value', String(params));
  // The restarted worker serves the next run.
  await page.getByTestId('undo').click();
  await waitUpToDate(page);
  await expect(page.getByTestId('model-parameters')).toHaveAttribute('data-value', String(params));
  w.check();
});

test('the editor hovers a glob with its matches and completes mesh axes', async ({ page }) => {
  const w = watch(page);
  await page.goto('/');
  await waitUpToDate(page);
  await page.evaluate(() =>
    window.__partir!.setTactics('W = ManualPartition(inputs={"params/*/mlp/w_in": 1}, axis="model")\nschedule = [W]\n'));
  await waitUpToDate(page);
  // The editor loads after the first result; a hover made while it is still settling is dropped, so retry.
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('params/*/mlp/w_in');
  const hover = page.locator('.monaco-hover:visible');
  await expect(async () => {
    await page.mouse.move(0, 0);
    await page.locator('.monaco-editor .view-line span', { hasText: 'params/*' }).last().hover();
    await expect(hover).toContainText('matches 4 values', { timeout: 3_000 });
  }).toPass({ timeout: 20_000 });
  await expect(hover).toContainText('params/layer_0/mlp/w_in');
  await expect(hover).toContainText('model: dim 1');
  await shot(page, 'hover.png');

  // Completion of a mesh axis inside axis="…" on a fresh last line.
  await page.evaluate(() => window.__partir!.setTactics('W = ManualPartition(inputs={"params/*/mlp/w_in": 1}, axis="model")\nschedule = [W]\nB = BatchParallel(axis="'));
  await page.locator('.monaco-editor .view-line', { hasText: 'BatchParallel' }).click();
  await page.keyboard.press('End');
  await page.keyboard.press('Control+Space');
  const suggest = page.locator('.suggest-widget.visible');
  await expect(suggest).toContainText('batch');
  await expect(suggest).toContainText('model');
  await page.keyboard.press('Escape');
  w.check();
});

test('graph: expand a group, drop a palette tactic on a value, select an op from the collectives table', async ({ page }) => {
  const w = watch(page);
  await page.goto('/');
  await waitUpToDate(page);
  await page.getByTestId('group-toggle-params').click();
  await page.getByTestId('group-toggle-params/embed').click();
  const input = page.locator('[data-testid^="graph-node-in:"]').first();
  await expect(input).toBeVisible();
  await page.getByTestId('palette-ManualPartition').dragTo(input);
  // The drop asks how to partition the value (axis, dimension); the defaults are the model axis and the largest dimension.
  await page.getByTestId('drop-insert').click();
  await expect.poll(() => page.evaluate(() => window.__partir!.state().doc.tactics)).toMatch(
    /(\w+)_model = ManualPartition\(inputs=\{"params\/[^"]+": LARGEST\}, axis="model"\)\nschedule = \[BP, MP, \1_model\]/,
  );
  // Undo takes the drop back out of the text.
  await page.locator('.header h1').click();
  await page.keyboard.press('Control+z');
  await expect.poll(() => page.evaluate(() => window.__partir!.state().doc.tactics)).not.toContain('ManualPartition');
  await waitUpToDate(page);

  await page.getByTestId('tab-collectives').click();
  await page.getByTestId('collective-row-0').click();
  await expect(page.getByTestId('details')).toBeVisible();
  await expect(page.getByTestId('node-details')).toHaveAttribute('data-node', /^op:\d+$/);
  await shot(page, 'graph-select.png');
  w.check();
});

test('export the config as a file, and open a paper example from the menu', async ({ page }) => {
  const w = watch(page);
  await page.goto('/');
  await waitUpToDate(page);
  const doc = await page.evaluate(() => window.__partir!.state().doc);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-menu').selectOption('text:config')]);
  expect(download.suggestedFilename()).toBe('partir-config.json');
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(doc);

  // A gallery entry: T32 with BP+MP on a 32-chip slice (cancelled right away: it is a big run).
  const option = page.getByTestId('examples').locator('optgroup option').nth(1);
  const id = await option.getAttribute('value');
  await page.getByTestId('examples').selectOption(id!);
  await expect(page.getByTestId('device-count')).toHaveAttribute('data-value', '32');
  const tactics = await page.evaluate(() => window.__partir!.state().doc.tactics);
  expect(tactics).toMatch(/schedule = \[/);
  if ((await page.getByTestId('status').getAttribute('data-status')) !== 'ok') await page.getByTestId('cancel').click().catch(() => undefined);
  w.check();
});
