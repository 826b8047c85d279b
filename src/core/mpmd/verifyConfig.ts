/**
 * The pipeline proof for a whole config: build the step and its micro-batch program, resolve the tactics,
 * partition and lower the micro-batch program over the mesh, then run it stage by stage (interp.ts).
 */
import { UserError } from '../errors';
import type { Config } from '../io/config';
import { buildProgram, meshOf } from '../pipeline';
import { partition } from '../partition/schedule';
import { lower } from '../spmd/lower';
import { hasErrors, resolveTactics } from '../tactics/resolve';
import { verifyPipeline, type PipelineVerifyResult, type VerifyPipelineOptions } from './interp';
import { buildMicrobatchProgram, modelBatch } from './program';

export function verifyPipelineConfig(config: Config, opts: VerifyPipelineOptions = {}): PipelineVerifyResult {
  const original = buildProgram(config);
  const mesh = meshOf(config);
  const first = resolveTactics(config.tactics, original, mesh);
  if (hasErrors(first.diagnostics)) throw new UserError('tactics', first.diagnostics.find((d) => d.severity !== 'warning')?.message ?? 'tactic errors');
  const split = first.split;
  if (!split) throw new UserError('pipeline', 'the schedule has no Pipeline or Microbatch tactic');
  const program = split.microbatches > 1 ? buildMicrobatchProgram(config, split.microbatches) : original;
  const resolved = program === original ? first : resolveTactics(config.tactics, program, mesh, { globalBatch: modelBatch(config) });
  if (hasErrors(resolved.diagnostics)) throw new UserError('tactics', resolved.diagnostics.find((d) => d.severity !== 'warning')?.message ?? 'tactic errors');
  const spmd = lower(partition(program, mesh, resolved.tactics));
  const pl = split.pipeline;
  return verifyPipeline(original, spmd, {
    microbatches: split.microbatches, axis: pl?.axis, stages: pl?.stages ?? 1, schedule: pl?.schedule ?? 'GPipe',
    virtual: pl?.virtual ?? 1, layersPerStage: pl?.layersPerStage,
  }, opts);
}
