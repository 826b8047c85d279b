/**
 * The explorer's second round: charts follow edits, drag-and-drop with undo, shared links against the
 * CLI's numbers, expand/collapse, StableHLO import, AutomaticPartition progress and "make manual", and
 * the compare view. Configs are set through the URL or the test hook, on small models, to stay fast.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { test, expect, type Page } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import type { Report } from '../src/core/report';
import { makeManual } from '../src/ui/tacticText';
import { figures, shot, TINY, waitUpToDate, watch } from './helpers';

const run = promisify(execFile);

async function openWith(page: Page, config: Config) {
  await page.goto(`/#${encodeConfig(config)}`);
  await waitUpToDate(page);
}

const relClose = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);

test('editing the tactics changes the charts', async ({ page }) => {
  const w = watch(page);
  await openWith(page, TINY);
  const before = await figures(page);
  expect(before.step).toBeGreaterThan(0);
  expect(before.communication).toBeGreaterThan(0);
  // Megatron out: the model axis goes unused, so the all-reduces on it go, and the step changes.
  await page.evaluate(() => window.__partir!.setTactics('BP = BatchParallel(axis="batch")\nschedule = [BP]\n'));
  await expect.poll(async () => (await figures(page)).step, { timeout: 30_000 }).not.toBe(before.step);
  await waitUpToDate(page);
  const after = await figures(page);
  expect(after.communication).not.toBe(before.communication);
  // Replicating the parameters over "model" holds more bytes per device than Megatron's shards.
  expect(after.peak).toBeGreaterThan(before.peak);
  await shot(page, 'edit-charts.png');
  w.check();
});

test('dragging a tactic onto a node changes the text and the charts; undo takes it back', async ({ page }) => {
  const w = watch(page);
  await openWith(page, { ...TINY, tactics: 'BP = BatchParallel(axis="batch")\nschedule = [BP]\n' });
  const before = await figures(page);
  const tacticsBefore = await page.evaluate(() => window.__partir!.state().doc.tactics);
  await page.getByTestId('group-toggle-params').click();
  await page.getByTestId('group-toggle-params/layer_0').click();
  await page.getByTestId('group-toggle-params/layer_0/mlp').click();
  // A real HTML5 drag (dragstart → dragover → drop with a DataTransfer) from the palette onto w_in's node.
  const target = page.locator('[data-testid^="graph-node-in:"]', { hasText: 'w_in' }).first();
  await expect(target).toBeVisible();
  await page.dragAndDrop('[data-testid="palette-ManualPartition"]', `[data-testid="${await target.getAttribute('data-testid')}"]`);
  await page.getByTestId('drop-insert').click();
  await expect.poll(() => page.evaluate(() => window.__partir!.state().doc.tactics)).toBe(
    'BP = BatchParallel(axis="batch")\nw_in_model = ManualPartition(inputs={"params/layer_0/mlp/w_in": LARGEST}, axis="model")\nschedule = [BP, w_in_model]\n',
  );
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('w_in_model = ManualPartition');
  await expect.poll(async () => (await figures(page)).step, { timeout: 30_000 }).not.toBe(before.step);
  await waitUpToDate(page);
  expect((await figures(page)).communication).not.toBe(before.communication);
  await shot(page, 'drag-drop.png');

  await page.getByTestId('undo').click();
  await expect.poll(() => page.evaluate(() => window.__partir!.state().doc.tactics)).toBe(tacticsBefore);
  await expect.poll(async () => (await figures(page)).step, { timeout: 30_000 }).toBe(before.step);
  await waitUpToDate(page);
  expect(await figures(page)).toEqual(before);
  w.check();
});

test('a shared URL opens in a fresh page with the same numbers as `cli simulate` gives for that config', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const w = watch(page);
  const config: Config = { ...TINY, mesh: { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] }, hardware: { preset: 'h100', links: { batch: 'nvlink', model: 'nvlink' } } };
  // The CLI runs in parallel with the browser: same config, its own process.
  const file = test.info().outputPath('shared-config.json');
  writeFileSync(file, JSON.stringify(config));
  const cli = run('npx', ['tsx', 'src/cli/main.ts', 'simulate', file, '--json'], { maxBuffer: 256 * 2 ** 20 });

  await openWith(page, config);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const w2 = watch(other);
  await other.goto(url);
  await waitUpToDate(other);
  const shown = await figures(other);
  const report = JSON.parse((await cli).stdout) as Report;
  const expected = {
    step: report.time.step,
    peak: Math.max(...report.memory.perDevice.map((d) => d.peak)),
    mfu: report.time.mfu,
    communication: report.collectives.reduce((s, c) => s + c.bytes, 0),
  };
  for (const k of Object.keys(expected) as (keyof typeof expected)[]) {
    expect(relClose(shown[k], expected[k]), `${k}: page ${shown[k]}, cli ${expected[k]}`).toBe(true);
  }
  expect(Number(await other.getByTestId('model-parameters').getAttribute('data-value'))).toBe(report.model.parameters);
  await shot(other, 'shared-vs-cli.png');
  w2.check();
  await fresh.close();
  w.check();
});

test('expand and collapse a layer', async ({ page }) => {
  const w = watch(page);
  await openWith(page, TINY);
  const count = () => page.locator('[data-testid^="graph-node-"]').count();
  await expect(page.getByTestId('group-toggle-layer_0')).toBeVisible();
  const collapsed = await count();
  await expect(page.getByTestId('graph-node-g:layer_0')).toHaveAttribute('data-kind', 'group');
  await page.getByTestId('group-toggle-layer_0').click();
  await expect.poll(count).toBeGreaterThan(collapsed);
  // The layer's sub-blocks appear as groups of their own.
  await expect(page.getByTestId('group-toggle-layer_0/mlp')).toBeVisible();
  await shot(page, 'layer-expanded.png');
  await page.getByTestId('group-toggle-layer_0').click();
  await expect.poll(count).toBe(collapsed);
  await expect(page.getByTestId('group-toggle-layer_0/mlp')).toHaveCount(0);
  w.check();
});

test('import a StableHLO module: an example, a dropped file, and a broken paste with its line and column', async ({ page }) => {
  const w = watch(page);
  await openWith(page, TINY);
  await page.getByTestId('model-picker').selectOption('stablehlo:import');
  await expect(page.getByTestId('import-panel')).toBeVisible();
  // The examples come from this origin's public/examples/.
  await page.getByTestId('module-example-mlp_train_step.mlir').click();
  await expect(page.getByTestId('model-picker').locator('option:checked')).toHaveText(/^StableHLO: @/);
  await waitUpToDate(page);
  const doc = await page.evaluate(() => window.__partir!.state().doc);
  expect(doc.model).toEqual({ stablehlo: readFileSync('public/examples/mlp_train_step.mlir', 'utf8') });
  expect(doc.mesh.axes).toEqual([{ name: 'batch', size: 2 }]);
  await expect(page.getByTestId('stage-0')).toBeVisible();
  const ops = Number(await page.getByTestId('model-ops').getAttribute('data-value'));
  expect(ops).toBeGreaterThan(5);
  await shot(page, 'import-example.png');

  // Drop a .mlir file onto the panel: a DataTransfer holding a File, as the browser builds for a real drop.
  const attention = readFileSync('public/examples/attention_block.mlir', 'utf8');
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'attention_block.mlir', { type: 'text/plain' }));
    const panel = document.querySelector('[data-testid="import-panel"]')!;
    panel.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    panel.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, attention);
  await expect.poll(() => page.evaluate(() => window.__partir!.state().doc.model)).toEqual({ stablehlo: attention });
  // The module's own sdy mesh becomes the mesh.
  await expect.poll(() => page.evaluate(() => window.__partir!.state().doc.mesh.axes)).toEqual([{ name: 'data', size: 2 }]);
  await waitUpToDate(page);

  // A broken paste: the error names its line and column; the document keeps the last good module.
  const lines = attention.split('\n');
  const typeLine = lines.findIndex((l) => l.includes('tensor<')) + 1;
  await page.getByTestId('import-text').fill(attention.replace(/tensor<([^>]*)>/, 'tensor<$1'));
  await page.getByTestId('import-load').click();
  await expect(page.getByTestId('import-error')).toContainText(new RegExp(`^line ${typeLine}, column \\d+: `));
  expect(await page.evaluate(() => window.__partir!.state().doc.model)).toEqual({ stablehlo: attention });
  await shot(page, 'import-error.png');

  // Back to the zoo from the picker.
  await page.getByTestId('model-picker').selectOption('mlp');
  await waitUpToDate(page);
  expect(await page.evaluate(() => window.__partir!.state().doc.model)).toMatchObject({ zoo: 'mlp' });
  w.check();
});

test('AutomaticPartition shows its progress and best so far, and "make manual" puts its choice in the text', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page);
  // Big enough that the search takes a few seconds in the browser, small enough to finish well within the timeout.
  const tactics = 'BP = BatchParallel(axis="batch")\nA = AutomaticPartition(axes=["model"], objective="memory", budget=16)\nschedule = [BP, A]\n';
  const model = { zoo: 'transformer', params: { layers: 4, dModel: 128, heads: 4, dFF: 512, seq: 64, vocab: 512, batch: 8 } };
  // What the page showed while the search ran, recorded in the page itself (the search may be quicker than polling).
  await page.addInitScript(() => {
    const seen = { status: [] as string[], auto: [] as { simulations: number; budget: number; best: string }[] };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    new MutationObserver(() => {
      const status = document.querySelector('[data-testid="status"]')?.textContent ?? '';
      if (seen.status[seen.status.length - 1] !== status) seen.status.push(status);
      const live = document.querySelector('[data-testid="auto-progress"]');
      if (live) {
        const entry = { simulations: Number(live.getAttribute('data-simulations')), budget: Number(live.getAttribute('data-budget')), best: document.querySelector('[data-testid="auto-best"]')?.textContent ?? '' };
        const last = seen.auto[seen.auto.length - 1];
        if (!last || last.simulations !== entry.simulations || last.best !== entry.best) seen.auto.push(entry);
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await page.goto(`/#${encodeConfig({ ...TINY, model, tactics })}`);
  // A screenshot of the search under way when it is still running by then.
  await Promise.race([page.getByTestId('auto-progress').waitFor({ timeout: 60_000 }), page.getByTestId('auto-result-0').waitFor({ timeout: 60_000 })]);
  if (await page.getByTestId('auto-progress').isVisible()) await shot(page, 'auto-running.png');
  await waitUpToDate(page, 150_000);
  const seen = await page.evaluate(() => (window as unknown as { __seen: { status: string[]; auto: { simulations: number; budget: number; best: string }[] } }).__seen);
  // While it ran: the header counted simulations, and the panel showed the count and the best so far.
  expect(seen.status.some((t) => /searching A \d+\/16/.test(t)), seen.status.join(' | ')).toBe(true);
  expect(seen.auto.length).toBeGreaterThan(0);
  expect(seen.auto.every((e) => e.budget === 16 && /best so far: step .+, peak .+/.test(e.best))).toBe(true);
  for (let i = 1; i < seen.auto.length; i++) expect(seen.auto[i].simulations).toBeGreaterThanOrEqual(seen.auto[i - 1].simulations);

  expect(await page.evaluate(() => window.__partir!.state().doc.tactics)).toBe(tactics);
  await expect(page.getByTestId('auto-result-0')).toBeVisible();
  const gain = page.getByTestId('auto-gain-0');
  const best = Number(await gain.getAttribute('data-best'));
  const bestPeak = Number(await gain.getAttribute('data-best-peak'));
  // The memory objective shards something on "model" (parameters, optimizer state): the peak drops.
  const chosenText = await page.getByTestId('auto-text-0').innerText();
  expect(chosenText).toMatch(/^A_model = ManualPartition\(inputs=\{/);
  expect(bestPeak).toBeLessThan(Number(await gain.getAttribute('data-baseline-peak')));
  await shot(page, 'auto-done.png');

  await page.getByTestId('auto-make-manual-0').click();
  const after = await page.evaluate(() => window.__partir!.state().doc.tactics);
  expect(after).not.toContain('AutomaticPartition');
  const names = [...chosenText.matchAll(/^\s*([A-Za-z_]\w*)\s*=/gm)].map((m) => m[1]);
  expect(after).toBe(makeManual(tactics, { tactic: 'A', text: chosenText, names }));
  await waitUpToDate(page, 60_000);
  await expect(page.getByTestId('error')).toHaveCount(0);
  // The manual schedule runs the same strategy: its step time is the search's best.
  expect(relClose(Number(await page.getByTestId('step-time').getAttribute('data-value')), best)).toBe(true);
  expect(relClose(Number(await page.getByTestId('peak-memory').getAttribute('data-value')), bestPeak)).toBe(true);
  await shot(page, 'auto-made-manual.png');
  w.check();
});

test('compare: B is a copy of A with its own tactics, a real diff, highlighted values, and both in one link', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const w = watch(page);
  await openWith(page, TINY);
  const a = await figures(page);
  await page.getByTestId('compare-toggle').click();
  await expect(page.getByTestId('tactic-editor-b')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__partir!.state().docB)).toEqual(TINY);
  // B identical to A: no difference.
  await expect(page.getByTestId('compare-panel')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  await expect(page.getByTestId('diff-values-count')).toHaveAttribute('data-value', '0');

  await page.evaluate(() => window.__partir!.setTacticsB('BP = BatchParallel(axis="batch")\nschedule = [BP]\n'));
  await expect.poll(() => page.getByTestId('diff-values-count').getAttribute('data-value'), { timeout: 60_000 }).not.toBe('0');
  await expect(page.getByTestId('compare-panel')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  const step = page.getByTestId('diff-step');
  expect(Number(await step.getAttribute('data-a'))).toBe(a.step);
  expect(Number(await step.getAttribute('data-b'))).not.toBe(a.step);
  expect(Number(await page.getByTestId('diff-peak').getAttribute('data-a'))).toBe(a.peak);
  // Megatron's all-reduces on "model" exist only in A.
  expect(Number(await page.getByTestId('diff-collectives-count').getAttribute('data-removed'))).toBeGreaterThan(0);
  await expect(page.getByTestId('diff-collective-removed').first()).toContainText('model');
  await expect(page.getByTestId('diff-value').first()).toBeVisible();
  // The graph marks the groups holding differing values.
  await expect(page.getByTestId('graph-highlight').first()).toBeVisible();
  await expect(page.getByTestId('legend-highlight')).toBeVisible();
  await shot(page, 'compare.png');

  // One link holds A and B.
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#c1\.[A-Za-z0-9_-]+&b=c1\.[A-Za-z0-9_-]+$/);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const w2 = watch(other);
  await other.goto(url);
  await waitUpToDate(other);
  const state = await other.evaluate(() => window.__partir!.state());
  expect(state.doc).toEqual(TINY);
  expect(state.docB?.tactics).toBe('BP = BatchParallel(axis="batch")\nschedule = [BP]\n');
  await expect(other.getByTestId('compare-panel')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  expect(await other.getByTestId('diff-step').getAttribute('data-b')).toBe(await step.getAttribute('data-b'));
  expect(await other.getByTestId('diff-values-count').getAttribute('data-value')).toBe(await page.getByTestId('diff-values-count').getAttribute('data-value'));
  w2.check();
  await fresh.close();

  // Closing the view drops B from the link; an old single-config link still opens as before.
  await page.getByTestId('compare-toggle').click();
  await expect(page.getByTestId('tactic-editor-b')).toHaveCount(0);
  await expect.poll(() => new URL(page.url()).hash).not.toContain('&b=');
  w.check();
});

test('a cancelled AutomaticPartition keeps its best so far, which can be adopted', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page);
  const tactics = 'BP = BatchParallel(axis="batch")\nA = AutomaticPartition(axes=["model"], objective="memory", budget=200)\nschedule = [BP, A]\n';
  const model = { zoo: 'transformer', params: { layers: 4, dModel: 128, heads: 4, dFF: 512, seq: 64, vocab: 512, batch: 8 } };
  await page.goto(`/#${encodeConfig({ ...TINY, model, tactics })}`);
  // Wait for a best strategy so far, then stop the run.
  await expect(page.getByTestId('auto-adopt-best')).toBeVisible({ timeout: 90_000 });
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('auto-progress')).toContainText('cancelled');
  const best = await page.getByTestId('auto-best').locator('pre').innerText();
  expect(best).toMatch(/^A_model = ManualPartition\(/);
  await shot(page, 'auto-cancelled.png');
  await page.getByTestId('auto-adopt-best').click();
  const after = await page.evaluate(() => window.__partir!.state().doc.tactics);
  expect(after).toBe(makeManual(tactics, { tactic: 'A', text: best, names: ['A_model'] }));
  await waitUpToDate(page, 60_000);
  await expect(page.getByTestId('error')).toHaveCount(0);
  w.check();
});

test('the error bands beside the step time and the peak memory open the validation table the app serves', async ({ page }) => {
  const w = watch(page);
  await openWith(page, { ...TINY, hardware: { preset: 'h100' } });
  const memoryBand = page.getByTestId('peak-memory-band');
  await expect(memoryBand).toHaveText(/^±\d+% on \d+ published figures$/);
  await expect(memoryBand).toHaveAttribute('title', /published memory figures \(mean [\d.]+%\)/);
  await expect(page.getByTestId('step-time-band')).toHaveText(/published H100 runs/);
  for (const id of ['peak-memory-band', 'step-time-band']) {
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByTestId(id).click()]);
    await popup.waitForLoadState();
    await expect(popup.locator('h1')).toHaveText('Validation against published runs');
    await expect(popup.locator('th').filter({ hasText: 'Memory figure' })).toHaveCount(1);
    await popup.close();
  }
  w.check();
});
