/**
 * Reduction order over a slow axis: with data parallelism over `replica` (DCN between slices) and ZeRO
 * on `batch` within a slice, a gradient partial over both is reduce-scattered over `batch` first and
 * only its shard is all-reduced over `replica`, whatever the order of the tactics.
 */
import { describe, it, expect } from 'vitest';
import { verifySpmd } from '../interp/verify';
import { numElements } from '../ir/shape';
import { lowerZoo, mesh } from './zooHarness';

const RP = 'RP = BatchParallel(axis="replica")';
const BP = 'BP = BatchParallel(axis="batch")';
const Z = (stage: number) => `Z = ZeRO(stage=${stage}, axis="batch")`;
const schedule = (...defs: string[]) => `${defs.join('\n')}\nschedule = [${defs.map((d) => d.split(' ')[0]).join(', ')}]`;

describe('hierarchical reduction over a slow axis', () => {
  for (const stage of [2, 3]) {
    for (const [order, text] of [['replica first', schedule(RP, BP, Z(stage))], ['replica last', schedule(BP, Z(stage), RP)]] as const) {
      it(`ZeRO-${stage}, ${order}: every gradient all-reduce over replica reads a reduce-scattered shard`, () => {
        const { spmd } = lowerZoo(text, mesh({ replica: 2, batch: 4 }), { layers: 1, dModel: 16, heads: 4, dFF: 32, seq: 8, vocab: 32, batch: 8 });
        const p = spmd.program;
        let overReplica = 0;
        let sharded = 0;
        for (const op of p.ops) {
          if (op.kind !== 'all_reduce' || op.phase !== 'backward' || !op.attrs.axes.includes('replica')) continue;
          const src = p.values[op.operands[0]];
          if (src.role !== 'gradient' || numElements(src.type.shape) < 4) continue;
          overReplica++;
          // the full batch-reduced gradient never crosses the slow axis
          expect(op.attrs.axes).toEqual(['replica']);
          if (src.def >= 0 && p.ops[src.def].kind === 'reduce_scatter') sharded++;
        }
        expect(overReplica).toBeGreaterThan(0);
        expect(sharded).toBe(overReplica);
        const v = verifySpmd(spmd);
        expect(v.ok, v.worst).toBe(true);
      });
    }
  }
});
