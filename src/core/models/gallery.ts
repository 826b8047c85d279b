/**
 * The gallery: the PartIR paper's evaluation configurations (§7, Tables 2–4, Appendix A.4) under the
 * paper's names — T32 and T48 with BP, MP, Z2, Z3 and EMB, IT32 decoding with BP, MP and MQ, UNet with
 * BP and Z2/Z3, GNS with edge sharding — on the paper's meshes (8x4 TPU for Tables 3/4; 16x2 TPU,
 * 32x4 TPU and 8x2 GPU for Table 2), plus two of its successors (Llama with GQA, a mixture of experts
 * with EP). The tactics are written as the paper's Appendix A.4 writes them (ManualPartition with
 * FIRST_DIVISIBLE_DIM, REPLICATED, UNKNOWN). The UI lists the entries and opens them by URL; the
 * paper scripts simulate them; the tests shrink each one and prove it with the SPMD interpreter.
 */
import type { Config, HardwarePresetId, LinkKind, ModelParams } from '../io/config';
import { PIPELINE_GALLERY } from '../mpmd/gallery';

export interface GalleryEntry {
  readonly id: string;
  readonly title: string;
  readonly config: Config;
}

export interface GalleryModel {
  readonly zoo: string;
  readonly label: string;
  readonly params: ModelParams;
  /**
   * Tactic definitions for this model that replace the generic ones of STRATEGY_DEFS (the paper's
   * T32/T48 tactics name their weights).
   */
  readonly strategies?: Readonly<Record<string, string>>;
}

/**
 * ZeRO on the paper's T32/T48: "Both Z2 and Z3 partition parameter gradients and optimizer states
 * along the batch axis (of embeddings and four-parameter tensors per layer in this experiment)" (§7.3):
 * the embedding and each block's qkv_einsum, attn_vec_einsum, dense_up and dense_down; the block's
 * norm scales and offsets stay replicated.
 */
const ZERO_TENSORS = ['embed/*', 'layer_*/attn/*_einsum', 'layer_*/mlp/dense_*'];
function paperZero(name: string, params: 'REPLICATED' | 'FIRST_DIVISIBLE_DIM'): string {
  const entries = [
    ...ZERO_TENSORS.map((t) => `"params/${t}": ${params}`),
    ...ZERO_TENSORS.map((t) => `"opt_state/*/${t}": FIRST_DIVISIBLE_DIM`),
  ];
  return `${name} = ManualPartition(inputs={\n    ${entries.join(',\n    ')},\n}, axis="batch")`;
}

/** The paper's tactics for T32 / T48 (Appendix A.4; EMB as §7.3 defines it: the embedding's d_model dim). */
const PAPER_TRANSFORMER_STRATEGIES: Readonly<Record<string, string>> = {
  // A.4's _model_sharding callback: qkv_einsum → 1, dense_up → 2, the attention output (and the MLP's
  // down projection) → 0, UNKNOWN for everything else ("let the infer-propagate decide").
  MP: 'MP = ManualPartition(inputs={\n    "params/layer_*/attn/qkv_einsum": 1,\n    "params/layer_*/attn/attn_vec_einsum": 0,\n'
    + '    "params/layer_*/mlp/dense_up": 2,\n    "params/layer_*/mlp/dense_down": 0,\n    "params/**": UNKNOWN,\n}, axis="model")',
  Z2: paperZero('Z2', 'REPLICATED'),
  Z3: paperZero('Z3', 'FIRST_DIVISIBLE_DIM'),
  EMB: 'EMB = ManualPartition(inputs={"params/embed/embeddings": 1}, axis="model")',
};

/** Model params of each gallery model at its paper size (or, where the paper is silent, ours). */
export const GALLERY_MODELS: Readonly<Record<string, GalleryModel>> = {
  t32: { zoo: 't32', label: 'T32', params: {}, strategies: PAPER_TRANSFORMER_STRATEGIES },
  t48: { zoo: 't48', label: 'T48', params: {}, strategies: PAPER_TRANSFORMER_STRATEGIES },
  it32: {
    zoo: 'transformer-decode', label: 'IT32',
    params: { layers: 32, dModel: 4096, heads: 32, dFF: 8192, cacheLen: 2048, vocab: 32000, batch: 64, precision: 'mixed' },
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
    // §7.1: 9 residual blocks down, 12 up, 2 in the middle around one 16-head attention: DDPM's layout
    // with 3 levels of 3 blocks. Resolution, widths and batch are ours (the paper does not give them).
    params: { batch: 512, size: 64, channels: 3, base: 256, levels: 3, resBlocks: 3, heads: 16, groups: 32, timesteps: 1000, precision: 'mixed' },
  },
  gns: {
    zoo: 'gns', label: 'GNS',
    // §7.1: 2048 nodes per graph, 8192–65536 edges (ours: 32768, the middle), 5 MLP layers of 1024,
    // latent 512, 24 steps. The batch (one graph per step), input features and output width are ours:
    // the paper gives none of them.
    params: {
      graphs: 1, nodes: 2048, edges: 32768, nodeIn: 30, edgeIn: 4, latent: 512, hidden: 1024, mlpLayers: 5, steps: 24, out: 1,
      precision: 'fp32',
    },
  },
};

/** The generic tactic definitions the entries combine; each defines one name. */
export const STRATEGY_DEFS: Readonly<Record<string, string>> = {
  BP: 'BP = ManualPartition(inputs={"batch/*": 0}, axis="batch")',
  MP: 'MP = Megatron(axis="model")',
  MPq: 'MPq = GQAMegatron(axis="model")',
  MPkv: 'MPkv = GQAMegatron(axis="model", dim="kv")',
  Z2: 'Z2 = ZeRO(stage=2, axis="batch")',
  Z3: 'Z3 = ZeRO(stage=3, axis="batch")',
  EMB: 'EMB = EmbeddingShard(axis="model", dim="model")',
  MQ: 'MQ = MultiQuery(axis="model", dim="batch")',
  EP: 'EP = ExpertParallel(axis="batch")',
  // The paper's ES shards the edges on the batch axis (A.4).
  ES: 'ES = EdgeShard(axis="batch")',
};

/**
 * The tactic text of a schedule of named strategies, e.g. ['BP', 'MP'] → definitions + `schedule = [BP, MP]`;
 * `overrides` (a model's own definitions) take precedence over STRATEGY_DEFS.
 */
export function strategyText(names: readonly string[], overrides: Readonly<Record<string, string>> = {}): string {
  const defs = names.map((n) => {
    const d = overrides[n] ?? STRATEGY_DEFS[n];
    if (d === undefined) throw new Error(`gallery: no strategy ${n}`);
    return d;
  });
  return `${defs.join('\n')}\nschedule = [${names.join(', ')}]\n`;
}

/** How a strategy is written in titles and the paper tables: MPq, MPkv and MP are all "MP". */
const label = (n: string): string => ({ MPq: 'MP', MPkv: 'MP' } as Record<string, string>)[n] ?? n;
export const strategyLabel = (names: readonly string[]): string => names.map(label).join('+');

/** The paper's meshes (Table 2, Fig. 6 / Table 4), named as the paper names them. */
export interface PaperMesh {
  readonly name: string;
  readonly batch: number;
  readonly model: number;
  readonly preset: HardwarePresetId;
  /** Links per axis; absent: the preset's default for the axis's span. */
  readonly links?: Readonly<Record<string, LinkKind>>;
}
export const PAPER_MESHES: Readonly<Record<string, PaperMesh>> = {
  '8x4 TPU': { name: '8x4 TPU', batch: 8, model: 4, preset: 'tpu-v3', links: { batch: 'ici', model: 'ici' } },
  '16x2 TPU': { name: '16x2 TPU', batch: 16, model: 2, preset: 'tpu-v3', links: { batch: 'ici', model: 'ici' } },
  '32x4 TPU': { name: '32x4 TPU', batch: 32, model: 4, preset: 'tpu-v3', links: { batch: 'ici', model: 'ici' } },
  // The paper (§7, its hardware list) says its A100s "are connected using Nvidia's NVLink, capable of
  // 600GB/s": all 16 on NVLink, so both axes are NVLink, not the default's InfiniBand between two 8-GPU
  // nodes for the batch axis (src/core/mesh/hardware.ts, defaultLink).
  '8x2 GPU': { name: '8x2 GPU', batch: 8, model: 2, preset: 'a100-40gb', links: { batch: 'nvlink', model: 'nvlink' } },
  // The successors (not in the paper) on a 32-chip TPU v4 slice.
  '8x4 TPU v4': { name: '8x4 TPU v4', batch: 8, model: 4, preset: 'tpu-v4', links: { batch: 'ici', model: 'ici' } },
};

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function entry(model: string, strategy: readonly string[], meshName = '8x4 TPU'): GalleryEntry {
  const m = GALLERY_MODELS[model];
  const mesh = PAPER_MESHES[meshName];
  const base = `${model}-${strategy.map((s) => s.toLowerCase()).join('-')}`;
  return {
    id: meshName === '8x4 TPU' || meshName === '8x4 TPU v4' ? base : `${base}-${slug(meshName)}`,
    title: `${m.label} · ${strategyLabel(strategy)} · ${meshName}`,
    config: {
      version: 1,
      model: { zoo: m.zoo, params: { ...m.params } },
      mesh: { axes: [{ name: 'batch', size: mesh.batch }, { name: 'model', size: mesh.model }] },
      hardware: mesh.links ? { preset: mesh.preset, links: { ...mesh.links } } : { preset: mesh.preset },
      tactics: strategyText(strategy, m.strategies),
      options: { overlap: true },
    },
  };
}

export const GALLERY: readonly GalleryEntry[] = [
  // Table 3 / Table 4 (8x4 TPU).
  entry('t32', ['BP']),
  entry('t32', ['BP', 'MP']),
  entry('t32', ['BP', 'MP', 'Z2']),
  entry('t32', ['BP', 'MP', 'Z3']),
  entry('t32', ['BP', 'MP', 'Z3', 'EMB']),
  entry('t32', ['MP']),
  entry('t32', ['EMB']),
  // The paper's EMB row of Tables 3 and 4 read as EMB on top of MP (see src/core/models/paperResults.ts).
  entry('t32', ['MP', 'EMB']),
  // Table 2: BP+MP+Z3+EMB on the paper's three configurations.
  entry('t32', ['BP', 'MP', 'Z3', 'EMB'], '16x2 TPU'),
  entry('t48', ['BP', 'MP', 'Z3', 'EMB'], '32x4 TPU'),
  entry('t32', ['BP', 'MP', 'Z3', 'EMB'], '8x2 GPU'),
  entry('it32', ['BP']),
  entry('it32', ['BP', 'MPq']),
  // The paper's BP+MP+MQ, with MQ scheduled before MP on `model`: MQ tiles the attention's scores on
  // batch and MP the query heads, so whichever runs first decides the attention core, and MP first
  // would tile it on heads and leave MQ's batch tiling to lose the conflict (docs/tactics.md, MultiQuery).
  entry('it32', ['BP', 'MQ', 'MPq']),
  entry('it32', ['MPq']),
  entry('unet', ['BP']),
  entry('unet', ['BP', 'Z2']),
  entry('unet', ['BP', 'Z3']),
  entry('gns', ['ES']),
  // Successors of the paper's models.
  entry('llama', ['BP', 'MPkv'], '8x4 TPU v4'),
  entry('llama', ['BP', 'MPkv', 'Z3'], '8x4 TPU v4'),
  entry('moe', ['BP', 'MP'], '8x4 TPU v4'),
  entry('moe', ['EP', 'BP', 'MP'], '8x4 TPU v4'),
  entry('moe', ['EP', 'BP', 'MP', 'Z2'], '8x4 TPU v4'),
];

/** A gallery entry by id: the paper's, or a pipelined published run (src/core/mpmd/gallery.ts). */
export const galleryEntry = (id: string): GalleryEntry | undefined => GALLERY.find((g) => g.id === id) ?? PIPELINE_GALLERY.find((g) => g.id === id);
