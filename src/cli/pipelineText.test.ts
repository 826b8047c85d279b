import { describe, expect, it } from 'vitest';
import { runPipeline } from '../core/pipeline';
import { pipelineText } from './pipelineText';

describe('the CLI pipeline tables', () => {
  it('lists every value crossing a stage boundary, with its peer, shape and bytes', () => {
    const r = runPipeline({
      version: 1, model: { zoo: 'transformer', params: { layers: 4, dModel: 32, heads: 2, dFF: 64, seq: 16, vocab: 32, batch: 8 } },
      mesh: { axes: [{ name: 'pp', size: 2 }] }, hardware: { preset: 'a100-80gb' },
      tactics: 'schedule = [Pipeline(axis="pp", schedule="1F1B", microbatches=2)]',
    }).report;
    if (!r.pipeline) throw new Error('no pipeline in the report');
    const text = pipelineText(r.pipeline);
    const rows = text.split('\n').filter((l) => /^[01] +[→←]/.test(l));
    expect(rows.length).toBe(r.pipeline.perStage.reduce((n, s) => n + s.boundaries.length, 0));
    // stage 0 sends layer_2/x ([4 sequences, 16, 32] f32: 8 KiB) to stage 1, which receives it
    expect(rows.find((l) => /^0 +→ 1 +F +layer_2\/x +\[4, 16, 32\] f32 +8\.00 KiB$/.test(l))).toBeDefined();
    expect(rows.find((l) => /^1 +← 0 +F +layer_2\/x/.test(l))).toBeDefined();
  });
});
