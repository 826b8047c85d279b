import { describe, expect, it } from 'vitest';
import { compareResults } from './compare';
import type { Config } from './io/config';
import { runPipeline } from './pipeline';

function config(tactics: string, layers = 2): Config {
  return {
    version: 1,
    model: { zoo: 'transformer', params: { layers, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 128, batch: 8, precision: 'mixed', optimizer: 'adam' } },
    mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
    hardware: { preset: 'tpu-v5p' },
    tactics,
  };
}

const BP = 'BP = BatchParallel(axis="batch")\nschedule = [BP]';
const BPMP = 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]';

describe('compareResults', () => {
  const bp = runPipeline(config(BP));
  const bpmp = runPipeline(config(BPMP));

  it("sums each side's collectives per kind (kinds), matching the reports, with every axis a kind runs over", () => {
    const c = compareResults(bp, bpmp);
    expect(c.collectives.kinds.length).toBeGreaterThan(0);
    for (const r of c.collectives.kinds) {
      const inA = bp.report.collectives.filter((x) => x.kind === r.kind);
      const inB = bpmp.report.collectives.filter((x) => x.kind === r.kind);
      expect(r.count).toEqual({ a: inA.length, b: inB.length });
      expect(r.bytes.a).toBeCloseTo(inA.reduce((s, x) => s + x.bytes, 0), 6);
      expect(r.bytes.b).toBeCloseTo(inB.reduce((s, x) => s + x.bytes, 0), 6);
      expect([...r.axes].sort()).toEqual([...new Set([...inA, ...inB].flatMap((x) => x.axes))].sort());
    }
    // Megatron adds all-reduces on "model" that batch parallelism alone does not have.
    expect(c.collectives.kinds.find((r) => r.kind === 'all-reduce')?.axes).toContain('model');
  });

  it('finds nothing between a result and itself', () => {
    const c = compareResults(bp, runPipeline(config(BP)));
    expect(c.sameModel).toBe(true);
    expect(c.shardings.count).toBe(0);
    expect(c.collectives.added).toEqual([]);
    expect(c.collectives.removed).toEqual([]);
    expect(c.collectives.changed).toEqual([]);
    expect(c.time.step.delta).toBe(0);
    expect(c.memory.peak.delta).toBe(0);
  });

  it('lists the values Megatron shards on "model", by id, and nothing that agrees', () => {
    const c = compareResults(bp, bpmp);
    expect(c.sameModel).toBe(true);
    const wIn = c.shardings.values.find((v) => v.value === 'params/layer_0/mlp/w_in');
    expect(wIn).toMatchObject({ a: { batch: 'replicated', model: 'replicated' }, b: { model: { tiled: 1 } }, axes: ['model'] });
    expect(c.shardings.idsB).toContain(wIn?.idB);
    // The batch tiling is common to both: no listed value differs on "batch" alone.
    expect(c.shardings.values.every((v) => v.axes.length > 0)).toBe(true);
    expect(c.shardings.values.some((v) => v.axes.includes('batch'))).toBe(false);
    // Every id listed really differs, against the report's own shardings for named values.
    for (const v of c.shardings.values) {
      if (v.value.startsWith('%')) continue;
      expect(bp.report.shardings[v.value]).not.toEqual(bpmp.report.shardings[v.value]);
    }
    const named = Object.keys(bp.report.shardings).filter((k) => !k.startsWith('%'));
    const differing = named.filter((k) => JSON.stringify(bp.report.shardings[k]) !== JSON.stringify(bpmp.report.shardings[k]));
    expect(c.shardings.values.filter((v) => !v.value.startsWith('%')).map((v) => v.value).sort()).toEqual(differing.sort());
  });

  it('reports the collectives Megatron adds on "model" and the deltas as B − A', () => {
    const c = compareResults(bp, bpmp);
    expect(c.collectives.added.length).toBeGreaterThan(0);
    expect(c.collectives.added.every((g) => g.count.a === 0 && g.count.b > 0)).toBe(true);
    expect(c.collectives.added.some((g) => g.axes.includes('model'))).toBe(true);
    const modelInB = bpmp.report.collectives.filter((x) => x.axes.includes('model')).length;
    const byKindModel = c.collectives.byKind.filter((g) => g.axes.includes('model')).reduce((n, g) => n + g.count.b, 0);
    expect(byKindModel).toBe(modelInB);
    expect(c.time.step).toEqual({ a: bp.report.time.step, b: bpmp.report.time.step, delta: bpmp.report.time.step - bp.report.time.step });
    expect(c.memory.peak.delta).toBe(bpmp.report.memory.perDevice[0].peak - bp.report.memory.perDevice[0].peak);
    expect(c.time.perAxis.model.a).toBe(bp.report.time.perAxis.model ?? 0);
    // Swapping A and B swaps added and removed.
    const back = compareResults(bpmp, bp);
    expect(back.collectives.removed.map((g) => `${g.kind}|${g.op}`).sort()).toEqual(c.collectives.added.map((g) => `${g.kind}|${g.op}`).sort());
    expect(back.time.step.delta).toBe(-c.time.step.delta);
  });

  it('matches values by name across different programs', () => {
    const deeper = runPipeline(config(BP, 3));
    const c = compareResults(bp, deeper);
    expect(c.sameModel).toBe(false);
    const extra = c.shardings.values.find((v) => v.value === 'params/layer_2/mlp/w_in');
    expect(extra).toMatchObject({ a: null, idA: null });
    expect(extra?.b).not.toBeNull();
    // Layers both have are sharded alike.
    expect(c.shardings.values.some((v) => v.value === 'params/layer_0/mlp/w_in')).toBe(false);
  });
});
