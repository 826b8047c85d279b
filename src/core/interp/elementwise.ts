import type { BinaryKind, CompareDirection, DType, UnaryKind } from '../ir/types';

/**
 * Element-wise kernels. Floating dtypes (f32, bf16, f16) are all computed in f32: the interpreter is
 * the ground truth for partitioning, which never changes precision, so emulating bf16 rounding would
 * only add noise to the comparison. Integer (i32) ops truncate like StableHLO's integer arithmetic.
 */

function convertScalar(x: number, to: DType): number {
  switch (to) {
    case 'bool':
      return x !== 0 ? 1 : 0;
    case 'i32':
      // StableHLO float → int conversion truncates toward zero; NaN has no integer value, use 0.
      return Number.isNaN(x) ? 0 : Math.trunc(x) + 0; // + 0: integers have no -0
    default:
      return x;
  }
}

export function unaryKernel(kind: UnaryKind, x: Float32Array, dtype: DType, to?: DType): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  const isInt = dtype === 'i32';
  switch (kind) {
    case 'negate': for (let i = 0; i < n; i++) out[i] = -x[i]; break;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); break;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i]); break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); break;
    case 'rsqrt': for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]); break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); break;
    case 'logistic': for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i])); break;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]); break;
    case 'convert': {
      const t = to ?? dtype;
      for (let i = 0; i < n; i++) out[i] = convertScalar(x[i], t);
      break;
    }
  }
  if (isInt && kind !== 'convert') for (let i = 0; i < n; i++) out[i] = Math.trunc(out[i]) + 0;
  return out;
}

function compareOp(dir: CompareDirection): (a: number, b: number) => boolean {
  switch (dir) {
    case 'EQ': return (a, b) => a === b;
    case 'NE': return (a, b) => a !== b;
    case 'LT': return (a, b) => a < b;
    case 'LE': return (a, b) => a <= b;
    case 'GT': return (a, b) => a > b;
    case 'GE': return (a, b) => a >= b;
  }
}

/** Integer division truncates toward zero; division by zero gives -1, as XLA on CPU does. */
const intDiv = (a: number, b: number): number => (b === 0 ? -1 : Math.trunc(a / b) + 0);

export function binaryKernel(
  kind: BinaryKind, a: Float32Array, b: Float32Array, dtype: DType, direction?: CompareDirection,
): Float32Array {
  const n = a.length;
  const out = new Float32Array(n);
  const isInt = dtype === 'i32';
  switch (kind) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; break;
    case 'subtract': for (let i = 0; i < n; i++) out[i] = a[i] - b[i]; break;
    case 'multiply': for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; break;
    case 'divide':
      if (isInt) for (let i = 0; i < n; i++) out[i] = intDiv(a[i], b[i]);
      else for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      break;
    // Math.max/min propagate NaN, as StableHLO maximum/minimum do.
    case 'maximum': for (let i = 0; i < n; i++) out[i] = Math.max(a[i], b[i]); break;
    case 'minimum': for (let i = 0; i < n; i++) out[i] = Math.min(a[i], b[i]); break;
    case 'power':
      for (let i = 0; i < n; i++) out[i] = Math.pow(a[i], b[i]);
      if (isInt) for (let i = 0; i < n; i++) out[i] = Number.isFinite(out[i]) ? Math.trunc(out[i]) : 0;
      break;
    case 'compare': {
      const f = compareOp(direction ?? 'EQ');
      for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]) ? 1 : 0;
      break;
    }
  }
  return out;
}

/** select(pred, onTrue, onFalse); a scalar predicate picks a whole branch. */
export function selectKernel(p: Float32Array, a: Float32Array, b: Float32Array): Float32Array {
  if (p.length === 1 && a.length !== 1) return new Float32Array(p[0] !== 0 ? a : b);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = p[i] !== 0 ? a[i] : b[i];
  return out;
}
