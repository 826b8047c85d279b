import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../../ir/builder';
import type { Program } from '../../ir/types';
import type { Mesh } from '../../mesh/mesh';
import { programFacts } from '../../partition/facts';
import type { Sharding } from '../../partition/types';
import { AxisTable } from '../layout';
import { LocalEmitter } from './emitter';
import { buildsAnywhere, describeValue, Lowering } from './lowering';
import { PlanMemo } from './planMemo';
import { UNBUILT, Variants } from './variants';

const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };
const mesh: Mesh = { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] };
const sh = (dims: string[][], partial: string[] = []): Sharding => ({ dims, partial });

/** Two identical layers x·w1·w2: the same op in the same layouts twice. */
function twoLayers(): { p: Program } {
  const b = new ProgramBuilder('two');
  const x = b.input('x', { shape: [8, 16], dtype: 'f32' });
  const w1 = b.input('params/w1', { shape: [16, 16], dtype: 'f32' });
  const w2 = b.input('params/w2', { shape: [16, 16], dtype: 'f32' });
  const h = b.scoped('layer_0', () => b.dot(x, w1, MM));
  const y = b.scoped('layer_1', () => b.dot(h, w2, MM));
  b.output(y, 'y');
  return { p: b.build() };
}

describe('PlanMemo', () => {
  it('returns the same plan object for the same op in the same layouts, another for other layouts', () => {
    const { p } = twoLayers();
    const facts = programFacts(p);
    const memo = new PlanMemo(p, new AxisTable(mesh));
    const [d0, d1] = p.ops;
    const rule = facts.rules[d0.id]!;
    const tiled = sh([['batch'], []]);
    const rep = sh([[], []]);
    const a = memo.planFor(d0, rule, [tiled], [tiled, rep], [1, 1]);
    const b = memo.planFor(d1, facts.rules[d1.id]!, [tiled], [tiled, rep], [1, 1]);
    expect(b).toBe(a);
    expect(a.operands[0]).toEqual(tiled);
    const c = memo.planFor(d0, rule, [rep], [rep, rep], [1, 1]);
    expect(c).not.toBe(a);
    expect(c.operands[0]).toEqual(rep);
  });
});

describe('Variants', () => {
  it('holds the first layout, lists later ones, and can make another the held one', () => {
    const vs = new Variants(2);
    const a = sh([['batch']]), b = sh([[]]);
    expect(vs.has(0)).toBe(false);
    vs.add(0, 10, a);
    expect(vs.held(0)).toEqual({ local: 10, sharding: a });
    expect(vs.all(0)).toHaveLength(1);
    vs.add(0, 11, b);
    expect(vs.all(0).map((x) => x.local)).toEqual([10, 11]);
    vs.hold(0, 11);
    expect(vs.held(0).local).toBe(11);
    expect(vs.list(0).map((x) => x.local)).toEqual([11, 10]);
  });

  it('replaces an unbuilt placeholder by its first build, and adds later builds', () => {
    const vs = new Variants(1);
    vs.addUnbuilt(0, sh([[]]));
    expect(vs.held(0).local).toBe(UNBUILT);
    vs.addBuilt(0, 5, sh([[]]));
    expect(vs.all(0).map((x) => x.local)).toEqual([5]);
    vs.addBuilt(0, 6, sh([['model']]));
    expect(vs.all(0).map((x) => x.local)).toEqual([5, 6]);
  });
});

describe('LocalEmitter', () => {
  it("gives a computed op's results the global results' names and roles, and records the op it serves", () => {
    const { p } = twoLayers();
    const e = new LocalEmitter(p);
    const served = p.ops[1];
    const t = { shape: [4, 16], dtype: 'f32' as const };
    const [r] = e.emit('add', [], {}, [t], served, true);
    const [c] = e.emit('all_reduce', [r], { axes: ['model'] }, [t], served);
    expect(e.builder.values[r]).toMatchObject({ name: p.values[served.results[0]].name, type: t });
    expect(e.builder.values[c].name).toBeUndefined();
    expect(e.builder.ops.map((o) => [o.kind, o.scope, o.phase])).toEqual([['add', 'layer_1', 'forward'], ['all_reduce', 'layer_1', 'forward']]);
    expect(e.source).toEqual([served.id, served.id]);
  });
});

describe('Lowering', () => {
  it('computes an unsharded program op for op, with no collective', () => {
    const { p } = twoLayers();
    const shardings = p.values.map((v) => sh(v.type.shape.map(() => [])));
    const spmd = new Lowering({ program: p, mesh, shardings, stages: [] }).run();
    expect(spmd.program.ops.map((o) => o.kind)).toEqual(p.ops.map((o) => o.kind));
    expect([...spmd.source]).toEqual(p.ops.map((o) => o.id));
  });

  it('splat constants are not built until read, and names what cannot be resharded', () => {
    const b = new ProgramBuilder('c');
    const k = b.constant(1, [4], 'f32');
    const x = b.input('x', { shape: [4], dtype: 'f32' });
    b.output(b.binary('add', x, k), 'y');
    const p = b.build();
    expect(buildsAnywhere(p.ops[0])).toBe(true);
    expect(describeValue(p, x)).toBe('value "x"');
    const shardings = p.values.map(() => sh([['batch']]));
    const spmd = new Lowering({ program: p, mesh, shardings, stages: [] }, { checkTypes: true }).run();
    // the constant is built at its local shape, after the input it is added to
    expect(spmd.program.ops.map((o) => o.kind)).toEqual(['constant', 'add']);
    expect(spmd.program.values[spmd.program.ops[0].results[0]].type.shape).toEqual([2]);
  });
});
