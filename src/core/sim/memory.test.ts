import { describe, it, expect } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import type { DType } from '../ir/types';
import {
  CATEGORIES, CAT_ACTIVATIONS, CAT_GRADIENTS, CAT_OPTIMIZER, CAT_PARAMS, CAT_TEMPORARIES,
  analyzeMemory, liveness, modelStateBytes, peakMemory, valueCategories,
} from './memory';

const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };

/**
 * A tiny data-parallel training step as a per-device program (f32):
 *   0 fwd  h  = x·w          [2,4] 32 B
 *   1 fwd  a  = tanh(h)      [2,4] 32 B
 *   2 fwd  loss = Σa         scalar 4 B (output)
 *   3 bwd  da = a·a          [2,4] 32 B (reads the activation a)
 *   4 bwd  g  = xᵀ·da        [4,4] 64 B (role gradient)
 *   5 bwd  gr = all_reduce(g) over batch
 *   6 opt  mu' = mu + gr     (output opt_state/mu/w)
 *   7 opt  w'  = w − mu'     (output params/w)
 * Inputs: params/w [4,4] 64 B, opt_state/mu/w [4,4] 64 B, batch/x [2,4] 32 B.
 */
function step(dtype: DType = 'f32') {
  const b = new ProgramBuilder('step');
  const w = b.input('params/w', { shape: [4, 4], dtype });
  const mu = b.input('opt_state/mu/w', { shape: [4, 4], dtype });
  const x = b.input('batch/x', { shape: [2, 4], dtype });
  const h = b.dot(x, w, MM);
  const a = b.unary('tanh', h);
  const loss = b.sum(a, [0, 1]);
  b.output(loss, 'loss');
  const [da, g, gr] = b.inPhase('backward', () => {
    const da = b.mul(a, a);
    const g = b.setRole(b.dot(x, da, { lhsBatch: [], rhsBatch: [], lhsContract: [0], rhsContract: [0] }), 'gradient');
    const gr = b.emit1('all_reduce', [g], { axes: ['batch'] }, b.type(g));
    return [da, g, gr];
  });
  const [mu2, w2] = b.inPhase('optimizer', () => {
    const mu2 = b.add(mu, gr);
    return [mu2, b.sub(w, mu2)];
  });
  b.output(mu2, 'opt_state/mu/w');
  b.output(w2, 'params/w');
  return { p: b.build(), ids: { w, mu, x, h, a, loss, da, g, gr, mu2, w2 } };
}

describe('valueCategories', () => {
  it('classifies params, optimizer state, gradients and their reductions, activations and temporaries', () => {
    const { p, ids } = step();
    const cat = valueCategories(p, { fusion: false });
    const name = (v: number) => CATEGORIES[cat[v]];
    expect(name(ids.w)).toBe('params');
    expect(name(ids.w2)).toBe('params');
    expect(name(ids.mu)).toBe('optimizer');
    expect(name(ids.mu2)).toBe('optimizer');
    expect(name(ids.g)).toBe('gradients');
    expect(name(ids.gr)).toBe('gradients'); // the all-reduce of a gradient
    expect(name(ids.a)).toBe('activations'); // forward value read by the backward pass
    expect(name(ids.x)).toBe('activations'); // batch input read by the backward pass
    expect(name(ids.h)).toBe('temporaries'); // forward value only the forward pass reads
    expect(name(ids.loss)).toBe('temporaries');
    expect(name(ids.da)).toBe('temporaries');
    expect([CAT_PARAMS, CAT_OPTIMIZER, CAT_GRADIENTS, CAT_ACTIVATIONS, CAT_TEMPORARIES]).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('fusion-aware retention', () => {
  it('recomputes an element-wise activation in the backward fusion and keeps the matmul output it needs', () => {
    const { p, ids } = step();
    const m = analyzeMemory(p, { fusion: true });
    // a = tanh(h) is read in the backward pass only by a multiply: recomputed there from h.
    expect(m.recomputed[ids.a]).toBe(1);
    expect(CATEGORIES[m.category[ids.a]]).toBe('temporaries');
    expect(m.end[ids.a]).toBe(2); // its last forward reader, the loss reduction
    expect(CATEGORIES[m.category[ids.h]]).toBe('activations');
    expect(m.end[ids.h]).toBe(3); // h lives until the backward multiply that recomputes tanh(h)
    // Live bytes: start 160; op0 +h 192; op1 +a 224; op2 +loss 228; op3 −a +da 228; op4 −h +g 260 (as before).
    expect(peakMemory(p, { fusion: true }).peak).toBe(260);
  });

  it('never recomputes a value a backward matmul reads', () => {
    const b = new ProgramBuilder('p');
    const x = b.input('batch/x', { shape: [4, 4], dtype: 'f32' });
    const t = b.unary('tanh', x);
    b.output(b.sum(t, [0, 1]), 'loss');
    b.inPhase('backward', () => b.output(b.dot(t, t, MM), 'g'));
    const m = analyzeMemory(b.build());
    expect(m.recomputed[t]).toBe(0);
    expect(CATEGORIES[m.category[t]]).toBe('activations');
  });
});

describe('liveness', () => {
  it('keeps updated inputs and outputs to the end, other values to their last use', () => {
    const { p, ids } = step();
    const { start, end } = liveness(p, { fusion: false });
    const n = p.ops.length;
    expect([start[ids.w], end[ids.w]]).toEqual([-1, n]);
    expect([start[ids.mu], end[ids.mu]]).toEqual([-1, n]);
    expect([start[ids.x], end[ids.x]]).toEqual([-1, 4]); // last read by op 4 (the weight gradient)
    expect([start[ids.a], end[ids.a]]).toEqual([1, 3]);
    expect([start[ids.loss], end[ids.loss]]).toEqual([2, n]);
    expect([start[ids.w2], end[ids.w2]]).toEqual([7, n]);
  });
});

describe('peakMemory', () => {
  it('equals a hand count of the live bytes, with the categories at the peak', () => {
    const { p } = step();
    // Live bytes after each op's results are allocated (inputs 64+64+32 = 160 throughout the start):
    //   start 160; op0 +h 192; op1 +a 224; op2 −h +loss 196; op3 +da 228;
    //   op4 −a +g: 160+4+32+64 = 260 (x, da still live: op 4 reads them) ← first time at the peak;
    //   op5 −x −da +gr: 128+4+64+64 = 260; op6 −g +mu': 260; op7 −gr +w': 260.
    const m = peakMemory(p, { fusion: false });
    expect(m.peak).toBe(260);
    expect(m.peakOp).toBe(4);
    expect(m.atPeak).toEqual({ params: 64, optimizer: 64, gradients: 64, activations: 32, temporaries: 4 + 32 });
  });

  it('with donation, an updated input dies at its last use', () => {
    const { p } = step();
    // mu dies after op 6 and w after op 7: at op 6 live are w 64, mu 64, loss 4, gr 64, mu' 64 = 260;
    // at op 7: w 64, loss 4, mu' 64, w' 64 = 196. Earlier steps are unchanged, so the peak stays 260, but the
    // end of the step no longer holds both old and new state.
    const m = peakMemory(p, { fusion: false, donation: true });
    expect(m.peak).toBe(260);
    const { end } = liveness(p, { fusion: false, donation: true });
    expect(end[0]).toBe(7); // params/w: last read by op 7
    expect(end[1]).toBe(6); // opt_state/mu/w: last read by op 6
  });

  it('scales with the dtype', () => {
    expect(peakMemory(step('bf16').p, { fusion: false }).peak).toBe(130);
  });

  it('counts an input that is not returned only until its last use', () => {
    const b = new ProgramBuilder('p');
    const x = b.input('batch/x', { shape: [256], dtype: 'f32' }); // 1 KiB
    const y = b.exp(x); // 1 KiB, x dies after this op
    const z = b.exp(y); // y dies after this op
    b.output(z, 'z');
    const m = peakMemory(b.build());
    expect(m.peak).toBe(2048);
  });
});

describe('modelStateBytes', () => {
  it('counts each gradient in its reduced form: whole after an all-reduce, a shard after a reduce-scatter', () => {
    const b = new ProgramBuilder('zero');
    b.input('params/a', { shape: [8, 4], dtype: 'bf16' }); // 64 B
    b.input('params/b', { shape: [8, 4], dtype: 'bf16' }); // 64 B
    b.input('opt_state/mu/a', { shape: [2, 4], dtype: 'f32' }); // 32 B (a quarter)
    const x = b.input('batch/x', { shape: [8, 4], dtype: 'bf16' });
    b.inPhase('backward', () => {
      const ga = b.setRole(b.exp(x), 'gradient');
      const ar = b.emit1('all_reduce', [ga], { axes: ['d'] }, { shape: [8, 4], dtype: 'bf16' });
      b.emit1('shard_slice', [ar], { axes: ['d'], dim: 0 }, { shape: [2, 4], dtype: 'bf16' });
      const gb = b.setRole(b.exp(x), 'gradient');
      b.emit1('reduce_scatter', [gb], { axes: ['d'], dim: 0 }, { shape: [2, 4], dtype: 'bf16' });
    });
    expect(modelStateBytes(b.build())).toEqual({ params: 128, optimizer: 32, gradients: 64 + 16 });
  });

  it('follows a partial gradient through its cast to f32 and counts the reduced shard at the gradient precision', () => {
    const b = new ProgramBuilder('zero2');
    const x = b.input('batch/x', { shape: [8, 4], dtype: 'bf16' });
    b.inPhase('backward', () => {
      const g = b.setRole(b.exp(x), 'gradient'); // bf16 [8,4]
      const g32 = b.convert(g, 'f32');
      b.emit1('reduce_scatter', [g32], { axes: ['d'], dim: 0 }, { shape: [2, 4], dtype: 'f32' });
    });
    expect(modelStateBytes(b.build()).gradients).toBe(2 * 4 * 2);
  });
});

describe('fused element-wise chains hold no temporaries', () => {
  it('an intermediate of a fused chain is never allocated; its inputs live until the fusion runs', () => {
    const b = new ProgramBuilder('chain');
    const x = b.input('x', { shape: [1024, 1024], dtype: 'f32' }); // 4 MiB
    const e = b.exp(x); // fused into m
    const n = b.neg(e); // fused into m
    const m = b.mul(n, x);
    b.output(m, 'out');
    const p = b.build();
    const tensor = 4 * 2 ** 20;
    // plain liveness: three tensors live at once (x, e, n while n is made; x, n, m while m is)
    expect(peakMemory(p, { fusion: false }).peak).toBe(3 * tensor);
    // fusion: only the boundary tensors x and m
    expect(peakMemory(p).peak).toBe(2 * tensor);
    const a = analyzeMemory(p);
    expect(a.bytes[e]).toBe(0);
    expect(a.bytes[n]).toBe(0);
    expect(a.end[x]).toBeGreaterThanOrEqual(p.values[m].def);
  });

  it('a loss one-hot (iota, broadcast, compare) read by one select is not materialised', () => {
    const b = new ProgramBuilder('onehot');
    const labels = b.input('labels', { shape: [64], dtype: 'i32' });
    const logits = b.input('logits', { shape: [64, 4096], dtype: 'f32' });
    const iota = b.emit1('iota', [], { shape: [64, 4096], dim: 1, dtype: 'i32' }, { shape: [64, 4096], dtype: 'i32' });
    const lb = b.emit1('broadcast_in_dim', [labels], { shape: [64, 4096], dims: [0] }, { shape: [64, 4096], dtype: 'i32' });
    const hit = b.emit1('compare', [iota, lb], { direction: 'EQ' }, { shape: [64, 4096], dtype: 'bool' });
    const zero = b.emit1('constant', [], { shape: [64, 4096], dtype: 'f32', value: 0 }, { shape: [64, 4096], dtype: 'f32' });
    const picked = b.emit1('select', [hit, logits, zero], {}, { shape: [64, 4096], dtype: 'f32' });
    b.output(picked, 'picked');
    const p = b.build();
    const a = analyzeMemory(p);
    for (const v of [iota, lb, hit, zero]) expect(a.bytes[v]).toBe(0);
    expect(peakMemory(p).peak).toBe(64 * 4 + 2 * 64 * 4096 * 4);
  });
});
