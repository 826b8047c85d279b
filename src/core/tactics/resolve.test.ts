import { describe, expect, it } from 'vitest';
import type { Program } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import { hasErrors, resolveTactics } from './resolve';
import type { ResolvedTactic } from './types';
import { TINY, tinyMlp, tinyTransformer } from './__fixtures__/programs';
import { rangeOf } from './__fixtures__/positions';

const MESH: Mesh = { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] };
const T = tinyTransformer();

/** Seeds of a resolved tactic as `path → dim`, independent of order. */
function seedMap(program: Program, t: ResolvedTactic | undefined): Record<string, number | 'replicated'> {
  const out: Record<string, number | 'replicated'> = {};
  for (const s of t?.seeds ?? []) out[program.values[s.value].name ?? `#${s.value}`] = s.dim;
  return out;
}
const errors = (r: ReturnType<typeof resolveTactics>) => r.diagnostics.filter((d) => d.severity !== 'warning');
const pathsOf = (p: Program, re: RegExp) => p.values.map((v) => v.name).filter((n): n is string => !!n && re.test(n));

describe('resolveTactics: manual tactics', () => {
  it('resolves BP, Megatron-by-hand and ZeRO-3-by-hand in schedule order', () => {
    const text = [
      'BP = ManualPartition(inputs={"batch/*": 0}, axis="batch")',
      'MP = ManualPartition(inputs={"params/*/mlp/w_in": 1, "params/*/mlp/w_out": 0}, axis="model")',
      'Z3 = ManualPartition(inputs={"params/**": LARGEST, "opt_state/**": LARGEST}, axis="batch")',
      'schedule = [BP, MP, Z3]',
    ].join('\n');
    const r = resolveTactics(text, T, MESH);
    expect(r.diagnostics).toEqual([]);
    expect(r.tactics.map((t) => [t.name, t.axis])).toEqual([['BP', 'batch'], ['MP', 'model'], ['Z3', 'batch']]);
    expect(seedMap(T, r.tactics[0])).toEqual({ 'batch/tokens': 0, 'batch/targets': 0 });
    expect(seedMap(T, r.tactics[1])).toEqual({
      'params/layer_0/mlp/w_in': 1, 'params/layer_0/mlp/w_out': 0, 'params/layer_1/mlp/w_in': 1, 'params/layer_1/mlp/w_out': 0,
    });
    const z3 = seedMap(T, r.tactics[2]);
    // wq [32, 4, 8]: 32 is the largest dim 4 divides.
    expect(z3['params/layer_0/attn/wq']).toBe(0);
    // w_in [32, 64] is already split 2-way on dim 1 by MP: 32 local on both dims, tie → the lowest dim.
    expect(z3['params/layer_0/mlp/w_in']).toBe(0);
    // w_out [64, 32] is split on dim 0 by MP: 32 local on dim 0, 32 on dim 1: tie → dim 0, two axes on one dim.
    expect(z3['params/layer_0/mlp/w_out']).toBe(0);
    // bq [4, 8]: 8 is the largest.
    expect(z3['params/layer_1/attn/bq']).toBe(1);
    // embed/tokens [128, 32] → dim 0; unembed [32, 128] → dim 1.
    expect(z3['params/embed/tokens']).toBe(0);
    expect(z3['params/unembed']).toBe(1);
    // The scalar Adam count cannot be split: it stays replicated, without an error.
    expect(z3['opt_state/count']).toBeUndefined();
    expect(z3['opt_state/mu/layer_0/mlp/w_in']).toBe(1);
    // Every param and every moment got a seed (all have a dim divisible by 4).
    expect(Object.keys(z3).length).toBe(pathsOf(T, /^(params|opt_state)\//).length - 1);
    // The seed range is the `"glob": dim` entry that chose it.
    const seed = r.tactics[0].seeds[0];
    expect(seed.range).toEqual(rangeOf(text, '"batch/*": 0'));
    expect(r.tactics[0].range).toEqual(rangeOf(text, 'ManualPartition(inputs={"batch/*": 0}, axis="batch")'));
  });

  it('counts negative dims from the end and seeds REPLICATED as replicated', () => {
    const text = 'A = ManualPartition(inputs={"params/layer_0/attn/wo": -1, "params/embed/*": REPLICATED, "layer_1/ln1/out": -2}, axis="model")\nschedule = [A]';
    const r = resolveTactics(text, T, MESH);
    expect(r.diagnostics).toEqual([]);
    expect(seedMap(T, r.tactics[0])).toEqual({
      'params/layer_0/attn/wo': 2, 'params/embed/tokens': 'replicated', 'params/embed/positions': 'replicated', 'layer_1/ln1/out': 1,
    });
  });

  it('lets an explicit dim win over LARGEST for the same value within one tactic', () => {
    const text = 'A = ManualPartition(inputs={"params/**": LARGEST, "params/layer_0/mlp/w_in": 1}, axis="batch")\nschedule = [A]';
    const r = resolveTactics(text, T, MESH);
    expect(r.diagnostics).toEqual([]);
    const m = seedMap(T, r.tactics[0]);
    expect(m['params/layer_0/mlp/w_in']).toBe(1);
    expect(m['params/layer_1/mlp/w_in']).toBe(1); // LARGEST: 64 > 32
  });

  it('FIRST_DIVISIBLE_DIM picks the first dim the axis divides, after earlier axes; the partitioner re-picks it', () => {
    // w_in is [32, 64]: dim 0 on batch (4); after Megatron tiles its dim 1 on model, still dim 0.
    const text = 'MP = Megatron(axis="model")\nZ = ManualPartition(inputs={"params/layer_*/mlp/w_in": FIRST_DIVISIBLE_DIM, "params/layer_0/ln1/scale": FIRST_DIVISIBLE_DIM}, axis="batch")\nschedule = [MP, Z]';
    const r = resolveTactics(text, T, MESH);
    expect(r.diagnostics).toEqual([]);
    expect(seedMap(T, r.tactics[1])).toEqual({ 'params/layer_0/mlp/w_in': 0, 'params/layer_1/mlp/w_in': 0, 'params/layer_0/ln1/scale': 0 });
    expect(r.tactics[1].seeds.every((sd) => sd.pick === 'first')).toBe(true);
    // LARGEST on the same value picks dim 1 (64 > 32): the two keywords differ.
    const l = resolveTactics('Z = ManualPartition(inputs={"params/layer_0/mlp/w_in": LARGEST}, axis="batch")\nschedule = [Z]', T, MESH);
    expect(seedMap(T, l.tactics[0])).toEqual({ 'params/layer_0/mlp/w_in': 1 });
  });

  it('UNKNOWN leaves a value to propagation: no seed and no error, while an explicit entry still seeds', () => {
    const text = 'MP = ManualPartition(inputs={"params/layer_0/mlp/w_in": 1, "params/**": UNKNOWN}, axis="model")\nschedule = [MP]';
    const r = resolveTactics(text, T, MESH);
    expect(r.diagnostics).toEqual([]);
    expect(seedMap(T, r.tactics[0])).toEqual({ 'params/layer_0/mlp/w_in': 1 });
  });

  it('applies only the tactics in the schedule, and warns about the others', () => {
    const text = 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [MP]';
    const r = resolveTactics(text, T, MESH);
    expect(r.tactics.map((t) => t.name)).toEqual(['MP']);
    expect(errors(r)).toEqual([]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'tactic-not-scheduled', severity: 'warning', range: rangeOf(text, 'BP') })]);
    expect(r.asts.map((a) => a.name)).toEqual(['BP', 'MP']);
  });

  it('without a schedule applies every tactic in definition order, with a warning', () => {
    const text = 'MP = Megatron(axis="model")\nBP = BatchParallel(axis="batch")\n';
    const r = resolveTactics(text, T, MESH);
    expect(r.tactics.map((t) => t.name)).toEqual(['MP', 'BP']);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'tactic-missing-schedule', severity: 'warning' })]);
  });

  it('accepts calls written directly in the schedule', () => {
    const text = 'MP = Megatron(axis="model")\nschedule = [BatchParallel(axis="batch"), MP]';
    const r = resolveTactics(text, T, MESH);
    expect(r.diagnostics).toEqual([]);
    expect(r.tactics.map((t) => t.name)).toEqual(['BatchParallel(axis="batch")', 'MP']);
    expect(seedMap(T, r.tactics[0])).toEqual({ 'batch/tokens': 0, 'batch/targets': 0 });
  });
});

describe('resolveTactics: presets', () => {
  const one = (call: string, program: Program = T, mesh: Mesh = MESH) => {
    const r = resolveTactics(`P = ${call}\nschedule = [P]`, program, mesh);
    expect(errors(r)).toEqual([]);
    return { r, seeds: seedMap(program, r.tactics[0]) };
  };

  it('keeps the preset call on the AST and expands BatchParallel to batch/* dim 0', () => {
    const { r, seeds } = one('BatchParallel(axis="batch")');
    expect(r.asts[0]).toMatchObject({ kind: 'manual', name: 'P', axis: 'batch', preset: 'BatchParallel(axis="batch")', inputs: [{ glob: 'batch/*', dim: 0 }] });
    expect(seeds).toEqual({ 'batch/tokens': 0, 'batch/targets': 0 });
  });

  it('Megatron: column-parallel q/k/v and w_in, row-parallel wo and w_out, on every layer', () => {
    const { seeds } = one('Megatron(axis="model")');
    const expected: Record<string, number> = {};
    for (let i = 0; i < TINY.layers; i++) {
      for (const w of ['wq', 'wk', 'wv']) expected[`params/layer_${i}/attn/${w}`] = 1;
      for (const w of ['bq', 'bk', 'bv']) expected[`params/layer_${i}/attn/${w}`] = 0;
      expected[`params/layer_${i}/attn/wo`] = 0;
      expected[`params/layer_${i}/mlp/w_in`] = 1;
      expected[`params/layer_${i}/mlp/b_in`] = 0;
      expected[`params/layer_${i}/mlp/w_out`] = 0;
    }
    expect(seeds).toEqual(expected);
  });

  it('Megatron on the mlp entry alternates column (w dim 1, b dim 0) and row (w dim 0) layers', () => {
    const mlp = tinyMlp(4);
    const { seeds } = one('Megatron(axis="model")', mlp);
    expect(seeds).toEqual({
      'params/layer_0/w': 1, 'params/layer_0/b': 0, 'params/layer_1/w': 0,
      'params/layer_2/w': 1, 'params/layer_2/b': 0, 'params/layer_3/w': 0,
    });
  });

  it('ZeRO stages 1, 2, 3 shard optimizer state, then gradients, then parameters', () => {
    const prefixes = (s: Record<string, unknown>) => [...new Set(Object.keys(s).map((k) => k.split('/')[0]))].sort();
    expect(prefixes(one('ZeRO(stage=1, axis="batch")').seeds)).toEqual(['opt_state']);
    expect(prefixes(one('ZeRO(stage=2, axis="batch")').seeds)).toEqual(['grads', 'opt_state']);
    const z3 = one('ZeRO(stage=3, axis="batch")').seeds;
    expect(prefixes(z3)).toEqual(['grads', 'opt_state', 'params']);
    expect(z3['grads/layer_0/mlp/w_in']).toBe(1);
    expect(z3['opt_state/count']).toBeUndefined();
  });

  it('SequenceParallel tiles the sequence dim of the residual stream', () => {
    const { seeds } = one('SequenceParallel(axis="model")');
    expect(seeds).toEqual({
      'layer_0/x': 1, 'layer_0/ln1/out': 1, 'layer_0/ln2/out': 1, 'layer_1/x': 1, 'layer_1/ln1/out': 1, 'layer_1/ln2/out': 1,
    });
  });

  it('EmbeddingShard tiles the model dim (default, the paper\'s EMB) or the vocab dim of the embedding and unembedding', () => {
    expect(one('EmbeddingShard(axis="model")').seeds).toEqual({ 'params/embed/tokens': 1, 'params/unembed': 0 });
    expect(one('EmbeddingShard(axis="model", dim="vocab")').seeds).toEqual({ 'params/embed/tokens': 0, 'params/unembed': 1 });
    // Tied embeddings: no unembed, and that is not an error.
    const tied = tinyTransformer({ ...TINY, untied: false });
    expect(one('EmbeddingShard(axis="model", dim="vocab")', tied).seeds).toEqual({ 'params/embed/tokens': 0 });
  });

  it('does not report preset globs that match nothing (Megatron on an mlp without attention is fine)', () => {
    const r = resolveTactics('P = SequenceParallel(axis="model")\nschedule = [P]', tinyMlp(2), MESH);
    expect(r.diagnostics).toEqual([]);
    expect(r.tactics[0].seeds).toEqual([]);
  });

  it('parses AutomaticPartition into its AST and skips it with a warning', () => {
    const text = 'A = AutomaticPartition(axes=["model", "batch"], objective="memory", memory_limit="16GiB", budget=50, seed=7)\nschedule = [A]';
    const r = resolveTactics(text, T, MESH);
    expect(r.asts[0]).toMatchObject({ kind: 'automatic', name: 'A', axes: ['model', 'batch'], objective: 'memory', memoryLimit: 16 * 2 ** 30, budget: 50, seed: 7 });
    expect(r.tactics).toEqual([]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'tactic-automatic-not-run', severity: 'warning', message: expect.stringContaining('AutomaticPartition is not run yet') })]);
  });
});

describe('resolveTactics: diagnostics point at the offending token', () => {
  const diag = (text: string, program: Program = T, mesh: Mesh = MESH) => {
    const e = errors(resolveTactics(text, program, mesh));
    expect(e.length).toBeGreaterThan(0);
    return e[0];
  };

  it('passes syntax errors through', () => {
    expect(diag('A = BatchParallel(axis="batch"')).toMatchObject({ code: 'tactic-syntax' });
  });

  it('unknown tactic, with a suggestion', () => {
    const text = 'A = Megatorn(axis="model")\nschedule = [A]';
    expect(diag(text)).toMatchObject({ code: 'tactic-unknown', range: rangeOf(text, 'Megatorn'), message: expect.stringContaining("did you mean 'Megatron'") });
  });

  it('unknown, missing, duplicate and positional arguments', () => {
    let text = 'A = BatchParallel(axis="batch", axes="model")';
    expect(diag(text)).toMatchObject({ code: 'tactic-unknown-argument', range: rangeOf(text, 'axes') });
    text = 'A = ZeRO(axis="batch")';
    expect(diag(text)).toMatchObject({ code: 'tactic-missing-argument', range: rangeOf(text, 'ZeRO'), message: expect.stringContaining('stage=') });
    text = 'A = BatchParallel(axis="batch", axis="model")';
    expect(diag(text)).toMatchObject({ code: 'tactic-duplicate-argument', range: rangeOf(text, 'axis', 1) });
    text = 'A = BatchParallel("batch")';
    const r = resolveTactics(text, T, MESH);
    expect(errors(r)).toEqual([
      expect.objectContaining({ code: 'tactic-missing-argument', range: rangeOf(text, 'BatchParallel') }),
      expect.objectContaining({ code: 'tactic-positional-argument', range: rangeOf(text, '"batch"'), message: expect.stringContaining('axis=') }),
    ]);
  });

  it('wrong argument types', () => {
    let text = 'A = BatchParallel(axis=3)';
    expect(diag(text)).toMatchObject({ code: 'tactic-argument-type', range: rangeOf(text, '3') });
    text = 'A = ManualPartition(inputs={"batch/*": "0"}, axis="batch")';
    expect(diag(text)).toMatchObject({ code: 'tactic-argument-type', range: rangeOf(text, '"0"'), message: expect.stringContaining('without quotes') });
    text = 'A = ManualPartition(inputs={"params/**": largest}, axis="batch")';
    expect(diag(text)).toMatchObject({ code: 'tactic-argument-type', message: expect.stringContaining('did you mean LARGEST') });
    text = 'A = ZeRO(stage=4, axis="batch")';
    expect(diag(text)).toMatchObject({ code: 'tactic-argument-type', range: rangeOf(text, '4'), message: expect.stringContaining('1, 2, 3') });
    text = 'A = ManualPartition(inputs=["batch/*"], axis="batch")';
    expect(diag(text)).toMatchObject({ code: 'tactic-argument-type', range: rangeOf(text, '["batch/*"]') });
    text = 'schedule = "BP"';
    expect(diag(text)).toMatchObject({ code: 'tactic-argument-type', range: rangeOf(text, '"BP"') });
  });

  it('unknown mesh axis, listing the mesh axes', () => {
    const text = 'A = BatchParallel(axis="data")\nschedule = [A]';
    const d = diag(text);
    expect(d).toMatchObject({ code: 'tactic-unknown-axis', range: rangeOf(text, '"data"') });
    expect(d.message).toContain('"batch", "model"');
  });

  it('a glob that matches nothing, suggesting close paths', () => {
    const text = 'A = ManualPartition(inputs={"params/layer_*/mlp/w_inn": 1}, axis="model")\nschedule = [A]';
    const d = diag(text);
    expect(d).toMatchObject({ code: 'tactic-glob-no-match', range: rangeOf(text, '"params/layer_*/mlp/w_inn"') });
    expect(d.message).toContain('"params/layer_*/mlp/w_in"');
  });

  it('a literal path with a typo gets literal suggestions', () => {
    const text = 'A = ManualPartition(inputs={"params/layer_1/mlp/w_inn": 1}, axis="model")';
    expect(diag(text).message).toContain('close paths: "params/layer_1/mlp/w_in"');
  });

  it('a schedule item that is neither a name nor a call', () => {
    const text = 'A = BatchParallel(axis="batch")\nschedule = [A, "B", 3]';
    const r = resolveTactics(text, T, MESH);
    expect(errors(r).map((d) => [d.code, d.range])).toEqual([
      ['tactic-argument-type', rangeOf(text, '"B"')], ['tactic-argument-type', rangeOf(text, '3')],
    ]);
    expect(r.tactics.map((t) => t.name)).toEqual(['A']);
    expect(hasErrors(r.diagnostics)).toBe(true);
    expect(hasErrors(resolveTactics('A = BatchParallel(axis="batch")', T, MESH).diagnostics)).toBe(false);
  });

  it('a dim out of range names the value and its shape', () => {
    const text = 'A = ManualPartition(inputs={"batch/tokens": 2}, axis="batch")\nschedule = [A]';
    const d = diag(text);
    expect(d).toMatchObject({ code: 'tactic-dim-out-of-range', range: rangeOf(text, '2}') && { ...rangeOf(text, '2}'), endColumn: rangeOf(text, '2}').column + 1 } });
    expect(d.message).toContain(`batch/tokens with shape [${TINY.batch}, ${TINY.seq}]`);
    expect(diag('A = ManualPartition(inputs={"batch/tokens": -3}, axis="batch")')).toMatchObject({ code: 'tactic-dim-out-of-range' });
  });

  it('a dim the axis size does not divide names value, dim size and axis size', () => {
    const mesh: Mesh = { axes: [{ name: 'batch', size: 3 }] };
    const text = 'A = BatchParallel(axis="batch")\nschedule = [A]';
    const d = diag(text, T, mesh);
    expect(d.code).toBe('tactic-not-divisible');
    expect(d.message).toMatch(new RegExp(`batch/tokens: dim 0 has size ${TINY.batch}, axis "batch" has size 3`));
    expect(d.message).toContain('and 1 more value');
    // Megatron with more devices than heads: heads=4 on an 8-way axis.
    const d2 = diag('A = Megatron(axis="model")', T, { axes: [{ name: 'model', size: 8 }] });
    expect(d2.message).toContain('has size 4, axis "model" has size 8');
  });

  it('divisibility accounts for axes already tiling the same dim', () => {
    const mesh: Mesh = { axes: [{ name: 'a', size: 4 }, { name: 'b', size: 4 }] };
    // batch/tokens dim 0 has 8: 4-way on a leaves 2, which 4 does not divide.
    const text = 'A = ManualPartition(inputs={"batch/tokens": 0}, axis="a")\nB = ManualPartition(inputs={"batch/tokens": 0}, axis="b")\nschedule = [A, B]';
    const d = diag(text, T, mesh);
    expect(d).toMatchObject({ code: 'tactic-not-divisible', message: expect.stringContaining('2 per device after earlier axes') });
  });

  it('an axis used twice on one value: two globs of one tactic, or a later tactic', () => {
    let text = 'A = ManualPartition(inputs={"params/layer_0/mlp/*": 0, "params/**/w_in": 1}, axis="model")\nschedule = [A]';
    let d = diag(text);
    expect(d).toMatchObject({ code: 'tactic-axis-reused', range: rangeOf(text, '"params/**/w_in"') });
    expect(d.message).toContain('params/layer_0/mlp/w_in');
    text = 'A = Megatron(axis="model")\nB = ManualPartition(inputs={"params/layer_1/attn/wq": 0}, axis="model")\nschedule = [A, B]';
    d = diag(text);
    expect(d).toMatchObject({ code: 'tactic-axis-reused', range: rangeOf(text, '"params/layer_1/attn/wq"') });
    expect(d.message).toContain('tiled on dim 1 by A');
    // The same tactic twice in the schedule reuses its axis on every value it seeds.
    expect(diag('A = BatchParallel(axis="batch")\nschedule = [A, A]').code).toBe('tactic-axis-reused');
    // Tiling a value an earlier tactic pinned REPLICATED is a reuse too; pinning it again is not.
    text = 'A = ManualPartition(inputs={"batch/*": REPLICATED}, axis="batch")\nB = BatchParallel(axis="batch")\nschedule = [A, B]';
    expect(diag(text).message).toContain('pinned replicated by A');
    text = 'A = ManualPartition(inputs={"batch/*": REPLICATED}, axis="batch")\nB = ManualPartition(inputs={"batch/tokens": REPLICATED}, axis="batch")\nschedule = [A, B]';
    expect(errors(resolveTactics(text, T, MESH))).toEqual([]);
    // A different axis on the same value is fine.
    expect(errors(resolveTactics('A = Megatron(axis="model")\nB = ManualPartition(inputs={"params/layer_1/attn/wq": 0}, axis="batch")\nschedule = [A, B]', T, MESH))).toEqual([]);
  });

  it('a schedule name that is not defined', () => {
    const text = 'BP = BatchParallel(axis="batch")\nschedule = [BP, MP]';
    const d = diag(text);
    expect(d).toMatchObject({ code: 'tactic-undefined-name', range: rangeOf(text, 'MP') });
  });

  it('does not re-report a broken definition as undefined in the schedule', () => {
    const r = resolveTactics('MP = Megatron(axis="model"\nschedule = [MP]', T, MESH);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['tactic-syntax']);
  });

  it('reports several independent problems in one pass', () => {
    const text = [
      'A = BatchParallel(axis="data")',
      'B = ManualPartition(inputs={"nope/*": 0}, axis="model")',
      'C = Megatron(axis="model"',
      'schedule = [A, B, C, D]',
    ].join('\n');
    const codes = resolveTactics(text, T, MESH).diagnostics.map((d) => [d.code, d.range?.line]);
    // In text order; B is also not applied (its glob is fine on syntax but matches nothing).
    expect(codes).toEqual([
      ['tactic-unknown-axis', 1], ['tactic-glob-no-match', 2], ['tactic-syntax', 3], ['tactic-undefined-name', 4],
    ]);
  });
});
