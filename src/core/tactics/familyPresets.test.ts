/**
 * The family presets: what they seed, what propagation makes of it on the family models, the
 * collectives the lowering then needs, and SPMD-interpreter proofs on 2×2×2 meshes.
 */
import { describe, expect, it } from 'vitest';
import { prove, SMALL_PARAMS } from '../models/galleryHarness';
import { buildZooModel } from '../models/zoo';
import type { Mesh } from '../mesh/mesh';
import { partition } from '../partition';
import type { Sharding } from '../partition/types';
import { tacticSpec } from './catalog';
import { FAMILY_PRESET_NAMES, familyPresetEntries } from './familyPresets';
import { isPreset } from './presets';
import { resolveTactics } from './resolve';

const mesh = (spec: Record<string, number>): Mesh => ({ axes: Object.entries(spec).map(([name, size]) => ({ name, size })) });
const m22 = mesh({ batch: 2, model: 2 });
const schedule = (...defs: string[]) => `${defs.join('\n')}\nschedule = [${defs.map((d) => d.split(' ')[0]).join(', ')}]`;

function partitioned(zoo: string, text: string, m: Mesh, params: Record<string, number | string> = {}) {
  const program = buildZooModel(zoo, { ...SMALL_PARAMS[zoo], ...params });
  const r = resolveTactics(text, program, m);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  const result = partition(program, m, r.tactics);
  const sharding = (name: string): Sharding => {
    const v = program.values.find((x) => x.name === name);
    if (!v) throw new Error(`no value ${name}`);
    return result.shardings[v.id];
  };
  return { program, result, resolved: r, sharding };
}

/** The dim `axis` tiles, or -1. */
const tiledDim = (s: Sharding, axis: string) => s.dims.findIndex((axes) => axes.includes(axis));

describe('family presets in the language', () => {
  it('are presets with catalog entries the checker uses', () => {
    for (const name of FAMILY_PRESET_NAMES) {
      expect(isPreset(name), name).toBe(true);
      expect(tacticSpec(name)?.kind, name).toBe('preset');
      expect(familyPresetEntries(name, {})?.length, name).toBeGreaterThan(0);
    }
    expect(familyPresetEntries('Megatron', {})).toBeUndefined();
  });

  it('check their arguments', () => {
    const p = buildZooModel('transformer-decode', SMALL_PARAMS['transformer-decode']);
    const bad = resolveTactics('MQ = MultiQuery(axis="model", dim="seq")\nschedule = [MQ]', p, m22);
    expect(bad.diagnostics.some((d) => d.severity === 'error' && /dim/.test(d.message))).toBe(true);
    const noAxis = resolveTactics('EP = ExpertParallel()\nschedule = [EP]', p, m22);
    expect(noAxis.diagnostics.some((d) => d.severity === 'error' && /axis/.test(d.message))).toBe(true);
  });

  it('leave the classic presets as they were', () => {
    const p = buildZooModel('transformer', { layers: 1, dModel: 8, heads: 2, dFF: 16, seq: 4, vocab: 8, batch: 2 });
    const r = resolveTactics('MP = Megatron(axis="model")\nschedule = [MP]', p, m22);
    expect(r.tactics[0].seeds.length).toBe(10);
  });
});

describe('GQAMegatron', () => {
  const MP = 'MP = GQAMegatron(axis="model")';

  it('with dim="kv" tiles the key/value heads too', () => {
    const { sharding } = partitioned('llama', schedule('MP = GQAMegatron(axis="model", dim="kv")'), m22, { kvHeads: 2 });
    expect(tiledDim(sharding('params/layer_0/attn/wq'), 'model')).toBe(1);
    expect(tiledDim(sharding('params/layer_0/attn/wk'), 'model')).toBe(1);
    expect(tiledDim(sharding('grads/layer_0/attn/wk'), 'model')).toBe(1);
    expect(tiledDim(sharding('params/layer_1/attn/wv'), 'model')).toBe(1);
    expect(tiledDim(sharding('params/layer_0/mlp/w_up'), 'model')).toBe(1);
    expect(tiledDim(sharding('params/layer_0/mlp/w_down'), 'model')).toBe(0);
  });

  it('by default leaves the key/value weights to propagation: their heads split when the axis divides kvHeads', () => {
    const { sharding } = partitioned('llama', schedule(MP), m22, { kvHeads: 2 });
    // k's heads are split, so wk's gradient is, and the weight follows its gradient (docs/semantics.md).
    expect(tiledDim(sharding('grads/layer_0/attn/wk'), 'model')).toBe(1);
    expect(tiledDim(sharding('params/layer_0/attn/wk'), 'model')).toBe(1);
    expect(tiledDim(sharding('layer_0/attn/k'), 'model')).toBe(2);
    expect(tiledDim(sharding('layer_0/attn/v'), 'model')).toBe(2);
  });

  it('with dim="kv" refuses an axis that does not divide kvHeads', () => {
    const p = buildZooModel('llama', { ...SMALL_PARAMS.llama, kvHeads: 1 });
    const r = resolveTactics(schedule('MP = GQAMegatron(axis="model", dim="kv")'), p, m22);
    expect(r.diagnostics.some((d) => d.severity === 'error' && /attn\/wk/.test(d.message))).toBe(true);
  });

  it('keeps a single key/value head replicated (multi-query), with the query heads still split', () => {
    const { sharding } = partitioned('llama', schedule(MP), m22, { kvHeads: 1 });
    expect(tiledDim(sharding('params/layer_0/attn/wq'), 'model')).toBe(1);
    expect(tiledDim(sharding('params/layer_0/attn/wk'), 'model')).toBe(-1);
    expect(sharding('params/layer_0/attn/wk').partial).toEqual([]);
  });

  it('proves Llama BP+MP with multi-query attention on 2×2', () => {
    const p = prove('llama', schedule('BP = BatchParallel(axis="batch")', MP), m22, { kvHeads: 1 });
    expect(p.verify.ok, p.verify.worst).toBe(true);
  });
});

describe('MultiQuery', () => {
  it('dim="batch" tiles the KV cache on its batch dim, and the updated cache comes out tiled the same way', () => {
    const { sharding } = partitioned('transformer-decode', schedule('MQ = MultiQuery(axis="model")'), m22);
    expect(tiledDim(sharding('batch/kv_cache/layer_1/k'), 'model')).toBe(0);
    expect(tiledDim(sharding('layer_1/attn/cache_k'), 'model')).toBe(0);
  });

  // Pope et al.'s layout under Megatron (docs/tactics.md, MultiQuery): MQ before MP on the same axis.
  const popeText = schedule('BP = BatchParallel(axis="batch")', 'MQ = MultiQuery(axis="model", dim="batch")', 'MP = GQAMegatron(axis="model")');

  it('dim="batch" under Megatron: queries on heads, cache and scores on batch, the residual stream whole on the axis', () => {
    const { sharding } = partitioned('transformer-decode', popeText, m22);
    expect(tiledDim(sharding('layer_0/attn/q'), 'model')).toBe(2);
    expect(tiledDim(sharding('layer_0/attn/scores'), 'model')).toBe(0);
    expect(tiledDim(sharding('layer_0/attn/cache_v'), 'model')).toBe(0);
    expect(tiledDim(sharding('params/layer_0/attn/wo'), 'model')).toBe(0);
    // the new token's key and value and the activations they come from are not tiled on `model`
    for (const name of ['layer_0/attn/k', 'layer_0/ln1/out', 'layer_1/ln2/out', 'layer_0/attn/out']) {
      expect(tiledDim(sharding(name), 'model'), name).toBe(-1);
    }
  });

  it.each([1, 2])('dim="batch" under Megatron, %i layer(s): computes what the original does, with 2 all-to-alls and 2 all-reduces per block', (layers) => {
    const p = prove('transformer-decode', popeText, m22, { layers });
    expect(p.diagnostics).toEqual([]);
    expect(p.verify.ok, p.verify.worst).toBe(true);
    for (let i = 0; i < layers; i++) {
      const block = p.collectives.filter((c) => c.scope.startsWith(`layer_${i}/`));
      const kinds = block.map((c) => `${c.kind}(${c.axes.join()})`).sort();
      expect(kinds, `layer_${i}`).toEqual(['all-reduce(model)', 'all-reduce(model)', 'all-to-all(model)', 'all-to-all(model)']);
      // the all-to-alls move the queries into the scores' batch tiling and the context back to wo's heads
      expect(block.filter((c) => c.kind === 'all-to-all').map((c) => c.scope)).toEqual([`layer_${i}/attn`, `layer_${i}/attn`]);
    }
    expect(p.collectives.filter((c) => !c.scope.startsWith('layer_'))).toEqual([]);
  });

  it('dim="batch" after Megatron loses the attention core to it: the earlier tactic decides', () => {
    const after = schedule('BP = BatchParallel(axis="batch")', 'MP = GQAMegatron(axis="model")', 'MQ = MultiQuery(axis="model", dim="batch")');
    const { sharding, result, program } = partitioned('transformer-decode', after, m22);
    // MP's propagation reached the scores through the queries first: they stay tiled on heads
    expect(tiledDim(sharding('layer_0/attn/scores'), 'model')).toBe(2);
    const mq = result.stages.find((st) => st.tactic === 'MQ');
    expect(mq?.conflicts.some((c) => program.values[c.value].name === 'layer_0/attn/scores')).toBe(true);
  });

  it('dim="heads" tiles the query heads and leaves the cache whole: one all-reduce per attention', () => {
    const text = schedule('MQ = MultiQuery(axis="model", dim="heads")');
    const { sharding } = partitioned('transformer-decode', text, m22);
    expect(tiledDim(sharding('layer_0/attn/q'), 'model')).toBe(2);
    expect(tiledDim(sharding('batch/kv_cache/layer_0/v'), 'model')).toBe(-1);
    const p = prove('transformer-decode', text, m22);
    expect(p.verify.ok, p.verify.worst).toBe(true);
    const layers = Number(SMALL_PARAMS['transformer-decode'].layers);
    expect(p.collectives.filter((c) => c.kind === 'all-reduce' && c.axes.join() === 'model')).toHaveLength(layers);
  });
});

describe('ExpertParallel', () => {
  const text = schedule('EP = ExpertParallel(axis="batch")', 'BP = BatchParallel(axis="batch")');

  it('keeps each device\'s experts local and moves tokens by all-to-all, two each way per layer', () => {
    const { sharding } = partitioned('moe', text, m22);
    expect(tiledDim(sharding('params/layer_0/moe/w_in'), 'batch')).toBe(0);
    expect(tiledDim(sharding('layer_0/moe/expert_in'), 'batch')).toBe(0);
    expect(tiledDim(sharding('layer_0/moe/dispatched'), 'batch')).toBe(0);
    expect(tiledDim(sharding('grads/layer_1/moe/w_out'), 'batch')).toBe(0);
    const p = prove('moe', text, m22);
    expect(p.verify.ok, p.verify.worst).toBe(true);
    const layers = Number(SMALL_PARAMS.moe.layers);
    const a2a = p.collectives.filter((c) => c.kind === 'all-to-all' && c.axes.join() === 'batch');
    expect(a2a.filter((c) => c.phase === 'forward')).toHaveLength(2 * layers);
    expect(a2a.filter((c) => c.phase === 'backward')).toHaveLength(2 * layers);
    // expert weights are never gathered, and their gradients never all-reduced
    expect(p.collectives.filter((c) => /moe\/w_(in|out)/.test(c.value ?? ''))).toEqual([]);
  });

  it('after BatchParallel instead, the experts are gathered rather than tokens moved (tactic order matters)', () => {
    const p = prove('moe', schedule('BP = BatchParallel(axis="batch")', 'EP = ExpertParallel(axis="batch")'), m22);
    expect(p.verify.ok, p.verify.worst).toBe(true);
    expect(p.collectives.filter((c) => c.kind === 'all-to-all')).toEqual([]);
  });
});

describe('EdgeShard and NodeShard', () => {
  it('EdgeShard splits the edge lists; scattered messages are reduced over the axis', () => {
    const text = schedule('ES = EdgeShard(axis="model")');
    const { sharding } = partitioned('gns', text, m22);
    for (const name of ['batch/senders', 'batch/receivers', 'batch/edges', 'step_0/messages']) expect(tiledDim(sharding(name), 'model'), name).toBe(0);
    expect(tiledDim(sharding('batch/nodes'), 'model')).toBe(-1);
    const p = prove('gns', text, m22);
    expect(p.verify.ok, p.verify.worst).toBe(true);
    expect(p.collectives.some((c) => c.axes.includes('model') && (c.kind === 'all-reduce' || c.kind === 'reduce-scatter') && c.phase === 'forward')).toBe(true);
  });

  it('NodeShard splits the nodes', () => {
    const { sharding } = partitioned('gns', schedule('NS = NodeShard(axis="batch")'), m22);
    expect(tiledDim(sharding('batch/nodes'), 'batch')).toBe(0);
    expect(tiledDim(sharding('batch/senders'), 'batch')).toBe(-1);
  });
});

describe('2×2×2 meshes', () => {
  const m222 = (third: string) => mesh({ batch: 2, model: 2, [third]: 2 });
  it.each([
    ['moe: EP on its own axis + BP + MP', 'moe', m222('expert'),
      schedule('EP = ExpertParallel(axis="expert")', 'BP = BatchParallel(axis="batch")', 'MP = Megatron(axis="model")')],
    ['t32: BP + MP + ZeRO-3 on a third axis', 't32', m222('zero'),
      schedule('BP = BatchParallel(axis="batch")', 'MP = Megatron(axis="model")', 'Z3 = ZeRO(stage=3, axis="zero")')],
    ['llama: BP on two axes + MP', 'llama', m222('data'),
      schedule('BP = BatchParallel(axis="batch")', 'BP2 = BatchParallel(axis="data")', 'MP = GQAMegatron(axis="model")')],
    ['transformer-decode: BP + MP + MQ', 'transformer-decode', m222('cache'),
      schedule('BP = BatchParallel(axis="batch")', 'MP = GQAMegatron(axis="model")', 'MQ = MultiQuery(axis="cache")')],
    ['gns: BP + ES + NS', 'gns', m222('nodes'),
      schedule('BP = BatchParallel(axis="batch")', 'ES = EdgeShard(axis="model")', 'NS = NodeShard(axis="nodes")')],
    ['unet: BP on two axes + ZeRO-2 on a third', 'unet', m222('zero'),
      schedule('BP = BatchParallel(axis="batch")', 'BPm = BatchParallel(axis="model")', 'Z2 = ZeRO(stage=2, axis="zero")')],
  ] as const)('%s', (_, zoo, m, text) => {
    const p = prove(zoo, text, m);
    expect(p.diagnostics).toEqual([]);
    expect(p.verify.devices).toBe(8);
    expect(p.verify.ok, p.verify.worst).toBe(true);
  });
});
