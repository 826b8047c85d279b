/**
 * The op sharding rule registry (Shardy's op_sharding_rule_registry): one small case per op kind,
 * each mapping the op's dims to factors. Propagation and the SPMD lowering read only these rules,
 * never op kinds. Cases are alphabetical; element-wise kinds share one.
 */
import type { Op, OpKind, Program, TensorType } from '../ir/types';
import { BINARY_KINDS, DTYPE_BYTES, UNARY_KINDS } from '../ir/types';
import { isFloat } from '../ir/shape';
import { NULL_DIM, RuleBuilder } from './ruleBuilder';
import type { OpRule } from './types';

export { formatRule, factorName, NULL_DIM, RuleBuilder } from './ruleBuilder';

type RuleCase = (op: Op, ins: readonly TensorType[], outs: readonly TensorType[]) => OpRule | null;

const ranks = (ts: readonly TensorType[]) => ts.map((t) => t.shape.length);
const builderFor = (ins: readonly TensorType[], outs: readonly TensorType[]) => new RuleBuilder(ranks(ins), ranks(outs));
const nulls = (n: number) => new Array<number>(n).fill(NULL_DIM);

/** Element-wise and select: every dim is one pass-through factor; scalar operands map to []. */
function pointwise(op: Op, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const b = builderFor(ins, outs);
  const shape = outs[0].shape;
  for (let d = 0; d < shape.length; d++) {
    b.addFactor(ins.map((t) => (t.shape.length === 0 ? NULL_DIM : d)), [d], shape[d]);
  }
  switch (op.kind) {
    case 'negate':
      return b.build([true]);
    case 'convert':
      // Rounding to an integer is not linear; float ↔ float conversion is (up to rounding). A partial value
      // is not carried through a widening convert, so it is reduced in the narrow type: mixed precision
      // reduces bf16 gradients (half the bytes) as soon as the backward pass makes them, not f32 copies in
      // the optimizer.
      return b.build([isFloat(ins[0].dtype) && isFloat(outs[0].dtype) && DTYPE_BYTES[outs[0].dtype] <= DTYPE_BYTES[ins[0].dtype]]);
    case 'add':
    case 'subtract':
      return b.build([true, true], true);
    case 'multiply':
      return b.build([true, true]);
    case 'divide':
      return b.build([true, false]);
    default:
      return b.build(ins.map(() => false));
  }
}

/** attention / attention_grad: q[b,s,h,dh], k,v[b,t,kvh,dh] (+ dOut[b,s,h,dh]). */
function attentionRule(op: Op, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const grad = op.kind === 'attention_grad';
  const [b, s, h, dh] = ins[0].shape;
  const [, t, kvh] = ins[1].shape;
  const rb = builderFor(ins, outs);
  // Per tensor, whether it is q-shaped ([b,s,h,dh]) or kv-shaped ([b,t,kvh,dh]).
  const qLike = grad ? [true, false, false, true] : [true, false, false];
  const outQLike = grad ? [true, false, false] : [true];
  const on = (sel: (isQ: boolean) => number) => qLike.map(sel);
  const res = (sel: (isQ: boolean) => number) => outQLike.map(sel);
  rb.addFactor(on(() => 0), res(() => 0), b);
  rb.addFactor(on((q) => (q ? 1 : NULL_DIM)), res((q) => (q ? 1 : NULL_DIM)), s);
  // Query head j reads kv head floor(j / (h/kvh)): the heads dim is [kvh, group] major → minor, so
  // an axis dividing kvh shards k and v too, and a further axis shards only the query groups (for
  // the gradient, dk/dv then sum over the group: they become partial).
  rb.addFactor(on(() => 2), res(() => 2), kvh);
  if (kvh !== h) rb.addFactor(on((q) => (q ? 2 : NULL_DIM)), res((q) => (q ? 2 : NULL_DIM)), h / kvh);
  rb.addFactor(on((q) => (q ? NULL_DIM : 1)), res((q) => (q ? NULL_DIM : 1)), t, 'need_replication');
  rb.addFactor(on(() => 3), res(() => 3), dh, 'need_replication');
  // Linear in v (forward) and in dOut (backward) for fixed scores.
  return rb.build(grad ? [false, false, false, true] : [false, false, true]);
}

/** broadcast_in_dim: new dims only in the result; an expanded size-1 dim gets separate factors. */
function broadcastRule(op: Op & { kind: 'broadcast_in_dim' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const b = builderFor(ins, outs);
  const { dims } = op.attrs;
  const rshape = outs[0].shape;
  for (let rd = 0; rd < rshape.length; rd++) {
    const od = dims.indexOf(rd);
    if (od < 0) {
      b.addFactor([NULL_DIM], [rd], rshape[rd]);
    } else if (ins[0].shape[od] === rshape[rd]) {
      b.addFactor([od], [rd], rshape[rd]);
    } else {
      b.addFactor([od], [NULL_DIM], ins[0].shape[od]);
      b.addFactor([NULL_DIM], [rd], rshape[rd]);
    }
  }
  return b.build([true]);
}

/** concatenate: the concatenated dim must be replicated; the others pass through. */
function concatenateRule(op: Op & { kind: 'concatenate' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const b = builderFor(ins, outs);
  const shape = outs[0].shape;
  for (let d = 0; d < shape.length; d++) {
    b.addFactor(ins.map(() => d), [d], shape[d], d === op.attrs.dim ? 'need_replication' : 'pass');
  }
  return b.build(ins.map(() => true), true);
}

/**
 * convolution: batch and output feature pass through; input feature is a reduction shared with the
 * kernel's input feature; spatial dims need replication (no halo exchange). Grouped convolutions
 * keep their feature/batch dims replicated, which is always correct.
 */
function convolutionRule(op: Op & { kind: 'convolution' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const a = op.attrs;
  const b = builderFor(ins, outs);
  const grouped = a.featureGroupCount !== 1 || a.batchGroupCount !== 1;
  const lhs = ins[0].shape, rhs = ins[1].shape, out = outs[0].shape;
  b.addFactor([a.inputBatch, NULL_DIM], [a.outputBatch], out[a.outputBatch], grouped ? 'need_replication' : 'pass');
  b.addFactor([NULL_DIM, a.kernelOutputFeature], [a.outputFeature], out[a.outputFeature], grouped ? 'need_replication' : 'pass');
  b.addFactor([a.inputFeature, a.kernelInputFeature], [NULL_DIM], rhs[a.kernelInputFeature], grouped ? 'need_replication' : 'reduction');
  a.inputSpatial.forEach((d) => b.addFactor([d, NULL_DIM], [NULL_DIM], lhs[d], 'need_replication'));
  a.kernelSpatial.forEach((d) => b.addFactor([NULL_DIM, d], [NULL_DIM], rhs[d], 'need_replication'));
  a.outputSpatial.forEach((d) => b.addFactor([NULL_DIM, NULL_DIM], [d], out[d], 'need_replication'));
  return b.build([true, true], false, 'sum');
}

/** dot_general: batch, lhs free, rhs free pass through; contracting dims are reductions (Shardy's order). */
function dotGeneralRule(op: Op & { kind: 'dot_general' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const d = op.attrs;
  const b = builderFor(ins, outs);
  const lhs = ins[0].shape, rhs = ins[1].shape;
  let rd = 0;
  d.lhsBatch.forEach((ld, i) => b.addFactor([ld, d.rhsBatch[i]], [rd++], lhs[ld]));
  for (let ld = 0; ld < lhs.length; ld++) {
    if (!d.lhsBatch.includes(ld) && !d.lhsContract.includes(ld)) b.addFactor([ld, NULL_DIM], [rd++], lhs[ld]);
  }
  for (let r = 0; r < rhs.length; r++) {
    if (!d.rhsBatch.includes(r) && !d.rhsContract.includes(r)) b.addFactor([NULL_DIM, r], [rd++], rhs[r]);
  }
  d.lhsContract.forEach((ld, i) => b.addFactor([ld, d.rhsContract[i]], [NULL_DIM], lhs[ld], 'reduction'));
  return b.build([true, true], false, 'sum');
}

/** dynamic_slice: sliced dims need replication and never propagate; start indices are scalars. */
function dynamicSliceRule(op: Op & { kind: 'dynamic_slice' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const b = builderFor(ins, outs);
  const shape = ins[0].shape;
  for (let d = 0; d < shape.length; d++) {
    const sliced = op.attrs.sizes[d] !== shape[d];
    b.addFactor([d, ...nulls(ins.length - 1)], [d], shape[d], sliced ? 'need_replication' : 'pass', sliced);
  }
  return b.build(ins.map((_, i) => i === 0));
}

/** dynamic_update_slice: dims the update covers fully pass through; the others need replication. */
function dynamicUpdateSliceRule(_op: Op, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const b = builderFor(ins, outs);
  const shape = ins[0].shape, upd = ins[1].shape;
  const idx = nulls(ins.length - 2);
  for (let d = 0; d < shape.length; d++) {
    if (upd[d] === shape[d]) {
      b.addFactor([d, d, ...idx], [d], shape[d]);
    } else {
      b.addFactor([d, NULL_DIM, ...idx], [d], shape[d], 'need_replication', true);
      b.addFactor([NULL_DIM, d, ...idx], [NULL_DIM], upd[d], 'need_replication', true);
    }
  }
  return b.build(ins.map((_, i) => i < 2), true);
}

/**
 * gather (take along `axis`): operand dims other than `axis` and every indices dim pass through
 * to the result; the gathered axis must be replicated.
 */
function gatherRule(op: Op & { kind: 'gather' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const { axis } = op.attrs;
  const b = builderFor(ins, outs);
  const o = ins[0].shape, idx = ins[1].shape;
  for (let d = 0; d < axis; d++) b.addFactor([d, NULL_DIM], [d], o[d]);
  for (let d = 0; d < idx.length; d++) b.addFactor([NULL_DIM, d], [axis + d], idx[d]);
  for (let d = axis + 1; d < o.length; d++) b.addFactor([d, NULL_DIM], [d - 1 + idx.length], o[d]);
  b.addFactor([axis, NULL_DIM], [NULL_DIM], o[axis], 'need_replication');
  return b.build([true, false]);
}

/**
 * reduce: kept dims pass through; reduced dims are reductions. A sum over a sharded dim leaves partial
 * sums; a max leaves partial maxima, combined by a max all-reduce (it is linear in nothing, so a
 * partial max never flows on).
 */
function reduceRule(op: Op & { kind: 'reduce' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const { dims, reducer } = op.attrs;
  const b = builderFor(ins, outs);
  const shape = ins[0].shape;
  let rd = 0;
  for (let d = 0; d < shape.length; d++) {
    if (dims.includes(d)) b.addFactor([d], [NULL_DIM], shape[d], 'reduction');
    else b.addFactor([d], [rd++], shape[d]);
  }
  return b.build([reducer === 'sum'], false, reducer === 'sum' ? 'sum' : reducer === 'max' ? 'max' : 'none');
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * reshape: Shardy's GCD factorization (docs/semantics.md, Propagation). Walk both shapes major → minor; while the
 * running products agree, share a factor of gcd(remaining input, remaining output); when they do
 * not, add side-only factors until the products meet again. Side-only factors need replication:
 * a tile along one of them is not a tile of the other side.
 */
function reshapeRule(_op: Op, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule | null {
  const a = ins[0].shape, r = outs[0].shape;
  if (a.includes(0) || r.includes(0)) return null;
  const b = builderFor(ins, outs);
  let i = 0, j = 0;
  let remA = a.length > 0 ? a[0] : 1, remR = r.length > 0 ? r[0] : 1;
  let prodA = 1, prodR = 1;
  const advance = () => {
    while (i < a.length && remA === 1) {
      i++;
      if (i < a.length) {
        remA = a[i];
        if (remA === 1) b.addFactor([i], [NULL_DIM], 1);
      }
    }
    while (j < r.length && remR === 1) {
      j++;
      if (j < r.length) {
        remR = r[j];
        if (remR === 1) b.addFactor([NULL_DIM], [j], 1);
      }
    }
  };
  // Leading size-1 dims get their own size-1 factors.
  if (a.length > 0 && a[0] === 1) b.addFactor([0], [NULL_DIM], 1);
  if (r.length > 0 && r[0] === 1) b.addFactor([NULL_DIM], [0], 1);
  advance();
  const inOnly = (size: number) => {
    b.addFactor([i], [NULL_DIM], size, 'need_replication');
    remA /= size;
    prodA *= size;
  };
  const outOnly = (size: number) => {
    b.addFactor([NULL_DIM], [j], size, 'need_replication');
    remR /= size;
    prodR *= size;
  };
  while (i < a.length || j < r.length) {
    if (prodA === prodR) {
      if (i >= a.length || j >= r.length) break; // only possible for malformed shapes
      const g = gcd(remA, remR);
      if (g > 1) {
        b.addFactor([i], [j], g);
        remA /= g;
        remR /= g;
        prodA *= g;
        prodR *= g;
      } else {
        inOnly(remA);
      }
    } else if (prodA < prodR) {
      // Behind: take only what is needed to reach a common multiple, so later dims can share again.
      const need = prodR / gcd(prodA, prodR);
      const t = gcd(remA, need);
      inOnly(t > 1 ? t : remA);
    } else {
      const need = prodA / gcd(prodA, prodR);
      const t = gcd(remR, need);
      outOnly(t > 1 ? t : remR);
    }
    advance();
  }
  return b.build([true]);
}

/**
 * scatter (scatter-add along `axis`): operand dims other than `axis` pass through to the updates and
 * the result; the indices dims (shared with the updates) are reductions, so a result built from
 * tiled updates is partial; the scattered axis must be replicated.
 */
function scatterRule(op: Op & { kind: 'scatter' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const { axis } = op.attrs;
  const b = builderFor(ins, outs);
  const o = ins[0].shape, idx = ins[1].shape;
  for (let d = 0; d < o.length; d++) {
    if (d === axis) b.addFactor([d, NULL_DIM, NULL_DIM], [d], o[d], 'need_replication');
    else b.addFactor([d, NULL_DIM, d < axis ? d : d - 1 + idx.length], [d], o[d]);
  }
  for (let d = 0; d < idx.length; d++) b.addFactor([NULL_DIM, d, axis + d], [NULL_DIM], idx[d], 'reduction');
  // operand + Σ updates is a sum over the updates' batch only when the operand is zero everywhere
  return b.build([true, false, true], true, 'sum-into-zero');
}

/** slice: dims that are actually sliced need replication and never propagate (no halo exchange). */
function sliceRule(op: Op & { kind: 'slice' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const b = builderFor(ins, outs);
  const shape = ins[0].shape;
  const { start, limit, stride } = op.attrs;
  for (let d = 0; d < shape.length; d++) {
    const sliced = start[d] !== 0 || limit[d] !== shape[d] || stride[d] !== 1;
    b.addFactor([d], [d], shape[d], sliced ? 'need_replication' : 'pass', sliced);
  }
  return b.build([true]);
}

/** transpose: a renaming; factors follow the result dims. */
function transposeRule(op: Op & { kind: 'transpose' }, ins: readonly TensorType[], outs: readonly TensorType[]): OpRule {
  const b = builderFor(ins, outs);
  op.attrs.perm.forEach((p, i) => b.addFactor([p], [i], outs[0].shape[i]));
  return b.build([true]);
}

/** No rule: a propagation barrier (constants and iota are made where used; custom ops are opaque; collectives are lowering output). */
const barrier: RuleCase = () => null;

/** A rule case for ops of kind K: it receives the op narrowed to that kind. */
type KindRule<K extends OpKind> = (op: Op & { kind: K }, ins: readonly TensorType[], outs: readonly TensorType[]) => OpRule | null;

/**
 * The registry: one entry per op kind, total over `OpKind`, so a new kind does not compile until it is
 * given a rule (or made a barrier on purpose). Grouped as `OpKind` is; docs/adding-an-op.md.
 */
const REGISTRY: { readonly [K in OpKind]: KindRule<K> } = {
  // element-wise
  negate: pointwise, exp: pointwise, log: pointwise, tanh: pointwise, rsqrt: pointwise, sqrt: pointwise,
  logistic: pointwise, abs: pointwise, convert: pointwise,
  add: pointwise, subtract: pointwise, multiply: pointwise, divide: pointwise, maximum: pointwise,
  minimum: pointwise, power: pointwise, compare: pointwise, select: pointwise,
  // structured
  attention: attentionRule,
  attention_grad: attentionRule,
  broadcast_in_dim: broadcastRule,
  concatenate: concatenateRule,
  convolution: convolutionRule,
  dot_general: dotGeneralRule,
  dynamic_slice: dynamicSliceRule,
  dynamic_update_slice: dynamicUpdateSliceRule,
  gather: gatherRule,
  reduce: reduceRule,
  reshape: reshapeRule,
  scatter: scatterRule,
  slice: sliceRule,
  transpose: transposeRule,
  // barriers: constants and iota are made where used, custom ops are opaque, collectives are lowering output
  constant: barrier, iota: barrier, custom: barrier,
  all_reduce: barrier, all_gather: barrier, reduce_scatter: barrier, all_to_all: barrier,
  collective_permute: barrier, shard_slice: barrier,
};

/**
 * The sharding rule of `op` (its dims mapped to factors), or null for a propagation barrier:
 * constant, iota, custom and the collectives.
 */
export function ruleOf(op: Op, program: Program): OpRule | null {
  // Looked up by the op's own kind, so the entry's narrowed parameter type holds.
  const rule = REGISTRY[op.kind] as RuleCase;
  const vals = program.values;
  return rule(op, op.operands.map((v) => vals[v].type), op.results.map((v) => vals[v].type));
}

/**
 * Kinds whose rule depends only on the kind and the operand/result types (their attributes are implied by
 * the types, as convert's dtype, or do not affect the factors), so their cache key skips the attributes.
 */
const TYPE_ONLY_RULE: ReadonlySet<OpKind> = new Set<OpKind>([
  ...UNARY_KINDS, ...BINARY_KINDS, 'select', 'reshape', 'attention', 'attention_grad',
  'dynamic_update_slice',
]);

/** A shape's part of a rule cache key: its dims. */
function shapeKey(sh: readonly number[]): string {
  let key = '';
  for (let i = 0; i < sh.length; i++) key += 'x' + sh[i];
  return key;
}

/**
 * An attribute object's part of a rule cache key: equal for attributes JSON.stringify would print
 * equally (it may tell apart a few that JSON would not, which only costs a cache miss). Numbers,
 * strings and arrays of numbers, which are nearly all attributes, are written directly: JSON.stringify
 * of every dot_general, broadcast and reduce of a 50k-op program was a third of `rulesOf`.
 */
function attrsKey(attrs: object): string {
  let key = '';
  const rec = attrs as Record<string, unknown>;
  for (const k in rec) {
    const v = rec[k];
    key += k;
    if (typeof v === 'number') key += ':' + v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) key += '[' + v.join(',') + ']';
    else key += '=' + JSON.stringify(v);
    key += ';';
  }
  return key;
}

const TYPE_IDS = new WeakMap<Program, Int32Array>();

/**
 * A small integer per value naming its type (dtype and shape): equal for values of equal types, so that
 * caches over types (rules here, local types in the lowering) key on an array read rather than on type
 * objects. Type objects are shared by many values (an element-wise result is its operand's type object),
 * and shape arrays by many type objects, so each object's key string is built once. Cached per program
 * (checked against its value count); callers must not modify it.
 */
export function typeIdsOf(program: Program): Int32Array {
  const cached = TYPE_IDS.get(program);
  if (cached !== undefined && cached.length === program.values.length) return cached;
  const shapeKeys = new Map<readonly number[], string>();
  const typeIds = new Map<TensorType, number>();
  const idOfTypeKey = new Map<string, number>();
  const vals = program.values;
  const out = new Int32Array(vals.length);
  for (let v = 0; v < vals.length; v++) {
    const t = vals[v].type;
    let id = typeIds.get(t);
    if (id === undefined) {
      let sk = shapeKeys.get(t.shape);
      if (sk === undefined) shapeKeys.set(t.shape, (sk = shapeKey(t.shape)));
      const tk = t.dtype + sk;
      id = idOfTypeKey.get(tk);
      if (id === undefined) idOfTypeKey.set(tk, (id = idOfTypeKey.size));
      typeIds.set(t, id);
    }
    out[v] = id;
  }
  TYPE_IDS.set(program, out);
  return out;
}

/** A node of `rulesOf`'s cache trie: `rule` is set on the node reached by a whole key. */
interface RuleNode {
  readonly next: Map<number, RuleNode>;
  rule: OpRule | null | undefined;
}

// Programs are immutable once built, and both propagation and the lowering need the rules of the same
// program: computed once per program (checked against its op count, in case a builder's arrays grew).
const RULES = new WeakMap<Program, (OpRule | null)[]>();

/**
 * Rules of every op of `program` (index = OpId). Rules are immutable and depend only on the op's
 * kind, attributes and operand/result types, so the many identical ops of a deep model (every
 * layer repeats the same shapes) share one rule object. The array is cached per program; callers
 * must not modify it.
 */
export function rulesOf(program: Program): (OpRule | null)[] {
  const cached = RULES.get(program);
  if (cached !== undefined && cached.length === program.ops.length) return cached;
  const tid = typeIdsOf(program);
  // Attribute objects are often shared between ops too: each object gets an id once.
  const attrIds = new Map<object, number>();
  const idOfAttrKey = new Map<string, number>();
  const attrId = (attrs: object): number => {
    let id = attrIds.get(attrs);
    if (id === undefined) {
      const k = attrsKey(attrs);
      id = idOfAttrKey.get(k);
      if (id === undefined) idOfAttrKey.set(k, (id = idOfAttrKey.size));
      attrIds.set(attrs, id);
    }
    return id;
  };
  // The cache is a trie over small integers (kind, operand count, type ids, attribute id): no key string
  // per op, whose building and hashing was most of this function's time on a 50k-op program.
  const root: RuleNode = { next: new Map(), rule: undefined };
  const kindIds = new Map<string, number>();
  const child = (node: RuleNode, x: number): RuleNode => {
    let n = node.next.get(x);
    if (n === undefined) node.next.set(x, (n = { next: new Map(), rule: undefined }));
    return n;
  };
  const ops = program.ops;
  const out = new Array<OpRule | null>(ops.length);
  for (let o = 0; o < ops.length; o++) {
    const op = ops[o];
    const rc = REGISTRY[op.kind];
    if (rc === undefined || rc === barrier) {
      out[o] = null;
      continue;
    }
    let kind = kindIds.get(op.kind);
    if (kind === undefined) kindIds.set(op.kind, (kind = kindIds.size));
    let node = child(child(root, kind), op.operands.length);
    for (let i = 0; i < op.operands.length; i++) node = child(node, tid[op.operands[i]]);
    for (let i = 0; i < op.results.length; i++) node = child(node, tid[op.results[i]]);
    if (!TYPE_ONLY_RULE.has(op.kind)) node = child(node, attrId(op.attrs as object));
    let rule = node.rule;
    if (rule === undefined) node.rule = rule = ruleOf(op, program);
    out[o] = rule;
  }
  RULES.set(program, out);
  return out;
}
