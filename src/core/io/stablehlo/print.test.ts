import { describe, expect, it } from 'vitest';
import { runProgram } from '../../interp/reference';
import { randomInputs } from '../../interp/verify';
import { buildZooModel } from '../../models/zoo';
import type { Sharding } from '../../partition/types';
import { importStableHlo } from './import';
import { floatText, pathToKeyPath, printStableHlo } from './print';

describe('printStableHlo', () => {
  it('prints floats as MLIR does: exact 6-digit exponent form, else the shortest exact decimal, bit patterns for inf/NaN', () => {
    expect(floatText(1, 'f32')).toBe('1.000000e+00');
    expect(floatText(-0.5, 'f32')).toBe('-5.000000e-01');
    expect(floatText(0.1, 'f32')).toBe('1.000000e-01');
    const x = 1 / Math.sqrt(8); // not exact in 6 digits
    expect(floatText(x, 'f32')).not.toMatch(/e/);
    expect(Math.fround(Number(floatText(x, 'f32')))).toBe(Math.fround(x));
    expect(floatText(-Infinity, 'f32')).toBe('0xFF800000');
    expect(floatText(-Infinity, 'bf16')).toBe('0xFF80');
  });
  it('writes key paths the way JAX names arguments and results', () => {
    expect(pathToKeyPath('params/layer_0/w', true)).toBe("params['layer_0']['w']");
    expect(pathToKeyPath('params/layer_0/w', false)).toBe("['params']['layer_0']['w']");
    expect(pathToKeyPath('out/0', false)).toBe("['out'][0]");
  });
  it('round-trips the zoo MLP step with an sdy mesh and argument shardings', () => {
    const p = buildZooModel('mlp', { layers: 2, dModel: 8, dHidden: 16, batch: 4 });
    const x = p.inputs.find((v) => p.values[v].name === 'batch/x') as number;
    const w = p.inputs.find((v) => p.values[v].name === 'params/layer_0/w') as number;
    const shardings = new Map<number, Sharding>([[x, { dims: [['data'], []], partial: [] }], [w, { dims: [[], ['model']], partial: [] }]]);
    const text = printStableHlo(p, { mesh: { axes: [{ name: 'data', size: 2 }, { name: 'model', size: 2 }] }, shardings });
    expect(text).toMatch(/^module @jit_\w+ attributes \{mhlo.num_partitions = 4 : i32/);
    const r = importStableHlo(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.mesh?.axes.map((a) => a.name)).toEqual(['data', 'model']);
    const byName = (v: number) => r.program.values[v].name;
    expect(r.seeds.map((s) => [byName(s.value), s.sharding.dims])).toEqual([
      ['params/layer_0/w', [[], ['model']]],
      ['batch/x', [['data'], []]],
    ]);
    const ins = randomInputs(p, 5);
    const a = runProgram(p, ins), b = runProgram(r.program, ins);
    a.forEach((o, i) => expect(Array.from(b[i])).toEqual(Array.from(o)));
    expect(r.program.ops.filter((o) => o.phase === 'backward').length).toBe(p.ops.filter((o) => o.phase === 'backward').length);
  });
});
