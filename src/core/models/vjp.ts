/**
 * Vector-Jacobian products, one small rule per op kind (the autodiff analogue of Shardy's rule registry):
 * adding an op means adding a rule here, not touching the walk in autodiff.ts.
 *
 * A rule receives the op's primal operands and results (lazily: under remat, asking for one recomputes
 * it) and the cotangents of its results, and returns one cotangent per operand (undefined for none).
 */
import type { ProgramBuilder } from '../ir/builder';
import type { AttrMap, AttrsOf, ConvDims, Op, OpKind, ValueId } from '../ir/types';
import { UserError } from '../errors';
import { padDim, reverseDim } from './pad';

export interface VjpContext {
  readonly b: ProgramBuilder;
  readonly op: Op;
  /** Primal operand k (a recomputed copy under remat). */
  readonly x: (k: number) => ValueId;
  /** Primal result k. */
  readonly y: (k: number) => ValueId;
  /** Cotangents of the results; undefined where none flows. */
  readonly g: readonly (ValueId | undefined)[];
  /** Whether operand k needs a cotangent. */
  readonly needs: readonly boolean[];
}

export type VjpRule = (c: VjpContext) => readonly (ValueId | undefined)[];

/** Ops whose results carry no gradient (integer or boolean, or no operands). */
export const NO_GRADIENT: ReadonlySet<OpKind> = new Set<OpKind>(['compare', 'iota', 'constant']);

const attrsOf = <K extends OpKind>(c: VjpContext, _kind: K): AttrsOf<K> => c.op.attrs as AttrsOf<K>;
/** The cotangent of the single result (rules run only when one flows). */
const g0 = (c: VjpContext): ValueId => c.g[0] as ValueId;
const zerosLike = (b: ProgramBuilder, v: ValueId): ValueId => b.full(v, 0);

// ---- element-wise ----

const unary: Partial<Record<OpKind, VjpRule>> = {
  negate: (c) => [c.b.neg(g0(c))],
  exp: (c) => [c.b.mul(g0(c), c.y(0))],
  log: (c) => [c.b.div(g0(c), c.x(0))],
  // d tanh = 1 - tanh²: reads the output, as JAX does, so the input need not stay live.
  tanh: (c) => {
    const { b } = c, y = c.y(0);
    return [b.mul(g0(c), b.sub(b.full(y, 1), b.mul(y, y)))];
  },
  // d x^-1/2 = -1/2 · x^-3/2 = -1/2 · y / x
  rsqrt: (c) => {
    const { b } = c, y = c.y(0);
    return [b.mul(g0(c), b.mul(b.full(y, -0.5), b.div(y, c.x(0))))];
  },
  sqrt: (c) => {
    const { b } = c, y = c.y(0);
    return [b.div(b.mul(g0(c), b.full(y, 0.5)), y)];
  },
  logistic: (c) => {
    const { b } = c, y = c.y(0);
    return [b.mul(g0(c), b.mul(y, b.sub(b.full(y, 1), y)))];
  },
  abs: (c) => {
    const { b } = c, x = c.x(0), g = g0(c);
    return [b.select(b.compare(x, zerosLike(b, x), 'GE'), g, b.neg(g))];
  },
  convert: (c) => [c.b.convert(g0(c), c.b.type(c.op.operands[0]).dtype)],
};

const binary: Partial<Record<OpKind, VjpRule>> = {
  add: (c) => [g0(c), g0(c)],
  subtract: (c) => [g0(c), c.needs[1] ? c.b.neg(g0(c)) : undefined],
  multiply: (c) => [
    c.needs[0] ? c.b.mul(g0(c), c.x(1)) : undefined,
    c.needs[1] ? c.b.mul(g0(c), c.x(0)) : undefined,
  ],
  divide: (c) => {
    const { b } = c, g = g0(c);
    return [
      c.needs[0] ? b.div(g, c.x(1)) : undefined,
      c.needs[1] ? b.neg(b.div(b.mul(g, c.y(0)), c.x(1))) : undefined,
    ];
  },
  maximum: (c) => selectByCompare(c, 'GE'),
  minimum: (c) => selectByCompare(c, 'LE'),
  // a^p: da = g·p·a^(p-1), dp = g·a^p·log a
  power: (c) => {
    const { b } = c, g = g0(c), a = c.x(0), p = c.x(1);
    return [
      c.needs[0] ? b.mul(g, b.mul(p, b.binary('power', a, b.sub(p, b.full(p, 1))))) : undefined,
      c.needs[1] ? b.mul(g, b.mul(c.y(0), b.log(a))) : undefined,
    ];
  },
};

/** max/min: the cotangent goes to the operand that won (the first one on ties). */
function selectByCompare(c: VjpContext, dir: 'GE' | 'LE'): (ValueId | undefined)[] {
  const { b } = c, g = g0(c);
  const first = b.compare(c.x(0), c.x(1), dir);
  const zeros = zerosLike(b, g);
  return [c.needs[0] ? b.select(first, g, zeros) : undefined, c.needs[1] ? b.select(first, zeros, g) : undefined];
}

// ---- structural ----

const iotaN = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Permutation that undoes `perm` (transpose(transpose(x, perm), inversePerm(perm)) = x). */
export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => { inv[p] = i; });
  return inv;
}

const isIdentity = (perm: readonly number[]): boolean => perm.every((p, i) => p === i);

function transposeIfNeeded(b: ProgramBuilder, x: ValueId, perm: readonly number[]): ValueId {
  return isIdentity(perm) ? x : b.transpose(x, perm);
}

/**
 * dot_general: contract the result cotangent g [batch, lhsFree, rhsFree] with the other operand over
 * that operand's free dims. The lhs cotangent is dot(g, rhs) → [batch, lhsFree, contracting]; the rhs
 * cotangent is dot(lhs, g) → [batch, contracting, rhsFree], so that the usual layouts (x [.., d] and
 * w [d, ..]) need no transpose; otherwise a transpose puts the dims back where the operand had them.
 */
function dotOperandGrad(b: ProgramBuilder, g: ValueId, other: ValueId, d: AttrMap['dot_general'], side: 0 | 1, lhsRank: number, rhsRank: number): ValueId {
  const lhsFree = iotaN(lhsRank).filter((i) => !d.lhsBatch.includes(i) && !d.lhsContract.includes(i));
  const rhsFree = iotaN(rhsRank).filter((i) => !d.rhsBatch.includes(i) && !d.rhsContract.includes(i));
  const nb = d.lhsBatch.length;
  const gLhsFree = lhsFree.map((_, j) => nb + j);
  const gRhsFree = rhsFree.map((_, j) => nb + lhsFree.length + j);
  const sorted = (xs: readonly number[]) => [...xs].sort((x, y) => x - y);
  const pos = new Array<number>(side === 0 ? lhsRank : rhsRank);
  if (side === 0) {
    const prod = b.dot(g, other, { lhsBatch: iotaN(nb), rhsBatch: d.rhsBatch, lhsContract: gRhsFree, rhsContract: rhsFree });
    const rest = sorted(d.rhsContract);
    d.lhsBatch.forEach((dim, i) => { pos[dim] = i; });
    lhsFree.forEach((dim, j) => { pos[dim] = nb + j; });
    d.lhsContract.forEach((dim, k) => { pos[dim] = nb + lhsFree.length + rest.indexOf(d.rhsContract[k]); });
    return transposeIfNeeded(b, prod, pos);
  }
  const prod = b.dot(other, g, { lhsBatch: d.lhsBatch, rhsBatch: iotaN(nb), lhsContract: lhsFree, rhsContract: gLhsFree });
  const rest = sorted(d.lhsContract);
  d.rhsBatch.forEach((dim, i) => { pos[dim] = i; });
  d.rhsContract.forEach((dim, k) => { pos[dim] = nb + rest.indexOf(d.lhsContract[k]); });
  rhsFree.forEach((dim, j) => { pos[dim] = nb + rest.length + j; });
  return transposeIfNeeded(b, prod, pos);
}

/** Sum the cotangent of a broadcast back onto the operand's shape. */
function unbroadcast(b: ProgramBuilder, g: ValueId, operandShape: readonly number[], dims: readonly number[]): ValueId {
  const resShape = b.shape(g);
  const kept = new Set<number>();
  dims.forEach((rd, i) => { if (operandShape[i] === resShape[rd]) kept.add(rd); });
  const reduceDims = iotaN(resShape.length).filter((d) => !kept.has(d));
  let v = reduceDims.length ? b.sum(g, reduceDims) : g;
  const keptSorted = [...kept].sort((a, c) => a - c);
  const order = dims.filter((rd) => kept.has(rd)).map((rd) => keptSorted.indexOf(rd));
  v = transposeIfNeeded(b, v, order);
  const shape = b.shape(v);
  if (shape.length !== operandShape.length || shape.some((s, i) => s !== operandShape[i])) v = b.reshape(v, operandShape);
  return v;
}

const structural: Partial<Record<OpKind, VjpRule>> = {
  select: (c) => {
    const { b } = c, g = g0(c), p = c.x(0), zeros = zerosLike(b, g);
    return [undefined, c.needs[1] ? b.select(p, g, zeros) : undefined, c.needs[2] ? b.select(p, zeros, g) : undefined];
  },
  dot_general: (c) => {
    const { b } = c, d = attrsOf(c, 'dot_general'), g = g0(c);
    const lr = b.shape(c.op.operands[0]).length, rr = b.shape(c.op.operands[1]).length;
    return [
      c.needs[0] ? dotOperandGrad(b, g, c.x(1), d, 0, lr, rr) : undefined,
      c.needs[1] ? dotOperandGrad(b, g, c.x(0), d, 1, lr, rr) : undefined,
    ];
  },
  broadcast_in_dim: (c) => [unbroadcast(c.b, g0(c), c.b.shape(c.op.operands[0]), attrsOf(c, 'broadcast_in_dim').dims)],
  reduce: (c) => {
    const { b } = c, a = attrsOf(c, 'reduce'), g = g0(c);
    const shape = b.shape(c.op.operands[0]);
    const keptDims = iotaN(shape.length).filter((d) => !a.dims.includes(d));
    const gb = b.broadcast(g, shape, keptDims);
    if (a.reducer === 'sum') return [gb];
    // max: the cotangent is shared among the positions that attain the max (as JAX does).
    const x = c.x(0);
    const hit = b.compare(x, b.broadcast(c.y(0), shape, keptDims), 'EQ');
    const ones = b.select(hit, b.full(x, 1), b.full(x, 0));
    const count = b.broadcast(b.sum(ones, a.dims), shape, keptDims);
    return [b.div(b.mul(gb, ones), count)];
  },
  transpose: (c) => [c.b.transpose(g0(c), inversePerm(attrsOf(c, 'transpose').perm))],
  reshape: (c) => [c.b.reshape(g0(c), c.b.shape(c.op.operands[0]))],
  concatenate: (c) => {
    const { b } = c, { dim } = attrsOf(c, 'concatenate'), g = g0(c), gs = b.shape(g);
    let at = 0;
    return c.op.operands.map((v, k) => {
      const n = b.shape(v)[dim];
      const start = at;
      at += n;
      if (!c.needs[k]) return undefined;
      return b.emit1('slice', [g], {
        start: gs.map((_, i) => (i === dim ? start : 0)),
        limit: gs.map((s, i) => (i === dim ? start + n : s)),
        stride: gs.map(() => 1),
      });
    });
  },
  slice: (c) => {
    const { b } = c, a = attrsOf(c, 'slice'), shape = b.shape(c.op.operands[0]);
    let v = g0(c);
    const out = b.shape(v);
    if (out.some((n) => n === 0)) return [zerosLike(b, c.op.operands[0])];
    shape.forEach((n, d) => {
      const last = a.start[d] + (out[d] - 1) * a.stride[d];
      v = padDim(b, v, d, a.start[d], n - 1 - last, a.stride[d] - 1);
    });
    return [v];
  },
  dynamic_slice: (c) => {
    const { b } = c, starts = c.op.operands.slice(1).map((_, i) => c.x(i + 1));
    const operand = c.op.operands[0];
    return [b.emit1('dynamic_update_slice', [b.full(operand, 0), g0(c), ...starts], {})];
  },
  dynamic_update_slice: (c) => {
    const { b } = c, g = g0(c), upd = c.op.operands[1];
    const starts = c.op.operands.slice(2).map((_, i) => c.x(i + 2));
    return [
      c.needs[0] ? b.emit1('dynamic_update_slice', [g, b.full(upd, 0), ...starts], {}) : undefined,
      c.needs[1] ? b.emit1('dynamic_slice', [g, ...starts], { sizes: b.shape(upd) }) : undefined,
    ];
  },
  // gather ↔ scatter-add in the take-along-axis form: an embedding lookup's gradient is a segment sum.
  gather: (c) => {
    const { b } = c, { axis } = attrsOf(c, 'gather'), operand = c.op.operands[0];
    return [b.emit1('scatter', [b.full(operand, 0), c.x(1), g0(c)], { axis }), undefined];
  },
  scatter: (c) => {
    const { b } = c, { axis } = attrsOf(c, 'scatter'), g = g0(c);
    return [g, undefined, c.needs[2] ? b.emit1('gather', [g, c.x(1)], { axis }) : undefined];
  },
  convolution: (c) => {
    const d = attrsOf(c, 'convolution');
    if (d.batchGroupCount !== 1)
      throw new UserError('autodiff', `cannot differentiate a convolution with batch_group_count ${d.batchGroupCount} (in "${c.op.scope || 'top'}"): only feature groups are supported`);
    return [
      c.needs[0] ? convInputGrad(c, d) : undefined,
      c.needs[1] ? convKernelGrad(c, d) : undefined,
    ];
  },
  attention: (c) => {
    const { b } = c, a = attrsOf(c, 'attention');
    return b.emit('attention_grad', [c.x(0), c.x(1), c.x(2), g0(c)], { causal: a.causal, scale: a.scale });
  },
};

const dilated = (n: number, k: number): number => (n === 0 ? 0 : 1 + k * (n - 1));

/**
 * Input gradient of a convolution: convolve the output cotangent, dilated by the strides, with the
 * spatially reversed kernel whose feature dims swap roles (after JAX's _conv_general_dilated_transpose_lhs).
 */
function convInputGrad(c: VjpContext, d: ConvDims): ValueId {
  const { b } = c;
  const lhs = b.shape(c.op.operands[0]), rhs = b.shape(c.op.operands[1]), out = b.shape(g0(c));
  const G = d.featureGroupCount;
  let kernel = c.x(1);
  let kernelDims = { kernelInputFeature: d.kernelOutputFeature, kernelOutputFeature: d.kernelInputFeature, kernelSpatial: d.kernelSpatial };
  if (G > 1) {
    // Move the group out of the kernel's output features into its input features (JAX's
    // _reshape_axis_out_of / _reshape_axis_into): [O, I/G, S..] → [G, O/G, I/G, S..] → [O/G, G·I/G, S..].
    const o = rhs[d.kernelOutputFeature], ig = rhs[d.kernelInputFeature];
    const sp = d.kernelSpatial.map((i) => rhs[i]);
    const canonical = transposeIfNeeded(b, kernel, [d.kernelOutputFeature, d.kernelInputFeature, ...d.kernelSpatial]);
    const split = b.reshape(canonical, [G, o / G, ig, ...sp]);
    const moved = b.transpose(split, [1, 0, ...iotaN(sp.length + 3).slice(2)]);
    kernel = b.reshape(moved, [o / G, G * ig, ...sp]);
    kernelDims = { kernelInputFeature: 0, kernelOutputFeature: 1, kernelSpatial: sp.map((_, i) => i + 2) };
  }
  for (const sd of kernelDims.kernelSpatial) kernel = reverseDim(b, kernel, sd);
  const padding = d.inputSpatial.map((_, i): [number, number] => {
    const k = dilated(rhs[d.kernelSpatial[i]], d.rhsDilation[i]);
    const before = k - d.padding[i][0] - 1;
    const after = dilated(lhs[d.inputSpatial[i]], d.lhsDilation[i]) + k - 1 - dilated(out[d.outputSpatial[i]], d.strides[i]) - before;
    return [before, after];
  });
  return b.emit1('convolution', [g0(c), kernel], {
    inputBatch: d.outputBatch, inputFeature: d.outputFeature, inputSpatial: d.outputSpatial,
    ...kernelDims,
    outputBatch: d.inputBatch, outputFeature: d.inputFeature, outputSpatial: d.inputSpatial,
    strides: d.lhsDilation, padding, lhsDilation: d.strides, rhsDilation: d.rhsDilation,
    featureGroupCount: G, batchGroupCount: 1,
  });
}

/**
 * Kernel gradient: a convolution of the input (batch and feature swapped) with the output cotangent as
 * the kernel, dilated by the strides (after JAX's _conv_general_dilated_transpose_rhs). Feature groups
 * become batch groups: output feature o of group j pairs with input features of group j only.
 */
function convKernelGrad(c: VjpContext, d: ConvDims): ValueId {
  const { b } = c;
  const lhs = b.shape(c.op.operands[0]), rhs = b.shape(c.op.operands[1]), out = b.shape(g0(c));
  const padding = d.inputSpatial.map((_, i): [number, number] => {
    const lo = d.padding[i][0];
    const fromLhs = dilated(out[d.outputSpatial[i]], d.strides[i]) - dilated(lhs[d.inputSpatial[i]], d.lhsDilation[i]);
    const fromRhs = dilated(rhs[d.kernelSpatial[i]], d.rhsDilation[i]) - lo - 1;
    return [lo, fromLhs + fromRhs];
  });
  return b.emit1('convolution', [c.x(0), g0(c)], {
    inputBatch: d.inputFeature, inputFeature: d.inputBatch, inputSpatial: d.inputSpatial,
    kernelInputFeature: d.outputBatch, kernelOutputFeature: d.outputFeature, kernelSpatial: d.outputSpatial,
    outputBatch: d.kernelInputFeature, outputFeature: d.kernelOutputFeature, outputSpatial: d.kernelSpatial,
    strides: d.rhsDilation, padding, lhsDilation: d.lhsDilation, rhsDilation: d.strides,
    featureGroupCount: 1, batchGroupCount: d.featureGroupCount,
  });
}

/** The registry: op kind → VJP rule. Kinds absent here (collectives, custom, attention_grad) have none. */
export const VJP_RULES: Partial<Record<OpKind, VjpRule>> = { ...unary, ...binary, ...structural };
