import type { Config } from '../core/io/config';

/** The example the app opens with: embedded, so it works offline and needs no fetch. */
export const DEFAULT_TACTICS = `# Data parallelism on "batch", then Megatron tensor parallelism on "model".
BP = BatchParallel(axis="batch")
MP = Megatron(axis="model")

schedule = [BP, MP]
`;

export const DEFAULT_CONFIG: Config = {
  version: 1,
  model: {
    zoo: 'transformer',
    params: {
      layers: 4,
      dModel: 512,
      heads: 8,
      dFF: 2048,
      seq: 512,
      vocab: 8192,
      batch: 16,
      mode: 'train',
      precision: 'mixed',
      optimizer: 'adam',
      remat: 'none',
    },
  },
  mesh: { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p', links: { batch: 'ici', model: 'ici' } },
  tactics: DEFAULT_TACTICS,
  options: { overlap: true },
};
