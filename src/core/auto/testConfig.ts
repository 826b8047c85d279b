/** Configs the search tests share: a transformer step on a batch × model mesh of TPU v5p. */
import type { Config } from '../io/config';

export function transformerConfig(params: Record<string, number | string | boolean>, tactics: string, [batch, model]: [number, number]): Config {
  return {
    version: 1,
    model: { zoo: 'transformer', params },
    mesh: { axes: [{ name: 'batch', size: batch }, { name: 'model', size: model }] },
    hardware: { preset: 'tpu-v5p' },
    tactics,
    options: { overlap: true },
  };
}

export const lines = (...xs: string[]): string => xs.join('\n');
export const BP = 'BP = BatchParallel(axis="batch")';
export const MP = 'MP = Megatron(axis="model")';
export const Z3 = 'Z3 = ZeRO(stage=3, axis="batch")';
