import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import type { AttrsOf, DType, OpKind, TensorType } from '../ir/types';
import { UserError } from '../errors';
import { runProgram, runProgramValues } from './reference';

const f32 = (...shape: number[]): TensorType => ({ shape, dtype: 'f32' });
const i32 = (...shape: number[]): TensorType => ({ shape, dtype: 'i32' });

/** Runs a one-op program on the given inputs and returns its (first) result as a plain array. */
function run1<K extends OpKind>(kind: K, ins: { type: TensorType; data: number[] }[], attrs: AttrsOf<K>, result = 0): number[] {
  const b = new ProgramBuilder(kind);
  const vs = ins.map((x, i) => b.input(`in${i}`, x.type));
  const rs = b.emit(kind, vs, attrs);
  b.output(rs[result], 'out');
  return Array.from(runProgram(b.build(), ins.map((x) => Float32Array.from(x.data)))[0]);
}
const T = (type: TensorType, data: number[]) => ({ type, data });

describe('element-wise ops', () => {
  it('computes unary ops', () => {
    const x = T(f32(4), [-1, 0, 1, 4]);
    expect(run1('negate', [x], {})).toEqual([1, -0, -1, -4]);
    expect(run1('abs', [x], {})).toEqual([1, 0, 1, 4]);
    expect(run1('sqrt', [T(f32(3), [0, 4, 9])], {})).toEqual([0, 2, 3]);
    expect(run1('rsqrt', [T(f32(2), [4, 0.25])], {})).toEqual([0.5, 2]);
    expect(run1('exp', [T(f32(2), [0, 1])], {})[1]).toBeCloseTo(2.718281828, 5);
    expect(run1('log', [T(f32(2), [1, Math.E])], {})[1]).toBeCloseTo(1, 6);
    const lg = run1('logistic', [T(f32(3), [0, 100, -100])], {});
    expect(lg[0]).toBe(0.5);
    expect(lg[1]).toBeCloseTo(1, 6);
    expect(lg[2]).toBeCloseTo(0, 6);
    expect(run1('tanh', [T(f32(1), [0.5])], {})[0]).toBeCloseTo(0.46211716, 6);
  });

  it('converts to i32 by truncation toward zero and to bool by != 0', () => {
    const x = T(f32(5), [1.7, -1.7, 2.5, -0.2, 0]);
    expect(run1('convert', [x], { dtype: 'i32' })).toEqual([1, -1, 2, 0, 0]);
    expect(run1('convert', [x], { dtype: 'bool' })).toEqual([1, 1, 1, 1, 0]);
  });

  it('computes binary ops, integer division truncating', () => {
    const a = T(f32(3), [6, -3, 2]), b = T(f32(3), [4, 2, 3]);
    expect(run1('add', [a, b], {})).toEqual([10, -1, 5]);
    expect(run1('subtract', [a, b], {})).toEqual([2, -5, -1]);
    expect(run1('multiply', [a, b], {})).toEqual([24, -6, 6]);
    expect(run1('divide', [a, b], {})).toEqual([1.5, -1.5, Math.fround(2 / 3)]);
    expect(run1('maximum', [a, b], {})).toEqual([6, 2, 3]);
    expect(run1('minimum', [a, b], {})).toEqual([4, -3, 2]);
    expect(run1('power', [a, b], {})).toEqual([1296, 9, 8]);
    expect(run1('divide', [T(i32(3), [7, -7, 6]), T(i32(3), [2, 2, 3])], {})).toEqual([3, -3, 2]);
  });

  it('compares in every direction', () => {
    const a = T(f32(3), [1, 2, 3]), b = T(f32(3), [2, 2, 2]);
    const dirs = { EQ: [0, 1, 0], NE: [1, 0, 1], LT: [1, 0, 0], LE: [1, 1, 0], GT: [0, 0, 1], GE: [0, 1, 1] } as const;
    for (const [direction, want] of Object.entries(dirs))
      expect(run1('compare', [a, b], { direction: direction as keyof typeof dirs })).toEqual(want);
  });

  it('selects element-wise and with a scalar predicate', () => {
    const p = T({ shape: [3], dtype: 'bool' }, [1, 0, 1]);
    const a = T(f32(3), [1, 2, 3]), b = T(f32(3), [10, 20, 30]);
    expect(run1('select', [p, a, b], {})).toEqual([1, 20, 3]);
    expect(run1('select', [T({ shape: [], dtype: 'bool' }, [0]), a, b], {})).toEqual([10, 20, 30]);
  });
});

describe('dot_general', () => {
  it('multiplies matrices', () => {
    // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]
    const r = run1('dot_general', [T(f32(2, 2), [1, 2, 3, 4]), T(f32(2, 2), [5, 6, 7, 8])],
      { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] });
    expect(r).toEqual([19, 22, 43, 50]);
  });

  it('multiplies by a transposed rhs (contracting the last dim of both)', () => {
    // [[1,2],[3,4]] · [[5,6],[7,8]]ᵀ = [[17,23],[39,53]]
    const r = run1('dot_general', [T(f32(2, 2), [1, 2, 3, 4]), T(f32(2, 2), [5, 6, 7, 8])],
      { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [1] });
    expect(r).toEqual([17, 23, 39, 53]);
    // batched: b0 as above, b1 = [[1,0],[0,1]] · [[2,3],[4,5]]ᵀ = [[2,4],[3,5]]
    const rb = run1('dot_general', [T(f32(2, 2, 2), [1, 2, 3, 4, 1, 0, 0, 1]), T(f32(2, 2, 2), [5, 6, 7, 8, 2, 3, 4, 5])],
      { lhsBatch: [0], rhsBatch: [0], lhsContract: [2], rhsContract: [2] });
    expect(rb).toEqual([17, 23, 39, 53, 2, 4, 3, 5]);
  });

  it('puts batch dims first, then lhs free, then rhs free, with batch dims not leading', () => {
    // lhs [k=2, b=2, m=1], rhs [b=2, k=2, n=2]; out [b, m, n]
    // lhs[k][b][0]: b0: k0=1,k1=2 ; b1: k0=3,k1=4  → stored as [k0b0, k0b1, k1b0, k1b1] = [1,3,2,4]
    // rhs b0 = [[1,0],[0,1]] (identity), b1 = [[1,1],[2,2]]
    // b0: [1,2]·I = [1,2];  b1: [3,4]·[[1,1],[2,2]] = [3+8, 3+8] = [11, 11]
    const r = run1('dot_general', [T(f32(2, 2, 1), [1, 3, 2, 4]), T(f32(2, 2, 2), [1, 0, 0, 1, 1, 1, 2, 2])],
      { lhsBatch: [1], rhsBatch: [0], lhsContract: [0], rhsContract: [1] });
    expect(r).toEqual([1, 2, 11, 11]);
  });

  it('contracts several dims and yields an outer product with none', () => {
    // full contraction of [2,2] with itself (Frobenius inner product) = 1+4+9+16
    expect(run1('dot_general', [T(f32(2, 2), [1, 2, 3, 4]), T(f32(2, 2), [1, 2, 3, 4])],
      { lhsBatch: [], rhsBatch: [], lhsContract: [0, 1], rhsContract: [0, 1] })).toEqual([30]);
    // contracting lhs dims [1,0] against rhs [0,1] pairs lhs[i][j] with rhs[j][i]: trace(A·A) = 1·1+2·3+3·2+4·4
    expect(run1('dot_general', [T(f32(2, 2), [1, 2, 3, 4]), T(f32(2, 2), [1, 2, 3, 4])],
      { lhsBatch: [], rhsBatch: [], lhsContract: [1, 0], rhsContract: [0, 1] })).toEqual([29]);
    expect(run1('dot_general', [T(f32(2), [1, 2]), T(f32(3), [1, 10, 100])],
      { lhsBatch: [], rhsBatch: [], lhsContract: [], rhsContract: [] })).toEqual([1, 10, 100, 2, 20, 200]);
  });
});

describe('layout ops', () => {
  it('broadcasts, repeating size-1 dims', () => {
    expect(run1('broadcast_in_dim', [T(f32(3), [1, 2, 3])], { shape: [2, 3], dims: [1] })).toEqual([1, 2, 3, 1, 2, 3]);
    expect(run1('broadcast_in_dim', [T(f32(3), [1, 2, 3])], { shape: [3, 2], dims: [0] })).toEqual([1, 1, 2, 2, 3, 3]);
    // [2,1] → [2,3] via a size-1 dim mapped onto a size-3 dim
    expect(run1('broadcast_in_dim', [T(f32(2, 1), [5, 7])], { shape: [2, 3], dims: [0, 1] })).toEqual([5, 5, 5, 7, 7, 7]);
    expect(run1('broadcast_in_dim', [T(f32(), [4])], { shape: [2], dims: [] })).toEqual([4, 4]);
  });

  it('reduces with sum and max', () => {
    const x = T(f32(2, 3), [1, 5, 3, -4, -2, -6]);
    expect(run1('reduce', [x], { reducer: 'sum', dims: [1] })).toEqual([9, -12]);
    expect(run1('reduce', [x], { reducer: 'sum', dims: [0] })).toEqual([-3, 3, -3]);
    expect(run1('reduce', [x], { reducer: 'max', dims: [1] })).toEqual([5, -2]);
    expect(run1('reduce', [x], { reducer: 'max', dims: [0, 1] })).toEqual([5]);
    // max over an empty dim is its identity, -Infinity
    expect(run1('reduce', [T(f32(2, 0), [])], { reducer: 'max', dims: [1] })).toEqual([-Infinity, -Infinity]);
  });

  it('transposes and reshapes', () => {
    expect(run1('transpose', [T(f32(2, 3), [1, 2, 3, 4, 5, 6])], { perm: [1, 0] })).toEqual([1, 4, 2, 5, 3, 6]);
    // [2,1,2] with perm [2,0,1] → [2,2,1]: out[c][a][b] = x[a][b][c]
    expect(run1('transpose', [T(f32(2, 1, 2), [1, 2, 3, 4])], { perm: [2, 0, 1] })).toEqual([1, 3, 2, 4]);
    expect(run1('reshape', [T(f32(2, 3), [1, 2, 3, 4, 5, 6])], { shape: [3, 2] })).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('concatenates along inner and outer dims', () => {
    const a = T(f32(2, 1), [1, 2]), b = T(f32(2, 2), [3, 4, 5, 6]);
    expect(run1('concatenate', [a, b], { dim: 1 })).toEqual([1, 3, 4, 2, 5, 6]);
    expect(run1('concatenate', [T(f32(1, 2), [1, 2]), T(f32(1, 2), [3, 4])], { dim: 0 })).toEqual([1, 2, 3, 4]);
  });

  it('slices with strides', () => {
    const x = T(f32(2, 5), [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]);
    expect(run1('slice', [x], { start: [0, 1], limit: [2, 5], stride: [1, 2] })).toEqual([1, 3, 11, 13]);
    expect(run1('slice', [x], { start: [1, 0], limit: [2, 5], stride: [1, 3] })).toEqual([10, 13]);
  });

  it('dynamic_slice clamps its start so the window fits', () => {
    const x = T(f32(5), [0, 1, 2, 3, 4]);
    expect(run1('dynamic_slice', [x, T(i32(), [1])], { sizes: [2] })).toEqual([1, 2]);
    expect(run1('dynamic_slice', [x, T(i32(), [4])], { sizes: [2] })).toEqual([3, 4]);
    expect(run1('dynamic_slice', [x, T(i32(), [-3])], { sizes: [2] })).toEqual([0, 1]);
    const m = T(f32(3, 3), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(run1('dynamic_slice', [m, T(i32(), [1]), T(i32(), [5])], { sizes: [2, 2] })).toEqual([5, 6, 8, 9]);
  });

  it('dynamic_update_slice clamps its start', () => {
    const x = T(f32(2, 3), [0, 0, 0, 0, 0, 0]);
    const u = T(f32(1, 2), [7, 8]);
    expect(run1('dynamic_update_slice', [x, u, T(i32(), [1]), T(i32(), [0])], {})).toEqual([0, 0, 0, 7, 8, 0]);
    expect(run1('dynamic_update_slice', [x, u, T(i32(), [5]), T(i32(), [9])], {})).toEqual([0, 0, 0, 0, 7, 8]);
  });

  it('gathers along an axis with clamped indices', () => {
    const x = T(f32(3, 2), [1, 2, 3, 4, 5, 6]);
    expect(run1('gather', [x, T(i32(2, 2), [2, 0, 1, 7])], { axis: 0 })).toEqual([5, 6, 1, 2, 3, 4, 5, 6]);
    expect(run1('gather', [x, T(i32(3), [1, -1, 0])], { axis: 1 })).toEqual([2, 1, 1, 4, 3, 3, 6, 5, 5]);
  });

  it('scatter adds updates, colliding indices accumulate', () => {
    const x = T(f32(3, 2), [1, 1, 1, 1, 1, 1]);
    const idx = T(i32(3), [2, 2, 0]);
    const upd = T(f32(3, 2), [1, 2, 10, 20, 100, 200]);
    expect(run1('scatter', [x, idx, upd], { axis: 0 })).toEqual([101, 201, 1, 1, 12, 23]);
    expect(run1('scatter', [T(f32(1, 2), [0, 0]), T(i32(3), [1, 5, 0]), T(f32(1, 3), [1, 2, 3])], { axis: 1 })).toEqual([3, 3]);
  });

  it('iota counts along its dim; constants splat or carry data', () => {
    const b = new ProgramBuilder('c');
    b.output(b.iota([2, 3], 0), 'a');
    b.output(b.iota([2, 3], 1, 'f32'), 'b');
    b.output(b.constant(2.5, [2]), 'c');
    b.output(b.emit1('constant', [], { shape: [2, 2], dtype: 'f32', data: [1, 2, 3, 4] }), 'd');
    const [a, bb, c, d] = runProgram(b.build(), []).map((x) => Array.from(x));
    expect(a).toEqual([0, 0, 0, 1, 1, 1]);
    expect(bb).toEqual([0, 1, 2, 0, 1, 2]);
    expect(c).toEqual([2.5, 2.5]);
    expect(d).toEqual([1, 2, 3, 4]);
  });
});

describe('program runner', () => {
  it('chains ops and exposes every value', () => {
    const b = new ProgramBuilder('p');
    const x = b.input('x', f32(2));
    const y = b.mul(x, x);
    const z = b.add(y, b.constant(1, [2]));
    b.output(z, 'z');
    const prog = b.build();
    expect(Array.from(runProgram(prog, [Float32Array.from([2, 3])])[0])).toEqual([5, 10]);
    const vals = runProgramValues(prog, [Float32Array.from([2, 3])]);
    expect(Array.from(vals[y])).toEqual([4, 9]);
  });

  it('refuses custom ops, collectives and wrong inputs with UserErrors', () => {
    const b = new ProgramBuilder('p');
    const x = b.input('x', f32(2));
    b.scoped('mystery', () => b.output(b.emit1('custom', [x], { name: 'my_kernel', resultTypes: [f32(2)] }), 'o'));
    const prog = b.build();
    expect(() => runProgram(prog, [new Float32Array(2)])).toThrow(/custom op "my_kernel".*mystery/);
    expect(() => runProgram(prog, [new Float32Array(3)])).toThrow(UserError);
    expect(() => runProgram(prog, [])).toThrow(/takes 1 input/);
    const c = new ProgramBuilder('q');
    const y = c.input('y', f32(2));
    c.output(c.emit1('all_reduce', [y], { axes: ['a'] }, f32(2)), 'o');
    expect(() => runProgram(c.build(), [new Float32Array(2)])).toThrow(/collective/);
  });

  it('computes bf16 in f32 and keeps dtype-specific integer semantics', () => {
    const b = new ProgramBuilder('p');
    const x = b.input('x', { shape: [1], dtype: 'bf16' as DType });
    b.output(b.add(x, x), 'o');
    // 1 + 2^-10 is not representable in bf16 but the interpreter keeps f32 precision
    expect(runProgram(b.build(), [Float32Array.from([1 + 2 ** -10])])[0][0]).toBe(2 + 2 ** -9);
  });
});
