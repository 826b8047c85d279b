/**
 * Row-major layout helpers shared by the interpreter kernels. Every tensor is a Float32Array in
 * row-major order; i32 and bool values are stored as numbers in it (bool as 0/1).
 */

export const numel = (shape: readonly number[]): number => {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
};

/** Row-major strides (in elements). */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * base + Σ idx[i]·strides[i] for every index of `shape`, enumerated row-major. The one odometer behind
 * transpose, broadcast (stride 0), slice (stride·step), tile extraction and insertion, and the
 * batch / free / contracting split of a contraction.
 */
export function stridedOffsets(shape: readonly number[], strides: readonly number[], base = 0): Int32Array {
  const n = numel(shape);
  const out = new Int32Array(n);
  if (n === 0) return out;
  const r = shape.length;
  const idx = new Array<number>(r).fill(0);
  let off = base;
  for (let k = 0; k < n; k++) {
    out[k] = off;
    // advance the odometer (last dim fastest), keeping `off` in step
    for (let i = r - 1; i >= 0; i--) {
      idx[i]++;
      off += strides[i];
      if (idx[i] < shape[i]) break;
      off -= strides[i] * shape[i];
      idx[i] = 0;
    }
  }
  return out;
}

/** out[idx] = src[base + Σ idx[i]·srcStrides[i]] over the row-major index space of `outShape`. */
export function stridedCopy(
  src: Float32Array, base: number, srcStrides: readonly number[], outShape: readonly number[],
): Float32Array {
  const offsets = stridedOffsets(outShape, srcStrides, base);
  const out = new Float32Array(offsets.length);
  for (let k = 0; k < offsets.length; k++) out[k] = src[offsets[k]];
  return out;
}

/** The inverse of stridedCopy: writes `src` (row-major over `shape`) into `dst` at strided positions. */
export function stridedWrite(
  dst: Float32Array, base: number, dstStrides: readonly number[], shape: readonly number[], src: Float32Array,
): void {
  const offsets = stridedOffsets(shape, dstStrides, base);
  for (let k = 0; k < offsets.length; k++) dst[offsets[k]] = src[k];
}

/**
 * Offsets (in elements of a tensor with `strides`) of every index over `dims`, enumerated row-major
 * in the order `dims` are listed. Used to split a contraction into batch / free / contracting parts.
 */
export function offsetsOver(shape: readonly number[], strides: readonly number[], dims: readonly number[]): Int32Array {
  return stridedOffsets(dims.map((d) => shape[d]), dims.map((d) => strides[d]));
}
