import { describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { runPipeline } from '../../pipeline';
import { exportText } from './index';
import { STAGE_PID_BASE } from './pipelineTrace';
import type { ChromeTrace } from './trace';

const config: Config = {
  version: 1,
  model: { zoo: 'transformer', params: { layers: 4, dModel: 32, heads: 2, dFF: 64, seq: 8, vocab: 32, batch: 8 } },
  mesh: { axes: [{ name: 'pp', size: 2 }, { name: 'tp', size: 2 }] },
  hardware: { preset: 'a100-80gb' },
  tactics: 'schedule = [Megatron(axis="tp"), Pipeline(axis="pp", schedule="interleaved", microbatches=4, virtual=2)]',
};

describe('exports of a pipelined step', () => {
  const result = runPipeline(config);
  it('the Perfetto trace carries one process per stage with its passes and sends', () => {
    const trace = JSON.parse(exportText('trace', result, config)) as ChromeTrace;
    const stageNames = trace.traceEvents.filter((e) => e.name === 'process_name' && e.pid >= STAGE_PID_BASE).map((e) => e.args?.name);
    expect(stageNames).toEqual(['pipeline stage 0 (pp=0), layers 0-0, 2-2', 'pipeline stage 1 (pp=1), layers 1-1, 3-3']);
    const passes = trace.traceEvents.filter((e) => e.cat === 'pipeline');
    // 2 stages × 2 chunks × 4 micro-batches × (forward, backward)
    expect(passes.length).toBe(32);
    expect(passes.filter((e) => e.pid === STAGE_PID_BASE && e.name.startsWith('forward')).length).toBe(8);
    expect(trace.traceEvents.some((e) => e.cat === 'p2p')).toBe(true);
  });
  it('the JAX export states the stage assignment and schedule, and what jit cannot express', () => {
    const py = exportText('jax', result, config);
    expect(py).toContain('PIPELINE_SCHEDULE = "interleaved"');
    expect(py).toContain('STAGE_LAYERS = {0: [(0, 0), (2, 2)], 1: [(1, 1), (3, 3)]}');
    expect(py).toMatch(/jax\.jit compiles one SPMD program for every device, so it has no way/);
    expect(py).toContain('def accumulate_gradients(loss_and_grad, params, batch, microbatches=4):');
  });
});
