import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { verifySpmd } from '../interp/verify';
import { runPipeline } from '../pipeline';
import { BP, lines, MP, transformerConfig } from './testConfig';

/**
 * The headline: on an 8-layer transformer training step, after BatchParallel on "batch",
 * AutomaticPartition on "model" matches Megatron (within 5%) or beats it. Widths are realistic and the
 * global batch of 4 over a batch axis of 4 leaves one sequence per device, so the model axis cannot
 * split the batch again and tensor parallelism is what pays. (Its own file: it takes ~20-40 s.)
 */
const TRANSFORMER_8 = { layers: 8, dModel: 1024, heads: 16, dFF: 4096, seq: 2048, vocab: 32000, batch: 4, precision: 'mixed', optimizer: 'adam' };

/** The same architecture at widths the SPMD interpreter can run. */
const TINY = { layers: 2, dModel: 32, heads: 4, dFF: 64, seq: 8, vocab: 64, batch: 4, precision: 'fp32', optimizer: 'adam' };

const config = (tactics: string, params: Record<string, number | string> = TRANSFORMER_8, mesh = 4): Config =>
  transformerConfig(params, tactics, [mesh, mesh]);

describe('AutomaticPartition in the pipeline (8-layer transformer)', () => {
  it('finds a strategy on "model" after BatchParallel within 5% of Megatron or better, and "make manual" reproduces it', () => {
    const megatron = runPipeline(config(lines(BP, MP, 'schedule = [BP, MP]')));
    const auto = runPipeline(config(lines(BP, 'AUTO = AutomaticPartition(axes=["model"], seed=1)', 'schedule = [BP, AUTO]')));
    const found = auto.report.auto?.[0];
    expect(found).toBeDefined();
    if (!found) return;
    expect(auto.report.time.step).toBeLessThanOrEqual(1.05 * megatron.report.time.step);
    expect(found.best.step).toBeCloseTo(auto.report.time.step, 12);
    expect(found.best.step).toBeLessThan(found.baseline.step);
    expect(found.feasible).toBe(true);
    expect(found.chosen.length).toBeGreaterThan(0);
    expect(found.chosen.every((a) => a.axis === 'model')).toBe(true);
    expect(auto.report.stages.map((s) => s.tactic)).toEqual(['BP', ...found.names]);
    // "make manual": the text in place of the AutomaticPartition gives the same step.
    const manual = runPipeline(config(lines(BP, found.text, `schedule = [BP, ${found.names.join(', ')}]`)));
    expect(manual.report.time.step).toBeCloseTo(auto.report.time.step, 12);
    expect(manual.report.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
      // The same text on the tiny model of the same architecture is a correct SPMD program.
    const tiny = runPipeline(config(lines(BP, found.text, `schedule = [BP, ${found.names.join(', ')}]`), TINY, 2));
    expect(tiny.report.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
    expect(verifySpmd(tiny.spmd).ok).toBe(true);
  }); // ~2 s measured in the full suite on the loaded 2-core machine: the default timeout
});
