import { UserError } from '../errors';
import type { AttrMap, AttrsOf, BinaryKind, CollectiveKind, DType, OpKind, TensorType, UnaryKind } from './types';
import { BINARY_KINDS } from './types';

/** A shape error names the op and what does not fit. */
export class ShapeError extends UserError {
  constructor(kind: string, message: string) {
    super('shape', `${kind}: ${message}`);
  }
}

export const fmtType = (t: TensorType): string => `${t.dtype}[${t.shape.join(',')}]`;

export const numElements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const BINARY = new Set<string>(BINARY_KINDS);

function need(kind: OpKind, ins: readonly TensorType[], n: number): void {
  if (ins.length !== n) throw new ShapeError(kind, `expects ${n} operand(s), got ${ins.length}`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkDims(kind: string, dims: readonly number[], rank: number, what: string): void {
  const seen = new Set<number>();
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= rank) throw new ShapeError(kind, `${what} dim ${d} out of range for rank ${rank}`);
    if (seen.has(d)) throw new ShapeError(kind, `${what} dim ${d} repeated`);
    seen.add(d);
  }
}

function checkShape(kind: string, shape: readonly number[]): void {
  for (const d of shape) if (!Number.isInteger(d) || d < 0) throw new ShapeError(kind, `invalid dimension size ${d}`);
}

/** The result types of ops of kind K, from operand types and attributes; throws ShapeError. */
type TypeRule<K extends OpKind> = (ins: readonly TensorType[], attrs: AttrsOf<K>, kind: K) => TensorType[];

function unaryType(ins: readonly TensorType[], _attrs: unknown, kind: UnaryKind): TensorType[] {
  need(kind, ins, 1);
  return [ins[0]];
}

function convertType(ins: readonly TensorType[], attrs: AttrsOf<'convert'>, kind: 'convert'): TensorType[] {
  need(kind, ins, 1);
  return [{ shape: ins[0].shape, dtype: attrs.dtype }];
}

function binaryType(ins: readonly TensorType[], _attrs: unknown, kind: BinaryKind): TensorType[] {
  need(kind, ins, 2);
  const [a, b] = ins;
  if (!sameShape(a.shape, b.shape)) throw new ShapeError(kind, `operand shapes differ: ${fmtType(a)} vs ${fmtType(b)}`);
  if (a.dtype !== b.dtype) throw new ShapeError(kind, `operand dtypes differ: ${fmtType(a)} vs ${fmtType(b)}`);
  return [{ shape: a.shape, dtype: kind === 'compare' ? 'bool' : a.dtype }];
}

function collectiveType(_ins: readonly TensorType[], _attrs: unknown, kind: CollectiveKind): TensorType[] {
  throw new ShapeError(kind, 'collectives are typed by the SPMD lowering, not inferred');
}

function selectType(ins: readonly TensorType[], _attrs: AttrsOf<'select'>, kind: 'select'): TensorType[] {
  need(kind, ins, 3);
  const [p, a, b] = ins;
  if (p.dtype !== 'bool') throw new ShapeError(kind, `predicate must be bool, got ${fmtType(p)}`);
  if (!sameShape(a.shape, b.shape) || a.dtype !== b.dtype) throw new ShapeError(kind, `branches differ: ${fmtType(a)} vs ${fmtType(b)}`);
  if (p.shape.length !== 0 && !sameShape(p.shape, a.shape)) throw new ShapeError(kind, `predicate ${fmtType(p)} does not match ${fmtType(a)}`);
  return [a];
}

function dotGeneralType(ins: readonly TensorType[], d: AttrsOf<'dot_general'>, kind: 'dot_general'): TensorType[] {
  need(kind, ins, 2);
  const [l, r] = ins;
  checkDims(kind, [...d.lhsBatch, ...d.lhsContract], l.shape.length, 'lhs');
  checkDims(kind, [...d.rhsBatch, ...d.rhsContract], r.shape.length, 'rhs');
  if (d.lhsBatch.length !== d.rhsBatch.length || d.lhsContract.length !== d.rhsContract.length)
    throw new ShapeError(kind, 'batch/contracting dim lists differ in length');
  d.lhsBatch.forEach((ld, i) => {
    if (l.shape[ld] !== r.shape[d.rhsBatch[i]]) throw new ShapeError(kind, `batch dims differ: ${fmtType(l)} dim ${ld} vs ${fmtType(r)} dim ${d.rhsBatch[i]}`);
  });
  d.lhsContract.forEach((ld, i) => {
    if (l.shape[ld] !== r.shape[d.rhsContract[i]]) throw new ShapeError(kind, `contracting dims differ: ${fmtType(l)} dim ${ld} vs ${fmtType(r)} dim ${d.rhsContract[i]}`);
  });
  if (l.dtype !== r.dtype) throw new ShapeError(kind, `dtypes differ: ${fmtType(l)} vs ${fmtType(r)}`);
  const free = (t: TensorType, used: readonly number[]) => t.shape.filter((_, i) => !used.includes(i));
  const shape = [...d.lhsBatch.map((i) => l.shape[i]), ...free(l, [...d.lhsBatch, ...d.lhsContract]), ...free(r, [...d.rhsBatch, ...d.rhsContract])];
  return [{ shape, dtype: l.dtype }];
}

function broadcastInDimType(ins: readonly TensorType[], a: AttrsOf<'broadcast_in_dim'>, kind: 'broadcast_in_dim'): TensorType[] {
  need(kind, ins, 1);
  checkShape(kind, a.shape);
  if (a.dims.length !== ins[0].shape.length) throw new ShapeError(kind, `needs one broadcast dim per operand dim (${ins[0].shape.length}), got ${a.dims.length}`);
  checkDims(kind, a.dims, a.shape.length, 'broadcast');
  a.dims.forEach((rd, i) => {
    const od = ins[0].shape[i];
    if (od !== 1 && od !== a.shape[rd]) throw new ShapeError(kind, `operand dim ${i} (${od}) cannot broadcast to result dim ${rd} (${a.shape[rd]})`);
  });
  return [{ shape: a.shape, dtype: ins[0].dtype }];
}

function reduceType(ins: readonly TensorType[], a: AttrsOf<'reduce'>, kind: 'reduce'): TensorType[] {
  need(kind, ins, 1);
  checkDims(kind, a.dims, ins[0].shape.length, 'reduce');
  return [{ shape: ins[0].shape.filter((_, i) => !a.dims.includes(i)), dtype: ins[0].dtype }];
}

function transposeType(ins: readonly TensorType[], a: AttrsOf<'transpose'>, kind: 'transpose'): TensorType[] {
  need(kind, ins, 1);
  if (a.perm.length !== ins[0].shape.length) throw new ShapeError(kind, `permutation ${JSON.stringify(a.perm)} does not match rank ${ins[0].shape.length}`);
  checkDims(kind, a.perm, a.perm.length, 'permutation');
  return [{ shape: a.perm.map((p) => ins[0].shape[p]), dtype: ins[0].dtype }];
}

function reshapeType(ins: readonly TensorType[], a: AttrsOf<'reshape'>, kind: 'reshape'): TensorType[] {
  need(kind, ins, 1);
  checkShape(kind, a.shape);
  if (numElements(a.shape) !== numElements(ins[0].shape)) throw new ShapeError(kind, `cannot reshape ${fmtType(ins[0])} to [${a.shape.join(',')}]`);
  return [{ shape: a.shape, dtype: ins[0].dtype }];
}

function concatenateType(ins: readonly TensorType[], attrs: AttrsOf<'concatenate'>, kind: 'concatenate'): TensorType[] {
  if (ins.length < 1) throw new ShapeError(kind, 'expects at least one operand');
  const { dim } = attrs;
  const r = ins[0].shape.length;
  if (dim < 0 || dim >= r) throw new ShapeError(kind, `dim ${dim} out of range for rank ${r}`);
  let total = 0;
  for (const t of ins) {
    if (t.shape.length !== r || t.dtype !== ins[0].dtype || t.shape.some((s, i) => i !== dim && s !== ins[0].shape[i]))
      throw new ShapeError(kind, `operands ${fmtType(ins[0])} and ${fmtType(t)} differ outside dim ${dim}`);
    total += t.shape[dim];
  }
  return [{ shape: ins[0].shape.map((s, i) => (i === dim ? total : s)), dtype: ins[0].dtype }];
}

function sliceType(ins: readonly TensorType[], a: AttrsOf<'slice'>, kind: 'slice'): TensorType[] {
  need(kind, ins, 1);
  const s = ins[0].shape;
  if (a.start.length !== s.length || a.limit.length !== s.length || a.stride.length !== s.length)
    throw new ShapeError(kind, `start/limit/stride must have rank ${s.length}`);
  const shape = s.map((d, i) => {
    if (a.start[i] < 0 || a.limit[i] > d || a.start[i] > a.limit[i] || a.stride[i] < 1)
      throw new ShapeError(kind, `bad bounds on dim ${i}: [${a.start[i]}:${a.limit[i]}:${a.stride[i]}] of ${d}`);
    return Math.ceil((a.limit[i] - a.start[i]) / a.stride[i]);
  });
  return [{ shape, dtype: ins[0].dtype }];
}

function dynamicSliceType(ins: readonly TensorType[], a: AttrsOf<'dynamic_slice'>, kind: 'dynamic_slice'): TensorType[] {
  const r = ins[0]?.shape.length ?? 0;
  need(kind, ins, 1 + r);
  if (a.sizes.length !== r) throw new ShapeError(kind, `sizes must have rank ${r}`);
  a.sizes.forEach((z, i) => {
    if (z < 0 || z > ins[0].shape[i]) throw new ShapeError(kind, `size ${z} exceeds dim ${i} (${ins[0].shape[i]})`);
  });
  ins.slice(1).forEach((t) => {
    if (t.shape.length !== 0 || t.dtype !== 'i32') throw new ShapeError(kind, `start indices must be i32 scalars, got ${fmtType(t)}`);
  });
  return [{ shape: a.sizes, dtype: ins[0].dtype }];
}

function dynamicUpdateSliceType(ins: readonly TensorType[], _attrs: AttrsOf<'dynamic_update_slice'>, kind: 'dynamic_update_slice'): TensorType[] {
  const r = ins[0]?.shape.length ?? 0;
  need(kind, ins, 2 + r);
  const [o, u] = ins;
  if (u.shape.length !== r || u.dtype !== o.dtype || u.shape.some((d, i) => d > o.shape[i]))
    throw new ShapeError(kind, `update ${fmtType(u)} does not fit in ${fmtType(o)}`);
  ins.slice(2).forEach((t) => {
    if (t.shape.length !== 0 || t.dtype !== 'i32') throw new ShapeError(kind, `start indices must be i32 scalars, got ${fmtType(t)}`);
  });
  return [o];
}

function gatherType(ins: readonly TensorType[], attrs: AttrsOf<'gather'>, kind: 'gather'): TensorType[] {
  need(kind, ins, 2);
  const { axis } = attrs;
  const [o, idx] = ins;
  if (axis < 0 || axis >= o.shape.length) throw new ShapeError(kind, `axis ${axis} out of range for ${fmtType(o)}`);
  if (idx.dtype !== 'i32') throw new ShapeError(kind, `indices must be i32, got ${fmtType(idx)}`);
  return [{ shape: [...o.shape.slice(0, axis), ...idx.shape, ...o.shape.slice(axis + 1)], dtype: o.dtype }];
}

function scatterType(ins: readonly TensorType[], attrs: AttrsOf<'scatter'>, kind: 'scatter'): TensorType[] {
  need(kind, ins, 3);
  const { axis } = attrs;
  const [o, idx, upd] = ins;
  if (axis < 0 || axis >= o.shape.length) throw new ShapeError(kind, `axis ${axis} out of range for ${fmtType(o)}`);
  if (idx.dtype !== 'i32') throw new ShapeError(kind, `indices must be i32, got ${fmtType(idx)}`);
  const want = [...o.shape.slice(0, axis), ...idx.shape, ...o.shape.slice(axis + 1)];
  if (!sameShape(want, upd.shape) || upd.dtype !== o.dtype) throw new ShapeError(kind, `updates ${fmtType(upd)} should be ${o.dtype}[${want.join(',')}]`);
  return [o];
}

function convolutionType(ins: readonly TensorType[], attrs: AttrsOf<'convolution'>, kind: 'convolution'): TensorType[] {
  need(kind, ins, 2);
  return [{ shape: convShape(ins[0].shape, ins[1].shape, attrs), dtype: ins[0].dtype }];
}

function iotaType(ins: readonly TensorType[], a: AttrsOf<'iota'>, kind: 'iota'): TensorType[] {
  need(kind, ins, 0);
  checkShape(kind, a.shape);
  if (a.dim < 0 || a.dim >= a.shape.length) throw new ShapeError(kind, `dim ${a.dim} out of range for rank ${a.shape.length}`);
  return [{ shape: a.shape, dtype: a.dtype }];
}

function constantType(ins: readonly TensorType[], a: AttrsOf<'constant'>, kind: 'constant'): TensorType[] {
  need(kind, ins, 0);
  checkShape(kind, a.shape);
  if (a.data !== undefined && a.data.length !== numElements(a.shape)) throw new ShapeError(kind, `payload has ${a.data.length} elements, shape needs ${numElements(a.shape)}`);
  if (a.data === undefined && a.value === undefined) throw new ShapeError(kind, 'needs a value or data');
  return [{ shape: a.shape, dtype: a.dtype }];
}

function attentionType(ins: readonly TensorType[], _attrs: AttrsOf<'attention' | 'attention_grad'>, kind: 'attention' | 'attention_grad'): TensorType[] {
  need(kind, ins, kind === 'attention' ? 3 : 4);
  const [q, k, v] = ins;
  const bad = q.shape.length !== 4 || k.shape.length !== 4 || v.shape.length !== 4
    || k.shape.some((d, i) => d !== v.shape[i]) || q.shape[0] !== k.shape[0] || q.shape[3] !== k.shape[3]
    || k.shape[2] === 0 || q.shape[2] % k.shape[2] !== 0 || q.dtype !== k.dtype || k.dtype !== v.dtype;
  if (bad) throw new ShapeError(kind, `expects q[b,s,h,dh], k and v [b,t,kvh,dh] with kvh dividing h; got ${fmtType(q)}, ${fmtType(k)}, ${fmtType(v)}`);
  if (kind === 'attention') return [q];
  const dOut = ins[3];
  if (!sameShape(dOut.shape, q.shape)) throw new ShapeError(kind, `dOut ${fmtType(dOut)} should match q ${fmtType(q)}`);
  return [q, k, v];
}

function customType(ins: readonly TensorType[], attrs: AttrsOf<'custom'>, _kind: 'custom'): TensorType[] {
  return [...(attrs).resultTypes];
}

/** One type rule per op kind, total over OpKind: a new kind does not compile until it has one. */
const TYPE_RULES: { readonly [K in OpKind]: TypeRule<K> } = {
  negate: unaryType, exp: unaryType, log: unaryType, tanh: unaryType, rsqrt: unaryType, sqrt: unaryType,
  logistic: unaryType, abs: unaryType, convert: convertType,
  add: binaryType, subtract: binaryType, multiply: binaryType, divide: binaryType, maximum: binaryType,
  minimum: binaryType, power: binaryType, compare: binaryType,
  select: selectType,
  dot_general: dotGeneralType,
  broadcast_in_dim: broadcastInDimType,
  reduce: reduceType,
  transpose: transposeType,
  reshape: reshapeType,
  concatenate: concatenateType,
  slice: sliceType,
  dynamic_slice: dynamicSliceType,
  dynamic_update_slice: dynamicUpdateSliceType,
  gather: gatherType,
  scatter: scatterType,
  convolution: convolutionType,
  iota: iotaType,
  constant: constantType,
  attention: attentionType,
  attention_grad: attentionType,
  custom: customType,
  all_reduce: collectiveType, all_gather: collectiveType, reduce_scatter: collectiveType, all_to_all: collectiveType,
  collective_permute: collectiveType, shard_slice: collectiveType,
};

/**
 * Result types of an op from its operand types and attributes. Throws ShapeError with a message
 * that names the op and the mismatch. Collectives need the mesh and are typed by the lowering,
 * which passes their result types explicitly.
 */
export function inferTypes<K extends OpKind>(kind: K, ins: readonly TensorType[], attrs: AttrsOf<K>): TensorType[] {
  // The commonest case first: a binary op on equal types returns its operand's type object (as a unary
  // op does), rather than a copy per op.
  if (ins.length === 2 && kind !== 'compare' && BINARY.has(kind)) {
    const a = ins[0], b = ins[1];
    if (a.dtype === b.dtype && sameShape(a.shape, b.shape)) return [a];
  }
  // Looked up by its own kind, so the rule's attribute type is the one `attrs` has.
  return (TYPE_RULES[kind] as TypeRule<K>)(ins, attrs, kind);
}

/** Output shape of a StableHLO convolution. */
export function convShape(lhs: readonly number[], rhs: readonly number[], d: AttrMap['convolution']): number[] {
  const kind = 'convolution';
  const n = d.inputSpatial.length;
  if (lhs.length !== n + 2 || rhs.length !== n + 2) throw new ShapeError(kind, `input rank ${lhs.length} / kernel rank ${rhs.length} do not match ${n} spatial dims`);
  const g = d.featureGroupCount, bg = d.batchGroupCount;
  if (lhs[d.inputFeature] !== rhs[d.kernelInputFeature] * g)
    throw new ShapeError(kind, `input features ${lhs[d.inputFeature]} != kernel input features ${rhs[d.kernelInputFeature]} × groups ${g}`);
  if (rhs[d.kernelOutputFeature] % (g * bg) !== 0) throw new ShapeError(kind, `kernel output features ${rhs[d.kernelOutputFeature]} not divisible by group count`);
  const out = new Array<number>(n + 2).fill(0);
  out[d.outputBatch] = lhs[d.inputBatch] / bg;
  out[d.outputFeature] = rhs[d.kernelOutputFeature];
  for (let i = 0; i < n; i++) {
    const inSize = (lhs[d.inputSpatial[i]] - 1) * d.lhsDilation[i] + 1 + d.padding[i][0] + d.padding[i][1];
    const k = (rhs[d.kernelSpatial[i]] - 1) * d.rhsDilation[i] + 1;
    const o = inSize < k ? 0 : Math.floor((inSize - k) / d.strides[i]) + 1;
    out[d.outputSpatial[i]] = o;
  }
  return out;
}

export const isFloat = (t: DType): boolean => t === 'f32' || t === 'bf16' || t === 'f16';
