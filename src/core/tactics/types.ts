import type { SourceRange } from '../errors';
import type { ValueId } from '../ir/types';
import type { PipelineScheduleKind } from '../mpmd/types';

/**
 * A dim as written in a tactic: an integer (negative counts from the end), LARGEST,
 * FIRST_DIVISIBLE_DIM, REPLICATED, or UNKNOWN (no seed: propagation decides; the paper's spelling
 * for the values a callback leaves alone).
 */
export type DimSpec = number | 'LARGEST' | 'FIRST_DIVISIBLE_DIM' | 'REPLICATED' | 'UNKNOWN';

/** The dim keywords that the partitioner re-picks against the propagated shardings. */
export type DimPick = 'largest' | 'first';

/** `NAME = ManualPartition(inputs={"glob": dim, ...}, axis="a")`, or a preset expanded to it. */
export interface ManualTacticAst {
  readonly kind: 'manual';
  readonly name: string;
  readonly axis: string;
  readonly inputs: readonly {
    glob: string;
    dim: DimSpec;
    /** The whole `"glob": dim` entry (the preset call for a preset). */
    range: SourceRange;
    /** The glob string literal, quotes included, when written by the user. */
    globRange?: SourceRange;
    /** The dim expression, when written by the user. */
    dimRange?: SourceRange;
  }[];
  readonly range: SourceRange;
  /** The preset this came from (`Megatron(axis="model")`), if any. */
  readonly preset?: string;
  /** See `ResolvedTactic.reshardsAtMeetings`. */
  readonly reshardsAtMeetings?: boolean;
}

export interface AutomaticTacticAst {
  readonly kind: 'automatic';
  readonly name: string;
  readonly axes: readonly string[];
  readonly objective: 'time' | 'memory';
  readonly memoryLimit?: number;
  readonly budget?: number;
  readonly seed?: number;
  readonly range: SourceRange;
  /** The `axes=[...]` strings' ranges, aligned with `axes`. */
  readonly axisRanges?: readonly SourceRange[];
}

/**
 * `Pipeline(axis=, schedule=, microbatches=, virtual=, layers_per_stage=)` or `Microbatch(count=)`: not a
 * sharding of values but a split of the step over the pipeline axis and over micro-batches (src/core/mpmd).
 */
export interface PipelineTacticAst {
  readonly kind: 'pipeline';
  readonly name: string;
  /** The pipeline axis; undefined for Microbatch. */
  readonly axis?: string;
  readonly schedule?: PipelineScheduleKind;
  readonly microbatches: number;
  readonly virtual: number;
  readonly layersPerStage?: readonly number[];
  readonly range: SourceRange;
  /** Ranges of the arguments the resolver checks against the program and the schedule. */
  readonly argRanges: ReadonlyMap<string, SourceRange>;
}

export type TacticAst = ManualTacticAst | AutomaticTacticAst | PipelineTacticAst;

/**
 * A manual tactic resolved against a program and a mesh: globs matched to values, dims made
 * concrete and checked (in range, divisible by the axis size). This is what the partitioner takes.
 */
export interface ResolvedTactic {
  readonly name: string;
  readonly axis: string;
  /**
   * `pick`: the dim came from LARGEST (`largest`) or FIRST_DIVISIBLE_DIM (`first`); the partitioner
   * re-picks it against what propagation has reached by then (the resolver only knows earlier seeds),
   * so ZeRO shards a parameter and its moments alike.
   */
  readonly seeds: readonly { value: ValueId; dim: number | 'replicated'; range: SourceRange; pick?: DimPick }[];
  readonly range: SourceRange;
  /**
   * Where this tactic's tiling meets an earlier tactic's different tiling of the same axis at an op,
   * propagation stops there without a conflict and the lowering reshards between the two (sequence
   * parallelism: all-gather into Megatron's region, reduce-scatter out of it). See docs/pipelines.md.
   */
  readonly reshardsAtMeetings?: boolean;
}
