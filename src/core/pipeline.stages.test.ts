/**
 * The pipeline's per-stage figures: conflicts grouped once per stage (the report's groups and the editor's
 * markers are the same groups), and the memory curve, values at the peak and step contributors of each stage.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Config } from './io/config';

const calls = vi.hoisted(() => ({ groupConflicts: 0 }));
vi.mock('./partition/conflictGroups', async (importOriginal) => {
  const real = await importOriginal<typeof import('./partition/conflictGroups')>();
  return {
    ...real,
    groupConflicts: (...args: Parameters<typeof real.groupConflicts>) => {
      calls.groupConflicts++;
      return real.groupConflicts(...args);
    },
  };
});

const { runPipeline } = await import('./pipeline');

/** BatchParallel then ZeRO-3 on one axis: thousands of expected conflicts in stage 2. */
const ZERO3: Config = {
  version: 1,
  model: { zoo: 'transformer', params: { layers: 2, dModel: 32, heads: 2, dFF: 64, seq: 8, vocab: 64, batch: 4 } },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p', links: { batch: 'ici', model: 'ici' } },
  tactics: 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nZ3 = ZeRO(axis="batch", stage=3)\nschedule = [BP, MP, Z3]\n',
  options: { overlap: true },
};

describe('runPipeline per stage', () => {
  const before = calls.groupConflicts;
  const { report } = runPipeline(ZERO3);
  const grouping = calls.groupConflicts - before;

  it('groups each stage\'s conflicts once, and the editor markers are those groups', () => {
    expect(report.stages).toHaveLength(3);
    expect(grouping).toBe(report.stages.length);
    const groups = report.stages.flatMap((s) => s.conflictGroups ?? []);
    expect(groups.length).toBeGreaterThan(0);
    expect(report.diagnostics.filter((d) => d.code === 'conflict')).toHaveLength(groups.length);
  });

  it('gives every stage its own memory curve, values at the peak and step contributors', () => {
    for (const s of report.stages) {
      const curve = s.memory!.curve!;
      // the curve's marked peak is the stage's peak
      expect(curve.points[curve.peakIndex].bytes).toBe(s.memory!.peak);
      expect(s.memory!.topValues!.length).toBeGreaterThan(0);
      expect(s.memory!.topValues!.reduce((n, v) => n + v.bytes, 0)).toBeLessThanOrEqual(s.memory!.peak);
      expect(s.contributors!.length).toBeGreaterThan(0);
    }
    // the last stage's are the whole schedule's
    const last = report.stages.at(-1)!;
    expect(last.memory!.curve).toEqual(report.memory.perDevice[0].curve);
    expect(last.memory!.topValues).toEqual(report.memory.perDevice[0].topValues);
    // after BatchParallel alone no collective crosses "model"; after Megatron one does
    const overModel = (i: number) => report.stages[i].contributors!.some((c) => c.axes?.includes('model'));
    expect(overModel(0)).toBe(false);
    expect(overModel(1)).toBe(true);
  });
});
