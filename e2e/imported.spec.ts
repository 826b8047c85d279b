/**
 * An imported JAX module with every kind of sdy annotation: the explorer shows, for a value, the
 * annotation that set it and what JAX would shard it as.
 */
import { test, expect } from '@playwright/test';
import { encodeConfig } from '../src/core/io/url';
import { TINY, waitUpToDate, watch } from './helpers';

test('the annotated MLP example: a value shows its annotation and what JAX would shard it as', async ({ page }) => {
  const w = watch(page);
  await page.goto(`/#${encodeConfig(TINY)}`);
  await waitUpToDate(page);
  await page.getByTestId('model-picker').selectOption('stablehlo:import');
  await page.getByTestId('module-example-sharded_mlp_annotations.mlir').click();
  await expect(page.getByTestId('model-picker').locator('option:checked')).toHaveText(/^StableHLO: @/);
  await waitUpToDate(page);
  expect(await page.evaluate(() => window.__partir!.state().doc.mesh.axes)).toEqual([{ name: 'data', size: 2 }, { name: 'model', size: 2 }]);
  // x, the first argument: annotated [{"data"}, {?}], which JAX closes to [{"data"}, {}]
  const x = page.locator('[data-testid^="graph-node-in:"]').first();
  await x.click();
  await expect(page.getByTestId('node-jax')).toContainText('JAX would shard this value as #sdy.sharding<@mesh, [{"data"}, {}]>');
  await expect(page.getByTestId('node-annotation')).toContainText('argument sharding');
  w.check();
});
