/**
 * The tensor IR: a flat, SSA program of values and ops with a StableHLO-like op set.
 *
 * Values and ops are addressed by integer ids (their index in `program.values` / `program.ops`), so
 * that a 96-layer training step (tens of thousands of ops) stays cheap to build, walk and copy.
 * The same IR carries the per-device program after SPMD lowering: local shapes plus the collective
 * op kinds at the end of `OpKind`.
 */

export type DType = 'f32' | 'bf16' | 'f16' | 'i32' | 'bool';

export const DTYPE_BYTES: Record<DType, number> = { f32: 4, bf16: 2, f16: 2, i32: 4, bool: 1 };

export interface TensorType {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export type ValueId = number;
export type OpId = number;

/** Which part of a training step an op belongs to; collectives inherit the phase of the op they serve. */
export type Phase = 'forward' | 'backward' | 'optimizer';

/**
 * What a value is, for memory accounting (docs/architecture.md §3, Report.memory):
 * - `param` / `optimizer` / `batch`: program inputs under `params/`, `opt_state/`, `batch/`;
 * - `gradient`: the cotangent of a parameter (set by autodiff);
 * - everything else is left undefined and classified by the simulator (activation or temporary).
 */
export type ValueRole = 'param' | 'optimizer' | 'batch' | 'gradient' | 'other';

export interface Value {
  readonly id: ValueId;
  readonly type: TensorType;
  /** Defining op, or -1 for a program input. */
  readonly def: OpId;
  /** Result index within the defining op. */
  readonly index: number;
  /** Selector path: `params/layer_3/attn/wq`, `batch/tokens`, or a name given to an intermediate. */
  name?: string;
  role?: ValueRole;
}

export type UnaryKind =
  | 'negate' | 'exp' | 'log' | 'tanh' | 'rsqrt' | 'sqrt' | 'logistic' | 'abs' | 'convert';
export type BinaryKind =
  | 'add' | 'subtract' | 'multiply' | 'divide' | 'maximum' | 'minimum' | 'power' | 'compare';
export type CollectiveKind =
  | 'all_reduce' | 'all_gather' | 'reduce_scatter' | 'all_to_all' | 'collective_permute' | 'shard_slice';

export type OpKind =
  | UnaryKind
  | BinaryKind
  | 'select'
  | 'dot_general'
  | 'broadcast_in_dim'
  | 'reduce'
  | 'transpose'
  | 'reshape'
  | 'concatenate'
  | 'slice'
  | 'dynamic_slice'
  | 'dynamic_update_slice'
  | 'gather'
  | 'scatter'
  | 'convolution'
  | 'iota'
  | 'constant'
  | 'attention'
  | 'attention_grad'
  | 'custom'
  | CollectiveKind;

export const UNARY_KINDS: readonly UnaryKind[] = [
  'negate', 'exp', 'log', 'tanh', 'rsqrt', 'sqrt', 'logistic', 'abs', 'convert',
];
export const BINARY_KINDS: readonly BinaryKind[] = [
  'add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'power', 'compare',
];
export const COLLECTIVE_KINDS: readonly CollectiveKind[] = [
  'all_reduce', 'all_gather', 'reduce_scatter', 'all_to_all', 'collective_permute', 'shard_slice',
];

/** Element-wise op kinds: the unary and binary kinds and `select` (one result element from the same element of each operand). */
export type ElementwiseKind = UnaryKind | BinaryKind | 'select';
export const ELEMENTWISE_KINDS: readonly ElementwiseKind[] = [...UNARY_KINDS, ...BINARY_KINDS, 'select'];
const ELEMENTWISE_SET: ReadonlySet<OpKind> = new Set<OpKind>(ELEMENTWISE_KINDS);
export const isElementwise = (kind: OpKind): kind is ElementwiseKind => ELEMENTWISE_SET.has(kind);

/** Collectives that move data between devices: every collective but `shard_slice`, a local slice. */
export type CommunicationKind = Exclude<CollectiveKind, 'shard_slice'>;
const COMMUNICATION_SET: ReadonlySet<OpKind> = new Set<OpKind>(COLLECTIVE_KINDS.filter((k) => k !== 'shard_slice'));
export const isCommunication = (kind: OpKind): kind is CommunicationKind => COMMUNICATION_SET.has(kind);

export type CompareDirection = 'EQ' | 'NE' | 'LT' | 'LE' | 'GT' | 'GE';

export interface DotDims {
  readonly lhsBatch: readonly number[];
  readonly rhsBatch: readonly number[];
  readonly lhsContract: readonly number[];
  readonly rhsContract: readonly number[];
}

/** StableHLO convolution dimension numbers, with window attributes. Spatial lists are aligned. */
export interface ConvDims {
  readonly inputBatch: number;
  readonly inputFeature: number;
  readonly inputSpatial: readonly number[];
  readonly kernelInputFeature: number;
  readonly kernelOutputFeature: number;
  readonly kernelSpatial: readonly number[];
  readonly outputBatch: number;
  readonly outputFeature: number;
  readonly outputSpatial: readonly number[];
  readonly strides: readonly number[];
  /** [low, high] per spatial dim; may be negative. */
  readonly padding: readonly (readonly [number, number])[];
  readonly lhsDilation: readonly number[];
  readonly rhsDilation: readonly number[];
  readonly featureGroupCount: number;
  readonly batchGroupCount: number;
}

/**
 * Attributes by op kind. Anything not listed takes `{}`.
 *
 * gather/scatter use the "take along one axis" form (jnp.take / segment_sum), which covers embedding
 * lookups, message passing and MoE dispatch while keeping the per-op sharding rule and VJP simple:
 *   gather(operand[..pre, N, ..post], indices[I...]) -> [..pre, I..., ..post]
 *   scatter(operand[..pre, N, ..post], indices[I...], updates[..pre, I..., ..post]) -> operand + scattered-add updates
 * Out-of-range indices are clamped (as StableHLO gather does).
 */
export interface AttrMap {
  convert: { dtype: DType };
  compare: { direction: CompareDirection };
  dot_general: DotDims;
  /** operand dim i goes to result dim dims[i] (StableHLO broadcast_dimensions). */
  broadcast_in_dim: { shape: readonly number[]; dims: readonly number[] };
  reduce: { reducer: 'sum' | 'max'; dims: readonly number[] };
  transpose: { perm: readonly number[] };
  reshape: { shape: readonly number[] };
  concatenate: { dim: number };
  slice: { start: readonly number[]; limit: readonly number[]; stride: readonly number[] };
  /** operands: [operand, ...one scalar i32 start per dim] */
  dynamic_slice: { sizes: readonly number[] };
  /** operands: [operand, update, ...one scalar i32 start per dim] */
  dynamic_update_slice: Record<string, never>;
  gather: { axis: number };
  scatter: { axis: number };
  convolution: ConvDims;
  iota: { shape: readonly number[]; dim: number; dtype: DType };
  /** A splat (`value`) or a dense row-major payload (`data`). */
  constant: { shape: readonly number[]; dtype: DType; value?: number; data?: readonly number[] };
  /**
   * Fused (flash) attention: softmax(q·kᵀ·scale [+ causal mask])·v without materialising the scores.
   * q [b, s, h, dh], k and v [b, t, kvh, dh] with kvh dividing h (multi-query / grouped-query attention:
   * query head j reads kv head floor(j / (h / kvh))). Result [b, s, h, dh].
   */
  attention: { causal: boolean; scale: number };
  /** Backward of `attention`, recomputing the scores: operands (q, k, v, dOut) → (dq, dk, dv). */
  attention_grad: { causal: boolean; scale: number };
  /** An op outside the IR (imported custom_call or an unknown op); propagation does not cross it. */
  custom: { name: string; resultTypes: readonly TensorType[]; flops?: number };

  // --- collectives, present only in per-device programs. `axes` are mesh axis names, major → minor.
  /** Sum over the devices of `axes` (partial → replicated). */
  /** `reducer`: absent for a sum, `max` for a max all-reduce. */
  all_reduce: { axes: readonly string[]; reducer?: 'max' };
  /** Concatenate the tiles of `dim` over `axes` (tiled → replicated on those axes). */
  all_gather: { axes: readonly string[]; dim: number };
  /** Sum over `axes`, keep this device's tile of `dim` (partial → tiled). */
  reduce_scatter: { axes: readonly string[]; dim: number };
  /** Split `splitDim` into tiles over `axes`, exchange, concatenate along `concatDim` (tiled on concatDim → tiled on splitDim). */
  all_to_all: { axes: readonly string[]; splitDim: number; concatDim: number };
  /** Send this device's value to the device whose coordinates are `pairs` mapped along `axes`. */
  collective_permute: { axes: readonly string[]; pairs: readonly (readonly [number, number])[] };
  /** Keep this device's tile of `dim` over `axes`: a local slice, no communication (replicated → tiled). */
  shard_slice: { axes: readonly string[]; dim: number };
}

export type AttrsOf<K extends OpKind> = K extends keyof AttrMap ? AttrMap[K] : Record<string, never>;

export interface OpBase<K extends OpKind = OpKind> {
  readonly id: OpId;
  readonly kind: K;
  readonly operands: readonly ValueId[];
  readonly results: readonly ValueId[];
  readonly attrs: AttrsOf<K>;
  /** Hierarchical name scope, `layer_3/attn/q_proj` ('' at the top). */
  readonly scope: string;
  readonly phase: Phase;
}

/** A discriminated union over kinds, so `switch (op.kind)` narrows `op.attrs`. */
export type Op = { [K in OpKind]: OpBase<K> }[OpKind];

export interface ProgramOutput {
  readonly value: ValueId;
  /** `params/layer_0/attn/wq` for an updated parameter (it aliases the input of the same path), `loss`, … */
  readonly name: string;
}

export interface Program {
  readonly name: string;
  readonly values: Value[];
  readonly ops: Op[];
  readonly inputs: ValueId[];
  readonly outputs: ProgramOutput[];
}
