import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { runPipeline } from '../pipeline';
import type { PipelineJson } from '../report';

const params = { layers: 8, dModel: 64, heads: 4, dFF: 128, seq: 32, vocab: 64, batch: 16, precision: 'mixed' };

function pipeline(tactics: string): PipelineJson {
  const config: Config = {
    version: 1, model: { zoo: 'transformer', params },
    mesh: { axes: [{ name: 'pp', size: 4 }, { name: 'tp', size: 2 }] }, hardware: { preset: 'a100-80gb' }, tactics,
  };
  const r = runPipeline(config).report;
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!r.pipeline) throw new Error('no pipeline in the report');
  return r.pipeline;
}

const key = (b: { value: string; chunk: number; pass: string }) => `${b.value}|${b.chunk}|${b.pass}`;

describe('stage boundaries', () => {
  const pl = pipeline('schedule = [Megatron(axis="tp"), Pipeline(axis="pp", schedule="1F1B", microbatches=4)]');

  it('1F1B: each stage receives the previous stage\'s last layer output and sends its own on', () => {
    const fwd = pl.perStage.map((s) => s.boundaries.filter((b) => b.pass === 'F'));
    expect(fwd.map((f) => f.filter((b) => b.direction === 'in').map((b) => b.value))).toEqual([[], ['layer_2/x'], ['layer_4/x'], ['layer_6/x']]);
    expect(fwd.map((f) => f.filter((b) => b.direction === 'out').map((b) => `${b.value}→${b.peer}`))).toEqual([['layer_2/x→1'], ['layer_4/x→2'], ['layer_6/x→3'], []]);
    // the gradients come back up: every stage but the first sends one to its predecessor
    const back = pl.perStage.map((s) => s.boundaries.filter((b) => b.pass !== 'F' && b.direction === 'out').map((b) => b.peer));
    expect(back).toEqual([[], [0], [1], [2]]);
  });

  it('what one stage sends, its peer receives; the bytes add up to the p2p total', () => {
    let sent = 0;
    for (const s of pl.perStage) {
      for (const b of s.boundaries.filter((x) => x.direction === 'out')) {
        const peer = pl.perStage[b.peer].boundaries.filter((x) => x.direction === 'in' && x.peer === s.stage).map(key);
        expect(peer).toContain(key(b));
        sent += b.bytes;
      }
    }
    expect(sent * pl.microbatches).toBe(pl.p2pBytes);
  });

  it('an activation is [micro-batch, seq, dModel] in bf16; sequence parallelism sends its tp slice', () => {
    const mb = params.batch / 4;
    const x = pl.perStage[0].boundaries.find((b) => b.value === 'layer_2/x');
    expect(x?.shape).toEqual([mb, params.seq, params.dModel]);
    expect(x?.bytes).toBe(mb * params.seq * params.dModel * 2);
    const sp = pipeline('schedule = [Megatron(axis="tp"), SequenceParallel(axis="tp"), Pipeline(axis="pp", schedule="1F1B", microbatches=4)]');
    const xs = sp.perStage[0].boundaries.find((b) => b.value === 'layer_2/x');
    expect(xs?.shape).toEqual([mb, params.seq / 2, params.dModel]);
    expect(sp.p2pBytes).toBe(pl.p2pBytes / 2);
  });
});
