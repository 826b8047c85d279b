/** The stages panel lists, per pipeline stage, the values crossing its boundary. */
import { test, expect } from '@playwright/test';
import type { Config } from '../src/core/io/config';
import { encodeConfig } from '../src/core/io/url';
import { waitUpToDate, watch } from './helpers';

const CONFIG: Config = {
  version: 1,
  model: { zoo: 'transformer', params: { layers: 4, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 256, batch: 8 } },
  mesh: { axes: [{ name: 'pp', size: 2 }, { name: 'tp', size: 2 }] },
  hardware: { preset: 'a100-80gb' },
  tactics: 'MP = Megatron(axis="tp")\nSP = SequenceParallel(axis="tp")\nPP = Pipeline(axis="pp", schedule="1F1B", microbatches=4)\nschedule = [MP, SP, PP]\n',
  options: { overlap: true },
};

test('stage boundaries: what each pipeline stage sends and receives, with SP after Megatron free of conflicts', async ({ page }) => {
  const w = watch(page);
  await page.goto(`/#${encodeConfig(CONFIG)}`);
  await waitUpToDate(page);
  // SequenceParallel after Megatron: no conflicts on either tactic
  await expect(page.getByTestId('stage-1').locator('td').nth(5)).toHaveAttribute('data-value', '0');
  const boundaries = page.getByTestId('stage-boundaries');
  await expect(boundaries).toBeVisible();
  // 2 stages: the first sends the activation and receives its gradient, the second the reverse
  await expect(page.getByTestId('stage-boundary-0')).toHaveAttribute('data-count', '2');
  await page.getByTestId('stage-boundary-0').locator('summary').click();
  const values = page.getByTestId('stage-boundary-0').getByTestId('stage-boundary-value');
  await expect(values).toHaveCount(2);
  // the layer input crosses as the device's sequence slice: [2 sequences, 16 of 32 positions, 64]
  await expect(values.first()).toContainText('→ 1 F layer_2/x');
  await expect(values.first()).toContainText('[2, 16, 64]');
  w.check();
});
