/**
 * Issue 16: an explorer that holds up on real models. Panes that make room on a laptop (resizable,
 * foldable, remembered), a whole model you can see (folded repeated layers, a Fit that fits), imported
 * modules without their scalar constants. Graph tests attach screenshots to the test output.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { galleryEntry } from '../src/core/models/gallery';
import { encodeConfig } from '../src/core/io/url';
import { shot, TINY, waitUpToDate, watch } from './helpers';

async function openWith(page: Page, config: Config) {
  await page.goto(`/#${encodeConfig(config)}`);
  await waitUpToDate(page);
}

/** A screenshot in this test's output directory (and artifacts/), attached to the test's report. */
async function attachShot(page: Page, name: string) {
  await shot(page, name);
  await test.info().attach(name, { path: test.info().outputPath(name), contentType: 'image/png' });
}

const box = async (page: Page, testId: string) => (await page.getByTestId(testId).boundingBox())!;

/** Every drawn node's box lies inside the graph's viewport (small slack for strokes). */
async function allNodesInView(page: Page): Promise<{ inside: number; total: number }> {
  const host = await box(page, 'graph-canvas-host');
  const boxes = await page.locator('[data-testid^="graph-node-"]').evaluateAll((els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height };
  }));
  const inside = boxes.filter((b) => b.x >= host.x - 2 && b.y >= host.y - 2 && b.x + b.w <= host.x + host.width + 2 && b.y + b.h <= host.y + host.height + 2).length;
  return { inside, total: boxes.length };
}

const T32 = galleryEntry('t32-bp-mp-z3')!.config;

test.describe('panes at 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('the stage slider is visible, the graph has room, and panes resize, fold and are remembered', async ({ page }) => {
    const w = watch(page);
    await openWith(page, TINY);
    const slider = await box(page, 'stage-slider');
    expect(slider.y + slider.height, 'stage slider inside the window').toBeLessThanOrEqual(720);
    await expect(page.getByTestId('stage-slider')).toBeInViewport();
    const graph0 = await box(page, 'graph-canvas-host');
    expect(graph0.height, 'graph height at 1280×720').toBeGreaterThanOrEqual(170);

    // Drag the bar above the charts down by 100 px: the graph grows by as much.
    const bar = await box(page, 'splitter-charts');
    const charts0 = (await box(page, 'charts-pane')).height;
    await page.mouse.move(bar.x + bar.width / 2, bar.y + 2);
    await page.mouse.down();
    await page.mouse.move(bar.x + bar.width / 2, bar.y + 102, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await box(page, 'charts-pane')).height).toBeLessThan(charts0 - 60);
    expect((await box(page, 'graph-canvas-host')).height).toBeGreaterThan(graph0.height + 60);

    // Fold the model panel: the centre widens; the fold button's strip opens it again.
    const centre0 = (await box(page, 'graph-canvas-host')).width;
    await page.getByTestId('pane-left-fold').click();
    await expect(page.getByTestId('pane-left-folded')).toBeVisible();
    expect((await box(page, 'graph-canvas-host')).width).toBeGreaterThan(centre0 + 150);
    // Fold the charts to their tab strip.
    await page.getByTestId('charts-fold').click();
    await expect(page.getByTestId('charts-pane')).toHaveAttribute('data-collapsed', 'true');
    const folded = (await box(page, 'graph-canvas-host')).height;
    await attachShot(page, 'panes-folded-1280x720.png');

    // A reload keeps the layout (remembered per browser).
    await page.reload();
    await waitUpToDate(page);
    await expect(page.getByTestId('pane-left-folded')).toBeVisible();
    await expect(page.getByTestId('charts-pane')).toHaveAttribute('data-collapsed', 'true');
    expect(Math.abs((await box(page, 'graph-canvas-host')).height - folded)).toBeLessThan(4);
    // A tab opens the charts again; the right-column dock moves them under the stages.
    await page.getByTestId('tab-timeline').click();
    await expect(page.getByTestId('charts-pane')).toHaveAttribute('data-collapsed', 'false');
    await page.getByTestId('charts-dock').click();
    await expect(page.getByTestId('pane-right').getByTestId('charts-pane')).toBeVisible();
    await page.getByTestId('pane-left-open').click();
    await expect(page.getByTestId('pane-left')).toBeVisible();
    await attachShot(page, 'charts-docked-right-1280x720.png');
    w.check();
  });

  test('a splitter moves from the keyboard too', async ({ page }) => {
    await openWith(page, TINY);
    const left0 = (await box(page, 'pane-left')).width;
    await page.getByTestId('splitter-left').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await box(page, 'pane-left')).width).toBeGreaterThan(left0 + 25);
  });
});

test.describe('the whole model', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('T32 folds its 32 layers into one node that opens in place', async ({ page }) => {
    const w = watch(page);
    await openWith(page, T32);
    const fold = page.getByTestId('graph-node-g:layer_0…layer_31');
    await expect(fold).toBeVisible();
    await expect(fold).toContainText('×32');
    // A dozen top-level nodes, not 40.
    const top = await page.locator('[data-testid^="graph-node-"]').count();
    expect(top).toBeLessThanOrEqual(12);
    await page.getByTestId('graph-fit').click();
    const fit = await allNodesInView(page);
    expect(fit.inside, 'nodes inside the view after Fit').toBe(fit.total);
    await attachShot(page, 't32-folded.png');

    await page.getByTestId('group-toggle-layer_0…layer_31').click();
    await expect(page.getByTestId('graph-node-g:layer_7')).toBeVisible();
    await expect(page.locator('[data-testid^="graph-node-g:layer_"]')).toHaveCount(33);
    // (off screen at this zoom: the toggle is a keyboard control too)
    await page.getByTestId('group-toggle-layer_7').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('group-toggle-layer_7/attn')).toBeAttached();
    await attachShot(page, 't32-fold-open.png');
    // Collapsing the fold closes what was open inside it.
    await page.getByTestId('group-toggle-layer_0…layer_31').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('graph-node-g:layer_7')).toHaveCount(0);
    await expect(page.getByTestId('graph-node-g:layer_0…layer_31')).toBeVisible();
    w.check();
  });

  test('Fit shows every node of the default example', async ({ page }) => {
    await page.goto('/');
    await waitUpToDate(page);
    await page.getByTestId('graph-fit').click();
    await expect(page.locator('[data-testid^="graph-node-"]').first()).toBeVisible();
    const fit = await allNodesInView(page);
    expect(fit.total).toBeGreaterThan(5);
    expect(fit.inside, 'nodes inside the view after Fit').toBe(fit.total);
    await attachShot(page, 'default-fit.png');
  });

  test('an imported module shows its scopes, not its scalar constants', async ({ page }) => {
    const w = watch(page);
    const config: Config = {
      version: 1, model: { stablehlo: readFileSync('public/examples/transformer_train_step.mlir', 'utf8') },
      mesh: { axes: [{ name: 'batch', size: 2 }] }, hardware: { preset: 'tpu-v5p', links: { batch: 'ici' } },
      tactics: 'BP = BatchParallel(axis="batch")\nschedule = [BP]\n', options: { overlap: true },
    };
    await openWith(page, config);
    // (the layout of a fresh program can trail the status on a loaded machine)
    await expect(page.getByTestId('graph-node-g:layer_0')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('graph-node-g:embed')).toBeVisible();
    const constants = page.locator('[data-testid^="graph-node-op:"]', { hasText: 'constant' });
    await expect(constants).toHaveCount(0);
    expect(await page.locator('[data-testid^="graph-node-"]').count()).toBeLessThanOrEqual(20);
    // Inside a layer, an op that scales by a scalar lists it as an attribute.
    await page.getByTestId('group-toggle-layer_0').click();
    await expect(page.locator('[data-testid^="graph-node-op:"]', { hasText: 'constant' })).toHaveCount(0);
    await attachShot(page, 'imported-structure.png');
    w.check();
  });
});

test.describe('search and keyboard', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('search goes to a value by name, opening its groups, and highlights the matches', async ({ page }) => {
    const w = watch(page);
    await page.goto('/');
    await waitUpToDate(page);
    await page.getByTestId('graph-search').fill('w_in');
    await expect(page.getByTestId('graph-search-count')).toHaveAttribute('data-value', /^[1-9]\d*$/);
    // Every layer has a w_in: the collapsed params group holding them is marked.
    await expect(page.locator('.graph-node.search-hit').first()).toBeVisible();
    await expect(page.getByTestId('graph-search-hit').first()).toContainText('params/layer_0/mlp/w_in');
    await page.getByTestId('graph-search').press('Enter');
    const node = page.locator('.graph-node.selected');
    await expect(node).toHaveCount(1);
    await expect(node).toContainText('w_in');
    await expect(node).toBeInViewport();
    await expect(page.getByTestId('details')).toContainText('w_in');
    await attachShot(page, 'search-w_in.png');
    // An unknown name says so.
    await page.getByTestId('graph-search').fill('no_such_value');
    await expect(page.getByTestId('graph-search-count')).toHaveText('no match');
    w.check();
  });

  test('Tab reaches the editor without walking through the graph; arrow keys move between groups', async ({ page }) => {
    await openWith(page, T32);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    const stops: string[] = [];
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        if (!a) return 'none';
        if (a.closest('.monaco-editor')) return 'editor';
        return a.getAttribute('data-testid') ?? a.getAttribute('class') ?? a.tagName;
      });
      stops.push(at);
      if (at === 'editor') break;
    }
    expect(stops.at(-1), `tab stops: ${stops.join(', ')}`).toBe('editor');
    expect(stops.filter((s) => s.startsWith('group-toggle') || s === 'graph-toggle'), 'graph toggles in the tab order').toEqual([]);
    // The graph is one tab stop; from there the arrows walk the nodes.
    expect(stops).toContain('graph-canvas-host');
    await page.getByTestId('graph-canvas-host').focus();
    await page.keyboard.press('ArrowDown');
    const first = await page.locator('.graph-node.selected').getAttribute('data-testid');
    expect(first).toBeTruthy();
    const y1 = (await page.locator('.graph-node.selected').boundingBox())!.y;
    await page.keyboard.press('ArrowDown');
    await expect(page.locator('.graph-node.selected')).not.toHaveAttribute('data-testid', first!);
    expect((await page.locator('.graph-node.selected').boundingBox())!.y).toBeGreaterThan(y1);
    await expect(page.getByTestId('graph-kbd-status')).toContainText('selected');
    // Walk down to the folded layers and open them with Enter.
    for (let i = 0; i < 8; i++) {
      if ((await page.locator('.graph-node.selected').getAttribute('data-testid')) === 'graph-node-g:layer_0…layer_31') break;
      await page.keyboard.press('ArrowDown');
    }
    await expect(page.locator('.graph-node.selected')).toHaveAttribute('data-testid', 'graph-node-g:layer_0…layer_31');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('graph-node-g:layer_0')).toBeAttached();
    await attachShot(page, 'keyboard-open-fold.png');
  });
});

test.describe('labels', () => {
  // Tall enough that the fitted GNS graph is zoomed past EDGE_LABEL_ZOOM (src/ui/graph/geometry.ts) with the
  // summary strip's error bands above it: the labels are what these tests check.
  test.use({ viewport: { width: 1600, height: 1100 } });

  test('GNS: collective badges stay inside their node, and folded titles are not cut', async ({ page }) => {
    const w = watch(page);
    // The busiest GNS schedule: batch parallel, then the edges split on the model axis; 8 graphs per
    // step (the gallery's one graph cannot be split 8 ways) and 10 message-passing steps.
    const gns = galleryEntry('gns-es')!.config;
    const params = 'zoo' in gns.model ? gns.model.params : {};
    await openWith(page, {
      ...gns, model: { zoo: 'gns', params: { ...params, graphs: 8, steps: 10 } },
      tactics: 'BP = BatchParallel(axis="batch")\nES = EdgeShard(axis="model")\nschedule = [BP, ES]\n',
    });
    const fold = page.getByTestId('graph-node-g:step_0…step_9');
    await expect(fold).toBeVisible();
    await expect(fold.locator('.graph-node-label')).toHaveText('step_0…step_9 ×10');
    // Nodes carry their pills (widened where their row has room, a "+N" pill past that: src/ui/graph/nodeSizing.ts).
    await expect(page.locator('[data-testid="graph-collective"]').first()).toBeAttached();
    const overflow = await page.locator('[data-testid^="graph-node-"]').evaluateAll((nodes) => {
      const out: string[] = [];
      for (const n of nodes) {
        const box = n.querySelector(':scope > .graph-node-box')?.getBoundingClientRect();
        if (!box) continue;
        for (const b of n.querySelectorAll('[data-testid="graph-collective"], [data-testid="graph-collective-more"]')) {
          const r = b.getBoundingClientRect();
          if (r.right > box.right + 1 || r.left < box.left - 1) out.push(`${n.getAttribute('data-testid')}: ${b.textContent}`);
        }
      }
      return out;
    });
    expect(overflow, 'badges running past their node').toEqual([]);
    // Edge labels and pills on screen overlap neither each other nor a node.
    const clashes = await page.locator('[data-testid="graph-svg"]').evaluate((svg) => {
      const shown = (el: Element) => getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().width > 0;
      const labels: { id: string; r: DOMRect }[] = [];
      for (const e of svg.querySelectorAll('.graph-edge')) {
        for (const el of e.querySelectorAll(':scope > .graph-edge-label, :scope > .graph-collectives')) {
          if (shown(el) && el.textContent) labels.push({ id: `${e.getAttribute('data-testid')} ${el.textContent}`, r: el.getBoundingClientRect() });
        }
      }
      const boxes = [...svg.querySelectorAll('.graph-node:not(.expanded) > .graph-node-box')].map((b) => b.getBoundingClientRect());
      const hit = (a: DOMRect, b: DOMRect) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
      const out: string[] = [];
      labels.forEach((a, i) => {
        // a label's own text and pills sit together by design: compare with other edges' labels only
        for (const b of labels.slice(i + 1)) if (a.id.split(' ')[0] !== b.id.split(' ')[0] && hit(a.r, b.r)) out.push(`${a.id} × ${b.id}`);
        for (const n of boxes) if (hit(a.r, n)) out.push(`${a.id} over a node`);
      });
      return { out, count: labels.length };
    });
    expect(clashes.count).toBeGreaterThan(3);
    expect(clashes.out, 'overlapping labels').toEqual([]);
    await attachShot(page, 'gns-badges.png');
    w.check();
  });
});

test.describe('say what is going on', () => {
  test('the summary names the zoo model and the example that is open', async ({ page }) => {
    const w = watch(page);
    const entry = galleryEntry('t32-bp-mp-z3')!;
    await openWith(page, entry.config);
    await expect(page.getByTestId('model-name')).toHaveText('t32');
    await expect(page.getByTestId('example-name')).toContainText(entry.title);
    await expect(page.getByTestId('example-name')).toHaveAttribute('data-edited', 'false');
    // The T32 · BP example's tactics: that example is now open.
    await page.evaluate((t) => window.__partir!.setTactics(t), galleryEntry('t32-bp')!.config.tactics);
    await expect(page.getByTestId('example-name')).toContainText('T32 · BP');
    await expect(page.getByTestId('example-name')).not.toContainText('Z3');
    // Tactics of no example: edited from the T32 model.
    await page.evaluate(() => window.__partir!.setTactics('BP = BatchParallel(axis="model")\nschedule = [BP]\n'));
    await expect(page.getByTestId('example-name')).toHaveText(/T32 \(edited\)/);
    w.check();
  });

  test('an invalid field value is marked and says why it is not applied', async ({ page }) => {
    await openWith(page, TINY);
    const layers = page.getByTestId('param-layers');
    await layers.fill('2.5');
    await expect(layers).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('param-layers-why')).toBeVisible();
    await expect(page.getByTestId('param-layers-why')).toContainText('needs an integer');
    await expect(page.getByTestId('param-layers-why')).toContainText('still using 2');
    expect(await page.evaluate(() => (window.__partir!.state().doc.model as unknown as { params: { layers: number } }).params.layers)).toBe(2);
    await layers.fill('3');
    await expect(page.getByTestId('param-layers-why')).toHaveCount(0);
  });

  test('the time chart tells compute and communication apart from the mesh axes, and reads out its figures', async ({ page }) => {
    await openWith(page, TINY);
    const fill = (id: string) => page.getByTestId(id).evaluate((e) => (e.tagName === 'g' ? e.querySelector('rect')! : e).getAttribute('fill')!);
    const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    const dist = (a: string, b: string) => Math.hypot(...hex(a).map((v, i) => v - hex(b)[i]));
    const compute = await fill('time-compute');
    const exposed = await fill('time-exposed');
    for (const axis of ['batch', 'model']) {
      const c = await fill(`time-axis-${axis}`);
      expect(dist(compute, c), `compute vs ${axis}`).toBeGreaterThan(100);
      expect(dist(exposed, c), `exposed vs ${axis}`).toBeGreaterThan(100);
    }
    const label = await page.getByTestId('time-chart').locator('svg').getAttribute('aria-label');
    expect(label).toMatch(/^Step time [\d.]+ \S+: compute [\d.]+ \S+, exposed communication/);
    expect(await page.getByTestId('memory-chart').locator('svg').getAttribute('aria-label')).toMatch(/device .* of /);
  });
});

test.describe('minimap', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('a large view gets an overview; clicking it moves the view there', async ({ page }) => {
    const w = watch(page);
    await openWith(page, T32);
    await page.getByTestId('graph-fit').click();
    await expect(page.getByTestId('graph-minimap')).toHaveCount(0); // all of it is in view
    await page.getByTestId('group-toggle-layer_0…layer_31').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('graph-node-g:layer_31')).toBeAttached();
    // Zoom in on the top of the graph: most of it is now out of view.
    const host = await box(page, 'graph-canvas-host');
    await page.mouse.move(host.x + host.width / 2, host.y + 40);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -300);
    const map = page.getByTestId('graph-minimap');
    await expect(map).toBeVisible();
    const layer31 = page.getByTestId('graph-node-g:layer_31');
    await expect(layer31).not.toBeInViewport();
    // The bottom of the overview is the end of the graph: a click there brings the last layers into view.
    const m = (await map.boundingBox())!;
    const centre = host.y + host.height / 2;
    const before = Math.abs((await layer31.boundingBox())!.y - centre);
    await page.mouse.click(m.x + m.width / 2, m.y + m.height - 12);
    // the view jumps towards the end of the graph: the last layer comes at least halfway to the centre
    await expect.poll(async () => {
      const b = await layer31.boundingBox();
      return b !== null && Math.abs(b.y - centre) < before / 2;
    }).toBe(true);
    await attachShot(page, 'minimap.png');
    w.check();
  });
});

test.describe('drops', () => {
  test('a dropped tactic asks for its axis and dimension, names itself, and warns about a repeat', async ({ page }) => {
    const w = watch(page);
    await openWith(page, TINY);
    await expect(page.getByTestId('palette-hint')).toBeVisible();
    await page.getByTestId('group-toggle-params').click();
    await page.getByTestId('group-toggle-params/layer_0').click();
    await page.getByTestId('group-toggle-params/layer_0/mlp').click();
    const target = page.locator('[data-testid^="graph-node-in:"]', { hasText: 'w_in' }).first();
    await expect(target).toBeVisible();
    const targetId = `[data-testid="${await target.getAttribute('data-testid')}"]`;

    // BatchParallel lands on the data axis, and says it acts on the whole model (and is already there).
    await page.dragAndDrop('[data-testid="palette-BatchParallel"]', targetId);
    await expect(page.getByTestId('drop-popover')).toBeVisible();
    await expect(page.getByTestId('drop-axis')).toHaveValue('batch');
    await expect(page.getByTestId('drop-note')).toContainText('whole model');
    await expect(page.getByTestId('drop-warning')).toContainText('already');
    await page.getByTestId('drop-cancel').click();
    await expect(page.getByTestId('drop-popover')).toHaveCount(0);

    // Megatron goes on the model axis, where TINY already has one: the popover says so.
    await page.dragAndDrop('[data-testid="palette-Megatron"]', targetId);
    await expect(page.getByTestId('drop-axis')).toHaveValue('model');
    await expect(page.getByTestId('drop-warning')).toContainText('Megatron on "model" is already');
    // "Partition only this value" instead: ManualPartition of w_in with its dimensions to choose from.
    await page.getByTestId('drop-only-this').click();
    const dims = page.getByTestId('drop-dim');
    await expect(dims.locator('option')).toHaveCount(3); // largest, 0, 1
    await attachShot(page, 'drop-popover.png');
    // w_in is already tiled on model by Megatron: both its dims cannot take model again; on batch they can.
    await page.getByTestId('drop-axis').selectOption('batch');
    await dims.selectOption('1');
    const before = await page.evaluate(() => window.__partir!.state().doc.tactics);
    await page.getByTestId('drop-insert').click();
    await expect.poll(() => page.evaluate(() => window.__partir!.state().doc.tactics)).toBe(
      before.replace('schedule = [BP, MP]', 'w_in_batch = ManualPartition(inputs={"params/layer_0/mlp/w_in": 1}, axis="batch")\nschedule = [BP, MP, w_in_batch]'),
    );
    await waitUpToDate(page);
    w.check();
  });
});
