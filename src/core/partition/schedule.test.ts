import { describe, expect, it } from 'vitest';
import { isUserError } from '../errors';
import { ProgramBuilder } from '../ir/builder';
import type { TensorType, ValueId } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import type { ResolvedTactic } from '../tactics/types';
import { verifySpmd } from '../interp/verify';
import { listCollectives } from '../spmd/collectives';
import { lower } from '../spmd/lower';
import { partition } from './schedule';
import { axisState, formatSharding } from './sharding';
import type { PartitionResult } from './types';

const f32 = (...shape: number[]): TensorType => ({ shape, dtype: 'f32' });
const range = { line: 1, column: 1, endLine: 1, endColumn: 2 };
const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };

function tactic(name: string, axis: string, seeds: [ValueId, number | 'replicated'][]): ResolvedTactic {
  return { name, axis, seeds: seeds.map(([value, dim]) => ({ value, dim, range })), range };
}

/**
 * A 2-layer MLP training step, written out by hand: o = tanh(x·w1)·w2, loss = Σ(o−y)², the
 * backward pass, and an SGD update.
 */
function mlpStep(B = 8, D = 4, F = 16, gradNames = false) {
  const b = new ProgramBuilder('mlp');
  const x = b.input('batch/x', f32(B, D));
  const y = b.input('batch/y', f32(B, D));
  const w1 = b.input('params/layer_0/w', f32(D, F));
  const w2 = b.input('params/layer_1/w', f32(F, D));
  const h = b.setName(b.dot(x, w1, MM), 'layer_0/out');
  const a = b.setName(b.unary('tanh', h), 'layer_0/act');
  const o = b.setName(b.dot(a, w2, MM), 'layer_1/out');
  const diff = b.sub(o, y);
  const loss = b.sum(b.mul(diff, diff), [0, 1]);
  const g = b.inPhase('backward', () => {
    const dO = b.mul(diff, b.full(diff, 2));
    const dw2 = b.setRole(b.dot(a, dO, { lhsBatch: [], rhsBatch: [], lhsContract: [0], rhsContract: [0] }), 'gradient');
    const da = b.dot(dO, w2, { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [1] });
    const dh = b.mul(da, b.sub(b.full(a, 1), b.mul(a, a)));
    const dw1 = b.setRole(b.dot(x, dh, { lhsBatch: [], rhsBatch: [], lhsContract: [0], rhsContract: [0] }), 'gradient');
    // The zoo's autodiff names the gradient of `params/X` `grads/X`; propagation links them by name.
    if (gradNames) {
      b.setName(dw1, 'grads/layer_0/w');
      b.setName(dw2, 'grads/layer_1/w');
    }
    return { dO, dw1, dw2, da, dh };
  });
  const upd = b.inPhase('optimizer', () => ({
    w1: b.sub(w1, b.mul(b.full(g.dw1, 0.1), g.dw1)),
    w2: b.sub(w2, b.mul(b.full(g.dw2, 0.1), g.dw2)),
  }));
  b.output(loss, 'loss');
  b.output(upd.w1, 'params/layer_0/w');
  b.output(upd.w2, 'params/layer_1/w');
  return { program: b.build(), x, y, w1, w2, h, a, o, diff, loss, ...g, w1n: upd.w1, w2n: upd.w2 };
}

const fmt = (r: PartitionResult, v: ValueId) => formatSharding(r.shardings[v]);
const mesh = (...axes: [string, number][]): Mesh => ({ axes: axes.map(([name, size]) => ({ name, size })) });

describe('partition: batch parallelism', () => {
  const m = mlpStep();
  const r = partition(m.program, mesh(['batch', 2]), [tactic('BP', 'batch', [[m.x, 0], [m.y, 0]])]);

  it('reaches every activation along the batch dim', () => {
    for (const v of [m.h, m.a, m.o, m.diff, m.dO, m.da, m.dh]) expect(fmt(r, v)).toBe('[@batch, -]');
  });

  it('leaves the parameters and their updates replicated', () => {
    for (const v of [m.w1, m.w2, m.w1n, m.w2n]) expect(fmt(r, v)).toBe('[-, -]');
  });

  it('makes the parameter gradients and the loss partial on the batch axis', () => {
    expect(fmt(r, m.dw1)).toBe('[-, -] {partial: batch}');
    expect(fmt(r, m.dw2)).toBe('[-, -] {partial: batch}');
    expect(r.shardings[m.loss].partial).toEqual(['batch']);
  });

  it('records one stage with its seeds, what it reached, and no conflicts', () => {
    expect(r.stages).toHaveLength(1);
    expect(r.stages[0].seeded.map((s) => s.value)).toEqual([m.x, m.y]);
    expect(r.stages[0].conflicts).toEqual([]);
    expect(r.stages[0].reached).toBeGreaterThanOrEqual(12);
    expect(r.origins?.batch[m.h]).toBe(0);
    expect(r.origins?.batch[m.w1]).toBe(-1);
  });
});

describe('partition: Megatron on a 2-matmul MLP', () => {
  const m = mlpStep();
  const r = partition(m.program, mesh(['model', 4]), [tactic('MP', 'model', [[m.w1, 1], [m.w2, 0]])]);

  it('gives column sharding to the first matmul and a partial result to the second', () => {
    expect(fmt(r, m.h)).toBe('[-, @model]');
    expect(fmt(r, m.a)).toBe('[-, @model]');
    expect(fmt(r, m.o)).toBe('[-, -] {partial: model}');
    expect(fmt(r, m.x)).toBe('[-, -]');
  });

  it('stops the partial at its first non-linear use (o − y with y replicated)', () => {
    expect(fmt(r, m.diff)).toBe('[-, -]');
  });

  it('shards the backward pass and the updated weights like the weights', () => {
    expect(fmt(r, m.da)).toBe('[-, @model]');
    expect(fmt(r, m.dw1)).toBe('[-, @model]');
    expect(fmt(r, m.dw2)).toBe('[@model, -]');
    expect(fmt(r, m.w1n)).toBe('[-, @model]');
    expect(fmt(r, m.w2n)).toBe('[@model, -]');
  });
});

describe('partition: several tactics', () => {
  const m = mlpStep();
  const bp = tactic('BP', 'batch', [[m.x, 0], [m.y, 0]]);
  const mp = tactic('MP', 'model', [[m.w1, 1], [m.w2, 0]]);
  const r = partition(m.program, mesh(['batch', 2], ['model', 2]), [bp, mp]);

  it('composes BP and MP on different axes (2-D sharding)', () => {
    expect(fmt(r, m.h)).toBe('[@batch, @model]');
    expect(fmt(r, m.o)).toBe('[@batch, -] {partial: model}');
    expect(fmt(r, m.dw1)).toBe('[-, @model] {partial: batch}');
  });

  it('keeps a snapshot per stage: the first stage does not see the second', () => {
    expect(formatSharding(r.stages[0].shardings[m.h])).toBe('[@batch, -]');
    expect(formatSharding(r.stages[1].shardings[m.h])).toBe('[@batch, @model]');
    expect(formatSharding(r.stages[0].shardings[m.w1])).toBe('[-, -]');
    expect(formatSharding(r.stages[1].shardings[m.w1])).toBe('[-, @model]');
    expect(r.stages.map((s) => [s.tactic, s.axis])).toEqual([['BP', 'batch'], ['MP', 'model']]);
    expect(r.origins?.model[m.h]).toBe(1);
    expect(r.origins?.batch[m.h]).toBe(0);
  });

  it('orders several axes on one dim by tactic order (major → minor)', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('batch/x', f32(16, 4));
    const y = b.unary('exp', x);
    const p = b.build();
    const r1 = partition(p, mesh(['a', 2], ['b', 4]), [tactic('B', 'b', [[x, 0]]), tactic('A', 'a', [[x, 0]])]);
    expect(r1.shardings[y].dims[0]).toEqual(['b', 'a']);
    const r2 = partition(p, mesh(['a', 2], ['b', 4]), [tactic('A', 'a', [[x, 0]]), tactic('B', 'b', [[x, 0]])]);
    expect(r2.shardings[y].dims[0]).toEqual(['a', 'b']);
  });

  it('does not add an axis to a dim whose local size would not divide', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('batch/x', f32(4, 8));
    const w = b.input('params/w', f32(8, 6));
    const h = b.dot(x, w, MM);
    const z = b.input('batch/z', f32(4, 6));
    const s = b.add(h, z);
    const p = b.build();
    // h's dim 1 has size 6; A leaves 3 per device, which B's axis (2) does not divide, so B's tiling
    // of z stops at the add rather than giving h (and s) an uneven tile. (P keeps A off z.)
    const r1 = partition(p, mesh(['a', 2], ['b', 2]),
      [tactic('P', 'a', [[z, 'replicated']]), tactic('A', 'a', [[w, 1]]), tactic('B', 'b', [[z, 1]])]);
    expect(r1.shardings[h].dims[1]).toEqual(['a']);
    expect(r1.shardings[z].dims[1]).toEqual(['b']);
    expect(r1.shardings[s].dims[1]).toEqual([]);
    expect(r1.stages[2].conflicts).toEqual([]);
    expect(() => partition(p, mesh(['a', 2], ['b', 2]), [tactic('A', 'a', [[w, 1]]), tactic('B', 'b', [[w, 1]])])).toThrow(/not divisible/);
  });
});

describe('partition: conflicts', () => {
  it('records two tactics on one axis that disagree, with both names and the op, and keeps the earlier one', () => {
    const m = mlpStep();
    const r = partition(m.program, mesh(['a', 2]), [tactic('T1', 'a', [[m.x, 0]]), tactic('T2', 'a', [[m.w1, 0]])]);
    const c = r.stages[1].conflicts;
    const atDot = c.find((k) => k.op === m.program.values[m.h].def);
    expect(atDot).toBeDefined();
    expect(atDot!.axis).toBe('a');
    expect(atDot!.value).toBe(m.w1);
    expect(atDot!.existing).toEqual({ state: { kind: 'replicated' }, tactic: 'T1' });
    expect(atDot!.incoming).toEqual({ state: { kind: 'tiled', dim: 0 }, tactic: 'T2' });
    expect(atDot!.message).toMatch(/batch\/x/);
    // T1's decisions stand.
    expect(fmt(r, m.x)).toBe('[@a, -]');
    expect(fmt(r, m.h)).toBe('[@a, -]');
    expect(r.stages[0].conflicts).toEqual([]);
    // T2 still reaches what does not meet T1: the update of w1 (its gradient is reduce-scattered by the lowering).
    expect(fmt(r, m.w1n)).toBe('[@a, -]');
  });

  it('records a tiling that meets a pinned REPLICATED value and leaves the value replicated', () => {
    const m = mlpStep();
    const r = partition(m.program, mesh(['a', 2]), [tactic('PIN', 'a', [[m.h, 'replicated']]), tactic('BP', 'a', [[m.x, 0]])]);
    const c = r.stages[1].conflicts.find((k) => k.value === m.h);
    expect(c).toBeDefined();
    expect(c!.op).toBe(m.program.values[m.h].def);
    expect(c!.existing).toEqual({ state: { kind: 'replicated' }, tactic: 'PIN' });
    expect(c!.incoming).toEqual({ state: { kind: 'tiled', dim: 0 }, tactic: 'BP' });
    expect(axisState(r.shardings[m.h], 'a')).toEqual({ kind: 'replicated' });
    expect(r.stages[0].seeded).toEqual([{ value: m.h, state: { kind: 'replicated' } }]);
  });

  it('records a seed that contradicts an earlier tactic on the same axis (at the input\'s first user)', () => {
    const m = mlpStep();
    const r = partition(m.program, mesh(['a', 2]), [tactic('T1', 'a', [[m.x, 0]]), tactic('T2', 'a', [[m.x, 1]])]);
    expect(r.stages[1].conflicts).toHaveLength(1);
    expect(r.stages[1].conflicts[0]).toMatchObject({ value: m.x, op: m.program.values[m.h].def, existing: { tactic: 'T1' }, incoming: { tactic: 'T2', state: { kind: 'tiled', dim: 1 } } });
    expect(fmt(r, m.x)).toBe('[@a, -]');
  });

  it('stops at x·xᵀ, where one tiling would shard two dims of the result on one axis', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('batch/x', f32(8, 4));
    const g = b.dot(x, x, { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [1] });
    const p = b.build();
    const r = partition(p, mesh(['a', 2]), [tactic('T', 'a', [[x, 0]])]);
    expect(fmt(r, g)).toBe('[-, -]');
    expect(r.stages[0].conflicts).toHaveLength(1);
    expect(r.stages[0].conflicts[0].op).toBe(0);
  });

  it('throws a UserError for an unknown axis or a dim out of range', () => {
    const m = mlpStep();
    let err: unknown;
    try {
      partition(m.program, mesh(['a', 2]), [tactic('T', 'zz', [[m.x, 0]])]);
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect(() => partition(m.program, mesh(['a', 2]), [tactic('T', 'a', [[m.x, 5]])])).toThrow(/out of range/);
  });
});

describe('partition: partial values', () => {
  function chain(uses: 1 | 2) {
    const b = new ProgramBuilder('t');
    const a = b.input('batch/a', f32(4, 8));
    const w = b.input('params/w', f32(8, 6));
    const o = b.dot(a, w, MM);
    const t = b.transpose(o, [1, 0]);
    const s = b.sum(t, [0]);
    const sc = b.mul(s, b.full(s, 3));
    const e = b.exp(sc);
    const extra = uses === 2 ? b.neg(o) : -1;
    return { p: b.build(), a, w, o, t, s, sc, e, extra };
  }

  it('flows through linear single-use ops and stops at the first non-linear one', () => {
    const c = chain(1);
    const r = partition(c.p, mesh(['m', 2]), [tactic('MP', 'm', [[c.a, 1]])]);
    expect(fmt(r, c.w)).toBe('[@m, -]');
    for (const v of [c.o, c.t, c.s, c.sc]) expect(r.shardings[v].partial).toEqual(['m']);
    expect(r.shardings[c.e].partial).toEqual([]);
  });

  it('does not flow past a fan-out: a value is reduced once, before its first fan-out', () => {
    const c = chain(2);
    const r = partition(c.p, mesh(['m', 2]), [tactic('MP', 'm', [[c.a, 1]])]);
    expect(r.shardings[c.o].partial).toEqual(['m']);
    for (const v of [c.t, c.extra]) expect(r.shardings[v].partial).toEqual([]);
  });

  it('adds two partials into a partial, but not a partial and a replicated value', () => {
    const b = new ProgramBuilder('t');
    const a = b.input('batch/a', f32(4, 8));
    const w1 = b.input('params/w1', f32(8, 6));
    const w2 = b.input('params/w2', f32(8, 6));
    const z = b.input('batch/z', f32(4, 6));
    const both = b.add(b.dot(a, w1, MM), b.dot(a, w2, MM));
    const mixed = b.add(both, z);
    const p = b.build();
    const r = partition(p, mesh(['m', 2]), [tactic('MP', 'm', [[w1, 0], [w2, 0]])]);
    expect(r.shardings[both].partial).toEqual(['m']);
    expect(r.shardings[mixed].partial).toEqual([]);
  });
});

describe('partition: reshape', () => {
  it('carries a tiled dim through a merge and a split', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('batch/x', f32(8, 4));
    const flat = b.reshape(x, [32]);
    const back = b.reshape(flat, [2, 16]);
    const p = b.build();
    const r = partition(p, mesh(['a', 2]), [tactic('T', 'a', [[x, 0]])]);
    expect(fmt(r, flat)).toBe('[@a]');
    expect(fmt(r, back)).toBe('[@a, -]');
    // An axis larger than the major factor of the split dim (2) is not a whole tile there.
    const r4 = partition(p, mesh(['a', 4]), [tactic('T', 'a', [[x, 0]])]);
    expect(fmt(r4, flat)).toBe('[@a]');
    expect(fmt(r4, back)).toBe('[-, -]');
  });

  it('propagates backward through a split into the merged operand', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('batch/x', f32(32));
    const y = b.reshape(x, [4, 8]);
    const z = b.exp(y);
    const p = b.build();
    const r = partition(p, mesh(['a', 4]), [tactic('T', 'a', [[z, 0]])]);
    expect(fmt(r, x)).toBe('[@a]');
  });

  it('shards the minor factor of a merged dim only once the major one is full (Shardy)', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('batch/x', f32(4, 4));
    const y = b.reshape(x, [16]);
    const p = b.build();
    // a=2 leaves dim 0's factor half-sharded, so b on dim 1 cannot follow into the merged dim.
    const r = partition(p, mesh(['a', 2], ['b', 2]), [tactic('A', 'a', [[x, 0]]), tactic('B', 'b', [[x, 1]])]);
    expect(r.shardings[y].dims[0]).toEqual(['a']);
    // a=4 fills it, and b then shards the minor factor.
    const r2 = partition(p, mesh(['a', 4], ['b', 2]), [tactic('A', 'a', [[x, 0]]), tactic('B', 'b', [[x, 1]])]);
    expect(r2.shardings[y].dims[0]).toEqual(['a', 'b']);
    // In the other order the minor factor cannot go first.
    const r3 = partition(p, mesh(['a', 4], ['b', 2]), [tactic('B', 'b', [[x, 1]]), tactic('A', 'a', [[x, 0]])]);
    expect(r3.shardings[y].dims[0]).toEqual(['a']);
  });
});


describe('partition: attention with grouped kv heads', () => {
  function gqa(kvh: number) {
    const b = new ProgramBuilder('t');
    const q = b.input('q', f32(2, 8, 8, 16));
    const k = b.input('k', f32(2, 8, kvh, 16));
    const v = b.input('v', f32(2, 8, kvh, 16));
    const dOut = b.input('dout', f32(2, 8, 8, 16));
    const o = b.emit1('attention', [q, k, v], { causal: true, scale: 0.25 });
    const [dq, dk, dv] = b.emit('attention_grad', [q, k, v, dOut], { causal: true, scale: 0.25 });
    return { p: b.build(), q, k, v, o, dq, dk, dv };
  }

  it('shards k and v with the query heads when the axis divides the kv heads', () => {
    const g = gqa(2);
    const r = partition(g.p, mesh(['m', 2]), [tactic('MP', 'm', [[g.q, 2]])]);
    for (const v of [g.k, g.v, g.o, g.dq, g.dk, g.dv]) expect(axisState(r.shardings[v], 'm')).toEqual({ kind: 'tiled', dim: 2 });
  });

  it('with one kv head (multi-query) keeps k and v whole and makes their gradients partial', () => {
    const g = gqa(1);
    const r = partition(g.p, mesh(['m', 4]), [tactic('MP', 'm', [[g.q, 2]])]);
    expect(axisState(r.shardings[g.o], 'm')).toEqual({ kind: 'tiled', dim: 2 });
    expect(axisState(r.shardings[g.dq], 'm')).toEqual({ kind: 'tiled', dim: 2 });
    for (const v of [g.k, g.v]) expect(axisState(r.shardings[v], 'm')).toEqual({ kind: 'replicated' });
    for (const v of [g.dk, g.dv]) expect(axisState(r.shardings[v], 'm')).toEqual({ kind: 'partial' });
  });

  it('does not shard the heads with an axis that splits a kv head group unevenly', () => {
    const g = gqa(2);
    const r = partition(g.p, mesh(['m', 4]), [tactic('MP', 'm', [[g.q, 2]])]);
    // 4 does not divide the 2 kv heads: a tile of 2 query heads would straddle kv groups' major factor.
    expect(axisState(r.shardings[g.o], 'm')).toEqual({ kind: 'replicated' });
  });
});

describe('partition: ZeRO-2 on partial gradients', () => {
  it('a tiled seed on a value already partial on the axis tiles its users (a reduce-scatter) instead of conflicting', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('batch/x', f32(8, 4));
    const w = b.input('params/w', f32(4, 6));
    const h = b.dot(x, w, MM);
    const g = b.setName(b.dot(x, h, { lhsBatch: [], rhsBatch: [], lhsContract: [0], rhsContract: [0] }), 'grads/w');
    const u1 = b.mul(g, b.full(g, 0.1));
    const u2 = b.exp(g);
    const p = b.build();
    const r = partition(p, mesh(['batch', 2]), [tactic('BP', 'batch', [[x, 0]]), tactic('Z2', 'batch', [[g, 0]])]);
    expect(r.stages[1].conflicts).toEqual([]);
    expect(r.stages[1].seeded).toEqual([{ value: g, state: { kind: 'tiled', dim: 0 } }]);
    expect(r.shardings[g].partial).toEqual(['batch']);
    expect(fmt(r, u1)).toBe('[@batch, -]');
    expect(fmt(r, u2)).toBe('[@batch, -]');
    expect(r.origins?.batch[u1]).toBe(1);
  });
});

describe('partition: program inputs', () => {
  /** x·p forward, its gradient, and a momentum update: m' = 0.9·m + g, p' = p − 0.1·m'. */
  function momentumStep() {
    const b = new ProgramBuilder('t');
    const x = b.input('batch/x', f32(8, 4));
    const p = b.input('params/p', f32(4, 6));
    const m = b.input('opt_state/mu/p', f32(4, 6));
    const h = b.dot(x, p, MM);
    const loss = b.sum(b.mul(h, h), [0, 1]);
    const g = b.inPhase('backward', () => b.dot(x, b.mul(h, b.full(h, 2)), { lhsBatch: [], rhsBatch: [], lhsContract: [0], rhsContract: [0] }));
    const { m2, p2 } = b.inPhase('optimizer', () => {
      const m2 = b.add(b.mul(m, b.full(m, 0.9)), g);
      return { m2, p2: b.sub(p, b.mul(m2, b.full(m2, 0.1))) };
    });
    b.output(loss, 'loss');
    b.output(p2, 'params/p');
    b.output(m2, 'opt_state/mu/p');
    return { prog: b.build(), x, p, m, h, g, m2, p2 };
  }

  it('ZeRO-1 tiles the update but not the parameters the forward pass reads', () => {
    const s = momentumStep();
    const r = partition(s.prog, mesh(['batch', 2]), [tactic('BP', 'batch', [[s.x, 0]]), tactic('Z1', 'batch', [[s.m, 0]])]);
    expect(r.stages[1].conflicts).toEqual([]);
    expect(fmt(r, s.m2)).toBe('[@batch, -]');
    expect(fmt(r, s.p2)).toBe('[@batch, -]');
    expect(fmt(r, s.p)).toBe('[-, -]');
    expect(fmt(r, s.g)).toBe('[-, -] {partial: batch}');
  });

  it('an input read only by the optimizer follows the tiled update (Megatron shards the moments)', () => {
    const s = momentumStep();
    const r = partition(s.prog, mesh(['model', 2]), [tactic('MP', 'model', [[s.p, 1]])]);
    expect(fmt(r, s.h)).toBe('[-, @model]');
    expect(fmt(r, s.g)).toBe('[-, @model]');
    expect(fmt(r, s.m)).toBe('[-, @model]');
    expect(fmt(r, s.m2)).toBe('[-, @model]');
  });
});

describe('partition: LARGEST seeds', () => {
  it('a seed marked `largest` picks the largest local dim against the propagated shardings', () => {
    const b = new ProgramBuilder('t');
    const w = b.input('params/w', f32(8, 16));
    const m = b.input('opt_state/mu/w', f32(8, 16));
    const w2 = b.inPhase('optimizer', () => b.sub(w, b.mul(m, b.full(m, 0.1))));
    const p = b.build();
    const seedLargest = (name: string, axis: string, v: ValueId, dim: number): ResolvedTactic => ({
      name, axis, range, seeds: [{ value: v, dim, range, pick: 'largest' } as ResolvedTactic['seeds'][number]],
    });
    // MP tiles w (and, by propagation, its moment) on dim 1: 16/4 = 4 < 8, so LARGEST is now dim 0.
    const r = partition(p, mesh(['model', 4], ['batch', 2]), [tactic('MP', 'model', [[w, 1]]), seedLargest('Z', 'batch', m, 1)]);
    expect(fmt(r, m)).toBe('[@batch, @model]');
    expect(fmt(r, w2)).toBe('[@batch, @model]');
    expect(r.stages[1].seeded).toEqual([{ value: m, state: { kind: 'tiled', dim: 0 } }]);
  });
});

describe('partition: parameters follow their tiled gradients', () => {
  // x tiled on its feature dim: dw1 = xᵀ·dh comes out tiled on dim 0 without anything seeding w1.
  const seeds = (m: ReturnType<typeof mlpStep>) => [tactic('FS', 'm', [[m.x, 1]])];

  it('tiles a parameter along the dim its gradient is tiled, and its update with it', () => {
    const m = mlpStep(8, 4, 16, true);
    const r = partition(m.program, mesh(['m', 2]), seeds(m));
    expect(axisState(r.shardings[m.dw1], 'm')).toEqual({ kind: 'tiled', dim: 0 });
    expect(axisState(r.shardings[m.w1], 'm')).toEqual({ kind: 'tiled', dim: 0 });
    expect(axisState(r.shardings[m.w1n], 'm')).toEqual({ kind: 'tiled', dim: 0 });
  });

  it('needs the gradient it follows: without the grads/ name the parameter is left to the tactics', () => {
    const m = mlpStep(8, 4, 16, false);
    const r = partition(m.program, mesh(['m', 2]), seeds(m));
    expect(axisState(r.shardings[m.dw1], 'm')).toEqual({ kind: 'tiled', dim: 0 });
    expect(axisState(r.shardings[m.w1], 'm')).toEqual({ kind: 'replicated' });
  });

  it('does not follow a partial gradient (data parallelism keeps the weights whole)', () => {
    const m = mlpStep(8, 4, 16, true);
    const r = partition(m.program, mesh(['batch', 2]), [tactic('BP', 'batch', [[m.x, 0], [m.y, 0]])]);
    expect(r.shardings[m.dw1].partial).toEqual(['batch']);
    for (const v of [m.w1, m.w2]) expect(axisState(r.shardings[v], 'batch')).toEqual({ kind: 'replicated' });
  });
});

describe('partition: a partial value is reduced once, into the tiling one of its users needs', () => {
  // p = a·w contracts the tiled dim (partial); t = p ⊙ r needs p tiled along r's dim 1; s = p ⊙ p.
  const b = new ProgramBuilder('reduce-once');
  const a = b.input('a', f32(4, 8)), w = b.input('w', f32(8, 6)), r = b.input('r', f32(4, 6));
  const p = b.dot(a, w, MM);
  const t = b.mul(p, r);
  const sq = b.mul(p, p);
  b.output(t, 't');
  b.output(b.sum(sq, [1]), 'norm');
  const program = b.build();
  const res = partition(program, mesh(['m', 2]), [tactic('T', 'm', [[a, 1], [w, 0], [r, 1]])]);

  it('keeps the value partial and lets its other users see it tiled', () => {
    expect(res.shardings[p].partial).toEqual(['m']);
    expect(axisState(res.shardings[t], 'm')).toEqual({ kind: 'tiled', dim: 1 });
    expect(axisState(res.shardings[sq], 'm')).toEqual({ kind: 'tiled', dim: 1 });
  });

  it('lowers to one reduce-scatter of p and computes what the program computes', () => {
    const spmd = lower(res, { checkTypes: true });
    const kinds = listCollectives(spmd).filter((c) => c.phase === 'forward').map((c) => c.kind);
    expect(kinds.filter((k) => k === 'reduce-scatter')).toHaveLength(1);
    expect(verifySpmd(spmd).ok).toBe(true);
  });
});
