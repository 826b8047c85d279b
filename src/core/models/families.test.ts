/**
 * The paper's model families in the zoo: whole-step gradients against finite differences, and the
 * property each family's defining part must have (rotary embeddings keep norms, the KV cache is
 * written at the position and read up to it, every token reaches at most topK expert slots,
 * message passing does not depend on the order of the edges).
 */
import { describe, expect, it } from 'vitest';
import { runProgram, runProgramValues } from '../interp/reference';
import { randomInputs } from '../interp/verify';
import { ProgramBuilder } from '../ir/builder';
import type { Program } from '../ir/types';
import { checkStepGradients } from './gradcheck';
import { applyRope, ropeTables } from './llama';
import { llamaParamCount } from './llama';
import { moeCapacity } from './moe';
import { CHINCHILLA_TENSORS_PER_BLOCK, chinchillaParamCount } from './chinchilla';
import { buildZooModel, resolveParams, zooEntry, ZOO } from './zoo';

const paramCount = (p: Program) => p.inputs
  .filter((v) => p.values[v].role === 'param')
  .reduce((n, v) => n + p.values[v].type.shape.reduce((a, d) => a * d, 1), 0);

const inputIndex = (p: Program, name: string) => {
  const i = p.inputs.findIndex((v) => p.values[v].name === name);
  if (i < 0) throw new Error(`no input ${name}`);
  return i;
};
const outputIndex = (p: Program, name: string) => p.outputs.findIndex((o) => o.name === name);
const valueNamed = (p: Program, name: string) => {
  const v = p.values.find((x) => x.name === name);
  if (!v) throw new Error(`no value ${name}`);
  return v;
};

/** Small steps with SGD (the check reads the gradients by name; the optimizer does not matter). */
const GRAD_CASES: [string, Record<string, number | string>][] = [
  ['llama', { layers: 1, dModel: 8, heads: 2, kvHeads: 1, dFF: 8, seq: 4, vocab: 7, batch: 2, optimizer: 'sgd' }],
  ['llama', { layers: 2, dModel: 8, heads: 2, kvHeads: 2, dFF: 8, seq: 3, vocab: 5, batch: 2, optimizer: 'sgd', remat: 'full' }],
  ['moe', { layers: 1, dModel: 8, heads: 2, dFF: 8, experts: 3, topK: 2, capacityFactor: 1, seq: 4, vocab: 7, batch: 2, optimizer: 'sgd', auxLoss: 0.5 }],
  ['moe', { layers: 2, dModel: 8, heads: 2, dFF: 8, experts: 2, topK: 1, groupSize: 2, seq: 4, vocab: 7, batch: 1, optimizer: 'sgd', remat: 'full' }],
  ['unet', { batch: 2, size: 4, channels: 2, base: 4, levels: 1, groups: 2, timesteps: 5, optimizer: 'sgd' }],
  ['gns', { nodes: 5, edges: 9, nodeIn: 3, edgeIn: 2, latent: 4, steps: 2, out: 2, optimizer: 'sgd' }],
];

describe('family step gradients agree with finite differences', () => {
  it.each(GRAD_CASES.map(([z, p], i) => [`${z} #${i}`, z, p] as const))('%s', (_, zoo, params) => {
    const p = buildZooModel(zoo, params);
    const res = checkStepGradients(p, randomInputs(p, 11), 3, 1e-2);
    expect(res.checked).toBe(p.inputs.filter((v) => p.values[v].role === 'param').length);
    expect(res.maxError, res.worst).toBeLessThan(3e-2);
  });
});

describe('zoo registration', () => {
  it('lists every family with a schema whose defaults build', () => {
    for (const name of ['t32', 't48', 'transformer-decode', 'llama', 'moe', 'unet', 'gns']) {
      const e = zooEntry(name);
      expect(ZOO).toContain(e);
      expect(Object.keys(resolveParams(e, {})).sort()).toEqual(e.params.map((s) => s.name).sort());
    }
  });

  it('T32 and T48 have the paper\'s structure: 9 parameter tensors per block + the tied embedding (T32: 289)', () => {
    const small = { dModel: 16, heads: 2, dFF: 32, seq: 4, vocab: 8, batch: 2, mode: 'infer' };
    for (const [zoo, layers] of [['t32', 32], ['t48', 48]] as const) {
      const p = buildZooModel(zoo, small);
      const params = p.inputs.filter((v) => p.values[v].name?.startsWith('params/'));
      expect(params.length).toBe(CHINCHILLA_TENSORS_PER_BLOCK * layers + 1);
      expect(p.values.some((v) => v.name === `params/layer_${layers - 1}/attn/qkv_einsum`)).toBe(true);
      expect(p.values.some((v) => v.name === `params/layer_${layers}/attn/qkv_einsum`)).toBe(false);
      expect(paramCount(p)).toBe(chinchillaParamCount({ layers, dModel: 16, dFF: 32, vocab: 8 }));
    }
    expect(buildZooModel('t32', { mode: 'infer', layers: 2 }).inputs.length).toBeGreaterThan(0);
    const t32 = resolveParams(zooEntry('t32'), {});
    expect([t32.layers, t32.dModel, t32.heads, t32.batch, t32.vocab]).toEqual([32, 4096, 32, 48, 32000]);
    const t48 = resolveParams(zooEntry('t48'), {});
    expect([t48.layers, t48.dModel, t48.heads, t48.batch, t48.vocab]).toEqual([48, 8192, 64, 64, 32000]);
    // The paper's "5B" and "32B" (Table 2's Size column).
    expect(chinchillaParamCount({ layers: 32, dModel: 4096, dFF: 8192, vocab: 32000 }) / 1e9).toBeCloseTo(5.5, 1);
    expect(chinchillaParamCount({ layers: 48, dModel: 8192, dFF: 16384, vocab: 32000 }) / 1e9).toBeCloseTo(32.5, 1);
  });

  it('refuses shapes the families cannot build, naming the parameter', () => {
    expect(() => buildZooModel('llama', { heads: 4, kvHeads: 3 })).toThrow(/kvHeads/);
    expect(() => buildZooModel('llama', { dModel: 12, heads: 4 })).toThrow(/even head width/);
    expect(() => buildZooModel('moe', { experts: 2, topK: 3 })).toThrow(/topK/);
    expect(() => buildZooModel('unet', { size: 6, levels: 3 })).toThrow(/size/);
    expect(() => buildZooModel('unet', { base: 4, levels: 2, heads: 3 })).toThrow(/heads/);
    expect(() => buildZooModel('unet', { base: 6, groups: 4 })).toThrow(/groups/);
    expect(() => buildZooModel('transformer-decode', { dModel: 10, heads: 4 })).toThrow(/heads/);
  });
});

describe('llama', () => {
  it('has grouped-query key/value heads, SwiGLU and no learned positions; the count matches llamaParamCount', () => {
    const c = { layers: 2, dModel: 16, heads: 4, kvHeads: 2, dFF: 24, seq: 4, vocab: 8, batch: 2 };
    const p = buildZooModel('llama', { ...c, mode: 'infer' });
    expect(valueNamed(p, 'params/layer_1/attn/wk').type.shape).toEqual([16, 2, 4]);
    expect(valueNamed(p, 'params/layer_1/attn/wq').type.shape).toEqual([16, 4, 4]);
    expect(valueNamed(p, 'params/layer_0/mlp/w_gate').type.shape).toEqual([16, 24]);
    expect(p.values.some((v) => v.name === 'params/embed/positions')).toBe(false);
    expect(paramCount(p)).toBe(llamaParamCount(c));
  });

  it('rotary embedding keeps the norm of every (position, head) pair and is the identity at position 0', () => {
    const b = new ProgramBuilder('rope');
    const x = b.input('x', { shape: [1, 3, 2, 4], dtype: 'f32' });
    b.output(applyRope(b, x, ropeTables(b, 3, 4, 'f32')), 'y');
    const prog = b.build();
    const xs = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i + 1));
    const [y] = runProgram(prog, [xs]);
    for (let s = 0; s < 3; s++) {
      for (let h = 0; h < 2; h++) {
        const at = (a: Float32Array) => Array.from(a.slice((s * 2 + h) * 4, (s * 2 + h) * 4 + 4));
        const norm = (v: number[]) => Math.hypot(...v);
        expect(norm(at(y))).toBeCloseTo(norm(at(xs)), 5);
        if (s === 0) at(y).forEach((e, k) => expect(e).toBeCloseTo(at(xs)[k], 6));
        else expect(at(y)).not.toEqual(at(xs));
      }
    }
  });
});

describe('transformer-decode', () => {
  const c = { layers: 2, dModel: 8, heads: 4, dFF: 16, cacheLen: 6, vocab: 11, batch: 3 };
  const p = buildZooModel('transformer-decode', c);
  const pos = 2;
  const base = () => {
    const ins = randomInputs(p, 4);
    ins[inputIndex(p, 'position')] = Float32Array.of(pos);
    return ins;
  };

  it('takes a multi-query KV cache and returns logits of the new token and the updated cache', () => {
    expect(valueNamed(p, 'batch/kv_cache/layer_1/v').type.shape).toEqual([3, 6, 1, 2]);
    expect(valueNamed(p, 'params/layer_0/attn/wk').type.shape).toEqual([8, 1, 2]);
    expect(p.outputs.map((o) => o.name)).toEqual(['logits',
      'batch/kv_cache/layer_0/k', 'batch/kv_cache/layer_0/v', 'batch/kv_cache/layer_1/k', 'batch/kv_cache/layer_1/v']);
    expect(valueNamed(p, 'logits').type.shape).toEqual([3, 1, 11]);
  });

  it('writes the new key and value at the position and nowhere else', () => {
    const ins = base();
    const outs = runProgram(p, ins);
    const dh = 2;
    for (const name of ['batch/kv_cache/layer_0/k', 'batch/kv_cache/layer_1/v']) {
      const before = ins[inputIndex(p, name)], after = outs[outputIndex(p, name)];
      let changedAtPos = 0;
      for (let bi = 0; bi < 3; bi++) {
        for (let t = 0; t < 6; t++) {
          for (let e = 0; e < dh; e++) {
            const k = (bi * 6 + t) * dh + e;
            if (t === pos) changedAtPos += after[k] !== before[k] ? 1 : 0;
            else expect(after[k]).toBe(before[k]);
          }
        }
      }
      expect(changedAtPos).toBe(3 * dh);
    }
  });

  it('attends to cache entries up to the position only', () => {
    const ins = base();
    const logits = runProgram(p, ins)[0];
    const cacheK = inputIndex(p, 'batch/kv_cache/layer_0/k');
    const perturbAt = (t: number) => {
      const copy = ins.slice();
      copy[cacheK] = Float32Array.from(ins[cacheK], (v, k) => (Math.floor(k / 2) % 6 === t ? v + 3 : v));
      return runProgram(p, copy)[0];
    };
    expect(Array.from(perturbAt(pos + 2))).toEqual(Array.from(logits));
    expect(Array.from(perturbAt(pos - 1))).not.toEqual(Array.from(logits));
  });
});

describe('moe', () => {
  const c = { layers: 1, dModel: 8, heads: 2, dFF: 8, experts: 4, topK: 2, seq: 6, vocab: 7, batch: 2, mode: 'infer' };
  const dispatchOf = (params: Record<string, number | string>) => {
    const p = buildZooModel('moe', { ...c, ...params });
    const values = runProgramValues(p, randomInputs(p, 9));
    const v = valueNamed(p, 'layer_0/moe/dispatch');
    return { d: values[v.id], shape: v.type.shape };
  };

  it('sends every token to exactly topK experts when capacity allows, one token per slot', () => {
    const { d, shape } = dispatchOf({ capacityFactor: 2 });
    const [G, S, E, C] = shape;
    expect(C).toBe(moeCapacity({ capacityFactor: 2, topK: 2, seq: 6, experts: 4, groupSize: 0 }));
    for (let g = 0; g < G; g++) {
      for (let s = 0; s < S; s++) {
        let n = 0;
        for (let k = 0; k < E * C; k++) n += d[((g * S + s) * E * C) + k];
        expect(n).toBe(2);
      }
      for (let e = 0; e < E; e++) {
        for (let slot = 0; slot < C; slot++) {
          let n = 0;
          for (let s = 0; s < S; s++) n += d[((g * S + s) * E + e) * C + slot];
          expect(n).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('drops tokens past an expert\'s capacity', () => {
    const { d, shape } = dispatchOf({ capacityFactor: 0.25 });
    const [G, S, E, C] = shape;
    expect(C).toBe(1);
    let total = 0;
    for (let k = 0; k < d.length; k++) total += d[k];
    expect(total).toBeLessThanOrEqual(G * E * C);
    expect(total).toBeLessThan(G * S * 2);
  });

  it('routes in groups of groupSize tokens', () => {
    const { shape } = dispatchOf({ groupSize: 3 });
    expect(shape.slice(0, 2)).toEqual([4, 3]);
  });
});

describe('unet', () => {
  it('down-samples to the lowest resolution and back, with skips concatenated', () => {
    const p = buildZooModel('unet', { batch: 2, size: 8, channels: 3, base: 4, levels: 2, groups: 2, mode: 'infer' });
    expect(valueNamed(p, 'mid/out').type.shape).toEqual([2, 4, 4, 8]);
    expect(valueNamed(p, 'up_1/out').type.shape).toEqual([2, 4, 4, 8]);
    expect(valueNamed(p, 'up_0/out').type.shape).toEqual([2, 8, 8, 4]);
    expect(valueNamed(p, 'prediction').type.shape).toEqual([2, 8, 8, 3]);
    // up_0's first block: level 1's up-sampled 8 channels + the skip of down_0's stride-2 conv
    expect(valueNamed(p, 'params/up_0/res_0/conv1/w').type.shape).toEqual([3, 3, 8 + 4, 4]);
    expect(p.ops.some((o) => o.kind === 'convolution' && o.attrs.strides[0] === 2)).toBe(true);
    expect(p.ops.some((o) => o.kind === 'attention')).toBe(true);
  });

  it('has the paper\'s layout at 3 levels of 3 blocks: 9 residual blocks down, 12 up, 2 in the middle, one 16-head attention', () => {
    const p = buildZooModel('unet', { batch: 1, size: 8, base: 8, levels: 3, resBlocks: 3, heads: 16, groups: 2, mode: 'infer' });
    const blocks = (prefix: RegExp) => new Set(p.inputs.map((v) => p.values[v].name ?? '').filter((n) => prefix.test(n)).map((n) => n.split('/').slice(0, 3).join('/'))).size;
    expect(blocks(/^params\/down_\d\/res_\d\//)).toBe(9);
    expect(blocks(/^params\/up_\d\/res_\d\//)).toBe(12);
    expect(blocks(/^params\/mid\/res\d\//)).toBe(2);
    const attn = p.ops.filter((o) => o.kind === 'attention');
    expect(attn.length).toBe(1);
    expect(valueNamed(p, 'params/mid/attn/wq').type.shape).toEqual([32, 16, 2]);
  });
});

describe('gns', () => {
  it('does not depend on the order of the edges', () => {
    const p = buildZooModel('gns', { nodes: 6, edges: 10, mode: 'infer' });
    const ins = randomInputs(p, 5);
    const perm = [3, 7, 0, 9, 1, 8, 2, 6, 5, 4];
    const shuffled = ins.slice();
    for (const [name, width] of [['batch/senders', 1], ['batch/receivers', 1], ['batch/edges', 3]] as const) {
      const i = inputIndex(p, name);
      shuffled[i] = new Float32Array(ins[i].length);
      perm.forEach((from, to) => shuffled[i].set(ins[i].subarray(from * width, from * width + width), to * width));
    }
    const a = runProgram(p, ins), b = runProgram(p, shuffled);
    const pred = outputIndex(p, 'prediction');
    // one property vector per graph, read out of the globals
    expect(valueNamed(p, 'prediction').type.shape).toEqual([2, 2]);
    a[pred].forEach((x, k) => expect(b[pred][k]).toBeCloseTo(x, 4));
    // and does depend on which node sends: rewiring one edge changes the prediction
    const rewired = ins.slice();
    const s = inputIndex(p, 'batch/senders');
    rewired[s] = Float32Array.from(ins[s], (v, k) => (k === 0 ? (v + 1) % 6 : v));
    expect(Array.from(runProgram(p, rewired)[pred])).not.toEqual(Array.from(a[pred]));
  });
});
