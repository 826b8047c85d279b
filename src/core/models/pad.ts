/**
 * Data-movement helpers the IR has no single op for, built from ops it has (so every partitioner rule
 * and interpreter kernel already covers them): zero padding with interior padding (lax.pad, for the
 * gradient of a strided slice) and reversal along a dim (for the input gradient of a convolution).
 */
import type { ProgramBuilder } from '../ir/builder';
import type { ValueId } from '../ir/types';

function zeros(b: ProgramBuilder, like: ValueId, shape: readonly number[]): ValueId {
  return b.constant(0, shape, b.type(like).dtype);
}

/**
 * Pads dim `dim` of `x` with `lo` zeros before, `hi` after and `interior` zeros between elements.
 * Interior padding interleaves zeros by a reshape to [.., n, 1, ..], a concatenation with zeros
 * [.., n, interior, ..] and a reshape back, dropping the trailing `interior` zeros.
 */
export function padDim(b: ProgramBuilder, x: ValueId, dim: number, lo: number, hi: number, interior: number): ValueId {
  let v = x;
  const shape = b.shape(x);
  const n = shape[dim];
  if (interior > 0 && n > 1) {
    const split = [...shape.slice(0, dim + 1), 1, ...shape.slice(dim + 1)];
    const gap = [...shape.slice(0, dim + 1), interior, ...shape.slice(dim + 1)];
    const woven = b.emit1('concatenate', [b.reshape(v, split), zeros(b, v, gap)], { dim: dim + 1 });
    const flat = [...shape.slice(0, dim), n * (interior + 1), ...shape.slice(dim + 1)];
    const full = b.reshape(woven, flat);
    const keep = (n - 1) * (interior + 1) + 1;
    v = b.emit1('slice', [full], {
      start: flat.map(() => 0),
      limit: flat.map((s, i) => (i === dim ? keep : s)),
      stride: flat.map(() => 1),
    });
  }
  const cur = b.shape(v);
  const parts: ValueId[] = [];
  if (lo > 0) parts.push(zeros(b, v, cur.map((s, i) => (i === dim ? lo : s))));
  parts.push(v);
  if (hi > 0) parts.push(zeros(b, v, cur.map((s, i) => (i === dim ? hi : s))));
  return parts.length === 1 ? v : b.emit1('concatenate', parts, { dim });
}

/** Reverses `x` along `dim` (a gather with the indices n-1 … 0). */
export function reverseDim(b: ProgramBuilder, x: ValueId, dim: number): ValueId {
  const n = b.shape(x)[dim];
  if (n <= 1) return x;
  const idx = b.emit1('constant', [], { shape: [n], dtype: 'i32', data: Array.from({ length: n }, (_, i) => n - 1 - i) });
  return b.emit1('gather', [x, idx], { axis: dim });
}
