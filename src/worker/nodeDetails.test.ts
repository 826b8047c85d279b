import { describe, expect, it } from 'vitest';
import type { Config } from '../core/io/config';
import { Session } from './session';
import { coreDeps } from './wiring';

// Megatron on a small transformer: every layer's row-parallel matmuls need all-reduces over `model`.
const config: Config = {
  version: 1,
  model: { zoo: 'transformer', params: { layers: 2, dModel: 32, heads: 4, dFF: 64, seq: 8, vocab: 64, batch: 8 } },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p' },
  tactics: 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n',
};

describe('Session.nodeDetails', () => {
  it('lists, for each op, exactly the collectives the report attributes to it', () => {
    const s = new Session(coreDeps);
    const r = s.run(1, config);
    if (!r.ok) throw new Error(r.error.message);
    const byOp = new Map<number, number>();
    for (const c of r.report.collectives) if (c.opId >= 0) byOp.set(c.opId, (byOp.get(c.opId) ?? 0) + 1);
    expect(byOp.size).toBeGreaterThan(0);
    for (const [opId, count] of byOp) {
      const d = s.nodeDetails(`op:${opId}`);
      expect(d?.collectives, `op ${opId}`).toHaveLength(count);
      const kinds = r.report.collectives.filter((c) => c.opId === opId).map((c) => c.kind);
      expect(d?.collectives?.map((c) => c.kind)).toEqual(kinds);
    }
    // An op no collective serves lists none.
    const quiet = r.report.model.ops > 0 ? [...Array(r.report.model.ops).keys()].find((id) => !byOp.has(id)) : undefined;
    expect(quiet).toBeDefined();
    expect(s.nodeDetails(`op:${quiet}`)?.collectives).toEqual([]);
  });
});
