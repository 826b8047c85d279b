/**
 * `npx tsx bench/shots.ts <outdir>`: screenshots of the explorer on real models (T32, GNS, UNet and an
 * imported StableHLO module) at 1280×720 and 1600×1000, against `vite preview` of the existing `dist/`.
 * For looking at the layout before and after a change; it asserts nothing. Env: SHOTS_PORT (default 4186),
 * SHOTS_ONLY (comma-separated case names, e.g. `t32,imported`).
 */
import { runBench, withPreviewBrowser } from './preview';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import { galleryEntry } from '../src/core/models/gallery';
import type {} from '../src/ui/testHook';

const PORT = Number(process.env.SHOTS_PORT ?? 4186);
const BASE = `http://127.0.0.1:${PORT}`;
const out = process.argv[2] ?? 'shots';

function imported(): Config {
  const index = JSON.parse(readFileSync('public/examples/index.json', 'utf8')) as { file: string; mesh: Config['mesh']; tactics: string }[];
  const ex = index.find((e) => e.file === 'transformer_train_step.mlir')!;
  return {
    version: 1, model: { stablehlo: readFileSync(`public/examples/${ex.file}`, 'utf8') }, mesh: ex.mesh,
    hardware: { preset: 'tpu-v5p', links: Object.fromEntries(ex.mesh.axes.map((a) => [a.name, 'ici'])) }, tactics: ex.tactics, options: { overlap: true },
  } as Config;
}

const CASES: [string, () => Config][] = [
  ['t32', () => galleryEntry('t32-bp-mp-z3')!.config],
  ['gns', () => galleryEntry('gns-es')!.config],
  ['unet', () => galleryEntry('unet-bp-z2')!.config],
  ['imported', imported],
];

async function main() {
  mkdirSync(out, { recursive: true });
  await withPreviewBrowser(PORT, async (browser) => {
    for (const [w, h] of [[1280, 720], [1600, 1000]]) {
      for (const [name, config] of CASES) {
        if (process.env.SHOTS_ONLY && !process.env.SHOTS_ONLY.split(',').includes(name)) continue;
        const page: Page = await browser.newPage({ viewport: { width: w, height: h } });
        await page.goto(`${BASE}/#${encodeConfig(config())}`);
        await page.waitForFunction(() => window.__partir?.state().status === 'ok', undefined, { timeout: 300_000, polling: 100 });
        await page.waitForTimeout(1500);
        const file = `${out}/${name}-${w}x${h}.png`;
        await page.screenshot({ path: file });
        console.log(file);
        await page.close();
      }
    }
  });
}

runBench(main);
