import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import type { AttrsOf, OpKind, TensorType, ValueId } from '../ir/types';
import { formatRule, ruleOf } from './rules';

const f32 = (...shape: number[]): TensorType => ({ shape, dtype: 'f32' });
const i32 = (...shape: number[]): TensorType => ({ shape, dtype: 'i32' });

/** Emits one op over fresh inputs of the given types and prints its rule in Shardy's syntax. */
function ruleText<K extends OpKind>(kind: K, ins: TensorType[], attrs: AttrsOf<K>): string {
  const b = new ProgramBuilder('t');
  const vs: ValueId[] = ins.map((t, i) => b.input(`in${i}`, t));
  b.emit(kind, vs, attrs);
  const p = b.build();
  const rule = ruleOf(p.ops[0], p);
  return rule === null ? 'null' : formatRule(rule);
}

// Expected strings are Shardy's (openxla/shardy, op_sharding_rule_registry) where
// our op matches theirs; deliberate differences are named in the test.
describe('ruleOf in Shardy syntax', () => {
  it('element-wise ops share one pass-through factor per dim', () => {
    expect(ruleText('add', [f32(2, 1, 4), f32(2, 1, 4)], {})).toBe('([i, j, k], [i, j, k])->([i, j, k]) {i=2, j=1, k=4}');
    expect(ruleText('tanh', [f32(8, 4)], {})).toBe('([i, j])->([i, j]) {i=8, j=4}');
    expect(ruleText('multiply', [f32(), f32()], {})).toBe('([], [])->([]) {}');
  });

  it('select with a scalar predicate maps the predicate to []', () => {
    const b = new ProgramBuilder('t');
    const p = b.input('p', { shape: [], dtype: 'bool' });
    const x = b.input('x', f32(4, 8));
    const y = b.input('y', f32(4, 8));
    b.select(p, x, y);
    const prog = b.build();
    expect(formatRule(ruleOf(prog.ops[0], prog)!)).toBe('([], [i, j], [i, j])->([i, j]) {i=4, j=8}');
  });

  it('dot_general: batch, lhs free, rhs free, then contracting as reduction', () => {
    const dims = { lhsBatch: [0], rhsBatch: [0], lhsContract: [2], rhsContract: [1] };
    expect(ruleText('dot_general', [f32(4, 8, 32), f32(4, 32, 16)], dims))
      .toBe('([i, j, l], [i, l, k])->([i, j, k]) {i=4, j=8, k=16, l=32} reduction={l}');
    const mm = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };
    expect(ruleText('dot_general', [f32(8, 32), f32(32, 16)], mm)).toBe('([i, k], [k, j])->([i, j]) {i=8, j=16, k=32} reduction={k}');
    const vv = { lhsBatch: [], rhsBatch: [], lhsContract: [0], rhsContract: [0] };
    expect(ruleText('dot_general', [f32(8), f32(8)], vv)).toBe('([i], [i])->([]) {i=8} reduction={i}');
  });

  it('dot_general with many mixed dims (Shardy: batching [0,1]x[4,3], contracting [5,4]x[1,2])', () => {
    const dims = { lhsBatch: [0, 1], rhsBatch: [4, 3], lhsContract: [5, 4], rhsContract: [1, 2] };
    const text = ruleText('dot_general', [f32(2, 4, 5, 6, 7, 8), f32(9, 8, 7, 4, 2)], dims);
    expect(text.startsWith('([i, j, k, l, o, n], [m, n, o, j, i])->([i, j, k, l, m])')).toBe(true);
    expect(text.endsWith('reduction={n, o}')).toBe(true);
  });

  it('reduce: reduced dims are reductions (our reduce has no init operand)', () => {
    expect(ruleText('reduce', [f32(2, 64, 13)], { reducer: 'sum', dims: [1] })).toBe('([i, j, k])->([i, k]) {i=2, j=64, k=13} reduction={j}');
    // A max over a sharded dim leaves partial maxima (a max all-reduce combines them), and it is linear in nothing.
    expect(ruleText('reduce', [f32(2, 64, 13)], { reducer: 'max', dims: [1] })).toBe('([i, j, k])->([i, k]) {i=2, j=64, k=13} reduction={j}');
  });

  it('transpose is a renaming', () => {
    expect(ruleText('transpose', [f32(5, 3, 2, 7)], { perm: [3, 1, 0, 2] })).toBe('([k, j, l, i])->([i, j, k, l]) {i=7, j=3, k=5, l=2}');
  });

  it('broadcast_in_dim: new dims only in the result, an expanded size-1 dim gets separate factors', () => {
    expect(ruleText('broadcast_in_dim', [f32(2, 13, 1)], { shape: [2, 64, 13, 1], dims: [0, 2, 3] }))
      .toBe('([i, k, l])->([i, j, k, l]) {i=2, j=64, k=13, l=1}');
    expect(ruleText('broadcast_in_dim', [f32(2, 1, 5)], { shape: [2, 64, 5], dims: [0, 1, 2] }))
      .toBe('([i, j, l])->([i, k, l]) {i=2, j=1, k=64, l=5}');
  });

  it('reshape: merge, split and the GCD factorization of docs/semantics.md (Propagation)', () => {
    expect(ruleText('reshape', [f32(4, 8)], { shape: [32] })).toBe('([i, j])->([ij]) {i=4, j=8}');
    expect(ruleText('reshape', [f32(32)], { shape: [4, 8] })).toBe('([ij])->([i, j]) {i=4, j=8}');
    expect(ruleText('reshape', [f32(8, 4)], { shape: [2, 16] })).toBe('([ij, k])->([i, jk]) {i=2, j=4, k=4}');
    expect(ruleText('reshape', [f32(8, 4, 5)], { shape: [2, 16, 5] })).toBe('([ij, k, l])->([i, jk, l]) {i=2, j=4, k=4, l=5}');
    // No common divisor: side-only factors (Shardy: ([i, l])->([j, k])); ours need replication.
    expect(ruleText('reshape', [f32(3, 2)], { shape: [2, 3] }))
      .toBe('([i, l])->([j, k]) {i=3, j=2, k=3, l=2} need_replication={i, j, k, l}');
    // 6x4 -> 4x6: Shardy gives ([ij, mn])->([ik, ln]) with i=2 and n shared.
    expect(ruleText('reshape', [f32(6, 4)], { shape: [4, 6] }))
      .toBe('([ij, mn])->([ik, ln]) {i=2, j=3, k=2, l=3, m=2, n=2} need_replication={j, k, l, m}');
  });

  it('reshape gives size-1 dims their own factors', () => {
    expect(ruleText('reshape', [f32(1, 8, 4)], { shape: [8, 1, 4] })).toBe('([i, j, l])->([j, k, l]) {i=1, j=8, k=1, l=4}');
  });

  it('concatenate: the concatenated dim needs replication', () => {
    expect(ruleText('concatenate', [f32(4, 3, 2), f32(4, 5, 2)], { dim: 1 }))
      .toBe('([i, j, k], [i, j, k])->([i, j, k]) {i=4, j=8, k=2} need_replication={j}');
  });

  it('slice: sliced dims need replication and are blocked (Shardy: permutation)', () => {
    expect(ruleText('slice', [f32(32, 4, 8)], { start: [0, 1, 4], limit: [32, 2, 8], stride: [1, 1, 2] }))
      .toBe('([i, j, k])->([i, j, k]) {i=32, j=4, k=8} need_replication={j, k} blocked_propagation={j, k}');
  });

  it('dynamic_slice: sliced dims need replication and are blocked', () => {
    expect(ruleText('dynamic_slice', [f32(32, 4, 8), i32(), i32(), i32()], { sizes: [32, 1, 4] }))
      .toBe('([i, j, k], [], [], [])->([i, j, k]) {i=32, j=4, k=8} need_replication={j, k} blocked_propagation={j, k}');
  });

  it('dynamic_update_slice: dims the update does not cover need replication', () => {
    expect(ruleText('dynamic_update_slice', [f32(32, 4, 8), f32(32, 1, 2), i32(), i32(), i32()], {}))
      .toBe('([i, j, l], [i, k, m], [], [], [])->([i, j, l]) {i=32, j=4, k=1, l=8, m=2} need_replication={j, k, l, m} blocked_propagation={j, k, l, m}');
  });

  it('gather (take along an axis): other operand dims and indices dims pass through', () => {
    // embedding lookup: table [vocab, d] indexed by tokens [b, s] → [b, s, d]
    expect(ruleText('gather', [f32(100, 16), i32(4, 8)], { axis: 0 }))
      .toBe('([l, k], [i, j])->([i, j, k]) {i=4, j=8, k=16, l=100} need_replication={l}');
  });

  it('scatter: indices dims are reductions shared with the updates, the axis needs replication', () => {
    expect(ruleText('scatter', [f32(100, 16), i32(4, 8), f32(4, 8, 16)], { axis: 0 }))
      .toBe('([i, j], [k, l], [k, l, j])->([i, j]) {i=100, j=16, k=4, l=8} reduction={k, l} need_replication={i}');
  });

  it('convolution: batch and output feature pass, input feature is a reduction, spatial dims need replication', () => {
    const conv = {
      inputBatch: 0, inputFeature: 3, inputSpatial: [1, 2], kernelInputFeature: 2, kernelOutputFeature: 3,
      kernelSpatial: [0, 1], outputBatch: 0, outputFeature: 3, outputSpatial: [1, 2], strides: [1, 1],
      padding: [[1, 1], [1, 1]] as [number, number][], lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1, batchGroupCount: 1,
    };
    expect(ruleText('convolution', [f32(2, 8, 8, 3), f32(3, 3, 3, 16)], conv))
      .toBe('([i, l, m, k], [n, o, k, j])->([i, p, q, j]) {i=2, j=16, k=3, l=8, m=8, n=3, o=3, p=8, q=8} reduction={k} need_replication={l, m, n, o, p, q}');
  });

  it('attention: b and heads pass through, seq passes for q only, kv seq and head dim need replication', () => {
    expect(ruleText('attention', [f32(2, 8, 4, 16), f32(2, 8, 4, 16), f32(2, 8, 4, 16)], { causal: true, scale: 0.25 }))
      .toBe('([i, j, k, m], [i, l, k, m], [i, l, k, m])->([i, j, k, m]) {i=2, j=8, k=4, l=8, m=16} need_replication={l, m}');
  });

  it('attention with grouped kv heads splits the query heads into [kvh, group]', () => {
    expect(ruleText('attention', [f32(2, 8, 8, 16), f32(2, 8, 2, 16), f32(2, 8, 2, 16)], { causal: true, scale: 0.25 }))
      .toBe('([i, j, kl, n], [i, m, k, n], [i, m, k, n])->([i, j, kl, n]) {i=2, j=8, k=2, l=4, m=8, n=16} need_replication={m, n}');
  });

  it('attention_grad: dk/dv lack the query-group factor (they sum over it)', () => {
    const q = f32(2, 8, 8, 16), kv = f32(2, 8, 2, 16);
    expect(ruleText('attention_grad', [q, kv, kv, q], { causal: true, scale: 0.25 }))
      .toBe('([i, j, kl, n], [i, m, k, n], [i, m, k, n], [i, j, kl, n])->([i, j, kl, n], [i, m, k, n], [i, m, k, n]) {i=2, j=8, k=2, l=4, m=8, n=16} need_replication={m, n}');
  });

  it('constant, iota and custom are barriers', () => {
    expect(ruleText('iota', [], { shape: [4], dim: 0, dtype: 'i32' })).toBe('null');
    expect(ruleText('constant', [], { shape: [4], dtype: 'f32', value: 0 })).toBe('null');
    expect(ruleText('custom', [f32(4)], { name: 'foo', resultTypes: [f32(4)] })).toBe('null');
  });

  it('linearIn says which operands a partial value may flow through', () => {
    const lin = (kind: OpKind, ins: TensorType[], attrs: object) => {
      const b = new ProgramBuilder('t');
      b.emit(kind, ins.map((t, i) => b.input(`in${i}`, t)), attrs as AttrsOf<typeof kind>);
      const p = b.build();
      const r = ruleOf(p.ops[0], p)!;
      return { linearIn: r.linearIn, jointly: r.linearJointly === true };
    };
    expect(lin('add', [f32(4), f32(4)], {})).toEqual({ linearIn: [true, true], jointly: true });
    expect(lin('multiply', [f32(4), f32(4)], {})).toEqual({ linearIn: [true, true], jointly: false });
    expect(lin('divide', [f32(4), f32(4)], {})).toEqual({ linearIn: [true, false], jointly: false });
    expect(lin('exp', [f32(4)], {}).linearIn).toEqual([false]);
    expect(lin('reduce', [f32(4)], { reducer: 'sum', dims: [0] }).linearIn).toEqual([true]);
    expect(lin('reduce', [f32(4)], { reducer: 'max', dims: [0] }).linearIn).toEqual([false]);
    expect(lin('convert', [f32(4)], { dtype: 'bf16' }).linearIn).toEqual([true]);
    expect(lin('convert', [f32(4)], { dtype: 'i32' }).linearIn).toEqual([false]);
  });
});
