import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import { runCollective } from './collectives';

/**
 * Algebraic identities between collectives, on random axis lists of a 2×2×2 mesh:
 *   reduce_scatter = shard_slice ∘ all_reduce
 *   all_to_all(split, concat) = shard_slice(split) ∘ all_gather(concat)
 *   all_gather ∘ shard_slice = identity on replicated values
 */
const mesh: Mesh = { axes: [{ name: 'a', size: 2 }, { name: 'b', size: 2 }, { name: 'c', size: 2 }] };
const SHAPE = [8, 2, 8];
const N = SHAPE.reduce((x, y) => x * y, 1);

const op = (kind: string, attrs: object): Op =>
  ({ id: 0, kind, operands: [0], results: [1], attrs, scope: '', phase: 'forward' }) as unknown as Op;

/** A non-empty ordered subset of the mesh axes. */
const axesArb = fc.shuffledSubarray(['a', 'b', 'c'], { minLength: 1 }).chain((s) => fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }));
const dimArb = fc.constantFrom(0, 2); // the dims of size 8, divisible by any group
const dataArb = fc.array(fc.float32Array({ minLength: N, maxLength: N, noDefaultInfinity: true, noNaN: true, min: -4, max: 4 }), { minLength: 8, maxLength: 8 });

const same = (x: Float32Array[], y: Float32Array[]) => x.every((b, d) => b.length === y[d].length && b.every((v, i) => Math.abs(v - y[d][i]) <= 1e-5));

describe('collective identities (property)', () => {
  it('reduce_scatter equals all_reduce then shard_slice', () => {
    fc.assert(fc.property(axesArb, dimArb, dataArb, (axes, dim, xs) => {
      const rs = runCollective(op('reduce_scatter', { axes, dim }), mesh, xs, SHAPE);
      const ar = runCollective(op('all_reduce', { axes }), mesh, xs, SHAPE);
      const ss = runCollective(op('shard_slice', { axes, dim }), mesh, ar, SHAPE);
      return same(rs, ss);
    }), { numRuns: 40 });
  });

  it('all_to_all equals all_gather on the concat dim then shard_slice on the split dim', () => {
    fc.assert(fc.property(axesArb, dimArb, dataArb, (axes, splitDim, xs) => {
      const concatDim = splitDim === 0 ? 2 : 0;
      const a2a = runCollective(op('all_to_all', { axes, splitDim, concatDim }), mesh, xs, SHAPE);
      const ag = runCollective(op('all_gather', { axes, dim: concatDim }), mesh, xs, SHAPE);
      const g = 2 ** axes.length;
      const gathered = SHAPE.map((s, i) => (i === concatDim ? s * g : s));
      const ss = runCollective(op('shard_slice', { axes, dim: splitDim }), mesh, ag, gathered);
      return same(a2a, ss);
    }), { numRuns: 40 });
  });

  it('all_gather undoes shard_slice of a replicated value', () => {
    fc.assert(fc.property(axesArb, dimArb, dataArb, (axes, dim, xs) => {
      const rep = xs.map(() => xs[0]);
      const ss = runCollective(op('shard_slice', { axes, dim }), mesh, rep, SHAPE);
      const tile = SHAPE.map((s, i) => (i === dim ? s / 2 ** axes.length : s));
      const ag = runCollective(op('all_gather', { axes, dim }), mesh, ss, tile);
      return same(ag, rep);
    }), { numRuns: 40 });
  });

  it('collective_permute with a full cycle is a bijection that moves every tile', () => {
    const xs = Array.from({ length: 8 }, (_, d) => Float32Array.from([d]));
    const r = runCollective(op('collective_permute', { axes: ['c', 'a'], pairs: [[0, 1], [1, 2], [2, 3], [3, 0]] }), mesh, xs, [1]);
    // group index over [c, a] is 2c + a; device d = 4a + 2b + c. Target of device (a,b,c) gets from group index (2c+a−1) mod 4.
    for (let d = 0; d < 8; d++) {
      const a = d >> 2, b = (d >> 1) & 1, c = d & 1;
      const src = (2 * c + a + 3) % 4;
      const sa = src & 1, sc = src >> 1;
      expect(r[d][0]).toBe(4 * sa + 2 * b + sc);
    }
  });
});
