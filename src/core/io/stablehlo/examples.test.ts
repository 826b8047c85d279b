import { describe, expect, it } from 'vitest';
import attentionText from '../../../../public/examples/attention_block.mlir?raw';
import mlpText from '../../../../public/examples/mlp_train_step.mlir?raw';
import transformerText from '../../../../public/examples/transformer_train_step.mlir?raw';
import annotatedText from '../../../../public/examples/sharded_mlp_annotations.mlir?raw';
import indexText from '../../../../public/examples/index.json?raw';
import { runProgram } from '../../interp/reference';
import { randomInputs, verifySpmd } from '../../interp/verify';
import type { Program } from '../../ir/types';
import type { Mesh } from '../../mesh/mesh';
import { buildZooModel } from '../../models/zoo';
import { partition } from '../../partition/schedule';
import { runPipeline } from '../../pipeline';
import { lower } from '../../spmd/lower';
import { resolveTactics } from '../../tactics/resolve';
import type { Config } from '../config';
import { TRANSFORMER_EXAMPLE_PARAMS } from './examples';
import { importStableHlo } from './import';
import { printStableHlo } from './print';
import { seedTactics } from './seeds';

const mesh = (axis: string): Mesh => ({ axes: [{ name: axis, size: 2 }] });

function bpVerify(program: Program, glob: string, axis: string, extra: ReturnType<typeof seedTactics>['tactics'] = []) {
  const m = mesh(axis);
  const resolved = resolveTactics(`BP = ManualPartition(inputs={"${glob}": 0}, axis="${axis}")\nschedule = [BP]`, program, m);
  expect(resolved.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
  expect(resolved.tactics[0].seeds.length).toBeGreaterThan(0);
  const part = partition(program, m, [...extra, ...resolved.tactics]);
  expect(part.stages.flatMap((s) => s.conflicts)).toEqual([]);
  return verifySpmd(lower(part, { checkTypes: true }));
}

const examples = [
  { name: 'mlp_train_step.mlir', text: mlpText, glob: 'batch/*', axis: 'batch' },
  { name: 'attention_block.mlir', text: attentionText, glob: 'x', axis: 'data' },
  { name: 'transformer_train_step.mlir', text: transformerText, glob: 'batch/*', axis: 'batch' },
];

describe.each(examples)('public/examples/$name', ({ text, glob, axis }) => {
  const r = importStableHlo(text);
  it('imports without errors or opaque ops', () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.opaque).toEqual([]);
  });
  it('runs in the reference interpreter to finite outputs', () => {
    const outs = runProgram(r.program, randomInputs(r.program, 3));
    expect(outs).toHaveLength(r.program.outputs.length);
    for (const o of outs) expect(o.every(Number.isFinite)).toBe(true);
  });
  it('partitions over a 2-device mesh, lowers and SPMD-verifies', () => {
    const res = bpVerify(r.program, glob, axis);
    expect(res.ok, res.worst).toBe(true);
  });
});

describe('the MLP example is a correct training step', () => {
  const p = importStableHlo(mlpText).program;
  it('has the zoo paths and phases', () => {
    expect(p.inputs.map((v) => p.values[v].name)).toEqual(['params/layer_0/b', 'params/layer_0/w', 'params/layer_1/b', 'params/layer_1/w', 'batch/x', 'batch/y']);
    expect(p.outputs.map((o) => o.name)).toEqual(['loss', 'params/layer_0/b', 'params/layer_0/w', 'params/layer_1/b', 'params/layer_1/w']);
    const phases = new Set(p.ops.map((o) => o.phase));
    expect([...phases].sort()).toEqual(['backward', 'forward', 'optimizer']);
    expect(p.ops.filter((o) => o.kind === 'dot_general').map((o) => `${o.phase}:${o.scope}`)).toEqual([
      'forward:layer_0', 'forward:layer_1', 'backward:layer_1', 'backward:layer_1', 'backward:layer_0',
    ]);
  });
  it('marks what the backward pass hands to the optimizer as gradients, one per parameter', () => {
    const grads = p.values.filter((v) => v.role === 'gradient').map((v) => v.type.shape);
    const params = p.inputs.filter((v) => p.values[v].role === 'param').map((v) => p.values[v].type.shape);
    expect(grads.map((s) => s.join('x')).sort()).toEqual(params.map((s) => s.join('x')).sort());
  });
  it('its update is p − 0.01·∇loss, checked against central differences of the loss', () => {
    const inputs = randomInputs(p, 7);
    const base = runProgram(p, inputs);
    const lr = 0.01, eps = 1e-2;
    // a few coordinates of every parameter
    for (let k = 0; k < 4; k++) {
      for (const [j, i] of [[0, 3], [1, 17], [2, 5], [3, 100]]) {
        const idx = (i + 31 * k) % inputs[j].length;
        const grad = (inputs[j][idx] - base[j + 1][idx]) / lr;
        const plus = inputs.map((x) => x.slice()), minus = inputs.map((x) => x.slice());
        plus[j][idx] += eps;
        minus[j][idx] -= eps;
        const fd = (runProgram(p, plus)[0][0] - runProgram(p, minus)[0][0]) / (2 * eps);
        expect(Math.abs(grad - fd)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
      }
    }
  });
});

describe('the transformer example', () => {
  it('is the zoo transformer printed by printStableHlo (regenerate it if this fails)', () => {
    const printed = printStableHlo(buildZooModel('transformer', TRANSFORMER_EXAMPLE_PARAMS), { fnName: 'train_step', lossFnName: 'loss_fn', file: '/home/user/transformer.py' });
    expect(transformerText).toBe(printed);
  });
  it('round-trips: the imported program computes what the zoo program computes, with its paths and scopes', () => {
    const zoo = buildZooModel('transformer', TRANSFORMER_EXAMPLE_PARAMS);
    const imp = importStableHlo(transformerText).program;
    expect(imp.inputs.map((v) => imp.values[v].name)).toEqual(zoo.inputs.map((v) => zoo.values[v].name));
    expect(imp.outputs.map((o) => o.name)).toEqual(zoo.outputs.map((o) => o.name));
    const inputs = randomInputs(zoo, 11);
    const a = runProgram(zoo, inputs), b = runProgram(imp, inputs);
    a.forEach((x, i) => expect(Array.from(b[i])).toEqual(Array.from(x)));
    // every zoo dot keeps its scope and phase
    const dots = (q: Program) => q.ops.filter((o) => o.kind === 'dot_general').map((o) => `${o.phase}:${o.scope}`);
    expect(dots(imp)).toEqual(dots(zoo));
  });
});

describe('imported shardings in the pipeline', () => {
  const config = (text: string, axes: { name: string; size: number }[], tactics: string): Config => ({
    version: 1, model: { stablehlo: text }, mesh: { axes }, hardware: { preset: 'tpu-v5p' }, tactics,
  });
  it('the attention example\'s sdy shardings run first, as a stage imported:data', () => {
    const res = runPipeline(config(attentionText, [{ name: 'data', size: 2 }], ''));
    expect(res.report.stages.map((s) => s.tactic)).toEqual(['imported:data']);
    // x as annotated, then every value JAX's propagation shards on the batch dim
    expect(res.report.stages[0].seeded[0]).toEqual({ value: 'x', sharding: expect.anything() });
    expect(res.report.stages[0].seeded.length).toBeGreaterThan(1);
    expect(res.partition.shardings[res.program.outputs[0].value].dims).toEqual([['data'], [], []]);
    expect(verifySpmd(res.spmd).ok).toBe(true);
  });
  it('user tactics follow the imported stage; an axis the config mesh lacks is a warning', () => {
    const res = runPipeline(config(attentionText, [{ name: 'model', size: 2 }], 'MP = ManualPartition(inputs={"params/wq": 1, "params/wk": 1, "params/wv": 1, "params/wo": 0}, axis="model")\nschedule = [MP]'));
    expect(res.report.stages.map((s) => s.tactic)).toEqual(['MP']);
    expect(res.report.diagnostics.some((d) => d.severity === 'warning' && /"data" is not in the mesh/.test(d.message))).toBe(true);
    expect(verifySpmd(res.spmd).ok).toBe(true);
  });
  it('a module that does not import is a UserError naming line and column', () => {
    expect(() => runPipeline(config('module @m {\n  func.func public @main( {\n}', [{ name: 'data', size: 2 }], ''))).toThrow(/^2:\d+: /);
  });
});

describe('public/examples/index.json', () => {
  const files: Record<string, string> = {
    'mlp_train_step.mlir': mlpText, 'attention_block.mlir': attentionText, 'transformer_train_step.mlir': transformerText,
    'sharded_mlp_annotations.mlir': annotatedText,
  };
  const entries = JSON.parse(indexText) as { file: string; title: string; mesh: Config['mesh']; tactics: string }[];
  it('lists every example', () => {
    expect(entries.map((e) => e.file).sort()).toEqual(Object.keys(files).sort());
  });
  it.each(entries.map((e) => [e.file, e] as const))('%s runs through the pipeline with its suggested mesh and tactics', (_f, e) => {
    const res = runPipeline({ version: 1, model: { stablehlo: files[e.file] }, mesh: e.mesh, hardware: { preset: 'tpu-v5p' }, tactics: e.tactics });
    expect(res.report.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
    expect(res.report.stages.length).toBeGreaterThan(0);
    expect(res.report.stages.flatMap((s) => s.conflicts)).toEqual([]);
  });
});

describe('public/examples/sharded_mlp_annotations.mlir', () => {
  const r = importStableHlo(annotatedText);
  it('holds priorities, a sharding constraint, a propagation barrier and a shard_map, each imported as what it is', () => {
    expect(r.ok).toBe(true);
    expect(r.annotations.map((a) => a.kind)).toEqual(['arg', 'arg', 'result', 'constraint', 'barrier', 'manual']);
    expect(r.annotations.some((a) => 'sharding' in a && a.sharding.sdy?.dims.some((d) => d.priority === 1))).toBe(true);
    // the shard_map body is not imported: one warning names it
    expect(r.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/sdy\.manual_computation/)]);
  });
  it('the pipeline seeds what JAX would do: w2 (unannotated) is row-sharded on model, as Shardy propagates it', () => {
    const res = runPipeline({ version: 1, model: { stablehlo: annotatedText }, mesh: { axes: [{ name: 'data', size: 2 }, { name: 'model', size: 2 }] }, hardware: { preset: 'tpu-v5p' }, tactics: '' });
    const w2 = res.program.inputs[2];
    expect(res.partition.shardings[w2].dims).toEqual([['model'], []]);
    expect(res.report.stages.map((s) => s.tactic)).toEqual(['imported:data', 'imported:model']);
    // the report says what JAX would do with each value, and which annotation set it
    const x = res.report.jax?.values[String(res.program.inputs[0])];
    expect(x).toMatchObject({ jax: '#sdy.sharding<@mesh, [{"data"}, {}]>', differs: false, annotation: expect.stringMatching(/^argument sharding .*\[\{"data"\}, \{\?\}\]/) });
    const constraint = r.annotations.find((a) => a.kind === 'constraint');
    expect(constraint?.kind === 'constraint' && res.report.jax?.ops[String(constraint.op)]?.annotation).toMatch(/^sharding constraint/);
    expect(res.report.diagnostics.some((d) => d.code === 'jax-sharding')).toBe(false);
  });
  it('a user tactic on top that departs from JAX\'s choice is reported as such', () => {
    const res = runPipeline({
      version: 1, model: { stablehlo: annotatedText }, mesh: { axes: [{ name: 'data', size: 2 }, { name: 'model', size: 2 }, { name: 'seq', size: 2 }] },
      hardware: { preset: 'tpu-v5p' }, tactics: 'S = ManualPartition(inputs={"x": 1}, axis="seq")\nschedule = [S]',
    });
    const x = res.report.jax?.values[String(res.program.inputs[0])];
    expect(x).toMatchObject({ jax: '#sdy.sharding<@mesh, [{"data"}, {}]>', schedule: '#sdy.sharding<@mesh, [{"data"}, {"seq"}]>', differs: true });
    expect(res.report.diagnostics.find((d) => d.code === 'jax-sharding')?.message).toMatch(/JAX would shard it as/);
  });
});
