import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { verifyPipelineConfig } from './verifyConfig';

const tiny = { layers: 4, dModel: 16, heads: 2, dFF: 32, seq: 4, vocab: 16, batch: 8 };

function config(axes: [string, number][], tactics: string, params: Record<string, number | string> = {}, zoo = 'transformer'): Config {
  return {
    version: 1, model: { zoo, params: { ...tiny, ...params } },
    mesh: { axes: axes.map(([name, size]) => ({ name, size })) },
    hardware: { preset: 'a100-80gb' }, tactics,
  };
}

describe('pipelined, micro-batched steps compute what the step computes', () => {
  it('Microbatch(count=4) with data parallelism: gradient accumulation', () => {
    const r = verifyPipelineConfig(config([['dp', 2]], 'schedule = [BatchParallel(axis="dp"), Microbatch(count=4)]'));
    expect(r.ok, r.worst).toBe(true);
  });
  for (const schedule of ['GPipe', '1F1B', 'ZB-H1'] as const) {
    it(`${schedule} over pp=2 with 4 micro-batches, composed with Megatron on tp`, () => {
      const r = verifyPipelineConfig(config([['pp', 2], ['tp', 2]], `schedule = [Megatron(axis="tp"), Pipeline(axis="pp", schedule="${schedule}", microbatches=4)]`));
      expect(r.ok, r.worst).toBe(true);
      // activations go down the pipeline, their gradients come back up
      expect(r.stats.p2pBytes.get('0->1')).toBeGreaterThan(0);
      expect(r.stats.p2pBytes.get('1->0')).toBeGreaterThan(0);
    });
  }
  it('interleaved (virtual=2) over pp=2 with DP and ZeRO-1 on dp', () => {
    const r = verifyPipelineConfig(config([['dp', 2], ['pp', 2]], 'schedule = [BatchParallel(axis="dp"), ZeRO(stage=1, axis="dp"), Pipeline(axis="pp", schedule="interleaved", microbatches=2, virtual=2)]'));
    expect(r.ok, r.worst).toBe(true);
  });
  it('1F1B over 4 stages with an uneven split, SP and Megatron on tp (llama)', () => {
    const r = verifyPipelineConfig(config([['pp', 4], ['tp', 2]],
      'schedule = [Megatron(axis="tp"), SequenceParallel(axis="tp"), Pipeline(axis="pp", schedule="1F1B", microbatches=4, layers_per_stage=[0, 2, 1, 1])]',
      { layers: 4, dModel: 16, heads: 2, kvHeads: 2, dFF: 32, seq: 4, vocab: 16, batch: 8 }, 'llama'));
    expect(r.ok, r.worst).toBe(true);
    // 1F1B: device d keeps at most p − d micro-batches in flight
    expect(r.stats.peakInFlight).toEqual([4, 3, 2, 1]);
  });
  it('GPipe keeps every micro-batch in flight', () => {
    const r = verifyPipelineConfig(config([['pp', 2]], 'schedule = [Pipeline(axis="pp", schedule="GPipe", microbatches=4)]'));
    expect(r.ok, r.worst).toBe(true);
    expect(r.stats.peakInFlight).toEqual([4, 4]);
  });
});

describe('the pipeline proof catches a wrong step', () => {
  const cfg = config([['pp', 2]], 'schedule = [Pipeline(axis="pp", schedule="1F1B", microbatches=4)]');
  it('a schedule that skips a micro-batch does not compute the step', () => {
    const r = verifyPipelineConfig(cfg, { actions: (s) => s.map((l) => l.filter((a) => a.mb !== 3)) });
    expect(r.ok).toBe(false);
  });
  it('a schedule whose first stage waits for a backward before sending the forward deadlocks', () => {
    expect(() => verifyPipelineConfig(cfg, { actions: (s) => [[...s[0].filter((a) => a.pass === 'B'), ...s[0].filter((a) => a.pass === 'F')], s[1]] }))
      .toThrow(/deadlocks/);
  });
});
