/** The worker → UI DTOs of the graph view, and the layout's box sizes. */
import type { CollectiveName } from '../../core/report';
import type { PartitionResult } from '../../core/partition/types';
import type { SpmdProgram } from '../../core/spmd/types';
import type { PipelineStageMap } from './pipelineStages';


/** How one mesh axis acts on a node's (first) result; for a collapsed group, the most common non-replicated state. */
export interface AxisMark {
  readonly axis: string;
  readonly state: 'tiled' | 'partial' | 'replicated';
  readonly dim?: number;
  /** Groups only: share of the group's values that are not replicated on this axis (0..1). */
  readonly fraction?: number;
}

/** Collectives of one kind over the same axes, attached to the edge or node where they occur. */
export interface CollectiveMark {
  readonly kind: CollectiveName;
  readonly axes: readonly string[];
  /** Sum over the collectives aggregated here of the full operand per device group (as in nccl-tests). */
  readonly bytes: number;
  readonly count: number;
}

export interface LayoutNode {
  /** `op:<opId>`, `in:<valueId>` or `g:<scope>`. */
  readonly id: string;
  readonly kind: 'op' | 'input' | 'group';
  readonly label: string;
  /** Ops and inputs: the sharded type of the result, e.g. `bf16[8@batch, 2048, 4096@model]`. */
  readonly sublabel: string;
  /** Absolute position of the top-left corner and size, in layout units (px at zoom 1). */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Id of the enclosing (expanded) group node, or null at the top. */
  readonly parent: string | null;
  readonly depth: number;
  readonly scope: string;
  readonly opId?: number;
  readonly valueId?: number;
  readonly opKind?: string;
  readonly phase?: string;
  /** Groups: whether expanded (children drawn inside) and how many ops / inputs it holds in all. */
  readonly expanded?: boolean;
  readonly opCount?: number;
  readonly inputCount?: number;
  readonly axes: readonly AxisMark[];
  readonly collectives: readonly CollectiveMark[];
  /**
   * Set when `highlightValues` was given: the leaf's value is one of them, or (collapsed groups) how
   * many of them the group hides, so a difference inside a closed layer still shows.
   */
  readonly highlighted?: number;
  /** Groups folding a run of look-alike siblings (`layer_0…layer_31`): how many they fold. */
  readonly folded?: number;
  /** Ops: the scalar constants and splats they use, not drawn as nodes (`0.5 · f32[]`). */
  readonly constants?: readonly string[];
  /**
   * Pipelined steps: the pipeline stages that run this op or hold this input, or (groups) the stages of
   * everything inside, ascending; empty when every stage computes its own copy.
   */
  readonly pipelineStages?: readonly number[];
}

export interface LayoutEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Start (bottom of source) and end (top of target), absolute. */
  readonly points: readonly (readonly [number, number])[];
  /** The sharded type of the value when the edge carries one, else `N tensors`. */
  readonly label: string;
  readonly values: number;
  /** Global (unsharded) bytes of the distinct values carried. */
  readonly bytes: number;
  /** The target comes before the source in program order (drawn upwards, e.g. backward pass). */
  readonly back: boolean;
  readonly collectives: readonly CollectiveMark[];
}

export interface GraphLayout {
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  readonly width: number;
  readonly height: number;
  /** Mesh axes in mesh order (empty without a partition). */
  readonly meshAxes: readonly { name: string; size: number }[];
  readonly stages: number;
  /** The stage shown: -1 = before any tactic, stages-1 = final. */
  readonly stage: number;
  /** Whether collectives are shown (they belong to the final partitioning only). */
  readonly showsCollectives: boolean;
  readonly expanded: readonly string[];
  /** Pipelined steps: the pipeline axis and its size (the stage count); nodes carry `pipelineStages`. */
  readonly pipeline?: { readonly axis: string; readonly stages: number };
  readonly millis: number;
}

export interface LayoutOptions {
  /** Scopes of expanded groups (`layer_3`, `layer_3/attn`); a group shows only if its ancestors are expanded too. */
  readonly expanded: readonly string[];
  /** Stage index into partition.stages; -1 = before any tactic; undefined = final shardings. */
  readonly stage?: number;
  readonly partition?: PartitionResult;
  readonly spmd?: SpmdProgram;
  /** Value ids to mark (e.g. whose sharding differs between two configs in the compare view). */
  readonly highlightValues?: readonly number[];
  /** Pipelined steps: the stage of every op and input (pipelineStages.ts). */
  readonly pipeline?: PipelineStageMap;
}


// ---------------------------------------------------------------- sizes (layout units: px at zoom 1)

export const NODE_W = 210;
export const NODE_H = 36;
export const GROUP_W = 180;
export const GROUP_H = 46;
export const GROUP_HEADER = 26;
export const GROUP_PAD = 12;
