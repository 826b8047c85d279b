/**
 * `npm run bench:ui`: times the explorer in a real Chromium against `vite preview` of the build, from
 * Performance marks the app leaves (not a timed test: it prints figures and their targets):
 *
 * - first render: navigation → the summary strip shows the default example's result (`summary-drawn`);
 * - tactic edit on a 32-layer transformer training step: end of the 300 ms debounce (`debounce-end`) →
 *   charts updated (`charts-drawn`);
 * - on the 96-layer step: opening the fold of its 96 layers, then a layer in it: click (`group-toggle`) →
 *   graph drawn (`graph-drawn`); and pan/zoom (wheel and drag) frame intervals from requestAnimationFrame.
 *
 * - in Node, the worker's layout alone: expanding one layer of the 96-layer step (`layoutGraph`, CPU time),
 *   the figure the unit tests used to assert and now only print here.
 *
 * Uses the existing `dist/` (run `npx vite build` first, or pass --build). Env: BENCH_UI_RUNS (default 3),
 * BENCH_UI_PORT (default 4183), CHROMIUM (default /usr/bin/chromium when present).
 */
import { spawnSync } from 'node:child_process';
import { runBench, withPreviewBrowser } from './preview';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import { DEFAULT_CONFIG } from '../src/ui/defaultConfig';
import { buildZooModel } from '../src/core/models/zoo';
import { layoutGraph } from '../src/worker/layout';
import type {} from '../src/ui/testHook';

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 3);
const PORT = Number(process.env.BENCH_UI_PORT ?? 4183);
const BASE = `http://127.0.0.1:${PORT}`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function transformer(layers: number, tactics: string): Config {
  const params = 'zoo' in DEFAULT_CONFIG.model ? DEFAULT_CONFIG.model.params : {};
  return { ...DEFAULT_CONFIG, model: { zoo: 'transformer', params: { ...params, layers } }, tactics };
}

const BP_MP = 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n';
const BP = 'BP = BatchParallel(axis="batch")\nschedule = [BP]\n';

async function waitStatusOk(page: Page, timeout = 600_000) {
  await page.waitForFunction(() => window.__partir?.state().status === 'ok', undefined, { timeout, polling: 50 });
}

/** Milliseconds from the last mark `from` to the first mark `to` after it. */
async function between(page: Page, from: string, to: string, timeout = 600_000): Promise<number> {
  const handle = await page.waitForFunction(([f, t]) => {
    const start = performance.getEntriesByName(f, 'mark').at(-1);
    if (!start) return null;
    const end = performance.getEntriesByName(t, 'mark').find((m) => m.startTime >= start.startTime);
    return end ? end.startTime - start.startTime : null;
  }, [from, to] as const, { timeout, polling: 20 });
  return (await handle.jsonValue()) as number;
}

async function firstRender(page: Page): Promise<{ total: number; parts: string }> {
  await page.goto(`${BASE}/#${encodeConfig(DEFAULT_CONFIG)}`);
  // performance.now() counts from navigation start: the mark's time is navigation → summary filled.
  const handle = await page.waitForFunction(() => performance.getEntriesByName('summary-drawn', 'mark')[0]?.startTime ?? null, undefined, { timeout: 120_000, polling: 20 });
  const total = (await handle.jsonValue()) as number;
  // Where the time went: scripts loaded, first run sent to the worker, its reply, and the pipeline's own time.
  // (No named helpers inside evaluate: tsx would wrap them in a `__name` call the page does not have.)
  const parts = await page.evaluate(() => {
    const sent = performance.getEntriesByName('debounce-end', 'mark')[0]?.startTime ?? NaN;
    const reply = performance.getEntriesByName('report-applied', 'mark')[0]?.startTime ?? NaN;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const pipeline = Number(document.querySelector('[data-testid="status"] .muted')?.textContent?.replace(/[^\d.]/g, '') ?? NaN);
    return `DOMContentLoaded ${nav?.domContentLoadedEventEnd.toFixed(0)} ms, run sent ${sent.toFixed(0)} ms, reply ${reply.toFixed(0)} ms (pipeline ${pipeline} ms)`;
  });
  return { total, parts };
}

/** Edits after the first load warm the worker's JIT; like `npm run bench`, they are reported apart as cold. */
const EDIT_WARMUP = 2;
const EDIT_RUNS = 5;

async function editToCharts(page: Page): Promise<{ figures: number[]; pipeline: number[] }> {
  await page.goto(`${BASE}/#${encodeConfig(transformer(32, BP_MP))}`);
  await waitStatusOk(page);
  const figures: number[] = [];
  const pipeline: number[] = [];
  for (let i = 0; i < EDIT_WARMUP + EDIT_RUNS; i++) {
    const text = i % 2 === 0 ? BP : BP_MP;
    await page.evaluate(() => performance.clearMarks());
    await page.evaluate((t) => window.__partir!.setTactics(t), text);
    figures.push(await between(page, 'debounce-end', 'charts-drawn'));
    await waitStatusOk(page);
    pipeline.push(await page.evaluate(() => Number(document.querySelector('[data-testid="status"] .muted')?.textContent?.replace(/[^\d.]/g, '') ?? NaN)));
  }
  return { figures, pipeline };
}

/** The fold of the 96 look-alike layers (one node until opened). */
const FOLD96 = 'layer_0…layer_95';

/** Clicks a group toggle whether it is an SVG control or (canvas mode) an off-screen button. */
const clickToggle = (page: Page, scope: string) =>
  page.getByTestId(`group-toggle-${scope}`).evaluate((b) => b.dispatchEvent(new MouseEvent('click', { bubbles: true })));

async function expandGroups(page: Page): Promise<{ fold: number[]; layer: number[] }> {
  await page.goto(`${BASE}/#${encodeConfig(transformer(96, BP_MP))}`);
  await waitStatusOk(page);
  await page.getByTestId(`group-toggle-${FOLD96}`).waitFor({ state: 'attached', timeout: 120_000 });
  const fold: number[] = [];
  const layer: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Open the fold (96 layer nodes appear), then a layer in it; measure both, then close the fold again.
    await page.evaluate(() => performance.clearMarks());
    await clickToggle(page, FOLD96);
    fold.push(await between(page, 'group-toggle', 'graph-drawn'));
    await page.getByTestId('group-toggle-layer_48').waitFor({ state: 'attached', timeout: 60_000 });
    await page.evaluate(() => performance.clearMarks());
    await clickToggle(page, 'layer_48');
    layer.push(await between(page, 'group-toggle', 'graph-drawn'));
    await page.getByTestId('group-toggle-layer_48/mlp').waitFor({ state: 'attached', timeout: 60_000 });
    await clickToggle(page, FOLD96);
    await page.getByTestId('group-toggle-layer_48').waitFor({ state: 'detached', timeout: 60_000 });
  }
  return { fold, layer };
}

/**
 * Pan and zoom on the 96-layer step with the fold and one layer open: wheel zooms and a drag, as a user
 * does, while requestAnimationFrame records frame times. Reports frame intervals (display rate: 16.7 ms).
 */
async function panZoom(page: Page): Promise<{ median: number; p95: number; worst: number; frames: number }> {
  await page.goto(`${BASE}/#${encodeConfig(transformer(96, BP_MP))}`);
  await waitStatusOk(page);
  await page.getByTestId(`group-toggle-${FOLD96}`).waitFor({ state: 'attached', timeout: 120_000 });
  await clickToggle(page, FOLD96);
  await page.getByTestId('group-toggle-layer_48').waitFor({ state: 'attached', timeout: 60_000 });
  await clickToggle(page, 'layer_48');
  await page.getByTestId('group-toggle-layer_48/mlp').waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForTimeout(500);
  const host = (await page.getByTestId('graph-canvas-host').boundingBox())!;
  const cx = host.x + host.width / 2;
  const cy = host.y + host.height / 2;
  // A string, not a function: tsx would wrap a named helper in a `__name` call the page does not have.
  await page.evaluate(`(() => {
    window.benchFrames = [];
    window.benchStop = false;
    const tick = (t) => { window.benchFrames.push(t); if (!window.benchStop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 30; i++) {
    await page.mouse.wheel(0, i < 15 ? 120 : -120);
    await page.waitForTimeout(16);
  }
  await page.mouse.down();
  for (let i = 0; i < 60; i++) await page.mouse.move(cx + Math.sin(i / 6) * 200, cy + i * 3);
  await page.mouse.up();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { benchFrames: number[]; benchStop: boolean };
    w.benchStop = true;
    return w.benchFrames;
  });
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  return { median: gaps[Math.floor(gaps.length / 2)], p95: gaps[Math.floor(gaps.length * 0.95)], worst: gaps[gaps.length - 1], frames: frames.length };
}

/**
 * The worker's layout on its own, in this process: expand one layer (and its attention block) of the 96-layer
 * step, once the all-collapsed layout is cached as on load. CPU time, not wall time: on a shared machine
 * waiting for a core is not the layout's cost.
 */
function layoutExpand(): number[] {
  // small dims: the op count, which is what the layout pays for, does not depend on them
  const big = buildZooModel('transformer', { layers: 96, dModel: 64, heads: 4, dFF: 256, seq: 16, vocab: 128, batch: 2 });
  layoutGraph(big, { expanded: [] });
  return [47, 12, 80, 3, 60].map((i) => {
    const c0 = process.cpuUsage();
    layoutGraph(big, { expanded: [`layer_${i}`, `layer_${i}/attn`] });
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  });
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const line = (label: string, xs: number[], target: number) =>
  console.log(`${label.padEnd(52)} median ${fmt(median(xs)).padStart(8)}  (runs: ${xs.map(fmt).join(', ')})  target < ${fmt(target)} ${median(xs) < target ? 'OK' : 'MISSED'}`);

async function main() {
  if (process.argv.includes('--build') || !existsSync('dist/index.html')) {
    const b = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('vite build failed');
  }
  line('layout only: expand a layer of 96 (worker layoutGraph, CPU)', layoutExpand(), 100);
  await withPreviewBrowser(PORT, async (browser) => {
    console.log(`bench:ui — ${RUNS} runs each, Chromium ${browser.version()}, vite preview of dist/`);
    const first: number[] = [];
    const parts: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      // A fresh context each time: no cache, no saved document, like a first visit.
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const r = await firstRender(await ctx.newPage());
      first.push(r.total);
      parts.push(r.parts);
      await ctx.close();
    }
    line('first render (navigation → summary strip filled)', first, 2000);
    for (const p of parts) console.log(`${''.padEnd(52)} ${p}`);
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    const edit = await editToCharts(page);
    line('tactic edit, 32 layers (debounce end → charts)', edit.figures.slice(EDIT_WARMUP), 300);
    console.log(`${''.padEnd(52)} of which the worker's pipeline run: ${edit.pipeline.slice(EDIT_WARMUP).map(fmt).join(', ')}`);
    console.log(`${''.padEnd(52)} cold (first ${EDIT_WARMUP} edits after load, not in the median): ${edit.figures.slice(0, EDIT_WARMUP).map(fmt).join(', ')}`);
    const expand = await expandGroups(page);
    line('open the fold of 96 layers (click → graph drawn)', expand.fold, 100);
    line('expand a layer in it (click → graph drawn)', expand.layer, 100);
    const pz = await panZoom(page);
    line('pan/zoom, 96 layers, fold + a layer open: frame (median)', [pz.median], 17.5);
    console.log(`${''.padEnd(52)} p95 ${fmt(pz.p95)}, worst ${fmt(pz.worst)} over ${pz.frames} frames (display rate 16.7 ms); renderer ${await page.getByTestId('graph-view').getAttribute('data-renderer')}`);
    await ctx.close();
  });
}

runBench(main);
