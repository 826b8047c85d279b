/**
 * The tactic editor's cost (not a timed test: it prints figures). Run after `npx vite build`:
 *   npx tsx bench/editor.ts
 * prints the size of every JS chunk in dist/assets (raw and gzip) and, over BENCH_EDITOR_RUNS fresh
 * Chromium contexts (no cache), the time from navigation to the editor showing the tactics and to its
 * first completion list. BENCH_EDITOR_PORT (default 4188), CHROMIUM (default /usr/bin/chromium).
 */
import { runBench, withPreviewBrowser } from './preview';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const RUNS = Number(process.env.BENCH_EDITOR_RUNS ?? 5);
const PORT = Number(process.env.BENCH_EDITOR_PORT ?? 4188);
const BASE = `http://127.0.0.1:${PORT}`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

function chunkSizes(): void {
  const dir = 'dist/assets';
  const files = readdirSync(dir).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  let raw = 0, gz = 0;
  const rows = files.map((f) => {
    const bytes = readFileSync(join(dir, f));
    const z = gzipSync(bytes).length;
    raw += bytes.length;
    gz += z;
    return { f, raw: bytes.length, gz: z };
  }).sort((a, b) => b.raw - a.raw);
  for (const r of rows.slice(0, 8)) console.log(`  ${r.f.padEnd(48)} ${kib(r.raw).padStart(10)}  gzip ${kib(r.gz).padStart(9)}`);
  console.log(`  ${'all JS and CSS'.padEnd(48)} ${kib(raw).padStart(10)}  gzip ${kib(gz).padStart(9)}`);
}

async function main() {
  if (!existsSync('dist/index.html')) throw new Error('no dist/: run `npx vite build` first');
  console.log('bench:editor — chunks in dist/assets (largest first)');
  chunkSizes();
  await withPreviewBrowser(PORT, async (browser) => {
    const shown: number[] = [], suggest: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await ctx.newPage();
      const t0 = Date.now();
      await page.goto(BASE);
      await page.locator('.monaco-editor .view-lines', { hasText: 'BatchParallel' }).waitFor({ timeout: 120_000 });
      shown.push(Date.now() - t0);
      // a completion list: the editor's suggest feature, answered by the worker
      await page.locator('.monaco-editor .view-line', { hasText: 'BatchParallel' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('X = Ba');
      const t1 = Date.now();
      await page.keyboard.press('Control+Space');
      await page.locator('.monaco-editor .suggest-widget .monaco-list-row').first().waitFor({ timeout: 60_000 });
      suggest.push(Date.now() - t1);
      await ctx.close();
    }
    console.log(`navigation → editor shows the tactics: median ${median(shown)} ms (runs: ${shown.join(', ')})`);
    console.log(`Ctrl+Space → completion list:         median ${median(suggest)} ms (runs: ${suggest.join(', ')})`);
  });
}

runBench(main);
