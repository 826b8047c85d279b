import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { runPipeline } from '../pipeline';
import { analyzeMemory, liveCurve, peakMemory } from './memory';
import { CURVE_POINTS, memoryProfile, sampleCurve } from './memoryProfile';

function config(tactics: string, layers = 2): Config {
  return {
    version: 1,
    model: { zoo: 'transformer', params: { layers, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 128, batch: 8, precision: 'mixed', optimizer: 'adam' } },
    mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
    hardware: { preset: 'tpu-v5p' },
    tactics,
  };
}
const BPMP = 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]';

describe('memoryProfile', () => {
  const r = runPipeline(config(BPMP, 4));
  const opts = { fusion: true, donation: true };
  const a = analyzeMemory(r.spmd.program, opts);
  const prof = memoryProfile(r.spmd.program, a);
  const dev = r.report.memory.perDevice[0];

  it('peaks where peakMemory says, at the bytes the Report states', () => {
    const pm = peakMemory(r.spmd.program, opts);
    expect(prof.peak).toBe(pm.peak);
    expect(prof.peak).toBe(dev.peak);
    expect(prof.peakPosition - 1).toBe(pm.peakOp);
  });

  it('lists the largest values live at the peak, largest first, within the category totals at the peak', () => {
    const top = dev.topValues!;
    expect(top.length).toBe(10);
    for (let i = 1; i < top.length; i++) expect(top[i].bytes).toBeLessThanOrEqual(top[i - 1].bytes);
    const byCat = new Map<string, number>();
    for (const v of top) byCat.set(v.category, (byCat.get(v.category) ?? 0) + v.bytes);
    for (const [c, b] of byCat) expect(b).toBeLessThanOrEqual(dev.atPeak[c as keyof typeof dev.atPeak] + 1e-6);
    // no value larger than the smallest listed is left out
    const t = prof.peakPosition;
    let larger = 0;
    for (let v = 0; v < a.bytes.length; v++) {
      if (a.start[v] + 1 <= t && a.end[v] + 1 >= t && a.bytes[v] > top[top.length - 1].bytes) larger++;
    }
    expect(larger).toBeLessThanOrEqual(top.length);
    // every listed value names its op and scope in the per-device program
    for (const v of top) expect(v.op === 'input' ? v.scope === '' : r.spmd.program.ops.some((o) => o.kind === v.op && o.scope === v.scope)).toBe(true);
  });

  it('samples the curve to at most 256 points and keeps the peak, with the phases in step order', () => {
    const c = dev.curve!;
    expect(c.points.length).toBeLessThanOrEqual(CURVE_POINTS);
    expect(c.points[c.peakIndex].bytes).toBe(dev.peak);
    expect(Math.max(...c.points.map((p) => p.bytes))).toBe(dev.peak);
    for (let i = 1; i < c.points.length; i++) expect(c.points[i].position).toBeGreaterThan(c.points[i - 1].position);
    expect(c.length).toBe(r.spmd.program.ops.length + 1);
    const phases = c.phases.map((p) => p.phase);
    expect(phases[0]).toBe('forward');
    expect(phases).toContain('backward');
    expect(phases[phases.length - 1]).toBe('optimizer');
  });

  it('keeps a one-position spike when sampling', () => {
    const live = liveCurve(r.spmd.program.ops.length, a);
    const spike = Float64Array.from(live);
    const at = Math.floor(spike.length / 3) + 1;
    spike[at] = prof.peak * 3;
    const c = sampleCurve(r.spmd.program, spike, at, 16);
    expect(c.points.length).toBe(16);
    expect(c.points[c.peakIndex]).toEqual({ position: at, bytes: prof.peak * 3 });
  });

  it('leaves a pipelined step without a curve (its figures come from the pipeline simulator)', () => {
    const p = runPipeline({ ...config('MB = Microbatch(count=2)\nBP = BatchParallel(axis="batch")\nschedule = [MB, BP]') });
    expect(p.report.pipeline).toBeDefined();
    expect(p.report.memory.perDevice[0].curve).toBeUndefined();
  });
});
