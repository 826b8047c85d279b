/** Folds respect the sharding (issue 16): look-alike layers fold only when sharded alike; a differing layer stands out. */
import { test, expect } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import { shot, TINY, waitUpToDate, watch } from './helpers';

const EIGHT: Config = { ...TINY, model: { zoo: 'transformer', params: { layers: 8, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 256, batch: 8 } } };

test('layers sharded alike fold; a layer sharded differently breaks the fold and stands out', async ({ page }) => {
  const w = watch(page);
  await page.goto(`/#${encodeConfig(EIGHT)}`);
  await waitUpToDate(page);
  await expect(page.getByTestId('graph-node-g:layer_0…layer_7')).toContainText('×8');
  // Megatron on layer 5's MLP only
  await page.evaluate(() => window.__partir!.setTactics('BP = BatchParallel(axis="batch")\nM5 = ManualPartition(inputs={"params/layer_5/mlp/w_in": 1, "params/layer_5/mlp/w_out": 0}, axis="model")\nschedule = [BP, M5]\n'));
  await expect(page.getByTestId('graph-node-g:layer_5')).toBeVisible({ timeout: 30_000 });
  await waitUpToDate(page);
  await expect(page.getByTestId('graph-node-g:layer_0…layer_4')).toContainText('×5');
  await expect(page.getByTestId('graph-node-g:layer_0…layer_7')).toHaveCount(0);
  await expect(page.getByTestId('graph-node-g:layer_6')).toBeVisible();
  await shot(page, 'fold-by-sharding.png');
  w.check();
});
