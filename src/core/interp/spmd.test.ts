import { describe, expect, it } from 'vitest';
import { UserError } from '../errors';
import { ProgramBuilder } from '../ir/builder';
import type { Program, TensorType } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import type { Sharding } from '../partition/types';
import type { SpmdProgram } from '../spmd/types';
import { runCollective } from './collectives';
import { runProgram } from './reference';
import { runSpmd } from './spmd';
import { interpretCost, randomInputs, verifySpmd } from './verify';

const f32 = (...shape: number[]): TensorType => ({ shape, dtype: 'f32' });
const mesh2x2: Mesh = { axes: [{ name: 'x', size: 2 }, { name: 'y', size: 2 }] };
const mesh2x2x2: Mesh = { axes: [{ name: 'a', size: 2 }, { name: 'b', size: 2 }, { name: 'c', size: 2 }] };
const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };
const sh = (dims: string[][], partial: string[] = []): Sharding => ({ dims, partial });
const rep = (rank: number): Sharding => sh(Array.from({ length: rank }, () => []));

function spmdOf(mesh: Mesh, global: Program, local: Program, ins: Sharding[], outs: Sharding[]): SpmdProgram {
  return { mesh, program: local, global, source: new Int32Array(local.ops.length).fill(-1), inputShardings: ins, outputShardings: outs };
}

/** Global C = A[m,k]·B[k,n]. */
function globalMatmul(m: number, k: number, n: number): Program {
  const g = new ProgramBuilder('matmul');
  const a = g.input('A', f32(m, k)), b = g.input('B', f32(k, n));
  g.output(g.dot(a, b, MM), 'C');
  return g.build();
}

function expectClose(got: Float32Array, want: Float32Array, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  expect(m).toBeLessThanOrEqual(tol);
}

function checkAgainstReference(spmd: SpmdProgram, seed = 1): void {
  const inputs = randomInputs(spmd.global, seed);
  const want = runProgram(spmd.global, inputs);
  const got = runSpmd(spmd, inputs);
  want.forEach((w, j) => expectClose(got.outputs[j], w));
  expect(got.replicaMismatch).toBeLessThanOrEqual(1e-6);
  const v = verifySpmd(spmd, { seed });
  expect(v.ok).toBe(true);
  expect(v.devices).toBe(spmd.mesh.axes.reduce((n, a) => n * a.size, 1));
}

describe('collectives on hand values', () => {
  const op = (kind: string, attrs: object) =>
    ({ id: 0, kind, operands: [0], results: [1], attrs, scope: '', phase: 'forward' }) as unknown as Parameters<typeof runCollective>[0];
  const one = (v: number[]) => Float32Array.from(v);
  // device d on the 2×2 mesh has coords (x, y) = (d >> 1, d & 1)
  const xs = [one([1, 2]), one([3, 4]), one([5, 6]), one([7, 8])];

  it('all_reduce sums over the devices differing only along its axes', () => {
    const r = runCollective(op('all_reduce', { axes: ['x'] }), mesh2x2, xs, [2]).map((b) => Array.from(b));
    expect(r).toEqual([[6, 8], [10, 12], [6, 8], [10, 12]]);
    const all = runCollective(op('all_reduce', { axes: ['x', 'y'] }), mesh2x2, xs, [2]).map((b) => Array.from(b));
    expect(all).toEqual([[16, 20], [16, 20], [16, 20], [16, 20]]);
  });

  it('all_gather concatenates in group-index order (axes major → minor)', () => {
    const xy = runCollective(op('all_gather', { axes: ['x', 'y'], dim: 0 }), mesh2x2, xs, [2]);
    expect(Array.from(xy[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const yx = runCollective(op('all_gather', { axes: ['y', 'x'], dim: 0 }), mesh2x2, xs, [2]);
    expect(Array.from(yx[3])).toEqual([1, 2, 5, 6, 3, 4, 7, 8]);
    const onY = runCollective(op('all_gather', { axes: ['y'], dim: 0 }), mesh2x2, xs, [2]);
    expect(Array.from(onY[2])).toEqual([5, 6, 7, 8]);
  });

  it('reduce_scatter sums and keeps the device\'s tile', () => {
    const r = runCollective(op('reduce_scatter', { axes: ['y'], dim: 0 }), mesh2x2, xs, [2]).map((b) => Array.from(b));
    // group x=0: [1,2]+[3,4] = [4,6] → y=0 keeps 4, y=1 keeps 6; group x=1: [12, 14]
    expect(r).toEqual([[4], [6], [12], [14]]);
  });

  it('all_to_all splits one dim and concatenates another', () => {
    // on axis y: device (x,0) holds rows [[1,2]] , device (x,1) holds [[3,4]] as [1,2] tiles of a [2,2]
    const ins = [one([1, 2]), one([3, 4]), one([5, 6]), one([7, 8])];
    const r = runCollective(op('all_to_all', { axes: ['y'], splitDim: 1, concatDim: 0 }), mesh2x2, ins, [1, 2]).map((b) => Array.from(b));
    expect(r).toEqual([[1, 3], [2, 4], [5, 7], [6, 8]]);
  });

  it('collective_permute sends along pairs and zero-fills devices nobody targets', () => {
    const r = runCollective(op('collective_permute', { axes: ['x'], pairs: [[0, 1]] }), mesh2x2, xs, [2]).map((b) => Array.from(b));
    expect(r).toEqual([[0, 0], [0, 0], [1, 2], [3, 4]]);
  });

  it('shard_slice keeps the device\'s tile without communication', () => {
    const same = [one([1, 2, 3, 4]), one([1, 2, 3, 4]), one([1, 2, 3, 4]), one([1, 2, 3, 4])];
    const r = runCollective(op('shard_slice', { axes: ['y', 'x'], dim: 0 }), mesh2x2, same, [4]).map((b) => Array.from(b));
    // group index over [y, x] = 2y + x: device 1 = (x0, y1) → 2
    expect(r).toEqual([[1], [3], [2], [4]]);
  });
});

describe('runSpmd on a 2×2 mesh', () => {
  it('matmul with the contracting dim tiled + all_reduce, rows tiled on the other axis', () => {
    const l = new ProgramBuilder('local');
    const a = l.input('A', f32(2, 4)), b = l.input('B', f32(4, 6));
    const partial = l.dot(a, b, MM);
    l.output(l.emit1('all_reduce', [partial], { axes: ['y'] }, f32(2, 6)), 'C');
    checkAgainstReference(spmdOf(mesh2x2, globalMatmul(4, 8, 6), l.build(), [sh([['x'], ['y']]), sh([['y'], []])], [sh([['x'], []])]));
  });

  it('row-tiled matmul + all_gather over both axes', () => {
    const l = new ProgramBuilder('local');
    const a = l.input('A', f32(2, 8)), b = l.input('B', f32(8, 6));
    const c = l.dot(a, b, MM);
    l.output(l.emit1('all_gather', [c], { axes: ['x', 'y'], dim: 0 }, f32(8, 6)), 'C');
    checkAgainstReference(spmdOf(mesh2x2, globalMatmul(8, 8, 6), l.build(), [sh([['x', 'y'], []]), rep(2)], [rep(2)]));
  });

  it('matmul + reduce_scatter gives a tiled output', () => {
    const l = new ProgramBuilder('local');
    const a = l.input('A', f32(4, 4)), b = l.input('B', f32(4, 6));
    const c = l.dot(a, b, MM);
    l.output(l.emit1('reduce_scatter', [c], { axes: ['x'], dim: 1 }, f32(4, 3)), 'C');
    checkAgainstReference(spmdOf(mesh2x2, globalMatmul(4, 8, 6), l.build(), [sh([[], ['x']]), sh([['x'], []])], [sh([[], ['x']])]));
  });

  it('all_to_all moves the tiling from dim 0 to dim 1', () => {
    const g = new ProgramBuilder('g');
    const x = g.input('X', f32(4, 8));
    g.output(g.exp(x), 'Y');
    const l = new ProgramBuilder('local');
    const lx = l.input('X', f32(2, 8));
    const moved = l.emit1('all_to_all', [lx], { axes: ['x'], splitDim: 1, concatDim: 0 }, f32(4, 4));
    l.output(l.exp(moved), 'Y');
    checkAgainstReference(spmdOf(mesh2x2, g.build(), l.build(), [sh([['x'], []])], [sh([[], ['x']])]));
  });

  it('shard_slice turns a replicated input into tiles (y major, x minor)', () => {
    const g = new ProgramBuilder('g');
    const x = g.input('X', f32(4, 8));
    g.output(g.mul(x, x), 'Y');
    const l = new ProgramBuilder('local');
    const lx = l.input('X', f32(4, 8));
    const t = l.emit1('shard_slice', [lx], { axes: ['y', 'x'], dim: 1 }, f32(4, 2));
    l.output(l.mul(t, t), 'Y');
    checkAgainstReference(spmdOf(mesh2x2, g.build(), l.build(), [rep(2)], [sh([[], ['y', 'x']])]));
  });

  it('judges large magnitudes relatively, so f32 rounding of partial sums is not an error', () => {
    // C = (1e4·A)·B: outputs of order 1e4–1e5, where partial sums rounded to f32 differ in absolute terms
    const g = new ProgramBuilder('big');
    const a = g.input('A', f32(4, 64)), b = g.input('B', f32(64, 6));
    g.output(g.dot(g.mul(a, g.constant(1e4, [4, 64])), b, MM), 'C');
    const l = new ProgramBuilder('local');
    const la = l.input('A', f32(4, 16)), lb = l.input('B', f32(16, 6));
    const part = l.dot(l.mul(la, l.constant(1e4, [4, 16])), lb, MM);
    l.output(l.emit1('all_reduce', [part], { axes: ['x', 'y'] }, f32(4, 6)), 'C');
    const spmd = spmdOf(mesh2x2, g.build(), l.build(), [sh([[], ['x', 'y']]), sh([['x', 'y'], []])], [rep(2)]);
    const v = verifySpmd(spmd, { seed: 5 });
    expect(v.ok).toBe(true);
    const inputs = randomInputs(spmd.global, 5);
    const want = runProgram(spmd.global, inputs)[0];
    expect(Math.max(...Array.from(want, Math.abs))).toBeGreaterThan(1e4);
  });

  it('rejects a program missing its all_reduce', () => {
    const l = new ProgramBuilder('local');
    const a = l.input('A', f32(4, 4)), b = l.input('B', f32(4, 6));
    l.output(l.dot(a, b, MM), 'C'); // partial over y, but claimed replicated
    const spmd = spmdOf(mesh2x2, globalMatmul(4, 8, 6), l.build(), [sh([[], ['y']]), sh([['y'], []])], [rep(2)]);
    const v = verifySpmd(spmd);
    expect(v.ok).toBe(false);
    expect(v.maxAbsError).toBeGreaterThan(1e-2);
    expect(v.worst).toMatch(/^C\[/);
    // the two y-replicas hold different summands
    expect(runSpmd(spmd, randomInputs(spmd.global, 0)).replicaMismatch).toBeGreaterThan(1e-3);
  });

  it('catches a missing gradient reduction even when the learning rate hides it in the values', () => {
    // SGD: w' = w − lr·xᵀy, batch tiled over x; with lr = 1e-5 a wrong gradient moves w' by ~1e-5
    const lr = 1e-5;
    const g = new ProgramBuilder('sgd');
    const w = g.input('params/w', f32(4, 6)), x = g.input('batch/x', f32(8, 4)), y = g.input('batch/y', f32(8, 6));
    const grad = g.dot(x, y, { lhsBatch: [], rhsBatch: [], lhsContract: [0], rhsContract: [0] });
    g.output(g.sub(w, g.mul(g.constant(lr, [4, 6]), grad)), 'params/w');
    const build = (reduce: boolean) => {
      const l = new ProgramBuilder('local');
      const lw = l.input('params/w', f32(4, 6)), lx = l.input('batch/x', f32(4, 4)), ly = l.input('batch/y', f32(4, 6));
      let lg = l.dot(lx, ly, { lhsBatch: [], rhsBatch: [], lhsContract: [0], rhsContract: [0] });
      if (reduce) lg = l.emit1('all_reduce', [lg], { axes: ['x'] }, f32(4, 6));
      l.output(l.sub(lw, l.mul(l.constant(lr, [4, 6]), lg)), 'params/w');
      return spmdOf(mesh2x2, g.build(), l.build(), [rep(2), sh([['x'], []]), sh([['x'], []])], [rep(2)]);
    };
    const good = verifySpmd(build(true));
    expect(good.ok).toBe(true);
    const bad = verifySpmd(build(false));
    expect(bad.maxAbsError).toBeLessThan(1e-4); // the plain comparison alone would pass it
    expect(bad.maxUpdateError).toBeGreaterThan(0.1);
    expect(bad.ok).toBe(false);
    expect(bad.worst).toMatch(/update of params\/w/);
  });

  it('rejects gathering tiles in the wrong axis order', () => {
    const l = new ProgramBuilder('local');
    const a = l.input('A', f32(2, 8)), b = l.input('B', f32(8, 6));
    l.output(l.emit1('all_gather', [l.dot(a, b, MM)], { axes: ['y', 'x'], dim: 0 }, f32(8, 6)), 'C');
    const v = verifySpmd(spmdOf(mesh2x2, globalMatmul(8, 8, 6), l.build(), [sh([['x', 'y'], []]), rep(2)], [rep(2)]));
    expect(v.ok).toBe(false);
  });

  it('refuses inputs whose sharding does not match the local program', () => {
    const l = new ProgramBuilder('local');
    const a = l.input('A', f32(4, 8)), b = l.input('B', f32(8, 6));
    l.output(l.dot(a, b, MM), 'C');
    const spmd = spmdOf(mesh2x2, globalMatmul(4, 8, 6), l.build(), [sh([['x'], []]), rep(2)], [sh([['x'], []])]);
    expect(() => runSpmd(spmd, randomInputs(spmd.global, 0))).toThrow(/input A/);
    // and outputs whose claimed tiling does not match the local result
    const l2 = new ProgramBuilder('local');
    const a2 = l2.input('A', f32(2, 8)), b2 = l2.input('B', f32(8, 6));
    l2.output(l2.dot(a2, b2, MM), 'C');
    const bad = spmdOf(mesh2x2, globalMatmul(4, 8, 6), l2.build(), [sh([['x'], []]), rep(2)], [rep(2)]);
    expect(() => runSpmd(bad, randomInputs(bad.global, 0))).toThrow(/output C.*\[4,6\].*\[2,6\]/);
    // and collectives over axes the mesh lacks
    const l3 = new ProgramBuilder('local');
    const a3 = l3.input('A', f32(4, 8)), b3 = l3.input('B', f32(8, 6));
    l3.output(l3.emit1('all_reduce', [l3.dot(a3, b3, MM)], { axes: ['z'] }, f32(4, 6)), 'C');
    const noAxis = spmdOf(mesh2x2, globalMatmul(4, 8, 6), l3.build(), [rep(2), rep(2)], [rep(2)]);
    expect(() => runSpmd(noAxis, randomInputs(noAxis.global, 0))).toThrow(/unknown mesh axis "z"/);
  });
});

describe('runSpmd on a 2×2×2 mesh', () => {
  it('Megatron MLP: batch over [a, c], hidden over b, reduce_scatter and all_reduce', () => {
    // global: Y = tanh(X·W1)·W2 and hsum = Σ tanh(X·W1); X [8,4], W1 [4,8], W2 [8,4]
    const g = new ProgramBuilder('g');
    const x = g.input('batch/x', f32(8, 4)), w1 = g.input('params/w1', f32(4, 8)), w2 = g.input('params/w2', f32(8, 4));
    const h = g.unary('tanh', g.dot(x, w1, MM));
    g.output(g.dot(h, w2, MM), 'Y');
    g.output(g.sum(h, [0, 1]), 'hsum');
    const l = new ProgramBuilder('local');
    const lx = l.input('batch/x', f32(2, 4)), lw1 = l.input('params/w1', f32(4, 4)), lw2 = l.input('params/w2', f32(4, 4));
    const lh = l.unary('tanh', l.dot(lx, lw1, MM)); // rows tiled over [a, c], hidden tiled over b
    const py = l.dot(lh, lw2, MM); // partial over b
    l.output(l.emit1('reduce_scatter', [py], { axes: ['b'], dim: 1 }, f32(2, 2)), 'Y');
    l.output(l.emit1('all_reduce', [l.sum(lh, [0, 1])], { axes: ['a', 'b', 'c'] }, f32()), 'hsum');
    const spmd = spmdOf(mesh2x2x2, g.build(), l.build(),
      [sh([['a', 'c'], []]), sh([[], ['b']]), sh([['b'], []])], [sh([['a', 'c'], ['b']]), rep(0)]);
    checkAgainstReference(spmd, 3);
    // the same program with the batch tiles taken in the other axis order computes other rows
    const swapped = { ...spmd, inputShardings: [sh([['c', 'a'], []]), spmd.inputShardings[1], spmd.inputShardings[2]] };
    expect(verifySpmd(swapped, { seed: 3 }).ok).toBe(false);
  });

  it('collective_permute rotates tiles around a ring over [a, b]', () => {
    // global: roll left by 2 = concat(X[2:8], X[0:2])
    const g = new ProgramBuilder('g');
    const x = g.input('X', f32(8));
    const hi = g.emit1('slice', [x], { start: [2], limit: [8], stride: [1] });
    const lo = g.emit1('slice', [x], { start: [0], limit: [2], stride: [1] });
    g.output(g.emit1('concatenate', [hi, lo], { dim: 0 }), 'Y');
    const l = new ProgramBuilder('local');
    const lx = l.input('X', f32(2));
    // tile i needs tile i+1: source i+1 → target i
    l.output(l.emit1('collective_permute', [lx], { axes: ['a', 'b'], pairs: [[1, 0], [2, 1], [3, 2], [0, 3]] }, f32(2)), 'Y');
    checkAgainstReference(spmdOf(mesh2x2x2, g.build(), l.build(), [sh([['a', 'b']])], [sh([['a', 'b']])]));
  });

  it('detects replicas that disagree on an axis the output claims replicated', () => {
    const g = new ProgramBuilder('g');
    const x = g.input('X', f32(4));
    g.output(g.neg(x), 'Y');
    const l = new ProgramBuilder('local');
    const lx = l.input('X', f32(4));
    l.output(l.emit1('shard_slice', [l.neg(lx)], { axes: ['c'], dim: 0 }, f32(2)), 'Y');
    // claims tiled on a, but the devices hold tiles over c
    const v = verifySpmd(spmdOf(mesh2x2x2, g.build(), l.build(), [rep(1)], [sh([['a']])]));
    expect(v.ok).toBe(false);
    expect(v.worst).toMatch(/replicas disagree|Y\[/);
  });
});

describe('randomInputs and interpretCost', () => {
  it('is deterministic, keeps Adam state valid and draws indices in range through reshapes', () => {
    const g = new ProgramBuilder('g');
    const table = g.input('params/embed', f32(5, 3));
    const tok = g.input('batch/tokens', { shape: [2, 6], dtype: 'i32' });
    const other = g.input('batch/other', { shape: [50], dtype: 'i32' });
    const nu = g.input('opt_state/nu/embed', f32(5, 3));
    const count = g.input('opt_state/count', f32());
    const targets = g.input('batch/targets', { shape: [2, 6], dtype: 'i32' });
    const flat = g.reshape(tok, [12]);
    const classes = g.iota([2, 6, 9], 2);
    g.output(g.compare(classes, g.broadcast(targets, [2, 6, 9], [0, 1]), 'EQ'), 'onehot');
    g.output(g.emit1('gather', [table, flat], { axis: 0 }), 'e');
    g.output(g.add(nu, nu), 'n');
    g.output(other, 'o');
    g.output(count, 'c');
    const p = g.build();
    const a = randomInputs(p, 7), b = randomInputs(p, 7), c = randomInputs(p, 8);
    expect(a.map((x) => Array.from(x))).toEqual(b.map((x) => Array.from(x)));
    expect(Array.from(a[0])).not.toEqual(Array.from(c[0]));
    expect(a[1].every((v) => Number.isInteger(v) && v >= 0 && v < 5)).toBe(true);
    expect(new Set(a[1]).size).toBeGreaterThan(1);
    expect(a[2].every((v) => Number.isInteger(v) && v >= 0 && v < 4)).toBe(true);
    expect(a[3].every((v) => v >= 0)).toBe(true);
    expect(a[4][0]).toBeGreaterThan(0);
    expect(a[0].every((v) => v >= -1 && v < 1)).toBe(true);
    const tg = a[5];
    expect(tg.every((v) => Number.isInteger(v) && v >= 0 && v < 9)).toBe(true);
    expect(Math.max(...tg)).toBeGreaterThanOrEqual(4); // drawn from the 9 classes, not the default [0, 4)
  });

  it('refuses programs too large to interpret with a UserError naming the size', () => {
    const big = globalMatmul(2048, 2048, 2048);
    expect(interpretCost(big)).toBeGreaterThan(1e10);
    const l = new ProgramBuilder('local');
    const a = l.input('A', f32(2048, 2048)), b = l.input('B', f32(2048, 2048));
    l.output(l.dot(a, b, MM), 'C');
    const spmd = spmdOf({ axes: [{ name: 'x', size: 1 }] }, big, l.build(), [rep(2), rep(2)], [rep(2)]);
    let err: unknown;
    try { verifySpmd(spmd); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/too large.*smaller/);
  });
});
