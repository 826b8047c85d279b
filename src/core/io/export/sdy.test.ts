import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../errors';
import type { Config } from '../config';
import { importStableHlo } from '../stablehlo/import';
import { runPipeline } from '../../pipeline';
import type { Sharding } from '../../partition/types';
import { tinyTransformerConfig } from './fixtures';
import { exportSdy, sdySharding } from './sdy';
import { printSharding, type TensorSharding } from '../../partition/shardy/sharding';

const example = (file: string) => readFileSync(new URL(`../../../../public/examples/${file}`, import.meta.url), 'utf8');

function moduleConfig(stablehlo: string, axes: { name: string; size: number }[], tactics: string): Config {
  return { version: 1, model: { stablehlo }, mesh: { axes }, hardware: { preset: 'tpu-v5p' }, tactics, options: { overlap: true } };
}

const dims = (s: Sharding) => s.dims.map((a) => [...a]);
const MESH_2D = [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }];

describe('sdySharding', () => {
  const mesh = { axes: MESH_2D };
  it('writes closed dims major → minor and partial axes as unreduced, in mesh order', () => {
    expect(sdySharding({ dims: [['batch'], []], partial: [] }, mesh)).toBe('#sdy.sharding<@mesh, [{"batch"}, {}]>');
    expect(sdySharding({ dims: [['model', 'batch']], partial: [] }, mesh)).toBe('#sdy.sharding<@mesh, [{"model", "batch"}]>');
    expect(sdySharding({ dims: [], partial: ['model', 'batch'] }, mesh)).toBe('#sdy.sharding<@mesh, [], unreduced={"batch", "model"}>');
  });
});

describe('exportSdy on the MLP training step', () => {
  const text = example('mlp_train_step.mlir');
  const config = moduleConfig(text, MESH_2D, 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n');
  const result = runPipeline(config);
  const out = exportSdy(result, config);
  const header = (t: string) => t.split('\n').find((l) => l.includes('func.func public @main'))!;

  it('declares the mesh once, and the device count as num_partitions', () => {
    expect(out.match(/sdy\.mesh @mesh = /g)).toHaveLength(1);
    expect(out).toContain('  sdy.mesh @mesh = <["batch"=4, "model"=2]>\n  func.func public @main(');
    expect(out).toContain('mhlo.num_partitions = 8 : i32');
  });

  it('puts one sdy.sharding on every argument and result, keeping their other attributes and locations', () => {
    const h = header(out);
    const count = (re: RegExp) => (h.match(re) ?? []).length;
    expect(count(/sdy\.sharding = /g)).toBe(result.program.inputs.length + result.program.outputs.length);
    expect(count(/mhlo\.layout_mode = "default"/g)).toBe(count.call(null, /mhlo\.layout_mode/g));
    expect(count(/mhlo\.layout_mode/g)).toBe((header(text).match(/mhlo\.layout_mode/g) ?? []).length);
    expect(h).toContain(`%arg1: tensor<16x32xf32> {mhlo.layout_mode = "default", sdy.sharding = ${sdySharding(result.spmd.inputShardings[1], result.mesh)}} loc("params['layer_0']['w']")`);
    expect(h).toContain('jax.result_info = "[\'loss\']"');
  });

  it('leaves everything outside the signature and the mesh as it was', () => {
    const rest = (t: string) => t.split('\n').filter((l) => !l.includes('func.func public @main') && !l.includes('sdy.mesh') && !l.includes('module @'));
    expect(rest(out)).toEqual(rest(text));
  });

  it('round-trips: importing the export seeds exactly the shardings the schedule gave the inputs', () => {
    const again = importStableHlo(out, { mesh: result.mesh });
    expect(again.ok).toBe(true);
    expect(again.mesh).toEqual(result.mesh);
    const seeded = new Map(again.seeds.map((s) => [s.value, s.sharding]));
    result.program.inputs.forEach((v, i) => {
      const want = result.spmd.inputShardings[i];
      const got = seeded.get(again.program.inputs[i]);
      if (want.dims.every((a) => a.length === 0)) expect(got?.dims.flat() ?? []).toEqual([]);
      else expect(got && dims(got), result.program.values[v].name).toEqual(dims(want));
    });
    // the schedule did shard something on both axes
    expect(result.spmd.inputShardings.some((s) => s.dims.flat().includes('batch'))).toBe(true);
    expect(result.spmd.inputShardings.some((s) => s.dims.flat().includes('model'))).toBe(true);
  });

  it('round-trips through the pipeline: the exported module with no tactics partitions the same way', () => {
    const rerun = runPipeline({ ...config, model: { stablehlo: out }, tactics: '' });
    expect(rerun.spmd.inputShardings.map(dims)).toEqual(result.spmd.inputShardings.map(dims));
    expect(rerun.spmd.outputShardings.map(dims)).toEqual(result.spmd.outputShardings.map(dims));
  });
});

describe('exportSdy on a module that already has a mesh and shardings', () => {
  const text = example('attention_block.mlir');

  it('replaces the old mesh and the old sdy.sharding attributes instead of adding to them', () => {
    const config = moduleConfig(text, [{ name: 'data', size: 2 }, { name: 'model', size: 2 }], 'MP = ManualPartition(inputs={"params/wq": 1, "params/wk": 1, "params/wv": 1, "params/wo": 0}, axis="model")\nschedule = [MP]\n');
    const result = runPipeline(config);
    const out = exportSdy(result, config);
    expect(out.match(/sdy\.mesh /g)).toHaveLength(1);
    expect(out).toContain('sdy.mesh @mesh = <["data"=2, "model"=2]>\n');
    expect(out).not.toContain('<["data"=2]>');
    const header = out.split('\n').find((l) => l.includes('func.func public @main'))!;
    // one per argument and result: the old attribute was replaced, not kept beside the new one
    expect(header.match(/sdy\.sharding = /g)).toHaveLength(result.program.inputs.length + result.program.outputs.length);
    expect(header.match(/mhlo\.layout_mode/g)).toHaveLength(result.program.inputs.length + result.program.outputs.length);
    // the imported seed (x on "data") and the tactic's (wq on heads, "model") are both in the export
    expect(out).toContain('{"data"}, {}, {}]>} loc("x")');
    expect(out).toContain('[{}, {"model"}, {}]>} loc("params[\'wq\']")');
    const again = importStableHlo(out, { mesh: result.mesh });
    expect(again.ok).toBe(true);
  });
});

describe('exportSdy edge cases', () => {
  it('parenthesises a bare single result so that it can carry its sharding', () => {
    const text = [
      'module @jit_f attributes {mhlo.num_partitions = 1 : i32} {',
      '  func.func public @main(%arg0: tensor<8x4xf32>, %arg1: tensor<4x6xf32> {mhlo.sharding = "{replicated}"}) -> tensor<8x6xf32> {',
      '    %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0] : (tensor<8x4xf32>, tensor<4x6xf32>) -> tensor<8x6xf32>',
      '    return %0 : tensor<8x6xf32>',
      '  }',
      '}',
    ].join('\n');
    // the same function with its result parenthesised, which the importer reads, gives the program
    const config = moduleConfig(text.replace('-> tensor<8x6xf32> {', '-> (tensor<8x6xf32>) {'), [{ name: 'x', size: 2 }], 'A = ManualPartition(inputs={"arg0": 0}, axis="x")\nschedule = [A]\n');
    const out = exportSdy(runPipeline(config), { ...config, model: { stablehlo: text } });
    expect(out).toContain('@main(%arg0: tensor<8x4xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"x"}, {}]>}, %arg1: tensor<4x6xf32> {sdy.sharding = #sdy.sharding<@mesh, [{}, {}]>}) -> (tensor<8x6xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"x"}, {}]>}) {');
    expect(out).not.toContain('mhlo.sharding');
    expect(importStableHlo(out).ok).toBe(true);
  });

  it('refuses a zoo model with a UserError that says what it needs', () => {
    const config: Config = { ...tinyTransformerConfig(''), model: { zoo: 'mlp', params: { layers: 2, dModel: 8, dHidden: 16, batch: 4 } } };
    let caught: unknown;
    try {
      exportSdy(runPipeline(config), config);
    } catch (e) {
      caught = e;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/imported StableHLO module/);
  });
});

describe('exportSdy round-trips every annotation of an imported module', () => {
  const describeAnnotations = (text: string) => importStableHlo(text).annotations.map((a) => {
    const sh = (x: { sdy?: TensorSharding }) => (x.sdy ? printSharding(x.sdy) : '?');
    switch (a.kind) {
      case 'arg': case 'result': return `${a.kind}${a.index} ${sh(a.sharding)}`;
      case 'op': case 'constraint': case 'reshard': return `${a.kind} ${sh(a.sharding)}`;
      case 'barrier': return `barrier ${a.direction}`;
      case 'group': return `group ${a.group}`;
      case 'manual': return `manual ${a.manualAxes.join(',')} ${a.inShardings.map(sh).join(' ')} -> ${a.outShardings.map(sh).join(' ')}`;
    }
  });
  const axes = [{ name: 'data', size: 2 }, { name: 'model', size: 2 }];

  it('the annotated MLP: priorities, open dims, constraint, barrier and shard_map come back as written', () => {
    const text = example('sharded_mlp_annotations.mlir');
    const config = moduleConfig(text, axes, '');
    const out = exportSdy(runPipeline(config), config);
    const before = describeAnnotations(text), after = describeAnnotations(out);
    expect(before).toContain('arg1 #sdy.sharding<@mesh, [{?}, {"model"}p1]>');
    // every annotation comes back; the unannotated w2 gains the sharding JAX propagation gives it
    expect(after.filter((x) => !x.startsWith('arg2 '))).toEqual(before);
    expect(after).toContain('arg2 #sdy.sharding<@mesh, [{"model"}, {}]>');
  });

  it('axis order, sub-axes, replicated and unreduced kinds survive, and an mlir-opt #mesh alias is replaced once', () => {
    const text = `#m = #sdy.mesh<["data"=2, "model"=2]>
module {
  sdy.mesh @mesh = #m
  func.func @main(%arg0: tensor<8x8xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"model", "data"}, {}]>},
      %arg1: tensor<8x8xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"model":(1)2, ?}, {?}], replicated={"data"}>})
      -> (tensor<8x8xf32> {sdy.sharding = #sdy.sharding<@mesh, [{?}, {?}], unreduced=max{"data"}>}) {
    %0 = stablehlo.add %arg0, %arg1 : tensor<8x8xf32>
    return %0 : tensor<8x8xf32>
  }
}`;
    const config = moduleConfig(text, axes, '');
    const out = exportSdy(runPipeline(config), config);
    expect(out.match(/sdy\.mesh @mesh = /g)).toHaveLength(1);
    const after = describeAnnotations(out);
    expect(after).toEqual([
      'arg0 #sdy.sharding<@mesh, [{"model", "data"}, {}]>',
      'arg1 #sdy.sharding<@mesh, [{"model":(1)2, ?}, {?}], replicated={"data"}>',
      expect.stringMatching(/^result0 #sdy\.sharding<@mesh, \[.*\], unreduced=max\{"data"\}>$/),
    ]);
  });
});
