import type { SourceRange } from '../errors';
import type { DimSpec, ManualTacticAst } from './types';
import { FAMILY_PRESET_NAMES, familyPresetEntries } from './familyPresets';

/**
 * Presets are sugar: each expands to one ManualPartition over zoo-convention paths (see the zoo
 * path conventions). Their globs are generic, so one that matches nothing in the current program is
 * not an error (Megatron on an mlp has no attention weights).
 */

export interface PresetArgs {
  readonly axis: string;
  readonly stage?: number;
  readonly dim?: string;
}

type Entry = readonly [glob: string, dim: DimSpec];

const MEGATRON_TRANSFORMER: readonly Entry[] = [
  // Column-parallel: split the heads of q, k, v and the hidden units of the MLP's first matmul.
  ['params/layer_*/attn/wq', 1], ['params/layer_*/attn/wk', 1], ['params/layer_*/attn/wv', 1],
  ['params/layer_*/attn/bq', 0], ['params/layer_*/attn/bk', 0], ['params/layer_*/attn/bv', 0],
  ['params/layer_*/mlp/w_in', 1], ['params/layer_*/mlp/b_in', 0],
  // Row-parallel: contract over the split dim, so each block ends in one reduction.
  ['params/layer_*/attn/wo', 0], ['params/layer_*/mlp/w_out', 0],
  // The paper's T32/T48 (Appendix A.4's callback): qkv_einsum [3, heads, d, dh] on its heads,
  // dense_up [2, d, dFF] on its hidden units; attn_vec_einsum [heads, dh, d] and dense_down [dFF, d]
  // row-parallel.
  ['params/layer_*/attn/qkv_einsum', 1], ['params/layer_*/mlp/dense_up', 2],
  ['params/layer_*/attn/attn_vec_einsum', 0], ['params/layer_*/mlp/dense_down', 0],
];

/**
 * The mlp zoo entry alternates dModel→dHidden→dModel, so Megatron pairs layers: even layers
 * column-parallel (w dim 1, and b with it), odd layers row-parallel (w dim 0).
 */
function megatronMlp(paths: readonly string[]): Entry[] {
  const layers = new Set<number>();
  for (const p of paths) {
    const m = /^params\/layer_(\d+)\/w$/.exec(p);
    if (m) layers.add(Number(m[1]));
  }
  const out: Entry[] = [];
  for (const i of [...layers].sort((a, b) => a - b)) {
    if (i % 2 === 0) out.push([`params/layer_${i}/w`, 1], [`params/layer_${i}/b`, 0]);
    else out.push([`params/layer_${i}/w`, 0]);
  }
  return out;
}

function presetEntries(preset: PresetName, args: PresetArgs, paths: readonly string[]): readonly Entry[] {
  switch (preset) {
    case 'BatchParallel':
      return [['batch/*', 0]];
    case 'Megatron':
      return [...MEGATRON_TRANSFORMER, ...megatronMlp(paths)];
    case 'ZeRO': {
      const stage = args.stage ?? 1;
      const out: Entry[] = [['opt_state/**', 'LARGEST']];
      if (stage >= 2) out.push(['grads/**', 'LARGEST']);
      if (stage >= 3) out.push(['params/**', 'LARGEST']);
      return out;
    }
    case 'SequenceParallel':
      return [['layer_*/x', 1], ['layer_*/ln1/out', 1], ['layer_*/ln2/out', 1]];
    case 'EmbeddingShard':
      // d_model by default, as the paper's EMB; the vocabulary variant on request.
      return args.dim === 'vocab'
        ? [['params/embed/tokens', 0], ['params/embed/embeddings', 0], ['params/unembed', 1]]
        : [['params/embed/tokens', 1], ['params/embed/embeddings', 1], ['params/unembed', 0]];
    default:
      // `preset` is a FamilyPresetName here, and familyPresetEntries is total over those.
      return familyPresetEntries(preset, args);
  }
}

export const PRESET_NAMES = ['BatchParallel', 'Megatron', 'ZeRO', 'SequenceParallel', 'EmbeddingShard', ...FAMILY_PRESET_NAMES] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const isPreset = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);

/**
 * Expands a preset call into manual tactics (one per axis; every current preset uses one axis).
 * `paths` are the program's value names, for presets whose shape depends on the model;
 * `callText` (`Megatron(axis="model")`) is kept as the AST's `preset`.
 */
export function expandPreset(
  name: string, preset: string, args: PresetArgs, paths: readonly string[], range: SourceRange, callText: string,
): ManualTacticAst[] {
  // A catalog entry without an expansion is a bug here, not a user error: fail loudly rather than
  // silently apply an empty tactic.
  if (!isPreset(preset)) throw new Error(`"${preset}" is listed as a preset but has no expansion in tactics/presets.ts`);
  const inputs = presetEntries(preset, args, paths).map(([glob, dim]) => ({ glob, dim, range }));
  const ast: ManualTacticAst = { kind: 'manual', name, axis: args.axis, inputs, range, preset: callText };
  // Sequence parallelism tiles the element-wise regions Megatron leaves whole; where the two tilings
  // meet (the column- and row-parallel matmuls) the lowering gathers and scatters: not a conflict.
  return [preset === 'SequenceParallel' ? { ...ast, reshardsAtMeetings: true } : ast];
}
