import { numElements } from './shape';
import type { Op, Program, TensorType } from './types';
import { DTYPE_BYTES } from './types';

/**
 * FLOPs of one op at the shapes in `program` (global or per-device alike). Multiply-adds count 2;
 * element-wise ops and reductions count one per element; data movement counts 0.
 */
export function opFlops(op: Op, p: Program): number {
  const out = (i = 0) => numElements(p.values[op.results[i]].type.shape);
  const inp = (i = 0) => numElements(p.values[op.operands[i]].type.shape);
  switch (op.kind) {
    case 'dot_general': {
      const lhs = p.values[op.operands[0]].type.shape;
      const k = op.attrs.lhsContract.reduce((n, d) => n * lhs[d], 1);
      return 2 * out() * k;
    }
    case 'convolution': {
      const rhs = p.values[op.operands[1]].type.shape;
      const a = op.attrs;
      const window = a.kernelSpatial.reduce((n, d) => n * rhs[d], 1);
      return 2 * out() * window * rhs[a.kernelInputFeature] * a.batchGroupCount;
    }
    case 'attention':
    case 'attention_grad': {
      const [b, s, h, dh] = p.values[op.operands[0]].type.shape;
      const t = p.values[op.operands[1]].type.shape[1];
      // q·kᵀ and p·v: two matmuls of 2·b·h·s·t·dh each; the backward recomputes q·kᵀ and does four more.
      const fwd = 4 * b * h * s * t * dh;
      return op.kind === 'attention' ? fwd : 2.5 * fwd;
    }
    case 'reduce':
      return inp();
    case 'add': case 'subtract': case 'multiply': case 'divide': case 'maximum': case 'minimum':
    case 'power': case 'compare': case 'select': case 'negate': case 'exp': case 'log': case 'tanh':
    case 'rsqrt': case 'sqrt': case 'logistic': case 'abs':
      return out();
    case 'scatter':
      return inp(2);
    case 'all_reduce': case 'reduce_scatter':
      return inp();
    case 'custom':
      return op.attrs.flops ?? 0;
    default:
      return 0;
  }
}

/** Bytes an op reads and writes in HBM (operands + results), for the roofline's memory term. */
export function opBytes(op: Op, p: Program): number {
  let b = 0;
  for (const v of op.operands) b += bytesOf(p, v);
  for (const v of op.results) b += bytesOf(p, v);
  return b;
}

/** Bytes of a tensor of type `t` (the one rule: elements × the dtype's width). */
export const typeBytes = (t: TensorType): number => numElements(t.shape) * DTYPE_BYTES[t.dtype];

export function bytesOf(p: Program, v: number): number {
  return typeBytes(p.values[v].type);
}
