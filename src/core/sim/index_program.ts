/**
 * Per-program tables the simulator passes share, built once in linear time with typed arrays: the users of
 * every value in compressed rows (CSR) and the bytes of every value. A 96-layer step has ~60k ops and
 * values; per-value arrays of arrays would dominate the simulator's time in allocation alone.
 */
import type { Program } from '../ir/types';
import { DTYPE_BYTES } from '../ir/types';

export interface ProgramIndex {
  /** Users of value v (op ids, in program order): userOps[userStart[v] .. userStart[v+1]). */
  readonly userStart: Int32Array;
  readonly userOps: Int32Array;
  /** Bytes of every value at its (local) shape. */
  readonly bytes: Float64Array;
}

export function indexProgram(p: Program): ProgramIndex {
  const nV = p.values.length;
  const userStart = new Int32Array(nV + 1);
  for (const op of p.ops) for (const v of op.operands) userStart[v + 1]++;
  for (let v = 0; v < nV; v++) userStart[v + 1] += userStart[v];
  const fill = userStart.slice(0, nV);
  const userOps = new Int32Array(userStart[nV]);
  for (const op of p.ops) for (const v of op.operands) userOps[fill[v]++] = op.id;
  return { userStart, userOps, bytes: valueBytes(p) };
}

/** Bytes of every value of `p` at its shape. */
export function valueBytes(p: Program): Float64Array {
  const nV = p.values.length;
  const bytes = new Float64Array(nV);
  for (let v = 0; v < nV; v++) {
    const t = p.values[v].type;
    let n = DTYPE_BYTES[t.dtype];
    for (let i = 0; i < t.shape.length; i++) n *= t.shape[i];
    bytes[v] = n;
  }
  return bytes;
}

export const userCount = (ix: ProgramIndex, v: number): number => ix.userStart[v + 1] - ix.userStart[v];
