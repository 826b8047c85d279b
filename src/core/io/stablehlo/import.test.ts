import { describe, expect, it } from 'vitest';
import { runProgram } from '../../interp/reference';
import { importStableHlo } from './import';
import { keyPathToPath, scopeOfLocName } from './names';
import { importOk, theOp } from './testutil';

describe('names', () => {
  it('turns JAX key paths into selector paths', () => {
    expect(keyPathToPath("params['layer_0']['w']")).toBe('params/layer_0/w');
    expect(keyPathToPath("[0]['w']")).toBe('0/w');
    expect(keyPathToPath("result['params']['b']")).toBe('params/b');
    expect(keyPathToPath('state.opt[1]')).toBe('state/opt/1');
    expect(keyPathToPath('x')).toBe('x');
  });
  it('takes scopes from name stacks, dropping jit frames and the differentiated function', () => {
    expect(scopeOfLocName('jit(step)/jit(main)/layer_0/dot_general')).toEqual({ scope: 'layer_0', backward: false });
    expect(scopeOfLocName('jit(step)/jit(main)/transpose(jvp(loss_fn))/layer_1/mlp/dot_general')).toEqual({ scope: 'layer_1/mlp', backward: true });
    expect(scopeOfLocName('jit(f)/jvp(g/h)/attn/add')).toEqual({ scope: 'attn', backward: false });
    expect(scopeOfLocName('add')).toEqual({ scope: '', backward: false });
  });
});

const header = 'module @jit_step attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {';

describe('inputs, outputs and scopes from the text', () => {
  const text = `#loc1 = loc("params['layer_0']['w']")
${header}
  func.func public @main(%arg0: tensor<4x4xf32> {mhlo.layout_mode = "default"} loc(#loc1), %arg1: tensor<2x4xf32> {jax.arg_info = "batch['x']", mhlo.sharding = "{replicated}"}, %arg2: tensor<4xf32>) -> (tensor<2x4xf32> {jax.result_info = "[0]['y']", mhlo.layout_mode = "default"}, tensor<4x4xf32> {jax.result_info = "['params']['layer_0']['w']"}, tensor<4xf32>) {
    %0 = stablehlo.dot_general %arg1, %arg0, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32> loc(#loc3)
    %1 = stablehlo.negate %arg0 : tensor<4x4xf32> loc(#loc4)
    %2 = stablehlo.abs %arg2 : tensor<4xf32> loc(fused["a.py":1:2, "jit(step)/jit(main)/fused_scope/abs"])
    func.return %0, %1, %2 : tensor<2x4xf32>, tensor<4x4xf32>, tensor<4xf32> loc(#loc)
  } loc(#loc)
} loc(#loc)
#loc = loc(unknown)
#loc2 = loc("/tmp/a.py":3:0)
#loc3 = loc("jit(step)/jit(main)/layer_0/mlp/dot_general"(#loc2))
#loc4 = loc(callsite("jit(step)/jit(main)/transpose(jvp(f))/layer_0/neg"(#loc2) at #loc2))`;
  it('names inputs from arg locs and jax.arg_info, else argN; outputs from result_info, else outN', () => {
    const r = importOk(text);
    const p = r.program;
    expect(p.name).toBe('step');
    expect(p.inputs.map((v) => p.values[v].name)).toEqual(['params/layer_0/w', 'batch/x', 'arg2']);
    expect(p.inputs.map((v) => p.values[v].role)).toEqual(['param', 'batch', 'other']);
    expect(p.outputs.map((o) => o.name)).toEqual(['0/y', 'params/layer_0/w', 'out2']);
  });
  it('gives ops the scope of their location (through #loc aliases, callsite and fused locations)', () => {
    const p = importOk(text).program;
    expect(theOp(p, 'dot_general').scope).toBe('layer_0/mlp');
    expect(theOp(p, 'negate').scope).toBe('layer_0');
    expect(theOp(p, 'negate').phase).toBe('backward');
    expect(theOp(p, 'abs').scope).toBe('fused_scope');
  });
});

describe('calls are inlined', () => {
  const text = `${header}
  func.func public @main(%arg0: tensor<3xf32>, %arg1: tensor<3xf32>) -> (tensor<3xf32> {jax.result_info = ""}, tensor<3xf32> {jax.result_info = ""}) {
    %0:2 = call @pair(%arg0, %arg1) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) loc("jit(f)/jit(main)/outer/pjit")
    %1 = func.call @relu(%0#1) : (tensor<3xf32>) -> tensor<3xf32>
    return %0#0, %1 : tensor<3xf32>, tensor<3xf32>
  }
  func.func private @pair(%arg0: tensor<3xf32>, %arg1: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
    %0 = stablehlo.add %arg0, %arg1 : tensor<3xf32>
    %1 = call @relu(%0) : (tensor<3xf32>) -> tensor<3xf32>
    %2 = stablehlo.subtract %arg0, %arg1 : tensor<3xf32>
    return %1, %2 : tensor<3xf32>, tensor<3xf32>
  }
  func.func private @relu(%arg0: tensor<3xf32>) -> tensor<3xf32> {
    %cst = stablehlo.constant dense<0.000000e+00> : tensor<3xf32>
    %0 = stablehlo.maximum %arg0, %cst : tensor<3xf32>
    return %0 : tensor<3xf32>
  }
}`;
  it('inlines nested calls with several results and computes what the module computes', () => {
    const r = importOk(text);
    expect(r.program.ops.map((o) => o.kind)).toEqual(['add', 'constant', 'maximum', 'subtract', 'constant', 'maximum']);
    const [a, b] = runProgram(r.program, [new Float32Array([1, -2, 3]), new Float32Array([-4, 1, 1])]);
    expect(Array.from(a)).toEqual([0, 0, 4]); // relu(x + y)
    expect(Array.from(b)).toEqual([5, 0, 2]); // relu(x - y)
  });
  it('ops of a callee without locations take the scope of the call', () => {
    const r = importOk(text);
    expect(r.program.ops[0].scope).toBe('outer');
    expect(r.program.ops[5].scope).toBe('');
  });
  it('recursion and unknown callees are errors, not crashes', () => {
    const rec = `${header}
  func.func public @main(%arg0: tensor<3xf32>) -> tensor<3xf32> {
    %0 = call @main(%arg0) : (tensor<3xf32>) -> tensor<3xf32>
    return %0 : tensor<3xf32>
  }
}`;
    expect(importStableHlo(rec).diagnostics[0].message).toMatch(/deeper than/);
    expect(importStableHlo(rec.replace('call @main', 'call @nowhere')).diagnostics[0].message).toMatch(/^3:\d+: call to unknown function @nowhere/);
  });
});

describe('errors name the line and column', () => {
  const good = `${header}
  func.func public @main(%arg0: tensor<3xf32>) -> tensor<3xf32> {
    %0 = stablehlo.negate %arg0 : tensor<3xf32>
    return %0 : tensor<3xf32>
  }
}`;
  it('the good module imports', () => {
    expect(importStableHlo(good).ok).toBe(true);
  });
  it.each([
    ['an unexpected character', good.replace('%0 = stablehlo.negate', '%0 = stablehlo.negate $'), 3, 27],
    ['an unterminated string', good.replace('@jit_step attributes {', '@jit_step attributes {a = "x'), 1, 34],
    ['an unclosed argument list', good.replace('tensor<3xf32>) -> tensor<3xf32> {', 'tensor<3xf32> -> tensor<3xf32> {'), 2, 47],
    ['a use before definition', good.replace('negate %arg0', 'negate %9'), 3, 5],
  ])('%s', (_what, text, line, column) => {
    const r = importStableHlo(text);
    expect(r.ok).toBe(false);
    const d = r.diagnostics[0];
    expect(d.severity).toBe('error');
    expect(d.range).toMatchObject({ line, column });
    expect(d.message.startsWith(`${line}:${column}: `)).toBe(true);
  });
  it('unsupported element types are named', () => {
    const r = importStableHlo(good.replace(/tensor<3xf32>/g, 'tensor<3xcomplex<f32>>'));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].message).toMatch(/not supported/);
  });
});
