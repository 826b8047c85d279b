import { describe, expect, it } from 'vitest';
import { numElements } from '../ir/shape';
import { summarize } from './summary';
import { buildZooModel } from './zoo';

describe('summarize', () => {
  const L = 2, d = 256, s = 32, batch = 2, V = 512, heads = 4;
  const T = batch * s;
  // Matmul FLOPs of one forward pass: 2·T·12d² per block, q·kᵀ and p·v 4·T·s·d per block, logits 2·T·d·V.
  const forward = L * (24 * T * d * d + 4 * T * s * d) + 2 * T * d * V;
  const cfg = { layers: L, dModel: d, heads, dFF: 4 * d, seq: s, vocab: V, batch };

  it('counts forward ≈ F, backward ≈ 2F, and model FLOPs ≈ 3F plus a small element-wise share', () => {
    for (const attention of ['standard', 'flash'] as const) {
      const m = summarize(buildZooModel('transformer', { ...cfg, attention }));
      expect(m.flops.byPhase.forward / forward).toBeGreaterThan(1);
      expect(m.flops.byPhase.forward / forward).toBeLessThan(1.1);
      expect(m.flops.byPhase.backward / (2 * forward)).toBeGreaterThan(1);
      expect(m.flops.byPhase.backward / (2 * forward)).toBeLessThan(1.15);
      expect(m.flops.byPhase.optimizer).toBeGreaterThan(10 * m.parameters);
      expect(m.flops.byPhase.optimizer).toBeLessThan(30 * m.parameters);
      expect(m.flops.byPhase.forward + m.flops.byPhase.backward + m.flops.byPhase.optimizer).toBe(m.flops.executed);
      expect(m.flops.model).toBe(m.flops.executed);
    }
  });

  it('remat adds the block FLOPs the backward needs to executed, not to model', () => {
    const plain = summarize(buildZooModel('transformer', { ...cfg, remat: 'none' }));
    const remat = summarize(buildZooModel('transformer', { ...cfg, remat: 'full' }));
    expect(remat.flops.model).toBe(plain.flops.model);
    const blocks = L * (24 * T * d * d + 4 * T * s * d);
    // Recomputed on demand: the q/k/v and w_in projections and the attention feed backward rules; the
    // wo and w_out products (block outputs) are never read by the backward, so they are not redone.
    const needed = L * (2 * T * 7 * d * d + 4 * T * s * d);
    const extra = remat.flops.executed - plain.flops.executed;
    expect(extra).toBeGreaterThan(needed);
    expect(extra).toBeLessThan(blocks);
  });

  it('sorts bytes into params, optimizer, batch, gradients, activations and temporaries', () => {
    const p = buildZooModel('transformer', cfg);
    const m = summarize(p);
    expect(m.name).toBe('transformer');
    expect(m.ops).toBe(p.ops.length);
    expect(m.bytes.params).toBe(4 * m.parameters);
    expect(m.bytes.gradients).toBe(4 * m.parameters);
    expect(m.bytes.optimizer).toBe(8 * m.parameters + 4);
    expect(m.bytes.batch).toBe(2 * 4 * T);
    // Activations: at least the per-block inputs the backward reads, at most every forward value.
    expect(m.bytes.activations).toBeGreaterThan(L * 4 * T * d);
    const forwardBytes = p.ops.filter((o) => o.phase === 'forward')
      .reduce((n, o) => n + o.results.reduce((k, v) => k + 4 * numElements(p.values[v].type.shape), 0), 0);
    expect(m.bytes.activations).toBeLessThan(forwardBytes);
    expect(m.bytes.temporaries).toBeGreaterThan(0);
  });

  it('an inference step has no backward or optimizer FLOPs and no gradients or activations', () => {
    const m = summarize(buildZooModel('transformer', { ...cfg, mode: 'infer' }));
    expect(m.flops.byPhase.backward).toBe(0);
    expect(m.flops.byPhase.optimizer).toBe(0);
    expect(m.bytes.gradients).toBe(0);
    expect(m.bytes.activations).toBe(0);
    expect(m.bytes.optimizer).toBe(0);
  });
});
