/**
 * A max over a sharded dim leaves partial maxima, combined by a max all-reduce: a vocabulary-sharded
 * softmax cross-entropy reduces its max and its sums over the vocabulary and never gathers the logits,
 * and the SPMD interpreter proves that the partitioned step computes what the original computes.
 */
import { describe, expect, it } from 'vitest';
import { maxOf } from '../interp/collectives';
import { verifySpmd } from '../interp/verify';
import { planReshard } from './reshard';
import { lowerZoo, mesh, pick, SMALL_TRANSFORMER } from './zooHarness';

describe('partial maxima', () => {
  it('maxOf is the elementwise maximum', () => {
    expect([...maxOf([Float32Array.from([1, -2, 3]), Float32Array.from([0, 5, -1])])]).toEqual([1, 5, 3]);
  });

  it('a max-partial value is all-reduced with max, also when the target tiles the dim (no max reduce-scatter)', () => {
    expect(planReshard({ dims: [[]], partial: ['m'], reducer: 'max' }, { dims: [[]], partial: [] })).toEqual([{ kind: 'all_reduce', axes: ['m'], reducer: 'max' }]);
    expect(planReshard({ dims: [[]], partial: ['m'], reducer: 'max' }, { dims: [['m']], partial: [] }))
      .toEqual([{ kind: 'all_reduce', axes: ['m'], reducer: 'max' }, { kind: 'shard_slice', axes: ['m'], dim: 0 }]);
    expect(planReshard({ dims: [[]], partial: ['m'] }, { dims: [['m']], partial: [] })).toEqual([{ kind: 'reduce_scatter', axes: ['m'], dim: 0 }]);
  });

  it.each([true, false])('vocabulary-sharded cross-entropy (tied embeddings: %s): max and sum all-reduces, no gathered logits, proven', (tied) => {
    const tactics = 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nEMB = EmbeddingShard(axis="model", dim="vocab")\nschedule = [BP, MP, EMB]';
    const { spmd, collectives } = lowerZoo(tactics, mesh({ batch: 2, model: 2 }), { ...SMALL_TRANSFORMER, tiedEmbeddings: tied });
    const loss = pick(collectives, { phase: 'forward', axes: 'model', scope: /^loss/ });
    expect(loss.filter((c) => c.kind === 'all-reduce' && c.reducer === 'max')).toHaveLength(1);
    expect(loss.filter((c) => c.kind === 'all-reduce' && c.reducer === undefined).length).toBeGreaterThanOrEqual(2);
    // The logits [batch, seq, vocab] are never gathered on the model axis.
    expect(pick(collectives, { kind: 'all-gather', axes: 'model' }).filter((c) => /loss|unembed/.test(c.scope))).toEqual([]);
    const v = verifySpmd(spmd);
    expect(v.ok, v.worst).toBe(true);
  });
});
