import { describe, it, expect } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import type { PartitionResult, Sharding } from '../partition/types';
import { verifySpmd } from '../interp/verify';
import { isUserError } from '../errors';
import { lower } from './lower';
import { listCollectives } from './collectives';

const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };
const mesh2x2: Mesh = { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] };
const mesh2x2x2: Mesh = { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }, { name: 'seq', size: 2 }] };

const sh = (dims: string[][], partial: string[] = []): Sharding => ({ dims, partial });

/** A hand-made PartitionResult: the given shardings, everything else replicated. */
function result(p: Program, mesh: Mesh, given: Map<ValueId, Sharding>): PartitionResult {
  const shardings = p.values.map((v) => given.get(v.id) ?? sh(v.type.shape.map(() => [])));
  return { program: p, mesh, shardings, stages: [] };
}

function verified(r: PartitionResult) {
  const spmd = lower(r, { checkTypes: true });
  const v = verifySpmd(spmd);
  expect(v.ok, v.worst).toBe(true);
  return { spmd, collectives: listCollectives(spmd) };
}

const summary = (cs: ReturnType<typeof listCollectives>) => cs.map((c) => `${c.kind}(${c.axes.join(',')})`);

/** x[8,16]·w1[16,32] → tanh → ·w2[32,16] → y: the Megatron MLP block without biases. */
function mlpBlock() {
  const b = new ProgramBuilder('mlp');
  const x = b.input('batch/x', { shape: [8, 16], dtype: 'f32' });
  const w1 = b.input('params/w1', { shape: [16, 32], dtype: 'f32' });
  const w2 = b.input('params/w2', { shape: [32, 16], dtype: 'f32' });
  const h = b.dot(x, w1, MM);
  const a = b.unary('tanh', h);
  const y = b.dot(a, w2, MM);
  b.output(y, 'y');
  return { p: b.build(), x, w1, w2, h, a, y };
}

describe('lower: matmul chains', () => {
  it('column then row sharding (Megatron) needs one all-reduce, at the output', () => {
    const m = mlpBlock();
    const { collectives, spmd } = verified(result(m.p, mesh2x2, new Map([
      [m.w1, sh([[], ['model']])], [m.h, sh([[], ['model']])], [m.a, sh([[], ['model']])],
      [m.w2, sh([['model'], []])], [m.y, sh([[], []], ['model'])],
    ])));
    expect(summary(collectives)).toEqual(['all-reduce(model)']);
    // all-reduce counts its input: the full y per device, 8·16 f32.
    expect(collectives[0].bytes).toBe(8 * 16 * 4);
    // local shapes: w1 is [16, 16] per device, the hidden [8, 16].
    expect(spmd.program.values[spmd.program.inputs[1]].type.shape).toEqual([16, 16]);
    expect(spmd.outputShardings[0]).toEqual({ dims: [[], []], partial: [] });
  });

  it('adds the batch axis on a 2×2 mesh without new collectives', () => {
    const m = mlpBlock();
    const { collectives } = verified(result(m.p, mesh2x2, new Map([
      [m.x, sh([['batch'], []])],
      [m.w1, sh([[], ['model']])], [m.h, sh([['batch'], ['model']])], [m.a, sh([['batch'], ['model']])],
      [m.w2, sh([['model'], []])], [m.y, sh([['batch'], []], ['model'])],
    ])));
    expect(summary(collectives)).toEqual(['all-reduce(model)']);
  });

  it('a column-sharded result consumed whole is all-gathered', () => {
    const m = mlpBlock();
    // w2 replicated: the second matmul needs the hidden whole.
    const { collectives } = verified(result(m.p, mesh2x2, new Map([
      [m.w1, sh([[], ['model']])], [m.h, sh([[], ['model']])], [m.a, sh([[], ['model']])],
    ])));
    expect(summary(collectives)).toEqual(['all-gather(model)']);
    expect(collectives[0].bytes).toBe(8 * 32 * 4);
  });

  it('a replicated operand meeting a tiled one is sliced locally, not communicated', () => {
    const m = mlpBlock();
    // x replicated, but the result is batch-tiled: x is shard_sliced; no collective at all.
    const { collectives, spmd } = verified(result(m.p, mesh2x2, new Map([
      [m.h, sh([['batch'], []])], [m.a, sh([['batch'], []])], [m.y, sh([['batch'], []])],
    ])));
    expect(collectives).toEqual([]);
    expect(spmd.program.ops.some((o) => o.kind === 'shard_slice')).toBe(true);
  });

  it('a 3-axis mesh with two axes on one dim', () => {
    const m = mlpBlock();
    const { collectives } = verified(result(m.p, mesh2x2x2, new Map([
      [m.x, sh([['batch', 'seq'], []])],
      [m.w1, sh([[], ['model']])], [m.h, sh([['batch', 'seq'], ['model']])], [m.a, sh([['batch', 'seq'], ['model']])],
      [m.w2, sh([['model'], []])], [m.y, sh([['batch', 'seq'], []], ['model'])],
    ])));
    expect(summary(collectives)).toEqual(['all-reduce(model)']);
  });
});

/** A regression step: pred = x·w, loss = Σ(pred − y)²/N, w' = w − lr·∂loss/∂w. */
function regressionStep() {
  const b = new ProgramBuilder('step');
  const x = b.input('batch/x', { shape: [8, 4], dtype: 'f32' });
  const y = b.input('batch/y', { shape: [8, 4], dtype: 'f32' });
  const w = b.input('params/w', { shape: [4, 4], dtype: 'f32' });
  const pred = b.scoped('layer', () => b.dot(x, w, MM));
  const diff = b.scoped('loss', () => b.sub(pred, y));
  const sq = b.scoped('loss', () => b.mul(diff, diff));
  const total = b.scoped('loss', () => b.sum(sq, [0, 1]));
  const loss = b.scoped('loss', () => b.mul(total, b.constant(1 / 32)));
  b.phase = 'backward';
  const dpred = b.scoped('loss', () => b.mul(diff, b.full(diff, 2 / 32)));
  const xt = b.scoped('layer', () => b.transpose(x, [1, 0]));
  const gw = b.scoped('layer', () => b.setRole(b.dot(xt, dpred, MM), 'gradient'));
  b.phase = 'optimizer';
  const step = b.scoped('optimizer/params/w', () => b.mul(gw, b.full(gw, 0.1)));
  const w2 = b.scoped('optimizer/params/w', () => b.sub(w, step));
  b.output(w2, 'params/w');
  b.output(loss, 'loss');
  return { p: b.build(), x, y, w, pred, diff, sq, total, loss, dpred, xt, gw, step, w2 };
}

function batchParallel(s: ReturnType<typeof regressionStep>, extra: [ValueId, Sharding][] = []) {
  const t = sh([['batch'], []]);
  return new Map<ValueId, Sharding>([
    [s.x, t], [s.y, t], [s.pred, t], [s.diff, t], [s.sq, t], [s.total, sh([], ['batch'])],
    [s.loss, sh([], ['batch'])], [s.dpred, t], [s.xt, sh([[], ['batch']])],
    [s.gw, sh([[], []], ['batch'])], [s.step, sh([[], []], ['batch'])],
    ...extra,
  ]);
}

describe('lower: a batch-parallel training step', () => {
  it('reduces the loss and the gradient over the batch axis, once each', () => {
    const s = regressionStep();
    const { collectives } = verified(result(s.p, mesh2x2, batchParallel(s, [[s.step, sh([[], []])]])));
    expect(summary(collectives).sort()).toEqual(['all-reduce(batch)', 'all-reduce(batch)']);
    const grad = collectives.find((c) => c.role === 'gradient');
    expect(grad).toBeDefined();
    // The gradient's reduction belongs to the backward pass that made it partial.
    expect(grad?.phase).toBe('backward');
    const lossReduce = collectives.find((c) => c.bytes === 4);
    expect(lossReduce?.phase).toBe('forward');
  });

  it('a gradient that flows partial through the learning-rate scaling is reduced after it', () => {
    const s = regressionStep();
    const { collectives } = verified(result(s.p, mesh2x2, batchParallel(s)));
    expect(summary(collectives).sort()).toEqual(['all-reduce(batch)', 'all-reduce(batch)']);
    const g = collectives.find((c) => c.bytes === 4 * 4 * 4);
    expect(g?.op).toBe(s.p.values[s.step].def);
    expect(g?.phase).toBe('optimizer');
  });

  it('with the parameter sharded (ZeRO-3) the gradient is reduce-scattered and the parameter gathered', () => {
    const s = regressionStep();
    const { collectives, spmd } = verified(result(s.p, mesh2x2, batchParallel(s, [
      [s.w, sh([['batch'], []])], [s.w2, sh([['batch'], []])], [s.step, sh([['batch'], []])],
    ])));
    expect(summary(collectives).sort()).toEqual(['all-gather(batch)', 'all-reduce(batch)', 'reduce-scatter(batch)']);
    const rs = collectives.find((c) => c.kind === 'reduce-scatter');
    expect(rs?.role).toBe('gradient');
    expect(rs?.bytes).toBe(4 * 4 * 4); // its input: the whole [4, 4] f32 gradient
    expect(collectives.find((c) => c.kind === 'all-gather')?.bytes).toBe(4 * 4 * 4); // its result: the whole w
    // the updated parameter leaves in its input's layout, so the step can be iterated
    expect(spmd.outputShardings[0]).toEqual(spmd.inputShardings[2]);
  });

  it('an updated output takes its input sharding even when propagation left it replicated', () => {
    const s = regressionStep();
    const { spmd } = verified(result(s.p, mesh2x2, batchParallel(s, [[s.w, sh([[], ['model']])]])));
    expect(spmd.outputShardings[0]).toEqual({ dims: [[], ['model']], partial: [] });
  });
});

describe('lower: partial values', () => {
  /** y = x·w with the contraction tiled (partial), then consumers. */
  function partialThen(build: (b: ProgramBuilder, y: ValueId) => ValueId[]) {
    const b = new ProgramBuilder('partial');
    const x = b.input('x', { shape: [8, 8], dtype: 'f32' });
    const w = b.input('w', { shape: [8, 8], dtype: 'f32' });
    const y = b.dot(x, w, MM);
    const outs = build(b, y);
    outs.forEach((o, i) => b.output(o, `out${i}`));
    return { p: b.build(), x, w, y, outs };
  }

  it('a sum of a partial value stays partial and is reduced after the sum (on fewer bytes)', () => {
    let r: ValueId = -1;
    const t = partialThen((b, y) => [(r = b.sum(y, [1]))]);
    const { collectives } = verified(result(t.p, mesh2x2, new Map([
      [t.x, sh([[], ['model']])], [t.w, sh([['model'], []])], [t.y, sh([[], []], ['model'])], [r, sh([[]], ['model'])],
    ])));
    expect(summary(collectives)).toEqual(['all-reduce(model)']);
    expect(collectives[0].bytes).toBe(8 * 4);
  });

  it('a partial value with two non-linear users is reduced once', () => {
    const t = partialThen((b, y) => [b.unary('tanh', y), b.exp(y)]);
    const { collectives } = verified(result(t.p, mesh2x2, new Map([
      [t.x, sh([[], ['model']])], [t.w, sh([['model'], []])], [t.y, sh([[], []], ['model'])],
    ])));
    expect(summary(collectives)).toEqual(['all-reduce(model)']);
  });

  it('fan-out to a tiled and a replicated user: one reduce-scatter, then a gather, never two reductions', () => {
    let t1: ValueId = -1;
    const t = partialThen((b, y) => [(t1 = b.unary('tanh', y)), b.exp(y)]);
    const { collectives } = verified(result(t.p, mesh2x2, new Map([
      [t.x, sh([[], ['model']])], [t.w, sh([['model'], []])], [t.y, sh([[], []], ['model'])], [t1, sh([['model'], []])],
    ])));
    const reductions = collectives.filter((c) => c.kind === 'all-reduce' || c.kind === 'reduce-scatter');
    expect(reductions).toHaveLength(1);
    expect(reductions[0].kind).toBe('reduce-scatter');
  });

  it('adding a replicated value to a partial one reduces first', () => {
    let s: ValueId = -1;
    const t = partialThen((b, y) => [(s = b.add(y, b.full(y, 1)))]);
    const { collectives } = verified(result(t.p, mesh2x2, new Map([
      [t.x, sh([[], ['model']])], [t.w, sh([['model'], []])], [t.y, sh([[], []], ['model'])],
      [s, sh([[], []], ['model'])], // even if a (wrong) PartitionResult says partial
    ])));
    expect(summary(collectives)).toEqual(['all-reduce(model)']);
  });

  it('two partial values are added before one reduction', () => {
    const b = new ProgramBuilder('two');
    const x = b.input('x', { shape: [8, 8], dtype: 'f32' });
    const w = b.input('w', { shape: [8, 8], dtype: 'f32' });
    const v = b.input('v', { shape: [8, 8], dtype: 'f32' });
    const y1 = b.dot(x, w, MM);
    const y2 = b.dot(x, v, MM);
    const s = b.add(y1, y2);
    const o = b.unary('tanh', s);
    b.output(o, 'o');
    const p = b.build();
    const part = sh([[], []], ['model']);
    const { collectives } = verified(result(p, mesh2x2, new Map([
      [x, sh([[], ['model']])], [w, sh([['model'], []])], [v, sh([['model'], []])], [y1, part], [y2, part], [s, part],
    ])));
    expect(summary(collectives)).toEqual(['all-reduce(model)']);
  });

  it('a partial value scaled through a transpose and a dot with a replicated operand stays partial', () => {
    let tr: ValueId = -1, d: ValueId = -1;
    const t = partialThen((b, y) => {
      tr = b.transpose(y, [1, 0]);
      const r = b.input('r', { shape: [8, 8], dtype: 'f32' });
      d = b.dot(tr, r, MM);
      return [b.unary('tanh', d)];
    });
    const part = sh([[], []], ['model']);
    const { collectives } = verified(result(t.p, mesh2x2, new Map([
      [t.x, sh([[], ['model']])], [t.w, sh([['model'], []])], [t.y, part], [tr, part], [d, part],
    ])));
    expect(summary(collectives)).toEqual(['all-reduce(model)']);
    // reduced after the dot, in the dot's scope and phase
    expect(collectives[0].op).toBe(t.p.values[d].def);
  });
});

describe('lower: reshapes, layout changes and errors', () => {
  it('a reshape that splits a tiled dim keeps the tiling on the major part', () => {
    const b = new ProgramBuilder('r');
    const x = b.input('x', { shape: [8, 6], dtype: 'f32' });
    const r = b.reshape(x, [2, 4, 6]);
    const f = b.reshape(b.unary('tanh', r), [48]);
    b.output(f, 'f');
    const p = b.build();
    const tanh = p.values[f].def - 1;
    const { collectives, spmd } = verified(result(p, mesh2x2, new Map([
      [x, sh([['batch'], []])], [r, sh([['batch'], [], []])], [p.ops[tanh].results[0], sh([['batch'], [], []])], [f, sh([['batch']])],
    ])));
    expect(collectives).toEqual([]);
    expect(spmd.program.values[spmd.program.outputs[0].value].type.shape).toEqual([24]);
  });

  it('a reshape merging a tiled minor dim moves the tiling to the major dim first (no strided tiles)', () => {
    const b = new ProgramBuilder('r');
    const x = b.input('x', { shape: [4, 6], dtype: 'f32' });
    const f = b.reshape(x, [24]);
    b.output(f, 'f');
    const p = b.build();
    const { collectives } = verified(result(p, mesh2x2, new Map([[x, sh([[], ['model']])], [f, sh([['model']])]])));
    // tiles of the merged dim are tiles of its major factor: all-to-all from dim 1 to dim 0
    expect(summary(collectives)).toEqual(['all-to-all(model)']);
  });

  it('a value wanted tiled on another dim over the same axis moves with one all-to-all', () => {
    const b = new ProgramBuilder('a2a');
    const x = b.input('x', { shape: [8, 4], dtype: 'f32' });
    const t = b.unary('tanh', x);
    b.output(t, 't');
    const p = b.build();
    const { collectives } = verified(result(p, mesh2x2, new Map([[x, sh([['model'], []])], [t, sh([[], ['model']])]])));
    expect(summary(collectives)).toEqual(['all-to-all(model)']);
    expect(collectives[0].bytes).toBe(4 * 4 * 4);
  });

  it('reorders the axes of a dim by gather + slice', () => {
    const b = new ProgramBuilder('perm');
    const x = b.input('x', { shape: [8, 4], dtype: 'f32' });
    const t = b.unary('tanh', x);
    b.output(t, 't');
    const p = b.build();
    const { collectives } = verified(result(p, mesh2x2, new Map([[x, sh([['batch', 'model'], []])], [t, sh([['model', 'batch'], []])]])));
    expect(summary(collectives)).toEqual(['all-gather(batch,model)']);
  });

  it('a sharding that does not divide is a user error naming the value, dim and axes', () => {
    const b = new ProgramBuilder('bad');
    const x = b.input('batch/x', { shape: [3, 4], dtype: 'f32' });
    b.output(b.unary('tanh', x), 'y');
    const p = b.build();
    let err: unknown;
    try { lower(result(p, mesh2x2, new Map([[x, sh([['batch'], []])]]))); } catch (e) { err = e; }
    expect(isUserError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/batch\/x.*dim 0.*size 3.*"batch"/);
  });

  it('copies names and roles onto the local values and records the source op of every local op', () => {
    const s = regressionStep();
    const { spmd } = verified(result(s.p, mesh2x2, batchParallel(s)));
    const gw = spmd.program.values.find((v) => v.role === 'gradient' && v.def >= 0 && spmd.program.ops[v.def].kind === 'dot_general');
    expect(gw).toBeDefined();
    expect(spmd.source).toHaveLength(spmd.program.ops.length);
    spmd.program.ops.forEach((op, i) => {
      const g = spmd.source[i];
      if (!op.kind.startsWith('all') && op.kind !== 'shard_slice' && op.kind !== 'reduce_scatter') expect(s.p.ops[g].kind).toBe(op.kind);
      if (g >= 0) {
        expect(op.phase).toBe(s.p.ops[g].phase);
        expect(op.scope).toBe(s.p.ops[g].scope);
      }
    });
    expect(spmd.program.values[spmd.program.inputs[0]].name).toBe('batch/x');
  });
});
