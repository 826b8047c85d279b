/**
 * Every classic strategy and their combinations, lowered and proved by the SPMD interpreter on a
 * 2×2 and a 2×2×2 mesh (the 3-axis cases add data parallelism over a `pod` axis in front, so the
 * batch dim is tiled by two axes).
 */
import { describe, it, expect } from 'vitest';
import { verifySpmd } from '../interp/verify';
import { lowerZoo, mesh, pick, SMALL_TRANSFORMER } from './zooHarness';

const DEFS: Record<string, string> = {
  P: 'P = BatchParallel(axis="pod")',
  BP: 'BP = BatchParallel(axis="batch")',
  MP: 'MP = Megatron(axis="model")',
  SP: 'SP = SequenceParallel(axis="model")',
  Z1: 'Z1 = ZeRO(axis="batch", stage=1)',
  Z2: 'Z2 = ZeRO(axis="batch", stage=2)',
  Z3: 'Z3 = ZeRO(axis="batch", stage=3)',
  EMB: 'EMB = EmbeddingShard(axis="model")',
};
const text = (names: string[]) => `${names.map((n) => DEFS[n]).join('\n')}\nschedule = [${names.join(', ')}]`;

const CASES = [['BP'], ['MP'], ['BP', 'MP'], ['BP', 'Z1'], ['BP', 'Z2'], ['BP', 'Z3'], ['BP', 'MP', 'Z3'], ['MP', 'SP'], ['EMB']];

describe('transformer step, SPMD-verified', () => {
  for (const names of CASES) {
    it(`${names.join('+')} on 2×2`, () => {
      const { spmd } = lowerZoo(text(names), mesh({ batch: 2, model: 2 }), { ...SMALL_TRANSFORMER, layers: 1 });
      const v = verifySpmd(spmd);
      expect(v.ok, v.worst).toBe(true);
    });
    it(`P+${names.join('+')} on 2×2×2`, () => {
      const { spmd, collectives } = lowerZoo(text(['P', ...names]), mesh({ pod: 2, batch: 2, model: 2 }), { ...SMALL_TRANSFORMER, layers: 1 });
      const v = verifySpmd(spmd);
      expect(v.devices).toBe(8);
      expect(v.ok, v.worst).toBe(true);
      // data parallelism over pod: in the forward pass only the scalar loss is reduced over it
      const overPod = pick(collectives, { phase: 'forward' }).filter((c) => c.axes.includes('pod'));
      expect(overPod.map((c) => c.bytes)).toEqual([4]);
    });
  }

  it('mlp zoo entry: BatchParallel + Megatron on 2×2', () => {
    const { spmd, collectives } = lowerZoo(text(['BP', 'MP']), mesh({ batch: 2, model: 2 }), { layers: 2, dModel: 8, dHidden: 16, batch: 4 }, 'mlp');
    const v = verifySpmd(spmd);
    expect(v.ok, v.worst).toBe(true);
    // one column/row pair: one forward all-reduce over model
    expect(pick(collectives, { phase: 'forward', kind: 'all-reduce', axes: 'model' })).toHaveLength(1);
  });
});
