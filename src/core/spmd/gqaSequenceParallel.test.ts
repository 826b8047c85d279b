/**
 * Sequence parallelism composed with GQA tensor parallelism (the Llama 3 405B layout,
 * validation/cases/llama3-405b-8192xh100.json): GQAMegatron tiles the attention and MLP on the
 * tensor-parallel axis, SequenceParallel then tiles the residual stream on the sequence dim of the
 * same axis. Scheduled after GQAMegatron, the two tilings meet at the matmuls and are resharded
 * there (all-gather in, reduce-scatter out; docs/tactics.md, docs/semantics.md "Conflicts"), so the
 * step has no conflict; the SPMD interpreter checks that the partitioned step computes what the
 * original computes, at small sizes.
 */
import { describe, it, expect } from 'vitest';
import { verifySpmd } from '../interp/verify';
import type { ModelParams } from '../io/config';
import { lowerZoo, mesh, pick } from './zooHarness';

// two key/value heads so that a tensor-parallel axis of 2 can split them (dim="kv")
const LAYERS = 2;
const SMALL_LLAMA: ModelParams = { layers: LAYERS, dModel: 16, heads: 4, kvHeads: 2, dFF: 24, seq: 8, vocab: 32, batch: 8, precision: 'fp32', remat: 'none' };
const DEFS: Record<string, string> = {
  BP: 'BP = BatchParallel(axis="dp")',
  MP: 'MP = GQAMegatron(axis="tp", dim="kv")',
  EMB: 'EMB = EmbeddingShard(axis="tp", dim="vocab")',
  SP: 'SP = SequenceParallel(axis="tp")',
  Z1: 'Z1 = ZeRO(axis="dp", stage=1)',
};
const text = (names: string[]) => `${names.map((n) => DEFS[n]).join('\n')}\nschedule = [${names.join(', ')}]`;
const m22 = mesh({ dp: 2, tp: 2 });
const layerScope = (i: number) => new RegExp(`^layer_${i}/`);

function verified(names: string[]) {
  const r = lowerZoo(text(names), m22, SMALL_LLAMA, 'llama');
  const v = verifySpmd(r.spmd);
  expect(v.devices).toBe(4);
  expect(v.ok, v.worst).toBe(true);
  return r;
}

describe('GQAMegatron + SequenceParallel (llama, SPMD-verified)', () => {
  it('MP then SP: no conflict; each layer all-gathers into and reduce-scatters out of its two blocks', () => {
    const { result, collectives } = verified(['MP', 'SP']);
    expect(result.stages.flatMap((s) => s.conflicts)).toEqual([]);
    for (let i = 0; i < LAYERS; i++) {
      const fwd = { phase: 'forward', axes: 'tp', scope: layerScope(i) };
      // attention and MLP: one gather of the normalised input, one reduce-scatter of the output each
      expect(pick(collectives, { ...fwd, kind: 'all-gather' })).toHaveLength(2);
      expect(pick(collectives, { ...fwd, kind: 'reduce-scatter' })).toHaveLength(2);
      // the activation all-reduces of plain tensor parallelism are gone
      expect(pick(collectives, { ...fwd, kind: 'all-reduce' })).toEqual([]);
    }
  });

  it('without SP the same layers all-reduce their activations instead (what SP replaces)', () => {
    const { collectives } = verified(['MP']);
    for (let i = 0; i < LAYERS; i++) {
      const fwd = { phase: 'forward', axes: 'tp', scope: layerScope(i) };
      expect(pick(collectives, { ...fwd, kind: 'all-reduce' })).toHaveLength(2);
      expect(pick(collectives, { ...fwd, kind: 'all-gather' })).toEqual([]);
    }
  });

  it('the Llama 3 405B schedule [BP, MP, EMB, SP, Z1] on dp × tp: no conflict, same result as the original', () => {
    const { result, collectives } = verified(['BP', 'MP', 'EMB', 'SP', 'Z1']);
    expect(result.stages.map((s) => s.conflicts.length)).toEqual(result.stages.map(() => 0));
    // ZeRO-1 after the tensor-parallel tactics: gradients reduce-scattered over dp, none all-reduced
    expect(pick(collectives, { phase: 'backward', kind: 'reduce-scatter', axes: 'dp' }).length).toBeGreaterThan(0);
    expect(pick(collectives, { phase: 'backward', kind: 'all-reduce', axes: 'dp' })).toEqual([]);
    // no gradient or parameter is gathered over tp by ZeRO: the tp tiling of the weights is kept
    expect(pick(collectives, { phase: 'optimizer', axes: 'tp' })).toEqual([]);
  });

  it('the order is what removes the conflicts: SP before GQAMegatron conflicts', () => {
    // first in the schedule, the sequence tiling propagates into the attention blocks on its own and
    // meets itself there; after GQAMegatron those blocks are already tiled and SP only reshards at
    // their edges
    const { result } = lowerZoo(text(['BP', 'SP', 'MP', 'EMB', 'Z1']), m22, SMALL_LLAMA, 'llama');
    const conflicts = result.stages.flatMap((s) => s.conflicts);
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts) expect([c.existing.tactic, c.incoming.tactic]).toContain('SP');
  });

  it('ZeRO-1 before the tensor-parallel tactics shards the optimizer state dp-major and gathers the update over tp too', () => {
    const before = verified(['BP', 'Z1', 'MP', 'EMB', 'SP']).collectives;
    const after = verified(['BP', 'MP', 'EMB', 'SP', 'Z1']).collectives;
    const overTp = (cs: typeof before) => pick(cs, { phase: 'optimizer' }).filter((c) => c.axes.includes('tp'));
    expect(overTp(before).length).toBeGreaterThan(0);
    expect(overTp(after)).toEqual([]);
  });
});
