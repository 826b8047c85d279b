/**
 * Issue #16: edge labels (the sharded type, "16 tensors") and collective badges ("AG×24 batch") must not
 * print over each other or over nodes, and a node's badges stay inside it. Read from the rendered SVG
 * (getBoundingClientRect of the label, pill and node-box elements) on the graphs where they piled up,
 * at a laptop and a desktop size; each case attaches a screenshot to the test output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { galleryEntry } from '../src/core/models/gallery';
import { encodeConfig } from '../src/core/io/url';
import { TINY, waitUpToDate, watch } from './helpers';

interface Case {
  name: string;
  open: (page: Page) => Promise<void>;
}

const fromGallery = (id: string): Case => ({
  name: id,
  open: async (page) => {
    const entry = galleryEntry(id);
    if (!entry) throw new Error(`no gallery entry "${id}"`);
    await openWith(page, entry.config);
  },
});

async function openWith(page: Page, config: Config) {
  await page.goto(`/#${encodeConfig(config)}`);
  await waitUpToDate(page, 90_000);
}

const CASES: Case[] = [
  fromGallery('t32-bp-mp-z3'),
  fromGallery('gns-es'),
  fromGallery('unet-bp-z2'),
  {
    name: 'imported-module',
    open: async (page) => {
      await openWith(page, TINY);
      await page.getByTestId('model-picker').selectOption('stablehlo:import');
      await page.getByTestId('module-example-transformer_train_step.mlir').click();
      await expect(page.getByTestId('model-picker').locator('option:checked')).toHaveText(/^StableHLO: @/);
      await waitUpToDate(page, 90_000);
    },
  },
];

/** What collides on screen: pairs of labels/badges, labels over a node that is not theirs, badges past their node. */
async function collisions(page: Page): Promise<{ labels: number; edgeLabels: number; clashes: string[] }> {
  return page.locator('[data-testid="graph-svg"]').evaluate((svg) => {
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).display !== 'none' && !el.closest('[style*="display: none"]');
    };
    const visible = (el: Element) => {
      for (let e: Element | null = el; e && e !== svg; e = e.parentElement) if (getComputedStyle(e).display === 'none') return false;
      return shown(el);
    };
    interface Item { id: string; owner: string; r: DOMRect }
    const items: Item[] = [];
    for (const e of svg.querySelectorAll('.graph-edge')) {
      const owner = e.getAttribute('data-testid') ?? '?';
      for (const el of e.querySelectorAll(':scope > .graph-edge-label, :scope > .graph-collectives > g')) {
        const text = [...el.querySelectorAll('text')].map((t) => t.textContent).join(' ') || el.textContent;
        if (visible(el) && text) items.push({ id: `${owner} "${text}"`, owner, r: el.getBoundingClientRect() });
      }
    }
    const nodes = [...svg.querySelectorAll('.graph-node:not(.expanded)')].map((n) => ({
      owner: n.getAttribute('data-testid') ?? '?',
      r: n.querySelector(':scope > .graph-node-box')!.getBoundingClientRect(),
    }));
    const clashes: string[] = [];
    for (const n of svg.querySelectorAll('.graph-node:not(.expanded)')) {
      const owner = n.getAttribute('data-testid') ?? '?';
      const box = n.querySelector(':scope > .graph-node-box')!.getBoundingClientRect();
      for (const b of n.querySelectorAll('[data-testid="graph-collective"], [data-testid="graph-collective-more"]')) {
        if (!visible(b)) continue;
        const r = b.getBoundingClientRect();
        const text = b.querySelector('text')?.textContent; // the pill's text, not its <title> (the tooltip)
        items.push({ id: `${owner} badge "${text}"`, owner, r });
        if (r.right > box.right + 1 || r.left < box.left - 1) clashes.push(`${owner} badge "${text}" runs past its node's side`);
        if (r.bottom > box.bottom + 1) clashes.push(`${owner} badge "${text}" hangs below its node`);
      }
    }
    // Each edge's curve, sampled every few screen pixels: a label must not sit on another edge's arrow.
    const curves = [...svg.querySelectorAll('.graph-edge')].map((e) => {
      const path = e.querySelector<SVGPathElement>(':scope > path:not(.graph-edge-hit)')!;
      const m = path.getScreenCTM()!;
      const len = path.getTotalLength();
      const pts: DOMPoint[] = [];
      for (let l = 0; l <= len; l += Math.max(2, 3 / m.a)) pts.push(path.getPointAtLength(l).matrixTransform(m));
      return { owner: e.getAttribute('data-testid') ?? '?', pts };
    });
    const inside = (p: DOMPoint, r: DOMRect) => p.x > r.left + 1 && p.x < r.right - 1 && p.y > r.top + 1 && p.y < r.bottom - 1;
    for (const a of items) {
      if (!a.owner.startsWith('graph-edge-')) continue;
      for (const c of curves) if (c.owner !== a.owner && c.pts.some((p) => inside(p, a.r))) clashes.push(`${a.id} over the arrow of ${c.owner}`);
    }
    const hit = (a: DOMRect, b: DOMRect) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    items.forEach((a, i) => {
      for (const b of items.slice(i + 1)) if (a.owner !== b.owner && hit(a.r, b.r)) clashes.push(`${a.id} × ${b.id}`);
      for (const n of nodes) if (n.owner !== a.owner && hit(a.r, n.r)) clashes.push(`${a.id} over ${n.owner}`);
    });
    return { labels: items.length, edgeLabels: items.filter((i) => i.owner.startsWith('graph-edge-')).length, clashes };
  });
}

for (const viewport of [{ width: 1280, height: 720 }, { width: 1600, height: 1000 }]) {
  test.describe(`labels at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });
    for (const c of CASES) {
      test(`${c.name}: labels and badges overlap neither each other nor other nodes`, async ({ page }, testInfo) => {
        const w = watch(page);
        await c.open(page);
        await expect(page.getByTestId('graph-view')).toHaveAttribute('data-renderer', 'svg');
        await expect(page.locator('[data-testid^="graph-node-"]').first()).toBeVisible();
        // the fit and the label placement follow the layout: let the frame settle
        await page.waitForTimeout(300);
        const name = `labels-${c.name}-${viewport.width}x${viewport.height}.png`;
        const png = await page.screenshot();
        await testInfo.attach(name, { body: png, contentType: 'image/png' });
        // SHOTS_DIR: also keep the screenshot there (before/after comparisons outside the repository).
        if (process.env.SHOTS_DIR) writeFileSync(join(process.env.SHOTS_DIR, name), png);
        const { labels, edgeLabels, clashes } = await collisions(page);
        // The figures behind the check, in the report: how much is on screen, and how much of it is edge labels.
        testInfo.annotations.push({ type: 'on screen', description: `${labels} labels and badges, ${edgeLabels} of them on edges` });
        console.log(`${c.name} ${viewport.width}x${viewport.height}: ${labels} labels and badges on screen, ${edgeLabels} on edges, ${clashes.length} clashes`);
        expect(labels, 'labels or badges on screen').toBeGreaterThan(0);
        expect(clashes, 'overlapping labels').toEqual([]);
        // The minimap (shown when the graph does not fit) must not cover a node of the fitted view.
        const minimap = page.getByTestId('graph-minimap');
        if (await minimap.isVisible()) {
          const m = (await minimap.boundingBox())!;
          const covered = await page.locator('.graph-node:not(.expanded) > .graph-node-box').evaluateAll((boxes, r) => boxes
            .map((b) => b.getBoundingClientRect())
            .filter((b) => b.left < r.x + r.width && r.x < b.right && b.top < r.y + r.height && r.y < b.bottom).length, m);
          expect(covered, 'nodes under the minimap').toBe(0);
        }
        w.check();
      });
    }
  });
}
