import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { runPipeline } from '../pipeline';

const params = { layers: 8, dModel: 256, heads: 4, dFF: 1024, seq: 256, vocab: 512, batch: 32, precision: 'mixed' };

function cfg(tactics: string, axes: [string, number][] = [['pp', 4], ['tp', 2]], extra: Record<string, number | string> = {}): Config {
  return {
    version: 1, model: { zoo: 'transformer', params: { ...params, ...extra } },
    mesh: { axes: axes.map(([name, size]) => ({ name, size })) }, hardware: { preset: 'a100-80gb' }, tactics,
  };
}
const pp = (schedule: string, m = 8, more = '') => cfg(`schedule = [Megatron(axis="tp"), Pipeline(axis="pp", schedule="${schedule}", microbatches=${m}${more})]`);

describe('the pipeline in the report', () => {
  it('1F1B: per-stage figures, the first stage holds p micro-batches and the most activations', () => {
    const r = runPipeline(pp('1F1B')).report;
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const pl = r.pipeline;
    if (!pl) throw new Error('no pipeline in the report');
    expect(pl.stages).toBe(4);
    expect(pl.perStage.map((s) => s.microbatchesInFlight)).toEqual([4, 3, 2, 1]);
    expect(pl.perStage.map((s) => s.layers)).toEqual([[[0, 2]], [[2, 4]], [[4, 6]], [[6, 8]]]);
    const act = pl.perStage.map((s) => s.atPeak.activations);
    expect(act[0]).toBeGreaterThan(act[1]);
    expect(act[1]).toBeGreaterThan(act[2]);
    // the step is at least the busiest stage's work plus its bubble
    for (const s of pl.perStage) expect(r.time.step).toBeGreaterThanOrEqual(s.busy + s.bubble - 1e-12);
    // every device reports its stage's peak
    expect(r.memory.perDevice.length).toBe(8);
    expect(r.memory.perDevice[0].peak).toBe(pl.perStage[0].peakMemory);
    expect(r.memory.perDevice[7].peak).toBe(pl.perStage[3].peakMemory);
    // 4 stages × 8 micro-batches × (F, B)
    expect(pl.gantt.length).toBe(64);
    expect(pl.p2pBytes).toBeGreaterThan(0);
    expect(r.time.perAxis.pp).toBeGreaterThan(0);
  });
  it('the simulated bubble is near (p−1)/m and shrinks with interleaving and with ZB-H1', () => {
    const ofob = runPipeline(pp('1F1B')).report.pipeline;
    const inter = runPipeline(pp('interleaved', 8, ', virtual=2')).report.pipeline;
    const zb = runPipeline(pp('ZB-H1')).report.pipeline;
    const gpipe = runPipeline(pp('GPipe')).report.pipeline;
    if (!ofob || !inter || !zb || !gpipe) throw new Error('no pipeline in the report');
    expect(ofob.idealBubbleFraction).toBeCloseTo(3 / 8, 10);
    expect(inter.idealBubbleFraction).toBeCloseTo(3 / 16, 10);
    // the embedding and the loss make the end stages longer than the middle ones: the bubble exceeds the ideal
    expect(ofob.bubbleFraction).toBeGreaterThanOrEqual(ofob.idealBubbleFraction * 0.9);
    expect(inter.bubbleFraction).toBeLessThan(ofob.bubbleFraction);
    expect(zb.bubbleFraction).toBeLessThan(ofob.bubbleFraction);
    // GPipe has 1F1B's bubble but holds every micro-batch
    expect(gpipe.perStage[0].microbatchesInFlight).toBe(8);
    expect(gpipe.perStage[0].peakMemory).toBeGreaterThan(ofob.perStage[0].peakMemory);
    // interleaving holds more activations on the first stage than 1F1B
    expect(inter.perStage[0].atPeak.activations).toBeGreaterThan(ofob.perStage[0].atPeak.activations);
  });
  it('an uneven split shows in the per-stage memory', () => {
    const even = runPipeline(pp('1F1B')).report.pipeline;
    const uneven = runPipeline(pp('1F1B', 8, ', layers_per_stage=[1, 3, 3, 1]')).report.pipeline;
    if (!even || !uneven) throw new Error('no pipeline in the report');
    expect(uneven.perStage[0].atPeak.params).toBeLessThan(even.perStage[0].atPeak.params);
    expect(uneven.perStage[1].atPeak.params).toBeGreaterThan(even.perStage[1].atPeak.params);
  });
  it('Microbatch accumulates: about m times the micro-batch time, the activations of one micro-batch', () => {
    // large enough that per-op launch overheads (paid once per micro-batch) do not dominate
    const big = { layers: 2, dModel: 2048, dFF: 8192, heads: 16, seq: 1024 };
    const whole = runPipeline(cfg('schedule = [BatchParallel(axis="dp")]', [['dp', 2]], big)).report;
    const acc = runPipeline(cfg('schedule = [BatchParallel(axis="dp"), Microbatch(count=4)]', [['dp', 2]], big)).report;
    expect(acc.pipeline?.schedule).toBe('accumulate');
    expect(acc.memory.perDevice[0].atPeak.activations).toBeLessThan(whole.memory.perDevice[0].atPeak.activations / 2);
    expect(acc.time.step).toBeGreaterThan(whole.time.step * 0.9);
    expect(acc.time.step).toBeLessThan(whole.time.step * 1.3);
    // the gradients are reduced once per step, not once per micro-batch
    expect(acc.time.perAxis.dp).toBeGreaterThan(0);
    expect(acc.time.perAxis.dp).toBeLessThan(whole.time.perAxis.dp * 1.1);
  });
});

describe('pipeline tactic errors', () => {
  const errors = (c: Config) => runPipeline(c).report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  it('names the problem', () => {
    expect(errors(cfg('schedule = [Megatron(axis="pp"), Pipeline(axis="pp", microbatches=8)]')).join()).toMatch(/shards over "pp", the pipeline axis/);
    expect(errors(cfg('schedule = [Pipeline(axis="pp", microbatches=5)]')).join()).toMatch(/microbatches=5 does not divide the batch of 32/);
    expect(errors(cfg('schedule = [Pipeline(axis="pp", microbatches=8, virtual=2)]')).join()).toMatch(/virtual=2 needs schedule="interleaved"/);
    expect(errors(cfg('schedule = [Pipeline(axis="pp", schedule="interleaved", microbatches=2, virtual=2)]')).join()).toMatch(/multiple of 4/);
    expect(errors(cfg('schedule = [Pipeline(axis="pp", microbatches=8, layers_per_stage=[2, 2, 2, 1])]')).join()).toMatch(/adds up to 7 layers; the model has 8/);
    expect(errors(cfg('schedule = [Pipeline(axis="pp", microbatches=8, layers_per_stage=[4, 4])]')).join()).toMatch(/2 entries; it needs one per model chunk/);
    expect(errors(cfg('schedule = [Pipeline(axis="pp", microbatches=8), Microbatch(count=2)]')).join()).toMatch(/one Pipeline or Microbatch/);
    expect(errors(cfg('schedule = [Pipeline(axis="pp", schedule="2F2B", microbatches=8)]')).join()).toMatch(/schedule= must be one of/);
  });
});
