import type { SourceRange } from '../errors';
import type { Mesh } from '../mesh/mesh';
import type { OpId, Program, ValueId } from '../ir/types';

/**
 * The sharding of one value over the mesh (Shardy-like): for each tensor dim, the mesh axes that
 * tile it, major → minor (the order tactics introduced them); the axes over which the value is
 * partial (each device holds a summand). Axes mentioned nowhere are replicated.
 */
export interface Sharding {
  readonly dims: readonly (readonly string[])[];
  readonly partial: readonly string[];
  /**
   * How the partial pieces combine: absent for a sum, `max` for the pieces of a max-reduction over a
   * tiled dim (softmax's max over a vocabulary-sharded logits), combined by a max all-reduce.
   */
  readonly reducer?: 'max';
}

/** How one mesh axis acts on one value. */
export type AxisState = { kind: 'tiled'; dim: number } | { kind: 'partial' } | { kind: 'replicated' };

/**
 * Factor types, as in Shardy's OpShardingRule:
 * - pass: the factor appears in operands and results; no communication when all agree;
 * - reduction: appears in operands only (dot contraction, reduce dims); sharding it makes the result partial;
 * - need_replication: must be unsharded to compute (concatenate dim, dynamic_slice dims…);
 * - permutation: sharding it needs data movement (slice/pad dims).
 */
export type FactorType = 'pass' | 'reduction' | 'need_replication' | 'permutation';

/**
 * What computing with a sharded reduction factor gives (docs/semantics.md, Lowering):
 * - `sum`: each device computes a summand, so the result is partial (dot_general, convolution, a sum-reduce);
 * - `sum-into-zero`: a sum only when operand 0 is a zero constant (scatter-add: operand + Σ updates);
 * - `max`: each device computes a partial maximum (a max-reduce), combined by a max all-reduce;
 * - `none`: neither (attention's softmax over keys, a min…); the reduction factor's operands are gathered.
 */
export type ReductionSums = 'sum' | 'sum-into-zero' | 'max' | 'none';

/**
 * The sharding rule of one op: its dims mapped to factors. A dim maps to a list of factor indices
 * (one usually; several, major → minor, for a reshape's compound dim); [] for a size-1 dim that
 * maps to nothing. `blocked[f]` marks a factor that propagation never carries across the op.
 */
export interface OpRule {
  readonly factorSizes: readonly number[];
  readonly factorTypes: readonly FactorType[];
  readonly operands: readonly (readonly (readonly number[])[])[];
  readonly results: readonly (readonly (readonly number[])[])[];
  readonly blocked: readonly boolean[];
  /**
   * Whether a `partial` operand may flow through this op to its result unchanged, per operand
   * (linear in that operand: transpose, reshape, sum-reduce, add of partials, scaling by a replicated value…).
   */
  readonly linearIn: readonly boolean[];
  /**
   * Added for propagation: true when the op is linear in its `linearIn` operands *together* (add,
   * subtract, concatenate, dynamic_update_slice, scatter): a partial result needs every one of them
   * partial. Absent/false: linear in each separately (multiply, divide, dot_general, attention's v):
   * exactly one operand may be partial, the others must be neither partial nor tiled on that axis.
   */
  readonly linearJointly?: boolean;
  /** Whether sharding a reduction factor of this op makes its result partial, and how (see ReductionSums). */
  readonly reductionSums: ReductionSums;
}

/** Where two incompatible shardings met; propagation stops there (PartIR's predictable rule). */
export interface Conflict {
  readonly value: ValueId;
  readonly axis: string;
  /**
   * The op where the shardings met. When a seed meets an earlier tactic's decision on the value
   * itself: the value's defining op, else its first user; -1 only for an input that nothing reads.
   */
  readonly op: OpId;
  readonly existing: { state: AxisState; tactic: string };
  readonly incoming: { state: AxisState; tactic: string };
  readonly message: string;
}

export interface Stage {
  readonly tactic: string;
  readonly axis: string;
  readonly range?: SourceRange;
  readonly seeded: readonly { value: ValueId; state: AxisState }[];
  /** Values that this tactic gave a (non-replicated) state on its axis, seeds included. */
  readonly reached: number;
  readonly conflicts: readonly Conflict[];
  /** Every value's sharding after this tactic. */
  readonly shardings: readonly Sharding[];
}

export interface PartitionResult {
  readonly program: Program;
  readonly mesh: Mesh;
  /** Final sharding per value (index = ValueId). */
  readonly shardings: readonly Sharding[];
  readonly stages: readonly Stage[];
  /**
   * Added: which tactic gave each value its state on each mesh axis — origins[axis][valueId] is an
   * index into `stages` (and the tactic list), or -1 where no tactic touched the value on that axis.
   */
  readonly origins?: Readonly<Record<string, Int32Array>>;
}
