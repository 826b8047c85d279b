/**
 * The pipeline proof for every schedule composed with the other strategies on the other axes, at small
 * sizes: ZeRO-3 with data parallelism, and Megatron tensor parallelism with sequence parallelism (which
 * reshards where its tiling meets Megatron's, and sends the pipeline its sequence slice); and the two
 * published pipelined layouts at full size, GPT-3 175B PTD-P and Llama 3 405B (GQAMegatron + SP + ZeRO-1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { meshOf } from '../pipeline';
import { partition } from '../partition/schedule';
import { listCollectives } from '../spmd/collectives';
import { lower } from '../spmd/lower';
import { resolveTactics } from '../tactics/resolve';
import { galleryEntry } from '../models/gallery';
import type { ValidationCase } from '../sim/validationCase';
import { validateConfig } from '../io/validate';
import { buildMicrobatchProgram, modelBatch } from './program';
import { PIPELINE_SCHEDULES } from './types';
import { verifyPipelineConfig } from './verifyConfig';

const tiny = { layers: 4, dModel: 16, heads: 2, dFF: 32, seq: 4, vocab: 16, batch: 8 };

function config(axes: [string, number][], tactics: string): Config {
  return {
    version: 1, model: { zoo: 'transformer', params: tiny },
    mesh: { axes: axes.map(([name, size]) => ({ name, size })) },
    hardware: { preset: 'a100-80gb' }, tactics,
  };
}

const pipeline = (schedule: string) =>
  `Pipeline(axis="pp", schedule="${schedule}", microbatches=4${schedule === 'interleaved' ? ', virtual=2' : ''})`;

describe('every schedule composes with ZeRO-3 and with TP + SP', () => {
  for (const schedule of PIPELINE_SCHEDULES) {
    it(`${schedule} with data parallelism and ZeRO-3 on dp`, () => {
      const r = verifyPipelineConfig(config([['dp', 2], ['pp', 2]],
        `schedule = [BatchParallel(axis="dp"), ZeRO(stage=3, axis="dp"), ${pipeline(schedule)}]`));
      expect(r.ok, r.worst).toBe(true);
      expect(r.stats.p2pBytes.get('0->1')).toBeGreaterThan(0);
    }, 60_000);

    it(`${schedule} with Megatron and sequence parallelism on tp`, () => {
      const r = verifyPipelineConfig(config([['pp', 2], ['tp', 2]],
        `schedule = [Megatron(axis="tp"), SequenceParallel(axis="tp"), ${pipeline(schedule)}]`));
      expect(r.ok, r.worst).toBe(true);
      // each device of a stage sends its half of the sequence, [2 sequences, 2 positions, 16] f32, per micro-batch:
      // the activation down the pipeline; interleaved (chunks 0, 2 on device 0; 1, 3 on device 1) also the
      // second chunk's activation and the gradient chunk 2 sends back to chunk 1
      const values = schedule === 'interleaved' ? 3 : 1;
      expect(r.stats.p2pBytes.get('0->1')).toBe(4 * values * 2 * 2 * 16 * 4);
    }, 60_000);
  }

  it('1F1B with all of them at once: DP + ZeRO-3 on dp, Megatron + SP on tp', () => {
    const r = verifyPipelineConfig(config([['dp', 2], ['pp', 2], ['tp', 2]],
      `schedule = [BatchParallel(axis="dp"), ZeRO(stage=3, axis="dp"), Megatron(axis="tp"), SequenceParallel(axis="tp"), ${pipeline('1F1B')}]`));
    expect(r.ok, r.worst).toBe(true);
  }, 60_000);
});

describe('GPT-3 175B PTD-P (the gallery entry, full size): sequence parallelism after Megatron', () => {
  it('partitions without conflicts; each layer forward all-gathers twice and reduce-scatters twice on tp, no all-reduce', () => {
    const g = galleryEntry('gpt3-175b-ptdp');
    if (!g) throw new Error('no gpt3-175b-ptdp example');
    const config = g.config;
    const mesh = meshOf(config);
    const program = buildMicrobatchProgram(config, 64);
    const resolved = resolveTactics(config.tactics, program, mesh, { globalBatch: modelBatch(config) });
    expect(resolved.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
    const result = partition(program, mesh, resolved.tactics);
    expect(result.stages.map((s) => s.conflicts.length)).toEqual(result.stages.map(() => 0));
    const fwd = listCollectives(lower(result)).filter((c) => c.phase === 'forward' && c.axes.join() === 'tp');
    for (const layer of [0, 47, 95]) {
      const inLayer = fwd.filter((c) => c.scope.startsWith(`layer_${layer}/`)).map((c) => c.kind).sort();
      expect(inLayer).toEqual(['all-gather', 'all-gather', 'reduce-scatter', 'reduce-scatter']);
    }
  }, 120_000);
});

const LLAMA_405B = join(__dirname, '..', '..', '..', 'validation', 'cases', 'llama3-405b-8192xh100.json');

describe('Llama 3 405B (the validation case, full size): SequenceParallel after GQAMegatron, ZeRO-1 after both', () => {
  const config = validateConfig((JSON.parse(readFileSync(LLAMA_405B, 'utf8')) as ValidationCase).config);

  it('partitions without conflicts; each layer forward all-gathers twice and reduce-scatters twice on tp, no all-reduce', () => {
    const mesh = meshOf(config);
    const program = buildMicrobatchProgram(config, 32);
    const resolved = resolveTactics(config.tactics, program, mesh, { globalBatch: modelBatch(config) });
    expect(resolved.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
    const result = partition(program, mesh, resolved.tactics);
    expect(result.stages.map((s) => s.conflicts.length)).toEqual(result.stages.map(() => 0));
    const fwd = listCollectives(lower(result)).filter((c) => c.phase === 'forward' && c.axes.join() === 'tp');
    for (const layer of [0, 62, 125]) {
      const inLayer = fwd.filter((c) => c.scope.startsWith(`layer_${layer}/`)).map((c) => c.kind).sort();
      expect(inLayer).toEqual(['all-gather', 'all-gather', 'reduce-scatter', 'reduce-scatter']);
    }
  }, 120_000);

  it('its schedule, shrunk to a 2 × 2 × 2 mesh (interleaved pipeline included), computes what the step computes', () => {
    if (!('zoo' in config.model)) throw new Error('the case is a zoo model');
    const small: Config = {
      ...config,
      model: { zoo: config.model.zoo, params: { ...config.model.params, layers: 4, dModel: 16, heads: 4, kvHeads: 2, dFF: 24, seq: 4, vocab: 16, batch: 8, precision: 'fp32' } },
      mesh: { axes: config.mesh.axes.map((a) => ({ ...a, size: 2 })) },
      tactics: config.tactics.replace(/microbatches=\d+/, 'microbatches=4').replace(/, layers_per_stage=\[[^\]]*\]/, ''),
    };
    expect(small.tactics).toMatch(/schedule="interleaved"/);
    const r = verifyPipelineConfig(small);
    expect(r.ok, r.worst).toBe(true);
  }, 60_000);
});
