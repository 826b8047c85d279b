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
 * out[idx] = src[base + Σ idx[i]·srcStrides[i]] over the row-major index space of `outShape`.
 * One odometer serves transpose, broadcast (stride 0), slice (stride·step) and tile extraction.
 */
export function stridedCopy(
  src: Float32Array, base: number, srcStrides: readonly number[], outShape: readonly number[],
): Float32Array {
  const n = numel(outShape);
  const out = new Float32Array(n);
  if (n === 0) return out;
  const r = outShape.length;
  const idx = new Array<number>(r).fill(0);
  let off = base;
  for (let k = 0; k < n; k++) {
    out[k] = src[off];
    // advance the odometer (last dim fastest), keeping `off` in step
    for (let i = r - 1; i >= 0; i--) {
      idx[i]++;
      off += srcStrides[i];
      if (idx[i] < outShape[i]) break;
      off -= srcStrides[i] * outShape[i];
      idx[i] = 0;
    }
  }
  return out;
}

/** The inverse of stridedCopy: writes `src` (row-major over `shape`) into `dst` at strided positions. */
export function stridedWrite(
  dst: Float32Array, base: number, dstStrides: readonly number[], shape: readonly number[], src: Float32Array,
): void {
  const n = numel(shape);
  if (n === 0) return;
  const r = shape.length;
  const idx = new Array<number>(r).fill(0);
  let off = base;
  for (let k = 0; k < n; k++) {
    dst[off] = src[k];
    for (let i = r - 1; i >= 0; i--) {
      idx[i]++;
      off += dstStrides[i];
      if (idx[i] < shape[i]) break;
      off -= dstStrides[i] * shape[i];
      idx[i] = 0;
    }
  }
}

/**
 * Offsets (in elements of a tensor with `strides`) of every index over `dims`, enumerated row-major
 * in the order `dims` are listed. Used to split a contraction into batch / free / contracting parts.
 */
export function offsetsOver(shape: readonly number[], strides: readonly number[], dims: readonly number[]): Int32Array {
  const sizes = dims.map((d) => shape[d]);
  const st = dims.map((d) => strides[d]);
  const n = numel(sizes);
  const out = new Int32Array(n);
  const idx = new Array<number>(dims.length).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    out[k] = off;
    for (let i = dims.length - 1; i >= 0; i--) {
      idx[i]++;
      off += st[i];
      if (idx[i] < sizes[i]) break;
      off -= st[i] * sizes[i];
      idx[i] = 0;
    }
  }
  return out;
}
