import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import type { TensorType, ValueId } from '../ir/types';
import { runProgram } from './reference';

const f32 = (...shape: number[]): TensorType => ({ shape, dtype: 'f32' });

function randn(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * 0.7);
}

interface Dims { b: number; s: number; h: number; t: number; kvh: number; dh: number }

/** attention as one fused op. */
function fused(D: Dims, causal: boolean, scale: number) {
  const p = new ProgramBuilder('fused');
  const q = p.input('q', f32(D.b, D.s, D.h, D.dh)), k = p.input('k', f32(D.b, D.t, D.kvh, D.dh)), v = p.input('v', f32(D.b, D.t, D.kvh, D.dh));
  p.output(p.emit1('attention', [q, k, v], { causal, scale }), 'o');
  return p.build();
}

/** The same attention built from standard IR ops: grouped dot, mask, softmax, dot. */
function composed(D: Dims, causal: boolean, scale: number) {
  const { b, s, h, t, kvh, dh } = D;
  const g = h / kvh;
  const p = new ProgramBuilder('composed');
  const q = p.input('q', f32(b, s, h, dh)), k = p.input('k', f32(b, t, kvh, dh)), v = p.input('v', f32(b, t, kvh, dh));
  const q5 = p.reshape(q, [b, s, kvh, g, dh]);
  let sc: ValueId = p.dot(q5, k, { lhsBatch: [0, 2], rhsBatch: [0, 2], lhsContract: [4], rhsContract: [3] }); // [b,kvh,s,g,t]
  const shape5 = [b, kvh, s, g, t];
  sc = p.mul(sc, p.constant(scale, shape5));
  if (causal) {
    const qi = p.add(p.iota([s, t], 0), p.constant(t - s, [s, t], 'i32'));
    const kj = p.iota([s, t], 1);
    const masked = p.broadcast(p.compare(kj, qi, 'GT'), shape5, [2, 4]);
    sc = p.select(masked, p.constant(-1e30, shape5), sc);
  }
  const mx = p.broadcast(p.reduce(sc, 'max', [4]), shape5, [0, 1, 2, 3]);
  const e = p.exp(p.sub(sc, mx));
  const pr = p.div(e, p.broadcast(p.sum(e, [4]), shape5, [0, 1, 2, 3]));
  const o = p.dot(pr, v, { lhsBatch: [0, 1], rhsBatch: [0, 2], lhsContract: [4], rhsContract: [1] }); // [b,kvh,s,g,dh]
  p.output(p.reshape(p.transpose(o, [0, 2, 1, 3, 4]), [b, s, h, dh]), 'o');
  return p.build();
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('attention', () => {
  it('on one query row is the softmax-weighted mean of the values (hand values)', () => {
    // q·k = [0, ln 3] with scale 1 → weights [1/4, 3/4]; v = [4, 8] → 7
    const p = new ProgramBuilder('a');
    const q = p.input('q', f32(1, 1, 1, 1)), k = p.input('k', f32(1, 2, 1, 1)), v = p.input('v', f32(1, 2, 1, 1));
    p.output(p.emit1('attention', [q, k, v], { causal: false, scale: 1 }), 'o');
    const o = runProgram(p.build(), [Float32Array.from([1]), Float32Array.from([0, Math.log(3)]), Float32Array.from([4, 8])])[0];
    expect(o[0]).toBeCloseTo(7, 5);
  });

  const shapes: [string, Dims][] = [
    ['multi-head', { b: 2, s: 3, h: 2, t: 3, kvh: 2, dh: 4 }],
    ['grouped-query', { b: 1, s: 4, h: 4, t: 4, kvh: 2, dh: 3 }],
    ['multi-query, decoding (s < t)', { b: 2, s: 2, h: 3, t: 5, kvh: 1, dh: 2 }],
  ];
  for (const [name, D] of shapes)
    for (const causal of [false, true])
      it(`matches the composition of standard ops: ${name}, causal=${causal}`, () => {
        const ins = [randn(D.b * D.s * D.h * D.dh, 1), randn(D.b * D.t * D.kvh * D.dh, 2), randn(D.b * D.t * D.kvh * D.dh, 3)];
        const a = runProgram(fused(D, causal, 0.8), ins)[0];
        const c = runProgram(composed(D, causal, 0.8), ins)[0];
        expect(maxDiff(a, c)).toBeLessThan(1e-5);
      });

  it('causal with s == t: the first query sees only the first key', () => {
    const D = { b: 1, s: 3, h: 1, t: 3, kvh: 1, dh: 2 };
    const v = Float32Array.from([1, 2, 30, 40, 500, 600]);
    const o = runProgram(fused(D, true, 1), [randn(6, 4), randn(6, 5), v])[0];
    expect(Array.from(o.subarray(0, 2))).toEqual([1, 2]);
  });
});

describe('attention_grad', () => {
  for (const [name, D, causal] of [
    ['grouped-query, causal', { b: 1, s: 3, h: 4, t: 3, kvh: 2, dh: 2 }, true],
    ['multi-query decoding, not causal', { b: 2, s: 2, h: 2, t: 3, kvh: 1, dh: 3 }, false],
    ['decoding, causal', { b: 1, s: 2, h: 2, t: 4, kvh: 2, dh: 2 }, true],
  ] as [string, Dims, boolean][])
    it(`matches central finite differences of sum(dOut * attention): ${name}`, () => {
      const scale = 0.9;
      const q = randn(D.b * D.s * D.h * D.dh, 11), k = randn(D.b * D.t * D.kvh * D.dh, 12), v = randn(D.b * D.t * D.kvh * D.dh, 13);
      const dOut = randn(q.length, 14);
      const pg = new ProgramBuilder('g');
      const ins = [pg.input('q', f32(D.b, D.s, D.h, D.dh)), pg.input('k', f32(D.b, D.t, D.kvh, D.dh)), pg.input('v', f32(D.b, D.t, D.kvh, D.dh)), pg.input('d', f32(D.b, D.s, D.h, D.dh))];
      const [dq, dk, dv] = pg.emit('attention_grad', ins, { causal, scale });
      pg.output(dq, 'dq'); pg.output(dk, 'dk'); pg.output(dv, 'dv');
      const grads = runProgram(pg.build(), [q, k, v, dOut]);

      const fwd = fused(D, causal, scale);
      const loss = (x: Float32Array[]) => runProgram(fwd, x)[0].reduce((acc, o, i) => acc + o * dOut[i], 0);
      const eps = 1e-2;
      // the gradients are not trivially small, so the tolerance below is meaningful
      for (const g of grads) expect(g.reduce((m, x) => Math.max(m, Math.abs(x)), 0)).toBeGreaterThan(0.05);
      const base = [q, k, v];
      base.forEach((arr, which) => {
        for (let i = 0; i < arr.length; i++) {
          const plus = base.map((a) => new Float32Array(a)), minus = base.map((a) => new Float32Array(a));
          plus[which][i] += eps;
          minus[which][i] -= eps;
          const fd = (loss(plus) - loss(minus)) / (2 * eps);
          expect(Math.abs(grads[which][i] - fd)).toBeLessThan(2e-3);
        }
      });
    });
});
