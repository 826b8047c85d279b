/** Configs the export tests share: a tiny transformer under BP + Megatron + ZeRO-3, small enough to run in a test. */
import type { Config } from '../config';

export const TINY_TRANSFORMER_PARAMS = {
  layers: 2, dModel: 16, heads: 2, dFF: 32, seq: 8, vocab: 32, batch: 8, precision: 'mixed', optimizer: 'adam',
} as const;

export function tinyTransformerConfig(tactics: string): Config {
  return {
    version: 1,
    model: { zoo: 'transformer', params: { ...TINY_TRANSFORMER_PARAMS } },
    mesh: { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] },
    hardware: { preset: 'tpu-v5p' },
    tactics,
    options: { overlap: true },
  };
}

export const BP_MP_Z3 = [
  'BP = BatchParallel(axis="batch")',
  'MP = Megatron(axis="model")',
  'Z3 = ZeRO(stage=3, axis="batch")',
  'schedule = [BP, MP, Z3]',
  '',
].join('\n');
