/**
 * What the tactic language offers: each tactic with its keyword arguments, their types and docs.
 * The checker validates calls against it and the editor builds completions and hovers from it.
 */
import { FAMILY_TACTIC_SPECS } from './familyPresets';
import { PIPELINE_TACTIC_SPECS } from './pipelineSpecs';
import { AXIS_ARG as AXIS, enumArg, presetSpec } from './specBuilders';
import { lookup } from '../record';

export type ArgType =
  | { kind: 'axis' }
  | { kind: 'axes' }
  | { kind: 'inputs' }
  | { kind: 'int'; oneOf?: readonly number[]; min?: number }
  | { kind: 'ints'; min?: number }
  | { kind: 'enum'; oneOf: readonly string[] }
  | { kind: 'bytes' };

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  readonly required: boolean;
  /** Shown in completions; how the value is written. */
  readonly typeLabel: string;
  readonly doc: string;
  readonly default?: string | number;
}

export interface TacticSpec {
  readonly name: string;
  readonly kind: 'manual' | 'preset' | 'automatic' | 'pipeline';
  readonly description: string;
  readonly args: readonly ArgSpec[];
  /** A ready-to-edit call, for completions and the palette. */
  readonly example: string;
}

export const tacticCatalog: readonly TacticSpec[] = [
  {
    name: 'ManualPartition', kind: 'manual',
    description: 'Tile the values matched by each glob along the given dim over one mesh axis, then propagate.',
    args: [
      { name: 'inputs', type: { kind: 'inputs' }, required: true, typeLabel: '{"glob": dim}', doc: 'Value-path globs (`*` within a segment, `**` across segments, `?` one character) mapped to a dim: an integer (negative counts from the end), LARGEST (the largest dim the axis divides), FIRST_DIVISIBLE_DIM (the first), REPLICATED (keep replicated on this axis) or UNKNOWN (let propagation decide).' },
      AXIS,
    ],
    example: 'ManualPartition(inputs={"batch/*": 0}, axis="batch")',
  },
  presetSpec('BatchParallel', 'Data parallelism: tile dim 0 (the batch) of every batch/* input.', 'BatchParallel(axis="batch")'),
  presetSpec(
    'Megatron', 'Megatron-LM tensor parallelism: attention heads and the MLP hidden dim column- then row-parallel.',
    'Megatron(axis="model")'),
  presetSpec(
    'ZeRO', 'ZeRO: shard optimizer state (stage 1), also gradients (2), also parameters (3) on their largest divisible dim.',
    'ZeRO(stage=3, axis="batch")',
    [
      { name: 'stage', type: { kind: 'int', oneOf: [1, 2, 3] }, required: true, typeLabel: '1 | 2 | 3', doc: '1: opt_state/**; 2: also grads/**; 3: also params/**.' },
      AXIS,
    ]),
  presetSpec(
    'SequenceParallel', 'Sequence parallelism: tile the sequence dim of the residual-stream activations Megatron leaves replicated.',
    'SequenceParallel(axis="model")'),
  presetSpec(
    'EmbeddingShard', 'Shard the embedding (and untied unembedding) table along its d_model dim (the PartIR paper\'s EMB, which shards the activations) or its vocabulary.',
    'EmbeddingShard(axis="model", dim="model")',
    [AXIS, enumArg('dim', ['model', 'vocab'], 'model', 'Which dim of the table to tile: d_model (the paper\'s EMB) or the vocabulary.')]),
  ...FAMILY_TACTIC_SPECS,
  ...PIPELINE_TACTIC_SPECS,
  {
    name: 'AutomaticPartition', kind: 'automatic',
    description: 'Search for tactics over the given axes with the simulator as the cost; earlier tactics stay fixed.',
    args: [
      { name: 'axes', type: { kind: 'axes' }, required: true, typeLabel: '["axis", ...]', doc: 'The mesh axes the search may use.' },
      enumArg('objective', ['time', 'memory'], 'time', 'Minimise step time or peak memory.'),
      { name: 'memory_limit', type: { kind: 'bytes' }, required: false, typeLabel: 'str ("16GiB") or int bytes', doc: 'Per-device memory the result must fit in.' },
      { name: 'budget', type: { kind: 'int', min: 1 }, required: false, typeLabel: 'int', doc: 'How many candidate schedules the search may evaluate.' },
      { name: 'seed', type: { kind: 'int' }, required: false, typeLabel: 'int', doc: 'Random seed of the search.' },
    ],
    example: 'AutomaticPartition(axes=["model"], objective="time")',
  },
];

export const tacticSpec = (name: string): TacticSpec | undefined => tacticCatalog.find((t) => t.name === name);

/** Constants usable as dims in `inputs`. */
export const DIM_CONSTANTS = [
  { name: 'LARGEST', doc: 'The largest dim the axis size divides (ties: the lowest); replicated if none.' },
  { name: 'FIRST_DIVISIBLE_DIM', doc: 'The first dim the axis size divides (the PartIR paper\'s ZeRO tactics); replicated if none.' },
  { name: 'REPLICATED', doc: 'Keep the value replicated on this axis; propagation must not tile it.' },
  { name: 'UNKNOWN', doc: 'No decision for this value: propagation decides (the PartIR paper\'s callbacks return it for non-weights).' },
] as const;

const UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** "16GiB" → bytes; undefined when it is not a size. */
export function parseBytes(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(s);
  if (!m) return undefined;
  const unit = m[2].toLowerCase() || 'b';
  const mult = lookup(UNITS, unit);
  return mult === undefined ? undefined : Math.round(Number(m[1]) * mult);
}
