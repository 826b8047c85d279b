import { describe, expect, it } from 'vitest';
import { compareResults } from '../core/compare';
import type { Config } from '../core/io/config';
import { runPipeline } from '../core/pipeline';
import { totalsByKind } from './compareKinds';

const config = (tactics: string, model = 2): Config => ({
  version: 1,
  model: { zoo: 'transformer', params: { layers: 2, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 128, batch: 8 } },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: model }] },
  hardware: { preset: 'tpu-v5p' },
  tactics,
});

describe('totalsByKind', () => {
  it("sums each side's collectives per kind, matching the reports", () => {
    const a = runPipeline(config('BP = BatchParallel(axis="batch")\nschedule = [BP]'));
    const b = runPipeline(config('BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nZ = ZeRO(stage=3, axis="batch")\nschedule = [BP, MP, Z]', 4));
    const rows = totalsByKind(compareResults(a, b).collectives.byKind);
    for (const r of rows) {
      const inA = a.report.collectives.filter((c) => c.kind === r.kind);
      const inB = b.report.collectives.filter((c) => c.kind === r.kind);
      expect(r.count).toEqual({ a: inA.length, b: inB.length });
      expect(r.bytes.b).toBeCloseTo(inB.reduce((s, c) => s + c.bytes, 0), 6);
    }
    // B adds all-gathers (ZeRO-3) that A does not have
    const ag = rows.find((r) => r.kind === 'all-gather')!;
    expect(ag.count.a).toBe(0);
    expect(ag.count.b).toBeGreaterThan(0);
  });
});
