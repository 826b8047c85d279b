import { UserError } from '../errors';
import type { Op } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import { axisSize, groupIndex, groupMembers } from '../mesh/mesh';
import { concatenate } from './kernels';
import { numel, stridedCopy, stridesOf } from './tensor';

/**
 * Collectives with their real semantics over a simulated mesh. Each takes every device's operand
 * (index = device id) and returns every device's result. A group is the set of devices that differ
 * only along the op's axes, ordered by groupIndex over those axes (the order tiles are laid out in).
 */

/** The slice [k·size, (k+1)·size) of `dim`. */
function chunk(x: Float32Array, shape: readonly number[], dim: number, k: number, size: number): Float32Array {
  const st = stridesOf(shape);
  return stridedCopy(x, k * size * st[dim], st, shape.map((n, i) => (i === dim ? size : n)));
}

/** Element-wise sum of equally long buffers, accumulated in f64 in the order given. */
export function sumOf(xs: readonly Float32Array[]): Float32Array {
  const acc = new Float64Array(xs[0].length);
  for (const x of xs) for (let i = 0; i < x.length; i++) acc[i] += x[i];
  return Float32Array.from(acc);
}

/** Elementwise maximum of equal-length arrays (a max all-reduce). */
export function maxOf(xs: readonly Float32Array[]): Float32Array {
  const acc = Float32Array.from(xs[0]);
  for (const x of xs) for (let i = 0; i < x.length; i++) if (x[i] > acc[i] || Number.isNaN(x[i])) acc[i] = x[i];
  return acc;
}

function tileCount(shape: readonly number[], dim: number, n: number, op: Op): number {
  if (dim < 0 || dim >= shape.length) throw new UserError('interp', `${op.kind} (op #${op.id}): dim ${dim} out of range for rank ${shape.length}`);
  if (shape[dim] % n !== 0) throw new UserError('interp', `${op.kind} (op #${op.id}): dim ${dim} of size ${shape[dim]} does not split into ${n} tiles`);
  return shape[dim] / n;
}

/**
 * Runs one collective for all devices. `shape` is the local operand shape (the same on every
 * device: SPMD). Returns the result buffer of each device.
 */
export function runCollective(op: Op, mesh: Mesh, xs: readonly Float32Array[], shape: readonly number[]): Float32Array[] {
  const devices = xs.length;
  const axes = 'axes' in op.attrs ? op.attrs.axes : [];
  for (const a of axes) axisSize(mesh, a); // a UserError naming an axis the mesh lacks
  const out = new Array<Float32Array>(devices);
  // Results for a whole group are computed once, for the group's first device, and shared.
  const done = new Array<boolean>(devices).fill(false);
  for (let d = 0; d < devices; d++) {
    if (done[d]) continue;
    const members = groupMembers(mesh, d, axes);
    const ins = members.map((m) => xs[m]);
    const n = members.length;
    let res: Float32Array[];
    switch (op.kind) {
      case 'all_reduce': {
        const s = op.attrs.reducer === 'max' ? maxOf(ins) : sumOf(ins);
        res = members.map(() => s);
        break;
      }
      case 'all_gather': {
        const g = concatenate(ins, ins.map(() => shape), op.attrs.dim);
        res = members.map(() => g);
        break;
      }
      case 'reduce_scatter': {
        const size = tileCount(shape, op.attrs.dim, n, op);
        const s = sumOf(ins);
        res = members.map((_, k) => chunk(s, shape, op.attrs.dim, k, size));
        break;
      }
      case 'all_to_all': {
        const { splitDim, concatDim } = op.attrs;
        const size = tileCount(shape, splitDim, n, op);
        const pieceShape = shape.map((s, i) => (i === splitDim ? size : s));
        // member k receives chunk k of every member's operand, concatenated in member order
        res = members.map((_, k) => concatenate(ins.map((x) => chunk(x, shape, splitDim, k, size)), ins.map(() => pieceShape), concatDim));
        break;
      }
      case 'collective_permute': {
        // pairs are (source, target) group indices; a device that no pair targets receives zeros (StableHLO)
        res = members.map(() => new Float32Array(numel(shape)));
        for (const [src, dst] of op.attrs.pairs) {
          if (src < 0 || src >= n || dst < 0 || dst >= n)
            throw new UserError('interp', `collective_permute (op #${op.id}): pair (${src}, ${dst}) outside a group of ${n}`);
          res[dst] = new Float32Array(ins[src]);
        }
        break;
      }
      case 'shard_slice': {
        const size = tileCount(shape, op.attrs.dim, n, op);
        res = members.map((_, k) => chunk(ins[k], shape, op.attrs.dim, k, size));
        break;
      }
      default:
        throw new Error(`runCollective: ${op.kind} is not a collective`);
    }
    members.forEach((m, k) => {
      // groupMembers orders by groupIndex, so member k has group index k
      if (groupIndex(mesh, m, axes) !== k) throw new Error('groupMembers order differs from groupIndex');
      out[m] = res[k];
      done[m] = true;
    });
  }
  return out;
}
