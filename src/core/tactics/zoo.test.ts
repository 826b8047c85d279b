import { describe, expect, it } from 'vitest';
import { buildZooModel } from '../models/zoo';
import type { Program } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import { compileGlob } from './glob';
import { resolveTactics } from './resolve';

/** The presets against the real zoo models (the fixtures elsewhere only imitate their paths). */
const MESH: Mesh = { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] };
const TEXT = [
  'BP = BatchParallel(axis="batch")',
  'MP = Megatron(axis="model")',
  'Z3 = ZeRO(stage=3, axis="batch")',
  'SP = SequenceParallel(axis="model")',
  'EMB = EmbeddingShard(axis="model")',
  'schedule = [BP, MP, Z3, SP, EMB]',
].join('\n');

const count = (p: Program, glob: string) => {
  const m = compileGlob(glob);
  return p.values.filter((v) => v.name !== undefined && m(v.name)).length;
};

describe('presets on the zoo', () => {
  it('transformer: every preset resolves without diagnostics and seeds what the conventions name', () => {
    const layers = 2;
    const p = buildZooModel('transformer', { layers, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 512, batch: 8 });
    const r = resolveTactics(TEXT, p, MESH);
    expect(r.diagnostics).toEqual([]);
    const seeds = Object.fromEntries(r.tactics.map((t) => [t.name, t.seeds.length]));
    expect(seeds.BP).toBe(count(p, 'batch/*'));
    // Ten Megatron weights and biases per layer.
    expect(seeds.MP).toBe(10 * layers);
    expect(seeds.SP).toBe(3 * layers);
    // Megatron's weights already use "model"; EMB touches only the embedding tables.
    expect(seeds.EMB).toBe(count(p, 'params/embed/tokens') + count(p, 'params/unembed'));
    // ZeRO-3 seeds every param, gradient and moment except the scalars nothing divides.
    const scalars = p.values.filter((v) => v.name && /^(params|grads|opt_state)\//.test(v.name) && v.type.shape.every((d) => d % 4 !== 0)).length;
    expect(seeds.Z3).toBe(count(p, 'params/**') + count(p, 'grads/**') + count(p, 'opt_state/**') - scalars);
  });

  it('mlp: Megatron alternates column and row layers', () => {
    const p = buildZooModel('mlp', { layers: 4 });
    const r = resolveTactics('MP = Megatron(axis="model")\nschedule = [MP]', p, MESH);
    expect(r.diagnostics).toEqual([]);
    const byName = Object.fromEntries(r.tactics[0].seeds.map((s) => [p.values[s.value].name, s.dim]));
    expect(byName).toEqual({
      'params/layer_0/w': 1, 'params/layer_0/b': 0, 'params/layer_1/w': 0,
      'params/layer_2/w': 1, 'params/layer_2/b': 0, 'params/layer_3/w': 0,
    });
  });
});
