import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors';
import type { Mesh } from '../../mesh/mesh';
import { importStableHlo } from './import';
import { lex } from './lexer';
import { hloToSharding, parseHloSharding, parseSdySharding } from './sharding';

const sdy = (text: string, rank: number) => parseSdySharding(lex(text).slice(0, -1), rank);
const mesh = (spec: Record<string, number>): Mesh => ({ axes: Object.entries(spec).map(([name, size]) => ({ name, size })) });

describe('sdy.sharding', () => {
  it('reads dims major → minor, open dims, priorities, replicated and unreduced', () => {
    expect(sdy('#sdy.sharding<@mesh, [{"x"}, {}]>', 2)).toMatchObject({ mesh: 'mesh', dims: [['x'], []], partial: [], replicated: [] });
    expect(sdy('#sdy.sharding<@mesh, [{"z", "y"}, {"x", ?}p1, {?}]>', 3).dims).toEqual([['z', 'y'], ['x'], []]);
    const s = sdy('#sdy.sharding<@mesh, [{"x"}, {}], replicated={"y"}, unreduced={"z"}>', 2);
    expect(s.replicated).toEqual(['y']);
    expect(s.partial).toEqual(['z']);
    expect(sdy('#sdy.sharding<@mesh, [], replicated={"b"}>', 0)).toMatchObject({ dims: [], replicated: ['b'] });
  });
  it('rejects a rank mismatch and malformed sub-axes with a UserError', () => {
    expect(() => sdy('#sdy.sharding<@mesh, [{"x"}]>', 2)).toThrow(/1 dim shardings for a tensor of rank 2/);
    expect(() => sdy('#sdy.sharding<@mesh, [{"x":(0)2}]>', 1)).toThrow(UserError);
    expect(() => sdy('#sdy.sharding<@mesh, [{"x":(1)1}]>', 1)).toThrow(/sub-axis/);
    expect(() => sdy('#sdy.sharding<@mesh, [{"x"}], bogus={"y"}>', 1)).toThrow(/bogus/);
  });
  it('keeps every detail in the Shardy form: axis order, open/closed, priorities, sub-axes, replicated, unreduced kind', () => {
    const s = sdy('#sdy.sharding<@mesh, [{"b", "a", ?}p1, {"x":(1)2}, {?}p0], replicated={"y"}, unreduced=max{"z"}>', 3).sdy;
    expect(s).toEqual({
      mesh: 'mesh',
      dims: [
        { axes: [{ name: 'b' }, { name: 'a' }], closed: false, priority: 1 },
        { axes: [{ name: 'x', sub: { pre: 1, size: 2 } }], closed: true },
        { axes: [], closed: false, priority: 0 },
      ],
      replicated: [{ name: 'y' }], unreduced: [{ name: 'z' }], unreducedKind: 'max',
    });
    // the PartIR view keeps the order but only full axes (a sub-axis cannot be a tactic's axis)
    expect(sdy('#sdy.sharding<@mesh, [{"b", "a"}, {"x":(1)2}]>', 2).dims).toEqual([['b', 'a'], []]);
  });
  it('reads an inline mesh and names it after its axes', () => {
    const s = sdy('#sdy.sharding<mesh<["x"=2, "y"=4]>, [{"x"}, {"y", ?}]>', 2);
    expect(s.inlineMesh).toEqual([{ name: 'x', size: 2 }, { name: 'y', size: 4 }]);
    expect(s.mesh).toBe('inline_mesh_x_2_y_4');
    expect(s.dims).toEqual([['x'], ['y']]);
  });
});

describe('mhlo.sharding', () => {
  it('parses iota tile assignments with transposes and last-tile replication', () => {
    expect(parseHloSharding('{devices=[4,1,2]<=[8] last_tile_dim_replicate}')).toEqual({
      replicated: false, tile: [4, 1, 2], lastTileReplicate: true, reshape: [8], perm: [0],
    });
    expect(parseHloSharding('{devices=[1,2,4]<=[4,2]T(1,0) last_tile_dim_replicate}')).toMatchObject({ reshape: [4, 2], perm: [1, 0] });
    expect(parseHloSharding('{replicated}').replicated).toBe(true);
  });
  it("maps tile dims onto mesh axes by device order (as in Shardy's device-order pairs)", () => {
    const m = mesh({ data: 4, model: 2 });
    // P('data', None) and P(None, 'model') on mesh data=4, model=2
    expect(hloToSharding(parseHloSharding('{devices=[4,1,2]<=[8] last_tile_dim_replicate}'), 2, m).dims).toEqual([['data'], []]);
    expect(hloToSharding(parseHloSharding('{devices=[1,2,4]<=[4,2]T(1,0) last_tile_dim_replicate}'), 2, m).dims).toEqual([[], ['model']]);
    // [{"x"}, {"y"}] on x=8, y=4
    expect(hloToSharding(parseHloSharding('{devices=[8,4]<=[32]}'), 2, mesh({ x: 8, y: 4 })).dims).toEqual([['x'], ['y']]);
    // both axes on one dim
    expect(hloToSharding(parseHloSharding('{devices=[8,1]<=[8]}'), 2, m).dims).toEqual([['data', 'model'], []]);
    expect(hloToSharding(parseHloSharding('{devices=[2,4]0,1,2,3,4,5,6,7}'), 2, mesh({ a: 2, b: 4 })).dims).toEqual([['a'], ['b']]);
  });
  it('refuses tilings that do not follow the mesh', () => {
    expect(() => hloToSharding(parseHloSharding('{devices=[3,1]<=[3]}'), 2, mesh({ data: 4, model: 2 }))).toThrow(UserError);
    expect(() => hloToSharding(parseHloSharding('{devices=[2,2]0,2,1,3}'), 2, mesh({ a: 2, b: 2 }))).toThrow(/non-iota/);
    expect(() => parseHloSharding('{bogus}')).toThrow(UserError);
  });
});

describe('argument shardings become seeds', () => {
  const text = (attr0: string, attr1: string, meshLine = '') => `module @jit_f attributes {mhlo.num_partitions = 8 : i32} {
  ${meshLine}
  func.func public @main(%arg0: tensor<8x16xf32> {${attr0}}, %arg1: tensor<16x4xf32> {${attr1}}) -> (tensor<8x4xf32> {jax.result_info = ""}) {
    %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0] : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
    return %0 : tensor<8x4xf32>
  }
}`;
  it('sdy.sharding with the module\'s sdy.mesh', () => {
    const r = importStableHlo(text('sdy.sharding = #sdy.sharding<@mesh, [{"data"}, {}]>', 'sdy.sharding = #sdy.sharding<@mesh, [{}, {"model"}], replicated={"data"}>', 'sdy.mesh @mesh = <["data"=4, "model"=2]>'));
    expect(r.ok).toBe(true);
    expect(r.mesh).toEqual(mesh({ data: 4, model: 2 }));
    expect(r.seeds.map((s) => [s.value, s.sharding.dims, s.sharding.replicated])).toEqual([
      [r.program.inputs[0], [['data'], []], []],
      [r.program.inputs[1], [[], ['model']], ['data']],
    ]);
  });
  it('mhlo.sharding is matched against the given mesh; fully replicated args seed nothing', () => {
    const t = text('mhlo.sharding = "{devices=[4,1,2]<=[8] last_tile_dim_replicate}"', 'mhlo.sharding = "{replicated}"');
    const r = importStableHlo(t, { mesh: mesh({ data: 4, model: 2 }) });
    expect(r.seeds).toEqual([{ value: r.program.inputs[0], sharding: { dims: [['data'], []], partial: [], replicated: [] } }]);
    const noMesh = importStableHlo(t);
    expect(noMesh.seeds).toEqual([]);
    expect(noMesh.diagnostics.some((d) => d.severity === 'warning' && /no sdy.mesh/.test(d.message))).toBe(true);
  });
  it('a bad sharding is a warning, not a failed import', () => {
    const r = importStableHlo(text('sdy.sharding = #sdy.sharding<@mesh, [{"data"}]>', 'mhlo.layout_mode = "default"', 'sdy.mesh @mesh = <["data"=4]>'));
    expect(r.ok).toBe(true);
    expect(r.seeds).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'warning', code: 'stablehlo-sharding' });
  });
  it('reads XLA\'s round-trip encoding: meshes and shardings in mhlo.frontend_attributes', () => {
    const t = `module @jit_f attributes {mhlo.frontend_attributes = {xla.sdy.meshes = "{mesh = #sdy.mesh<[\\22data\\22=2, \\22model\\22=4]>}"}, mhlo.num_partitions = 8 : i32} {
  func.func public @main(%arg0: tensor<8x16xf32> {mhlo.frontend_attributes = {xla.sdy.sharding = "#sdy.sharding<@mesh, [{\\22data\\22}, {\\22model\\22}]>"}, mhlo.sharding = "{devices=[2,4]<=[8]}"}) -> (tensor<8x16xf32> {jax.result_info = ""}) {
    return %arg0 : tensor<8x16xf32>
  }
}`;
    const r = importStableHlo(t);
    expect(r.diagnostics).toEqual([]);
    expect(r.mesh).toEqual(mesh({ data: 2, model: 4 }));
    expect(r.seeds.map((s) => s.sharding.dims)).toEqual([[['data'], ['model']]]);
  });
});
