import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { runPipeline } from '../pipeline';

const params = { layers: 8, dModel: 256, heads: 4, dFF: 1024, seq: 256, vocab: 512, batch: 32, precision: 'mixed' };

function cfg(schedule: string): Config {
  return {
    version: 1, model: { zoo: 'transformer', params },
    mesh: { axes: [{ name: 'dp', size: 4 }, { name: 'pp', size: 2 }] },
    hardware: { preset: 'a100-80gb', links: { dp: 'ib', pp: 'ib' } },
    tactics: `schedule = [BatchParallel(axis="dp"), Pipeline(axis="pp", ${schedule})]`,
  };
}

describe('the data-parallel reduction after a pipelined step', () => {
  it('with interleaving, a later chunk\'s gradients are reduced while the device runs its earlier chunk\'s last backward passes', () => {
    const pl = runPipeline(cfg('schedule="interleaved", microbatches=4, virtual=2')).report.pipeline;
    if (!pl) throw new Error('no pipeline');
    for (const s of pl.perStage) {
      const own = pl.gantt.filter((g) => g.stage === s.stage && g.pass === 'B');
      const lastOfChunk = (c: number) => own.filter((g) => g.chunk === c).reduce((a, g) => (g.start > a.start ? g : a));
      const [early, late] = s.chunks.map(lastOfChunk).sort((a, b) => a.start - b.start);
      // the reduction starts within the earlier-finishing chunk's last backward, before the other chunk's
      expect(s.dataParallelReduction.start).toBeGreaterThan(early.start);
      expect(s.dataParallelReduction.start).toBeLessThan(late.start);
    }
  });
  it('without interleaving it starts in the device\'s last backward and the step waits for what is left of it', () => {
    const r = runPipeline(cfg('schedule="1F1B", microbatches=4')).report;
    const pl = r.pipeline;
    if (!pl) throw new Error('no pipeline');
    for (const s of pl.perStage) {
      const last = pl.gantt.filter((g) => g.stage === s.stage).reduce((a, g) => (g.end > a.end ? g : a));
      expect(last.pass).toBe('B');
      expect(s.dataParallelReduction.start).toBeGreaterThan(last.start);
      expect(s.optimizer.start).toBeCloseTo(Math.max(last.end, s.dataParallelReduction.end), 12);
    }
  });
});
