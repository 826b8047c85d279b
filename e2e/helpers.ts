/** Shared helpers of the end-to-end specs: watchers for console errors and external requests, screenshots, figures. */
import { copyFileSync, mkdirSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import type { Config } from '../src/core/io/config';

/** Every page must stay on localhost and log no errors. */
export function watch(page: Page) {
  const external: string[] = [];
  const problems: string[] = [];
  page.context().on('request', (r) => {
    if (!/^(http:\/\/127\.0\.0\.1:|blob:|data:)/.test(r.url())) external.push(r.url());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`requestfailed: ${r.url()}`);
  });
  return {
    external,
    problems,
    check() {
      expect(external, 'requests beyond localhost').toEqual([]);
      expect(problems, 'console errors').toEqual([]);
    },
  };
}

/** A full-page screenshot as a test artifact, with a copy under artifacts/. */
export async function shot(page: Page, name: string) {
  const path = test.info().outputPath(name);
  await page.screenshot({ path, fullPage: true });
  mkdirSync('artifacts', { recursive: true });
  copyFileSync(path, `artifacts/${name}`);
}

export const num = async (page: Page, testId: string) => Number(await page.getByTestId(testId).getAttribute('data-value'));

export async function waitUpToDate(page: Page, timeout = 60_000) {
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'ok', { timeout });
}

/** The headline figures of the summary strip (raw values). */
export async function figures(page: Page) {
  return {
    step: await num(page, 'step-time'),
    peak: await num(page, 'peak-memory'),
    mfu: await num(page, 'mfu'),
    communication: await num(page, 'communication'),
  };
}

/** A 2-layer transformer small enough that the pipeline runs in about a second even on a loaded machine. */
export const TINY: Config = {
  version: 1,
  model: { zoo: 'transformer', params: { layers: 2, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 256, batch: 8 } },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p', links: { batch: 'ici', model: 'ici' } },
  tactics: 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n',
  options: { overlap: true },
};
