import type { AttrMap } from '../ir/types';
import { numel, offsetsOver, stridedCopy, stridedWrite, stridesOf } from './tensor';

/**
 * Kernels for the structural ops (contraction, layout, indexing). Each takes row-major buffers and
 * the shapes it needs and returns a fresh buffer; accumulations run in f64 and round once to f32.
 */

/** dot_general: result dims are [batch..., lhs free..., rhs free...] (StableHLO order). */
export function dotGeneral(
  lhs: Float32Array, lhsShape: readonly number[], rhs: Float32Array, rhsShape: readonly number[], d: AttrMap['dot_general'],
): Float32Array {
  const ls = stridesOf(lhsShape), rs = stridesOf(rhsShape);
  const lhsFree = lhsShape.map((_, i) => i).filter((i) => !d.lhsBatch.includes(i) && !d.lhsContract.includes(i));
  const rhsFree = rhsShape.map((_, i) => i).filter((i) => !d.rhsBatch.includes(i) && !d.rhsContract.includes(i));
  const lb = offsetsOver(lhsShape, ls, d.lhsBatch), rb = offsetsOver(rhsShape, rs, d.rhsBatch);
  const lf = offsetsOver(lhsShape, ls, lhsFree), rf = offsetsOver(rhsShape, rs, rhsFree);
  const lc = offsetsOver(lhsShape, ls, d.lhsContract), rc = offsetsOver(rhsShape, rs, d.rhsContract);
  const B = lb.length, M = lf.length, N = rf.length, K = lc.length;
  const out = new Float32Array(B * M * N);
  // Every output sums its products in k order, in f64, and rounds once: the plain definition. The
  // loop order only changes memory locality. Products of two f32 are exact in f64.
  const lcStep = constantStep(lc), rcStep = constantStep(rc);
  if (constantStep(rf) !== 1 && lcStep !== undefined && rcStep !== undefined)
    dotInner(lhs, rhs, out, lb, lf, rb, rf, K, lcStep, rcStep);
  else dotRows(lhs, rhs, out, lb, lf, lc, rb, rf, rc);
  return out;
}

/** i-k-j: the inner loop walks a row of rhs (fast when the rhs free dims are contiguous). */
function dotRows(
  lhs: Float32Array, rhs: Float32Array, out: Float32Array,
  lb: Int32Array, lf: Int32Array, lc: Int32Array, rb: Int32Array, rf: Int32Array, rc: Int32Array,
): void {
  const B = lb.length, M = lf.length, N = rf.length, K = lc.length;
  const unitN = constantStep(rf) === 1;
  const acc = new Float64Array(N);
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < M; m++) {
      acc.fill(0);
      const lbase = lb[b] + lf[m];
      for (let k = 0; k < K; k++) {
        const a = lhs[lbase + lc[k]];
        const rbase = rb[b] + rc[k];
        if (unitN) for (let n = 0; n < N; n++) acc[n] += a * rhs[rbase + n];
        else for (let n = 0; n < N; n++) acc[n] += a * rhs[rbase + rf[n]];
      }
      for (let n = 0; n < N; n++) out[o++] = acc[n];
    }
  }
}

/** i-j-k with strided inner products (contracting dims laid out at a constant step). */
function dotInner(
  lhs: Float32Array, rhs: Float32Array, out: Float32Array,
  lb: Int32Array, lf: Int32Array, rb: Int32Array, rf: Int32Array, K: number, lcStep: number, rcStep: number,
): void {
  const B = lb.length, M = lf.length, N = rf.length;
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < M; m++) {
      const lbase = lb[b] + lf[m];
      for (let n = 0; n < N; n++) {
        let li = lbase, ri = rb[b] + rf[n], acc = 0;
        for (let k = 0; k < K; k++) {
          acc += lhs[li] * rhs[ri];
          li += lcStep;
          ri += rcStep;
        }
        out[o++] = acc;
      }
    }
  }
}

/** The common difference of an arithmetic sequence of offsets (0 for length ≤ 1), else undefined. */
function constantStep(offs: Int32Array): number | undefined {
  if (offs.length <= 1) return offs.length === 1 ? 1 : 0;
  const step = offs[1] - offs[0];
  for (let i = 2; i < offs.length; i++) if (offs[i] - offs[i - 1] !== step) return undefined;
  return offs[0] === 0 ? step : undefined;
}

/** broadcast_in_dim: operand dim i feeds result dim dims[i]; a size-1 operand dim repeats (stride 0). */
export function broadcastInDim(x: Float32Array, shape: readonly number[], a: AttrMap['broadcast_in_dim']): Float32Array {
  const xs = stridesOf(shape);
  const st = new Array<number>(a.shape.length).fill(0);
  a.dims.forEach((rd, i) => {
    st[rd] = shape[i] === 1 ? 0 : xs[i];
  });
  return stridedCopy(x, 0, st, a.shape);
}

export function reduce(x: Float32Array, shape: readonly number[], a: AttrMap['reduce']): Float32Array {
  const kept = shape.map((_, i) => i).filter((i) => !a.dims.includes(i));
  const xs = stridesOf(shape);
  const outer = offsetsOver(shape, xs, kept);
  const inner = offsetsOver(shape, xs, a.dims);
  const out = new Float32Array(outer.length);
  for (let o = 0; o < outer.length; o++) {
    const base = outer[o];
    if (a.reducer === 'sum') {
      let acc = 0;
      for (let k = 0; k < inner.length; k++) acc += x[base + inner[k]];
      out[o] = acc;
    } else {
      // max starts at -Infinity (the identity), so an empty reduction gives -Infinity.
      let acc = -Infinity;
      for (let k = 0; k < inner.length; k++) {
        const v = x[base + inner[k]];
        if (v > acc || Number.isNaN(v)) acc = v;
        if (Number.isNaN(acc)) break;
      }
      out[o] = acc;
    }
  }
  return out;
}

export function transpose(x: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const xs = stridesOf(shape);
  return stridedCopy(x, 0, perm.map((p) => xs[p]), perm.map((p) => shape[p]));
}

export function concatenate(xs: readonly Float32Array[], shapes: readonly (readonly number[])[], dim: number): Float32Array {
  const outer = numel(shapes[0].slice(0, dim));
  const inner = numel(shapes[0].slice(dim + 1));
  const total = shapes.reduce((n, s) => n + s[dim], 0);
  const out = new Float32Array(outer * total * inner);
  let at = 0;
  xs.forEach((x, j) => {
    const chunk = shapes[j][dim] * inner;
    for (let o = 0; o < outer; o++) out.set(x.subarray(o * chunk, (o + 1) * chunk), o * total * inner + at);
    at += chunk;
  });
  return out;
}

export function slice(x: Float32Array, shape: readonly number[], a: AttrMap['slice']): Float32Array {
  const xs = stridesOf(shape);
  const outShape = shape.map((_, i) => Math.ceil((a.limit[i] - a.start[i]) / a.stride[i]));
  const base = a.start.reduce((n, s, i) => n + s * xs[i], 0);
  return stridedCopy(x, base, xs.map((s, i) => s * a.stride[i]), outShape);
}

/** StableHLO clamps each start index to [0, dim - size] so the window always fits. */
export const clampStart = (start: number, dim: number, size: number): number =>
  Math.min(Math.max(Math.trunc(start), 0), dim - size);

export function dynamicSlice(x: Float32Array, shape: readonly number[], starts: readonly number[], sizes: readonly number[]): Float32Array {
  const xs = stridesOf(shape);
  const base = starts.reduce((n, s, i) => n + clampStart(s, shape[i], sizes[i]) * xs[i], 0);
  return stridedCopy(x, base, xs, sizes);
}

export function dynamicUpdateSlice(
  x: Float32Array, shape: readonly number[], upd: Float32Array, updShape: readonly number[], starts: readonly number[],
): Float32Array {
  const out = new Float32Array(x);
  const xs = stridesOf(shape);
  const base = starts.reduce((n, s, i) => n + clampStart(s, shape[i], updShape[i]) * xs[i], 0);
  stridedWrite(out, base, xs, updShape, upd);
  return out;
}

const clampIndex = (i: number, n: number): number => Math.min(Math.max(Math.trunc(i), 0), n - 1);

/** take along `axis`: operand [pre, N, post], indices [I...] → [pre, I..., post]; indices clamped to [0, N). */
export function gather(x: Float32Array, shape: readonly number[], idx: Float32Array, axis: number): Float32Array {
  const pre = numel(shape.slice(0, axis)), N = shape[axis], post = numel(shape.slice(axis + 1));
  const I = idx.length;
  const out = new Float32Array(pre * I * post);
  for (let p = 0; p < pre; p++)
    for (let i = 0; i < I; i++) {
      const src = (p * N + clampIndex(idx[i], N)) * post;
      out.set(x.subarray(src, src + post), (p * I + i) * post);
    }
  return out;
}

/** The adjoint of gather: operand + updates added at the (clamped) indices along `axis`. */
export function scatterAdd(x: Float32Array, shape: readonly number[], idx: Float32Array, upd: Float32Array, axis: number): Float32Array {
  const pre = numel(shape.slice(0, axis)), N = shape[axis], post = numel(shape.slice(axis + 1));
  const I = idx.length;
  // accumulate in f64 so the result does not depend on the order of colliding updates more than needed
  const acc = Float64Array.from(x);
  for (let p = 0; p < pre; p++)
    for (let i = 0; i < I; i++) {
      const dst = (p * N + clampIndex(idx[i], N)) * post;
      const src = (p * I + i) * post;
      for (let q = 0; q < post; q++) acc[dst + q] += upd[src + q];
    }
  return Float32Array.from(acc);
}

export function iota(a: AttrMap['iota']): Float32Array {
  const n = numel(a.shape);
  const out = new Float32Array(n);
  const inner = numel(a.shape.slice(a.dim + 1));
  const size = a.shape[a.dim];
  for (let k = 0; k < n; k++) out[k] = Math.floor(k / inner) % size;
  return out;
}

export function constant(a: AttrMap['constant']): Float32Array {
  if (a.data !== undefined) return Float32Array.from(a.data);
  return new Float32Array(numel(a.shape)).fill(a.value ?? 0);
}
