import { describe, expect, it } from 'vitest';
import { runProgram } from '../interp/reference';
import type { Program } from '../ir/types';
import { summarize } from './summary';
import { buildZooModel } from './zoo';

/**
 * A one-layer mlp (dModel 2, batch 3) has a gradient simple enough to write by hand:
 * pred = x·w + b, loss = mean((pred − y)²), dpred = 2(pred − y)/6, dw = xᵀ·dpred, db = Σ_rows dpred.
 */
const x = [[0.5, -1], [2, 0.25], [-0.75, 1.5]];
const y = [[1, 0], [-0.5, 2], [0.3, -1]];
const w0 = [[0.2, -0.4], [0.7, 0.1]];
const b0 = [0.05, -0.3];

function handGrads(): { dw: number[][]; db: number[] } {
  const dpred = x.map((row, i) => [0, 1].map((j) => {
    const pred = row[0] * w0[0][j] + row[1] * w0[1][j] + b0[j];
    return (2 * (pred - y[i][j])) / 6;
  }));
  const dw = [0, 1].map((k) => [0, 1].map((j) => x.reduce((s, row, i) => s + row[k] * dpred[i][j], 0)));
  const db = [0, 1].map((j) => dpred.reduce((s, r) => s + r[j], 0));
  return { dw, db };
}

function feed(p: Program, state: Record<string, number[]>): Float32Array[] {
  return p.inputs.map((v) => {
    const name = p.values[v].name ?? '';
    const given: Record<string, number[]> = {
      'params/layer_0/w': w0.flat(), 'params/layer_0/b': b0, 'batch/x': x.flat(), 'batch/y': y.flat(), ...state,
    };
    const data = given[name];
    if (!data) throw new Error(`no test data for ${name}`);
    return Float32Array.from(data);
  });
}

const out = (p: Program, outs: Float32Array[], name: string): number[] => {
  const k = p.outputs.findIndex((o) => o.name === name);
  if (k < 0) throw new Error(`no output ${name}`);
  return Array.from(outs[k]);
};

describe('optimizer updates match a hand computation', () => {
  const { dw, db } = handGrads();

  it('SGD: p − lr·g', () => {
    const lr = 0.1;
    const p = buildZooModel('mlp', { layers: 1, dModel: 2, dHidden: 3, batch: 3, optimizer: 'sgd', learningRate: lr });
    expect(p.inputs.some((v) => p.values[v].role === 'optimizer')).toBe(false);
    const outs = runProgram(p, feed(p, {}));
    out(p, outs, 'params/layer_0/w').forEach((v, i) => expect(v).toBeCloseTo(w0.flat()[i] - lr * dw.flat()[i], 6));
    out(p, outs, 'params/layer_0/b').forEach((v, i) => expect(v).toBeCloseTo(b0[i] - lr * db[i], 6));
  });

  it('Adam with bias correction, from a mid-training state', () => {
    const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, count = 3;
    const mu = { w: [0.1, -0.2, 0.05, 0.3], b: [0.02, -0.01] };
    const nu = { w: [0.01, 0.04, 0.002, 0.05], b: [0.003, 0.001] };
    const p = buildZooModel('mlp', { layers: 1, dModel: 2, dHidden: 3, batch: 3, optimizer: 'adam', learningRate: lr });
    const outs = runProgram(p, feed(p, {
      'opt_state/mu/layer_0/w': mu.w, 'opt_state/mu/layer_0/b': mu.b,
      'opt_state/nu/layer_0/w': nu.w, 'opt_state/nu/layer_0/b': nu.b, 'opt_state/count': [count],
    }));
    const t = count + 1;
    const check = (name: 'w' | 'b', p0: number[], g: number[]) => {
      const m1 = g.map((gi, i) => b1 * mu[name][i] + (1 - b1) * gi);
      const v1 = g.map((gi, i) => b2 * nu[name][i] + (1 - b2) * gi * gi);
      const upd = m1.map((m, i) => p0[i] - (lr * (m / (1 - b1 ** t))) / (Math.sqrt(v1[i] / (1 - b2 ** t)) + eps));
      out(p, outs, `opt_state/mu/layer_0/${name}`).forEach((v, i) => expect(v).toBeCloseTo(m1[i], 6));
      out(p, outs, `opt_state/nu/layer_0/${name}`).forEach((v, i) => expect(v).toBeCloseTo(v1[i], 7));
      out(p, outs, `params/layer_0/${name}`).forEach((v, i) => expect(v).toBeCloseTo(upd[i], 6));
    };
    check('w', w0.flat(), dw.flat());
    check('b', b0, db);
    expect(out(p, outs, 'opt_state/count')).toEqual([t]);
  });

  it('mixed precision: the update runs on the f32 master copy and is written back to the bf16 param', () => {
    const lr = 0.1;
    const p = buildZooModel('mlp', { layers: 1, dModel: 2, dHidden: 3, batch: 3, optimizer: 'sgd', learningRate: lr, precision: 'mixed' });
    const master = w0.flat().map((v) => v + 0.001);
    const outs = runProgram(p, feed(p, { 'opt_state/master/layer_0/w': master, 'opt_state/master/layer_0/b': b0 }));
    const wOut = p.outputs.find((o) => o.name === 'params/layer_0/w');
    const mOut = p.outputs.find((o) => o.name === 'opt_state/master/layer_0/w');
    expect(p.values[wOut?.value ?? -1].type.dtype).toBe('bf16');
    expect(p.values[mOut?.value ?? -1].type.dtype).toBe('f32');
    // The gradient is taken at the bf16 params; the step applies to the master copy.
    out(p, outs, 'opt_state/master/layer_0/w').forEach((v, i) => expect(v).toBeCloseTo(master[i] - lr * dw.flat()[i], 6));
    out(p, outs, 'params/layer_0/w').forEach((v, i) => expect(v).toBeCloseTo(master[i] - lr * dw.flat()[i], 6));
  });

  it('mixed-precision Adam holds ZeRO’s 2 + 2 + 12 bytes per parameter', () => {
    const p = buildZooModel('transformer', { precision: 'mixed', optimizer: 'adam' });
    const s = summarize(p);
    expect(s.bytes.params).toBe(2 * s.parameters);
    expect(s.bytes.gradients).toBe(2 * s.parameters);
    expect(s.bytes.optimizer).toBe(12 * s.parameters + 4); // + the f32 step count
  });
});
