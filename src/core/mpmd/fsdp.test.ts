import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { numElements } from '../ir/shape';
import { runPipeline } from '../pipeline';
import { planMpmd } from './plan';
import { MICRO, POST } from './stages';
import { verifyPipelineConfig } from './verifyConfig';

const tiny = { layers: 2, dModel: 16, heads: 2, dFF: 32, seq: 4, vocab: 16, batch: 8 };

function config(axes: [string, number][], tactics: string, params: Record<string, number | string> = {}): Config {
  return {
    version: 1, model: { zoo: 'transformer', params: { ...tiny, ...params } },
    mesh: { axes: axes.map(([name, size]) => ({ name, size })) },
    hardware: { preset: 'h100' }, tactics,
  };
}

/** The MPMD plan of a Microbatch config, and for every accumulated gradient its elements and its parameter's local elements. */
function accumulators(cfg: Config, m: number) {
  const spmd = runPipeline(cfg).spmd;
  if (!spmd) throw new Error('no lowering');
  const plan = planMpmd(spmd, 1, 1, m);
  const p = spmd.program;
  const localParam = new Map<string, number>();
  for (const v of p.inputs) {
    const name = p.values[v].name;
    if (name?.startsWith('params/')) localParam.set(name.slice('params/'.length), numElements(p.values[v].type.shape));
  }
  const grads = [...plan.accumulated].filter((v) => p.values[v].role === 'gradient');
  return { spmd, plan, grads, localParam };
}

const z3 = (m: number) => `schedule = [BatchParallel(axis="dp"), ZeRO(stage=3, axis="dp"), Microbatch(count=${m})]`;

describe('gradient accumulation under ZeRO-3 accumulates the shard (FSDP)', () => {
  it('the accumulated sharded gradients give the full-batch step (SGD: the update is the gradient)', () => {
    const r = verifyPipelineConfig(config([['dp', 2]], z3(4), { optimizer: 'sgd' }));
    expect(r.ok, r.worst).toBe(true);
  });
  it('the same with mixed-precision Adam, and with Megatron on tp beside ZeRO-3 on dp', () => {
    expect(verifyPipelineConfig(config([['dp', 2]], z3(2), { precision: 'mixed' })).ok).toBe(true);
    const r = verifyPipelineConfig(config([['dp', 2], ['tp', 2]],
      'schedule = [BatchParallel(axis="dp"), Megatron(axis="tp"), ZeRO(stage=3, axis="dp"), Microbatch(count=2)]'));
    expect(r.ok, r.worst).toBe(true);
  });
  it('every accumulator is sharded like its parameter; gathers and reduce-scatters run per micro-batch', () => {
    const { spmd, plan, grads, localParam } = accumulators(config([['dp', 2]], z3(4)), 4);
    const p = spmd.program;
    expect(grads.length).toBe(localParam.size);
    for (const g of grads) {
      const name = p.values[p.ops[p.values[g].def].operands[0]].name ?? '';
      expect(numElements(p.values[g].type.shape), name).toBe(localParam.get(name.slice('grads/'.length)));
    }
    const parts = (kind: string) => new Set(p.ops.filter((o) => o.kind === kind).map((o) => plan.part[o.id]));
    expect(parts('reduce_scatter')).toEqual(new Set([MICRO]));
    // a parameter read by a micro-batch op is gathered per micro-batch (a bias broadcast once keeps its one gather)
    const gathers = p.ops.filter((o) => o.kind === 'all_gather');
    const readPerMicrobatch = gathers.filter((o) => p.ops.some((u) => plan.part[u.id] === MICRO && u.operands.includes(o.results[0])));
    // at least the six weight matrices of each layer, gathered for the forward and again for the backward
    expect(readPerMicrobatch.length).toBeGreaterThanOrEqual(2 * 6 * tiny.layers);
    for (const o of readPerMicrobatch) expect(plan.part[o.id]).toBe(MICRO);
  });
  it('ZeRO-1 keeps the whole gradient and reduce-scatters it once, after the last micro-batch', () => {
    const { spmd, plan, grads, localParam } = accumulators(config([['dp', 2]],
      'schedule = [BatchParallel(axis="dp"), ZeRO(stage=1, axis="dp"), Microbatch(count=4)]'), 4);
    const p = spmd.program;
    const rs = p.ops.filter((o) => o.kind === 'reduce_scatter');
    expect(rs.length).toBeGreaterThan(0);
    for (const o of rs) expect(plan.part[o.id]).toBe(POST);
    // each named gradient accumulated whole: as many elements as the (replicated) parameter
    const named = grads.filter((g) => p.values[g].name?.startsWith('grads/'));
    expect(named.length).toBeGreaterThan(localParam.size / 2);
    for (const g of named) expect(numElements(p.values[g].type.shape)).toBe(localParam.get((p.values[g].name ?? '').slice('grads/'.length)));
  });
  it('the step time charges the per-micro-batch collectives: each micro-batch adds its reduce-scatters and gathers', () => {
    // the same micro-batch program (batch 4) run 2, 4 and 8 times: the data-parallel seconds grow linearly in m
    const dp = (m: number) => runPipeline(config([['dp', 2]], z3(m), { batch: 4 * m })).report;
    const [r2, r4, r8] = [dp(2), dp(4), dp(8)];
    const perMicrobatch = (r4.time.perAxis.dp - r2.time.perAxis.dp) / 2;
    expect((r8.time.perAxis.dp - r4.time.perAxis.dp) / 4).toBeCloseTo(perMicrobatch, 12);
    const scatter = r2.collectives.filter((c) => c.kind === 'reduce-scatter').reduce((s, c) => s + c.seconds, 0);
    expect(scatter).toBeGreaterThan(0);
    expect(perMicrobatch).toBeGreaterThan(scatter);
  });
});
