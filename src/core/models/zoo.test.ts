import { describe, expect, it } from 'vitest';
import { UserError } from '../errors';
import { summarize } from './summary';
import { transformerParamCount } from './transformer';
import { buildZooModel, resolveParams, ZOO, zooEntry } from './zoo';

const names = (xs: { name?: string }[]) => new Set(xs.map((x) => x.name));

describe('zoo registry', () => {
  it('builds mlp and transformer with their defaults; every param spec has a valid default', () => {
    for (const e of ZOO.filter((z) => z.name === 'mlp' || z.name === 'transformer')) {
      const p = buildZooModel(e.name);
      expect(p.ops.length).toBeGreaterThan(0);
      expect(p.outputs.some((o) => o.name === 'loss')).toBe(true);
      for (const s of e.params) {
        expect(typeof s.default).toBe(s.kind);
        if (s.values) expect(s.values).toContain(s.default);
      }
    }
  });

  it('reports bad params as UserErrors that name the field', () => {
    const t = zooEntry('transformer');
    const fails = (params: Record<string, number | string | boolean>, where: string) => {
      try {
        buildZooModel('transformer', params);
        expect.unreachable('should have thrown');
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        expect((e as UserError).where).toBe(where);
      }
    };
    fails({ heads: 3 }, 'model.params.heads');
    fails({ layers: 0 }, 'model.params.layers');
    fails({ layers: 1.5 }, 'model.params.layers');
    fails({ precision: 'fp8' }, 'model.params.precision');
    fails({ tiedEmbeddings: 'yes' }, 'model.params.tiedEmbeddings');
    fails({ depth: 3 }, 'model.params.depth');
    expect(() => zooEntry('resnet')).toThrow(/unknown zoo model "resnet"/);
    expect(resolveParams(t, { layers: 3 }).layers).toBe(3);
    expect(resolveParams(t, {}).dModel).toBe(64);
  });
});

describe('transformer follows the zoo path conventions', () => {
  const L = 2;
  const p = buildZooModel('transformer', { layers: L, tiedEmbeddings: false });
  const inputNames = p.inputs.map((v) => p.values[v].name ?? '');
  const all = names(p.values);

  it('has the inputs, in (params, opt_state, batch) order', () => {
    const perLayer = ['ln1/scale', 'ln1/bias', 'attn/wq', 'attn/wk', 'attn/wv', 'attn/bq', 'attn/bk', 'attn/bv', 'attn/wo', 'attn/bo',
      'ln2/scale', 'ln2/bias', 'mlp/w_in', 'mlp/b_in', 'mlp/w_out', 'mlp/b_out'];
    const params = ['embed/tokens', 'embed/positions', ...Array.from({ length: L }, (_, i) => perLayer.map((n) => `layer_${i}/${n}`)).flat(),
      'final_ln/scale', 'final_ln/bias', 'unembed'];
    for (const q of params) {
      expect(inputNames).toContain(`params/${q}`);
      expect(inputNames).toContain(`opt_state/mu/${q}`);
      expect(inputNames).toContain(`opt_state/nu/${q}`);
      expect(all.has(`grads/${q}`), `grads/${q}`).toBe(true);
    }
    expect(inputNames).toContain('opt_state/count');
    expect(inputNames.slice(-2)).toEqual(['batch/tokens', 'batch/targets']);
    const kinds = inputNames.map((n) => n.split('/')[0]);
    expect(kinds.lastIndexOf('params')).toBeLessThan(kinds.indexOf('opt_state'));
    expect(kinds.lastIndexOf('opt_state')).toBeLessThan(kinds.indexOf('batch'));
    const wq = p.values[p.inputs[inputNames.indexOf('params/layer_1/attn/wq')]];
    expect(wq.type.shape).toEqual([64, 4, 16]);
    expect(p.values[p.inputs[inputNames.indexOf('params/layer_1/attn/wo')]].type.shape).toEqual([4, 16, 64]);
  });

  it('returns every param and optimizer state under its input name, plus the loss', () => {
    const outs = p.outputs.map((o) => o.name);
    const stateful = inputNames.filter((n) => n.startsWith('params/') || n.startsWith('opt_state/'));
    expect(new Set(outs)).toEqual(new Set([...stateful, 'loss']));
    for (const o of p.outputs) {
      const j = inputNames.indexOf(o.name);
      if (j >= 0) expect(p.values[o.value].type).toEqual(p.values[p.inputs[j]].type);
    }
  });

  it('names the intermediates with the documented shapes', () => {
    const byName = new Map(p.values.filter((v) => v.name).map((v) => [v.name, v.type.shape]));
    for (let i = 0; i < L; i++) {
      expect(byName.get(`layer_${i}/x`)).toEqual([8, 16, 64]);
      for (const n of ['q', 'k', 'v']) expect(byName.get(`layer_${i}/attn/${n}`)).toEqual([8, 16, 4, 16]);
      expect(byName.get(`layer_${i}/attn/out`)).toEqual([8, 16, 64]);
      expect(byName.get(`layer_${i}/ln1/out`)).toEqual([8, 16, 64]);
      expect(byName.get(`layer_${i}/ln2/out`)).toEqual([8, 16, 64]);
      expect(byName.get(`layer_${i}/mlp/hidden`)).toEqual([8, 16, 256]);
      expect(byName.get(`layer_${i}/mlp/out`)).toEqual([8, 16, 64]);
    }
    expect(byName.get('logits')).toEqual([8, 16, 128]);
  });

  it('puts ops in the documented scopes and phases', () => {
    const scopes = new Set(p.ops.map((o) => o.scope));
    for (const s of ['embed', 'layer_0/ln1', 'layer_0/attn', 'layer_0/ln2', 'layer_0/mlp', 'layer_1/mlp', 'final_ln', 'unembed', 'loss',
      'optimizer/params/layer_0/attn/wq'])
      expect(scopes.has(s), s).toBe(true);
    const phaseScopes = (ph: string) => new Set(p.ops.filter((o) => o.phase === ph).map((o) => o.scope));
    expect(phaseScopes('backward').has('layer_1/attn')).toBe(true);
    expect([...phaseScopes('optimizer')].every((s) => s.startsWith('optimizer'))).toBe(true);
    expect([...phaseScopes('forward')].some((s) => s.startsWith('optimizer'))).toBe(false);
    expect(p.ops.some((o) => o.kind === 'gather' && o.scope === 'embed')).toBe(true);
    expect(p.ops.some((o) => o.kind === 'scatter' && o.scope === 'embed' && o.phase === 'backward')).toBe(true);
  });

  it('gives the gradients role gradient and the inputs their roles', () => {
    for (const v of p.values) if (v.name?.startsWith('grads/')) expect(v.role).toBe('gradient');
    for (const v of p.inputs) {
      const val = p.values[v];
      const want = val.name?.startsWith('params/') ? 'param' : val.name?.startsWith('opt_state/') ? 'optimizer' : 'batch';
      expect(val.role).toBe(want);
    }
  });

  it('infer mode is forward only and returns logits and loss', () => {
    const q = buildZooModel('transformer', { mode: 'infer' });
    expect(q.ops.every((o) => o.phase === 'forward')).toBe(true);
    expect(q.outputs.map((o) => o.name)).toEqual(['logits', 'loss']);
    expect(q.inputs.some((v) => q.values[v].role === 'optimizer')).toBe(false);
  });

  it('mixed precision: bf16 params, activations and grads; f32 master weights and moments', () => {
    const q = buildZooModel('transformer', { precision: 'mixed' });
    const byName = new Map(q.values.filter((v) => v.name).map((v) => [v.name, v.type.dtype]));
    expect(byName.get('params/layer_0/mlp/w_in')).toBe('bf16');
    expect(byName.get('grads/layer_0/mlp/w_in')).toBe('bf16');
    expect(byName.get('layer_0/mlp/hidden')).toBe('bf16');
    expect(byName.get('opt_state/master/layer_0/mlp/w_in')).toBe('f32');
    expect(byName.get('opt_state/mu/layer_0/mlp/w_in')).toBe('f32');
    expect(byName.get('opt_state/nu/layer_0/mlp/w_in')).toBe('f32');
    const out = q.outputs.find((o) => o.name === 'params/layer_0/mlp/w_in');
    expect(q.values[out?.value ?? -1].type.dtype).toBe('bf16');
  });
});

describe('parameter counts', () => {
  const closedForm = (L: number, d: number, V: number, s: number, tied: boolean) =>
    12 * L * d * d + 13 * L * d + (V + s) * d + 2 * d + (tied ? 0 : d * V);

  it('transformer matches 12·L·d² + 13·L·d + (V + s)·d + 2d (+ d·V untied)', () => {
    for (const [L, d, h, V, s, tied] of [[2, 64, 4, 128, 16, true], [3, 32, 2, 50, 8, false], [1, 48, 6, 10, 5, true]] as const) {
      const p = buildZooModel('transformer', { layers: L, dModel: d, heads: h, dFF: 4 * d, vocab: V, seq: s, batch: 1, tiedEmbeddings: tied });
      expect(summarize(p).parameters).toBe(closedForm(L, d, V, s, tied));
    }
  });

  it('transformerParamCount (the formula the UI can show before building) agrees with the built program', () => {
    const cfg = { layers: 2, dModel: 24, heads: 3, dFF: 40, seq: 6, vocab: 30, batch: 1, tiedEmbeddings: false };
    expect(transformerParamCount(cfg)).toBe(summarize(buildZooModel('transformer', cfg)).parameters);
  });

  it('the GPT-3 shape has 175B parameters (±1%)', () => {
    const p = buildZooModel('transformer', {
      layers: 96, dModel: 12288, heads: 96, dFF: 49152, seq: 2048, vocab: 50257, batch: 1, precision: 'mixed',
    });
    const n = summarize(p).parameters;
    expect(n).toBe(closedForm(96, 12288, 50257, 2048, true));
    expect(Math.abs(n - 175e9) / 175e9).toBeLessThan(0.01);
  });

  it('mlp has Σ (dIn·dOut + dOut) over its alternating layers', () => {
    const p = buildZooModel('mlp', { layers: 3, dModel: 5, dHidden: 7 });
    // 5→7, 7→5, 5→5 (the last layer always maps back to dModel)
    expect(summarize(p).parameters).toBe(5 * 7 + 7 + 7 * 5 + 5 + 5 * 5 + 5);
    const shapes = p.inputs.map((v) => p.values[v]).filter((v) => v.role === 'param').map((v) => `${v.name}:${v.type.shape}`);
    expect(shapes.slice(0, 2)).toEqual(['params/layer_0/w:5,7', 'params/layer_0/b:7']);
  });
});
