import { describe, expect, it } from 'vitest';
import type { Config } from '../../core/io/config';
import { runPipeline } from '../../core/pipeline';
import { layoutGraph, pipelineStageMap } from './index';
import { layersPerChunk } from './pipelineStages';

const config = (tactics: string): Config => ({
  version: 1,
  model: { zoo: 'transformer', params: { layers: 4, dModel: 32, heads: 2, dFF: 64, seq: 8, vocab: 32, batch: 8 } },
  mesh: { axes: [{ name: 'pp', size: 2 }, { name: 'tp', size: 2 }] },
  hardware: { preset: 'a100-80gb' },
  tactics,
});

describe('pipeline stage of every graph node', () => {
  // interleaved over 2 stages × 2 chunks: chunk c holds layer c and runs on stage c mod 2
  const r = runPipeline(config('schedule = [Megatron(axis="tp"), Pipeline(axis="pp", schedule="interleaved", microbatches=4, virtual=2)]'));
  const map = pipelineStageMap(r.program, r.report.pipeline)!;

  it('reads the layers of each chunk off the report', () => {
    expect(layersPerChunk(r.report.pipeline!)).toEqual([1, 1, 1, 1]);
  });

  it('puts a layer\'s ops (forward and backward) on the stage of its chunk, the embedding first and the loss last', () => {
    expect(map.axis).toBe('pp');
    expect(map.stages).toBe(2);
    let checked = 0;
    for (const op of r.program.ops) {
      const layer = /^layer_(\d+)/.exec(op.scope);
      if (layer) {
        expect(map.ofOp[op.id], `${op.kind} @ ${op.scope}`).toBe(Number(layer[1]) % 2);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    const embed = r.program.ops.find((o) => o.phase === 'forward' && /embed/.test(o.scope));
    expect(embed && map.ofOp[embed.id]).toBe(0);
    const loss = r.program.ops.find((o) => o.phase === 'forward' && /loss/.test(o.scope));
    expect(loss && map.ofOp[loss.id]).toBe(1);
    r.program.inputs.forEach((v, i) => {
      const layer = /^params\/layer_(\d+)\//.exec(r.program.values[v].name ?? '');
      if (layer) expect(map.ofInput[i]).toBe(Number(layer[1]) % 2);
    });
  });

  it('gives each laid-out node its stages and a group the stages of everything inside it', () => {
    const layout = layoutGraph(r.program, { expanded: ['layer_1'], partition: r.partition, spmd: r.spmd, pipeline: map });
    expect(layout.pipeline).toEqual({ axis: 'pp', stages: 2 });
    const inLayer1 = layout.nodes.filter((n) => n.kind === 'op' && n.scope.startsWith('layer_1'));
    expect(inLayer1.length).toBeGreaterThan(0);
    for (const n of inLayer1) expect(n.pipelineStages).toEqual([1]);
    const layer0 = layout.nodes.find((n) => n.id === 'g:layer_0');
    expect(layer0?.pipelineStages).toEqual([0]);
    // the top level spans both stages
    const union = new Set(layout.nodes.filter((n) => n.parent === null).flatMap((n) => n.pipelineStages ?? []));
    expect([...union].sort()).toEqual([0, 1]);
  });

  it('is absent without a pipeline axis (gradient accumulation only)', () => {
    const acc = runPipeline({ ...config('schedule = [Megatron(axis="tp"), Microbatch(count=2)]'), mesh: { axes: [{ name: 'tp', size: 2 }] } });
    expect(acc.report.pipeline).toBeDefined();
    expect(pipelineStageMap(acc.program, acc.report.pipeline)).toBeUndefined();
    expect(layoutGraph(acc.program, { expanded: [], partition: acc.partition }).pipeline).toBeUndefined();
  });
});
