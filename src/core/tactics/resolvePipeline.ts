/**
 * Checks the step-splitting tactics of a schedule (`Pipeline`, `Microbatch`) against the mesh, the other
 * tactics and the program, and turns them into the one StepSplit the step runs with.
 */
import type { Diagnostic, SourceRange } from '../errors';
import type { Program } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import { layerCount } from '../mpmd/stages';
import type { StepSplit } from '../mpmd/types';
import { TacticCode } from './codes';
import type { PipelineTacticAst, TacticAst } from './types';

function error(diags: Diagnostic[], message: string, range: SourceRange): void {
  diags.push({ code: TacticCode.pipeline, message, range, severity: 'error' });
}

/** The global batch: dim 0 of the `batch/*` inputs, when they agree. */
export function batchSizeOf(program: Program): number | undefined {
  let b: number | undefined;
  for (const v of program.inputs) {
    const val = program.values[v];
    if (!val.name?.startsWith('batch/') || val.type.shape.length === 0) continue;
    if (b === undefined) b = val.type.shape[0];
    else if (b !== val.type.shape[0]) return undefined;
  }
  return b;
}

/**
 * `split`: the one Pipeline or Microbatch of the schedule, checked; undefined when there is none or it has
 * errors (reported in `diags`). `globalBatch`: the batch the micro-batches divide (the model's batch).
 */
export function resolveStepSplit(
  asts: readonly PipelineTacticAst[], others: readonly TacticAst[], mesh: Mesh, program: Program,
  diags: Diagnostic[], globalBatch: number | undefined = batchSizeOf(program),
): StepSplit | undefined {
  if (asts.length === 0) return undefined;
  for (const extra of asts.slice(1))
    error(diags, `${extra.name}: a schedule takes one Pipeline or Microbatch (${asts[0].name} is already in it)`, extra.range);
  const ast = asts[0];
  const at = (arg: string): SourceRange => ast.argRanges.get(arg) ?? ast.range;
  const before = diags.length;
  const m = ast.microbatches;
  const mArg = ast.axis === undefined ? 'count' : 'microbatches';
  if (globalBatch === undefined) error(diags, `${ast.name}: micro-batching needs batch/* inputs whose dim 0 is the batch`, at(mArg));
  else if (globalBatch % m !== 0) error(diags, `${ast.name}: ${mArg}=${m} does not divide the batch of ${globalBatch}`, at(mArg));
  if (ast.axis === undefined) {
    if (diags.length > before) return undefined;
    return { microbatches: m, tactic: ast.name, range: ast.range };
  }
  const axis = ast.axis;
  const p = mesh.axes.find((a) => a.name === axis)?.size ?? 1;
  const schedule = ast.schedule ?? '1F1B';
  const v = ast.virtual;
  if (v > 1 && schedule !== 'interleaved') error(diags, `${ast.name}: virtual=${v} needs schedule="interleaved" (${schedule} runs one model chunk per device)`, at('virtual'));
  if (schedule === 'interleaved' && m % p !== 0)
    error(diags, `${ast.name}: the interleaved schedule runs micro-batches in groups of the stage count, so microbatches=${m} must be a multiple of ${p} (the size of "${axis}")`, at('microbatches'));
  for (const t of others) {
    if (t.kind === 'manual' && t.axis === axis) error(diags, `${t.name} shards over "${axis}", the pipeline axis of ${ast.name}: stages hold different layers, so no tactic may shard over it`, t.range);
    if (t.kind === 'automatic' && t.axes.includes(axis)) error(diags, `${t.name} searches over "${axis}", the pipeline axis of ${ast.name}`, t.range);
  }
  const chunks = p * v;
  const layers = layerCount(program);
  if (layers === 0) error(diags, `${ast.name}: the program has no layer_<i> scopes to split into stages`, ast.range);
  else if (ast.layersPerStage) {
    const lps = ast.layersPerStage;
    const sum = lps.reduce((a, b) => a + b, 0);
    if (lps.length !== chunks) error(diags, `${ast.name}: layers_per_stage= has ${lps.length} entries; it needs one per model chunk: ${p} stages × virtual=${v} = ${chunks}`, at('layers_per_stage'));
    else if (sum !== layers) error(diags, `${ast.name}: layers_per_stage= adds up to ${sum} layers; the model has ${layers}`, at('layers_per_stage'));
  } else if (layers < chunks) error(diags, `${ast.name}: ${layers} layers cannot fill ${chunks} model chunks (${p} stages × virtual=${v})`, at('axis'));
  if (diags.length > before) return undefined;
  return {
    microbatches: m, tactic: ast.name, range: ast.range,
    pipeline: { axis, stages: p, schedule, virtual: v, layersPerStage: ast.layersPerStage },
  };
}
