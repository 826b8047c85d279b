import { describe, expect, it } from 'vitest';
import { randomInputs } from '../interp/verify';
import { runProgram } from '../interp/reference';
import { isRecomputed } from './autodiff';
import { buildZooModel } from './zoo';
import { peakMemory } from '../sim/memory';
import { opFlops } from '../ir/flops';
import type { Program } from '../ir/types';

const params = { layers: 2, dModel: 16, heads: 2, dFF: 32, seq: 8, vocab: 16, batch: 2 };
const recomputeFlops = (p: Program) => p.ops.filter(isRecomputed).reduce((s, op) => s + opFlops(op, p), 0);

describe('selective recompute (attention core only)', () => {
  for (const [zoo, extra] of [['transformer', { attention: 'standard' }], ['transformer', { attention: 'flash' }], ['llama', { kvHeads: 1 }]] as const) {
    it(`${zoo} ${JSON.stringify(extra)}: computes what no remat computes, recomputing less than full`, () => {
      const none = buildZooModel(zoo, { ...params, ...extra, remat: 'none' });
      const sel = buildZooModel(zoo, { ...params, ...extra, remat: 'selective' });
      const full = buildZooModel(zoo, { ...params, ...extra, remat: 'full' });
      const inputs = randomInputs(none, 1);
      const a = runProgram(none, inputs), b = runProgram(sel, inputs);
      a.forEach((x, j) => x.forEach((e, k) => expect(b[j][k]).toBeCloseTo(e, 5)));
      const rs = recomputeFlops(sel), rf = recomputeFlops(full);
      expect(rs).toBeLessThan(rf);
      // (autodiff copies constants and broadcasts into the backward pass under any remat mode)
      const recomputed = sel.ops.filter((op) => isRecomputed(op) && op.kind !== 'constant' && op.kind !== 'broadcast_in_dim');
      // every recomputed op is in an attention scope
      expect(recomputed.every((op) => /^layer_\d+\/attn\//.test(op.scope))).toBe(true);
      // a fused attention op keeps no scores, so there is nothing to recompute; standard attention recomputes them
      if ('attention' in extra && extra.attention === 'standard') {
        expect(rs).toBeGreaterThan(0);
        expect(recomputed.some((op) => op.kind === 'exp')).toBe(true);
      } else expect(rs).toBe(0);
    });
  }
  it('keeps fewer activations than no remat (standard attention: the scores are not kept)', () => {
    const big = { layers: 2, dModel: 64, heads: 4, dFF: 256, seq: 256, vocab: 64, batch: 2, attention: 'standard' };
    const none = peakMemory(buildZooModel('transformer', { ...big, remat: 'none' }), { donation: true });
    const sel = peakMemory(buildZooModel('transformer', { ...big, remat: 'selective' }), { donation: true });
    const full = peakMemory(buildZooModel('transformer', { ...big, remat: 'full' }), { donation: true });
    expect(sel.atPeak.activations).toBeLessThan(none.atPeak.activations * 0.6);
    expect(sel.atPeak.activations).toBeGreaterThan(full.atPeak.activations);
  });
});
