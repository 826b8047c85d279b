import { describe, expect, it } from 'vitest';
import { runProgram } from '../../interp/reference';
import { printSharding } from '../../partition/shardy/sharding';
import { importStableHlo } from './import';
import { jaxShardings } from './shardy';

/** A module as mlir-opt prints it: attribute aliases, wrapped signatures and attribute dicts, loc forms, encodings. */
const MLIR_OPT = `#mesh = #sdy.mesh<["data"=2, "model"=2]>
#loc1 = loc("x.py":3:4)
module @jit_f attributes {mhlo.num_partitions = 4 : i32} {
  sdy.mesh @mesh = #mesh
  func.func public @main(%arg0: tensor<8x16xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"data"}, {}]>} loc(#loc1),
      %arg1: tensor<16x4xf32>)
      -> (tensor<8x4xf32> {jax.result_info = "", sdy.sharding = #sdy.sharding<@mesh, [{"data", ?}, {"model"}p1]>}) {
    %0 = stablehlo.dot_general %arg0, %arg1,
        contracting_dims = [1] x [0],
        precision = [DEFAULT, DEFAULT]
        : (tensor<8x16xf32>, tensor<16x4xf32>)
        -> tensor<8x4xf32> loc(callsite("dot"("x.py":5:1) at "f"("x.py":9:2)))
    %1 = stablehlo.tanh %0 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"data", ?}, {?}]>]>}
        : tensor<8x4xf32, #stablehlo.bounds<?, ?>> loc(fused["a", "b"])
    return %1 : tensor<8x4xf32>
  }
}`;

describe('the parser accepts MLIR as JAX and mlir-opt print it', () => {
  it('attribute aliases, ops whose signature and attributes continue on the next lines, loc forms, tensor encodings', () => {
    const r = importStableHlo(MLIR_OPT);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.program.ops.map((o) => o.kind)).toEqual(['dot_general', 'tanh']);
    expect(r.meshes.get('mesh')).toEqual([{ name: 'data', size: 2 }, { name: 'model', size: 2 }]);
    const kinds = r.annotations.map((a) => a.kind);
    expect(kinds).toEqual(['arg', 'result', 'op']);
    const res = r.annotations.find((a) => a.kind === 'result');
    expect(res && 'sharding' in res && res.sharding.sdy ? printSharding(res.sharding.sdy) : '').toBe('#sdy.sharding<@mesh, [{"data", ?}, {"model"}p1]>');
  });
  it('an attribute alias that refers to itself is an error, not a hang', () => {
    const r = importStableHlo('#a = #b\n#b = #a\nmodule {\n sdy.mesh @m = #a\n func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {\n return %x : tensor<2xf32>\n }\n}');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].message).toMatch(/alias #[ab] refers to itself/);
  });
  it('a wrapped statement still ends where the next op begins', () => {
    const r = importStableHlo(`module {
  func.func @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
    %0 = stablehlo.add %a, %b
      : tensor<4xf32>
    %1 = stablehlo.multiply %0, %0 : tensor<4xf32>
    stablehlo.return %1 : tensor<4xf32>
  }
}`);
    expect(r.ok).toBe(true);
    expect(r.program.ops.map((o) => o.kind)).toEqual(['add', 'multiply']);
  });
});

const T = 'tensor<8x8xf32>';
const ALL = `module {
  sdy.mesh @mesh = <["a"=2, "b"=2]>
  func.func @main(%arg0: ${T} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}, {}]>}, %arg1: ${T}) -> (${T}, ${T}) {
    %0 = sdy.sharding_constraint %arg0 <@mesh, [{"a"}, {"b", ?}]> : ${T}
    %1 = sdy.propagation_barrier %0 allowed_direction=BACKWARD : ${T}
    %2 = stablehlo.add %1, %arg1 : ${T}
    sdy.sharding_group %2 group_id=3 : ${T}
    sdy.sharding_group %arg1 group_id=3 : ${T}
    %3 = sdy.reshard %2 <@mesh, [{}, {"a"}]> : ${T}
    %4 = sdy.manual_computation(%3) in_shardings=[<@mesh, [{"a"}, {"b"}]>] out_shardings=[<@mesh, [{"a"}, {"b"}]>]
        manual_axes={"a", "b"} (%arg2: tensor<4x4xf32>) {
      %5 = stablehlo.negate %arg2 : tensor<4x4xf32>
      sdy.return %5 : tensor<4x4xf32>
    } : (${T}) -> ${T}
    %6 = stablehlo.custom_call @my_kernel(%2) {sdy.sharding_rule = #sdy.op_sharding_rule<([i, j])->([i, j]) {i=8, j=8}, custom>} : (${T}) -> ${T}
    return %4, %6 : ${T}, ${T}
  }
}`;

describe('every sdy annotation is imported with its meaning, or refused with a diagnostic naming it', () => {
  const r = importStableHlo(ALL);
  it('imports constraints, barriers, groups, reshards and shard_maps', () => {
    expect(r.ok).toBe(true);
    const byKind = (k: string) => r.annotations.filter((a) => a.kind === k);
    expect(byKind('arg')).toHaveLength(1);
    expect(byKind('constraint')).toHaveLength(1);
    expect(byKind('barrier')).toMatchObject([{ direction: 'BACKWARD' }]);
    expect(byKind('group').map((a) => (a.kind === 'group' ? a.group : -1))).toEqual([3, 3]);
    expect(byKind('reshard')).toHaveLength(1);
    const m = byKind('manual')[0];
    expect(m && m.kind === 'manual' ? [m.manualAxes, m.inShardings.length, m.outShardings.length] : []).toEqual([['a', 'b'], 1, 1]);
    // the barrier, constraint and reshard are identity ops of their own, named after what they are
    expect(r.program.ops.filter((o) => o.scope.startsWith('sdy.')).map((o) => o.scope)).toEqual(['sdy.sharding_constraint', 'sdy.propagation_barrier', 'sdy.reshard']);
  });
  it('refuses a custom sharding rule and says the shard_map body is not imported', () => {
    const msgs = r.diagnostics.map((d) => d.message).join('\n');
    expect(msgs).toMatch(/custom sdy\.sharding_rule of "stablehlo\.custom_call" is not imported/);
    expect(msgs).toMatch(/sdy\.manual_computation/);
  });
  it('identity ops compute what the module computes (the interpreter runs the constraint, barrier and reshard)', () => {
    const p = importStableHlo(`module {
  sdy.mesh @mesh = <["a"=2]>
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = sdy.sharding_constraint %x <@mesh, [{"a"}]> : tensor<4xf32>
    %1 = sdy.propagation_barrier %0 allowed_direction=NONE : tensor<4xf32>
    %2 = sdy.reshard %1 <@mesh, [{}]> : tensor<4xf32>
    return %2 : tensor<4xf32>
  }
}`).program;
    expect(Array.from(runProgram(p, [Float32Array.from([1, -2, 3, 4])])[0])).toEqual([1, -2, 3, 4]);
  });
  it('the barrier lets shardings cross backward only: its result takes the reshard\'s sharding from below, not the constraint\'s from above', () => {
    const j = jaxShardings(r, 'pipeline');
    const text = (s: (typeof j.values)[number]) => (s ? printSharding(s) : '-');
    const barrierOut = r.annotations.find((a) => a.kind === 'barrier');
    const constraint = r.annotations.find((a) => a.kind === 'constraint');
    expect(constraint && constraint.kind === 'constraint' && text(j.values[constraint.value])).toBe('#sdy.sharding<@mesh, [{"a"}, {"b"}]>');
    expect(barrierOut && barrierOut.kind === 'barrier' && text(j.values[barrierOut.value])).toBe('#sdy.sharding<@mesh, [{}, {"a"}]>');
    // without the barrier the constraint's sharding flows forward instead
    const open = jaxShardings(importStableHlo(ALL.replace('allowed_direction=BACKWARD', 'allowed_direction=BOTH')), 'pipeline');
    expect(barrierOut && barrierOut.kind === 'barrier' && text(open.values[barrierOut.value])).toBe('#sdy.sharding<@mesh, [{"a"}, {"b"}]>');
    // the sharding group: arg1 shares the add's sharding
    expect(text(j.args[1])).toBe(text(j.values[r.program.ops.find((o) => o.kind === 'add')?.results[0] ?? -1]));
  });
});
