/**
 * Presets for the paper's model families (the zoo's llama, transformer-decode, moe and gns entries),
 * sugar over ManualPartition like the classic presets in presets.ts, which hands over to
 * `familyPresetEntries` for the names listed here. Globs follow the zoo path conventions; a glob that
 * matches nothing in the current program is not an error (ExpertParallel on a dense model is a no-op).
 */
import type { TacticSpec } from './catalog';
import { AXIS_ARG, enumArg, presetSpec } from './specBuilders';
import type { DimSpec } from './types';

type Entry = readonly [glob: string, dim: DimSpec];

export const FAMILY_PRESET_NAMES = ['GQAMegatron', 'MultiQuery', 'ExpertParallel', 'EdgeShard', 'NodeShard'] as const;
export type FamilyPresetName = (typeof FAMILY_PRESET_NAMES)[number];

export const isFamilyPreset = (name: string): name is FamilyPresetName => (FAMILY_PRESET_NAMES as readonly string[]).includes(name);

/**
 * Megatron for grouped- and multi-query attention: the query heads (wq, bq, wo) and the MLP hidden
 * dim, column- then row-parallel, for both the GELU (w_in/w_out) and SwiGLU (w_gate, w_up / w_down)
 * forms. The key/value projections have kvHeads ≤ heads heads: with `dim="kv"` their heads are
 * tiled too (the axis must divide kvHeads); by default (`dim="query"`) they are left to propagation,
 * which tiles their outputs' heads through the attention op's [kvHeads, group] head factor where the
 * axis divides kvHeads; their gradients then come out tiled, and the weights follow their gradients.
 * Where kvHeads is 1 or not divisible they stay whole.
 */
const MEGATRON_GQA: readonly Entry[] = [
  ['params/layer_*/attn/wq', 1], ['params/layer_*/attn/bq', 0], ['params/layer_*/attn/wo', 0],
  ['params/layer_*/mlp/w_in', 1], ['params/layer_*/mlp/b_in', 0], ['params/layer_*/mlp/w_out', 0],
  ['params/layer_*/mlp/w_gate', 1], ['params/layer_*/mlp/w_up', 1], ['params/layer_*/mlp/w_down', 0],
];
const KV_HEADS: readonly Entry[] = [
  ['params/layer_*/attn/wk', 1], ['params/layer_*/attn/wv', 1], ['params/layer_*/attn/bk', 0], ['params/layer_*/attn/bv', 0],
];

/** The query heads: column-parallel wq/bq, row-parallel wo (Megatron's attention half). */
const QUERY_HEADS: readonly Entry[] = [['params/layer_*/attn/wq', 1], ['params/layer_*/attn/bq', 0], ['params/layer_*/attn/wo', 0]];

/**
 * Multi-query decoding after Pope et al. (docs/tactics.md, MultiQuery). `dim="heads"`: the query
 * heads only; the single key/value head and the cache stay whole. `dim="batch"`: the query heads as
 * well, and the KV cache, the attention over it (scores) and the updated cache on their batch dim.
 * The queries come out of wq tiled on heads and the scores are tiled on batch: the scores' matmul
 * moves the (small) queries from heads to batch with an all-to-all, and the wo matmul, which keeps
 * wo tiled on heads, moves the context back the same way before its all-reduce. The new token's
 * key and value are pinned replicated: one head, computed whole from the replicated normalised
 * activations and written into each device's batch slice of the cache, so the cache's batch tile
 * does not propagate back into them and from there into the residual stream.
 */
function multiQuery(dim: string | undefined): Entry[] {
  if (dim === 'heads') return [...QUERY_HEADS];
  return [
    ['layer_*/attn/q', 2], ['layer_*/attn/proj', 'REPLICATED'],
    ['batch/kv_cache/**', 0], ['layer_*/attn/cache_k', 0], ['layer_*/attn/cache_v', 0], ['layer_*/attn/scores', 0],
    ['layer_*/attn/k', 'REPLICATED'], ['layer_*/attn/v', 'REPLICATED'],
  ];
}

/**
 * Expert parallelism after GShard: the expert weights and the expert-major activations
 * ([E, G, C, d]) tiled on the expert dim, the group-major ones around them ([G, E, C, d]) on the
 * group dim. Both sides are seeded by this one tactic, so its propagation stops at the two
 * transposes between them (reported as conflicts there) and the lowering moves the tokens with an
 * all-to-all each way. Schedule it before BatchParallel on the same axis: BatchParallel would
 * otherwise reach the expert-major values first and keep the experts' weights gathered.
 */
const EXPERT_PARALLEL: readonly Entry[] = [
  ['params/layer_*/moe/w_in', 0], ['params/layer_*/moe/w_out', 0],
  ['layer_*/moe/expert_in', 0], ['layer_*/moe/expert_out', 0],
  ['layer_*/moe/dispatched', 0], ['layer_*/moe/returned', 0],
];

/** The edge dim of the edge lists and edge features (graph networks). */
const EDGE_SHARD: readonly Entry[] = [['batch/senders', 0], ['batch/receivers', 0], ['batch/edges', 0]];

/** The node dim of the node features and of the node-to-graph index (graph networks). */
const NODE_SHARD: readonly Entry[] = [['batch/nodes', 0], ['batch/node_graph', 0]];

/** The entries of a family preset, or undefined when `preset` is not one. */
export function familyPresetEntries(preset: FamilyPresetName, args: { readonly dim?: string }): readonly Entry[];
export function familyPresetEntries(preset: string, args: { readonly dim?: string }): readonly Entry[] | undefined;
export function familyPresetEntries(preset: string, args: { readonly dim?: string }): readonly Entry[] | undefined {
  if (!isFamilyPreset(preset)) return undefined;
  switch (preset) {
    case 'GQAMegatron': return args.dim === 'kv' ? [...MEGATRON_GQA, ...KV_HEADS] : MEGATRON_GQA;
    case 'MultiQuery': return multiQuery(args.dim);
    case 'ExpertParallel': return EXPERT_PARALLEL;
    case 'EdgeShard': return EDGE_SHARD;
    case 'NodeShard': return NODE_SHARD;
    default: {
      // a name added to FAMILY_PRESET_NAMES without an expansion fails to compile here
      const unhandled: never = preset;
      return unhandled;
    }
  }
}

/** Catalog entries (arguments, docs, examples) of the family presets, for the checker and the editor. */
export const FAMILY_TACTIC_SPECS: readonly TacticSpec[] = [
  presetSpec(
    'GQAMegatron',
    'Megatron for grouped-/multi-query attention (llama, transformer-decode): query heads and the MLP hidden dim (GELU or SwiGLU); dim="kv" also tiles the key/value heads.',
    'GQAMegatron(axis="model", dim="kv")',
    [AXIS_ARG, enumArg('dim', ['query', 'kv'], 'query', 'query: tile the query heads only (key/value weights stay whole); kv: also the key/value heads (the axis must divide kvHeads).')]),
  presetSpec(
    'MultiQuery',
    'Multi-query decoding after Pope et al. (transformer-decode): the queries on heads and the KV cache and attention scores on batch (all-to-alls between them), or the query heads only. Schedule it before Megatron/GQAMegatron on the same axis.',
    'MultiQuery(axis="model", dim="batch")',
    [AXIS_ARG, enumArg('dim', ['batch', 'heads'], 'batch', 'batch: layer_*/attn/q on heads, batch/kv_cache/**, the updated caches and layer_*/attn/scores on batch, the new key/value and layer_*/attn/proj pinned replicated; heads: the query heads of wq, bq and wo.')]),
  presetSpec(
    'ExpertParallel',
    'Expert parallelism (moe): tile the expert weights and expert-major activations on the expert dim and the group-major ones on the group dim; tokens reach their experts by all-to-all. Schedule it before BatchParallel on the same axis.',
    'ExpertParallel(axis="batch")'),
  presetSpec(
    'EdgeShard',
    'Graph networks (gns): tile the edge dim of batch/senders, batch/receivers and batch/edges; messages are scatter-added into partial node sums.',
    'EdgeShard(axis="model")'),
  presetSpec('NodeShard', 'Graph networks (gns): tile the node dim of batch/nodes and batch/node_graph.', 'NodeShard(axis="batch")'),
];
