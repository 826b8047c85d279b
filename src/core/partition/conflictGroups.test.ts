import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { runPipeline } from '../pipeline';

function config(tactics: string): Config {
  return {
    version: 1,
    model: { zoo: 'transformer', params: { layers: 2, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 128, batch: 8, precision: 'mixed', optimizer: 'adam' } },
    mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
    hardware: { preset: 'tpu-v5p' },
    tactics,
  };
}

describe('conflict groups', () => {
  it('calls ZeRO-3 after data parallelism on the same axis expected: parameters gathered before use', () => {
    const r = runPipeline(config('BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nZ3 = ZeRO(stage=3, axis="batch")\nschedule = [BP, MP, Z3]')).report;
    const z3 = r.stages.find((s) => s.tactic === 'Z3')!;
    expect(z3.conflicts.length).toBeGreaterThan(10);
    const groups = z3.conflictGroups!;
    // every conflict is in exactly one group, and there are far fewer groups than conflicts
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(z3.conflicts.length);
    expect(groups.length).toBeLessThan(z3.conflicts.length / 4);
    for (const g of groups) {
      expect(g.expected).toBe(true);
      expect(g.against).toBe('BP');
      expect(g.existing).toBe('replicated');
      expect(g.values.every((v) => v.startsWith('params/') || v.startsWith('opt_state/'))).toBe(true);
      expect(g.explanation).toMatch(/^expected: .*all-gathered before use/);
    }
    // the editor markers: one per group, saying it is expected
    const diags = r.diagnostics.filter((d) => d.code === 'conflict');
    expect(diags.length).toBe(groups.length);
    for (const d of diags) expect(d.message).toContain('expected: BP keeps these parameters');
    // the gathers are there: ZeRO-3 all-gathers parameters over "batch"
    expect(r.collectives.some((c) => c.kind === 'all-gather' && c.axes.includes('batch'))).toBe(true);
  });

  it('puts activations that a sequence split cannot reach in groups that deserve attention', () => {
    // splitting the tokens' sequence dim on "model" meets the attention's keys and values, kept whole there
    const r = runPipeline(config('BP = BatchParallel(axis="batch")\nX = ManualPartition(inputs={"batch/tokens": 1}, axis="model")\nschedule = [BP, X]')).report;
    const x = r.stages.find((s) => s.tactic === 'X')!;
    const attention = x.conflictGroups!.filter((g) => !g.expected);
    expect(attention.length).toBeGreaterThan(0);
    expect(attention.reduce((n, g) => n + g.count, 0)).toBe(x.conflicts.length);
    expect(attention[0].values).toContain('layer_0/attn/k');
    expect(attention[0].explanation).toMatch(/^deserves attention/);
    // attention groups come first
    expect(x.conflictGroups![0].expected).toBe(false);
  });
});
