/**
 * The gallery: every (model family, strategy) pair of the paper's evaluation (PartIR §7: T32 and
 * T48 with BP, MP, Z2, Z3 and EMB; IT32 decoding with BP+MP+MQ; UNet with BP+Z2/Z3; GNS with BP and
 * edge sharding) and of its successors (Llama with GQA, a mixture of experts with EP), as ready
 * Configs at paper-like sizes on a 32-chip TPU v4 slice. The UI lists them and opens them by URL; the
 * paper-table script simulates them; the tests shrink each one and prove it with the SPMD interpreter.
 */
import type { Config, ModelParams } from '../io/config';
import { PIPELINE_GALLERY } from '../mpmd/gallery';

export interface GalleryEntry {
  readonly id: string;
  readonly title: string;
  readonly config: Config;
}

/** Model params of each gallery model at its paper-like size. */
export const GALLERY_MODELS: Readonly<Record<string, { zoo: string; label: string; params: ModelParams }>> = {
  t32: { zoo: 't32', label: 'T32', params: { batch: 64 } },
  t48: { zoo: 't48', label: 'T48', params: { batch: 64 } },
  it32: {
    zoo: 'transformer-decode', label: 'IT32',
    params: { layers: 32, dModel: 4096, heads: 32, dFF: 16384, cacheLen: 2048, vocab: 32000, batch: 64, precision: 'mixed' },
  },
  llama: {
    zoo: 'llama', label: 'Llama-7B (GQA)',
    params: { layers: 32, dModel: 4096, heads: 32, kvHeads: 8, dFF: 11008, seq: 2048, vocab: 32000, batch: 64, precision: 'mixed', remat: 'full' },
  },
  moe: {
    zoo: 'moe', label: 'MoE (16 × 8 experts)',
    params: { layers: 16, dModel: 2048, heads: 16, dFF: 8192, experts: 8, topK: 2, capacityFactor: 1.25, groupSize: 512, seq: 2048, vocab: 32000, batch: 64, precision: 'mixed', remat: 'full' },
  },
  unet: {
    zoo: 'unet', label: 'UNet',
    params: { batch: 512, size: 64, channels: 3, base: 256, levels: 4, groups: 32, timesteps: 1000, precision: 'mixed' },
  },
  gns: {
    zoo: 'gns', label: 'GNS',
    params: { nodes: 65536, edges: 1048576, nodeIn: 30, edgeIn: 4, latent: 128, steps: 10, out: 3, precision: 'fp32' },
  },
};

/** The tactic definitions the entries combine; each line defines one name. */
export const STRATEGY_DEFS: Readonly<Record<string, string>> = {
  BP: 'BP = BatchParallel(axis="batch")',
  BPm: 'BPm = BatchParallel(axis="model")',
  MP: 'MP = Megatron(axis="model")',
  MPq: 'MPq = GQAMegatron(axis="model")',
  MPkv: 'MPkv = GQAMegatron(axis="model", dim="kv")',
  Z2: 'Z2 = ZeRO(stage=2, axis="batch")',
  Z3: 'Z3 = ZeRO(stage=3, axis="batch")',
  EMB: 'EMB = EmbeddingShard(axis="model", dim="vocab")',
  MQ: 'MQ = MultiQuery(axis="model", dim="batch")',
  EP: 'EP = ExpertParallel(axis="batch")',
  ES: 'ES = EdgeShard(axis="model")',
};

/** The tactic text of a schedule of named strategies, e.g. ['BP', 'MP'] → definitions + `schedule = [BP, MP]`. */
export function strategyText(names: readonly string[]): string {
  const defs = names.map((n) => {
    const d = STRATEGY_DEFS[n];
    if (d === undefined) throw new Error(`gallery: no strategy ${n}`);
    return d;
  });
  return `${defs.join('\n')}\nschedule = [${names.join(', ')}]\n`;
}

/** How a strategy is written in titles and the paper table: MPq, MPkv and MP are all "MP". */
const label = (n: string): string => ({ MPq: 'MP', MPkv: 'MP', BPm: 'BP(model)' } as Record<string, string>)[n] ?? n;
export const strategyLabel = (names: readonly string[]): string => names.map(label).join('+');

const MESH = { axes: [{ name: 'batch', size: 8 }, { name: 'model', size: 4 }] };

function entry(model: string, strategy: readonly string[]): GalleryEntry {
  const m = GALLERY_MODELS[model];
  return {
    id: `${model}-${strategy.map((s) => s.toLowerCase()).join('-')}`,
    title: `${m.label} · ${strategyLabel(strategy)}`,
    config: {
      version: 1,
      model: { zoo: m.zoo, params: { ...m.params } },
      mesh: { axes: MESH.axes.map((a) => ({ ...a })) },
      hardware: { preset: 'tpu-v4', links: { batch: 'ici', model: 'ici' } },
      tactics: strategyText(strategy),
      options: { overlap: true },
    },
  };
}

export const GALLERY: readonly GalleryEntry[] = [
  entry('t32', ['BP']),
  entry('t32', ['BP', 'MP']),
  entry('t32', ['BP', 'MP', 'Z2']),
  entry('t32', ['BP', 'MP', 'Z3']),
  entry('t32', ['BP', 'MP', 'Z3', 'EMB']),
  entry('t48', ['BP', 'MP']),
  entry('t48', ['BP', 'MP', 'Z2']),
  entry('t48', ['BP', 'MP', 'Z3']),
  entry('t48', ['BP', 'MP', 'Z3', 'EMB']),
  entry('it32', ['BP', 'MPq']),
  entry('it32', ['BP', 'MPq', 'MQ']),
  entry('llama', ['BP', 'MPkv']),
  entry('llama', ['BP', 'MPkv', 'Z3']),
  entry('moe', ['BP', 'MP']),
  entry('moe', ['EP', 'BP', 'MP']),
  entry('moe', ['EP', 'BP', 'MP', 'Z2']),
  // The UNet is data-parallel over the whole slice (the batch dim tiled on both axes).
  entry('unet', ['BP', 'BPm']),
  entry('unet', ['BP', 'BPm', 'Z2']),
  entry('unet', ['BP', 'BPm', 'Z3']),
  // A batch of graphs is one big graph: BP tiles its nodes and edges, ES splits the edges further.
  entry('gns', ['BP']),
  entry('gns', ['BP', 'ES']),
  entry('gns', ['BP', 'ES', 'Z3']),
];

/** A gallery entry by id: the paper's, or a pipelined published run (src/core/mpmd/gallery.ts). */
export const galleryEntry = (id: string): GalleryEntry | undefined => GALLERY.find((g) => g.id === id) ?? PIPELINE_GALLERY.find((g) => g.id === id);
