/**
 * The program one micro-batch runs: the zoo model built at batch / microbatches. Partitioning, lowering and
 * the per-stage costs all work on it; the step is `microbatches` of it plus one optimizer update.
 */
import { UserError } from '../errors';
import type { Config } from '../io/config';
import type { Program } from '../ir/types';
import { buildZooModel, resolveParams, zooEntry } from '../models/zoo';

/** The model's batch (the `batch` parameter), or undefined when the model has none. */
export function modelBatch(config: Config): number | undefined {
  if (!('zoo' in config.model)) return undefined;
  const b = resolveParams(zooEntry(config.model.zoo), config.model.params).batch;
  return typeof b === 'number' ? b : undefined;
}

let last: { key: string; program: Program } | undefined;

/** Builds the micro-batch program of `config` (cached for the last key, as tactic edits keep it). */
export function buildMicrobatchProgram(config: Config, microbatches: number): Program {
  if (!('zoo' in config.model)) throw new UserError('pipeline', 'micro-batching needs a zoo model: an imported module has a fixed batch');
  const batch = modelBatch(config);
  if (batch === undefined) throw new UserError('pipeline', `${config.model.zoo} has no batch parameter to cut into micro-batches`);
  if (batch % microbatches !== 0) throw new UserError('pipeline', `${microbatches} micro-batches do not divide the batch of ${batch}`);
  const params = { ...(config.model.params ?? {}), batch: batch / microbatches };
  const key = JSON.stringify([config.model.zoo, params]);
  if (last?.key !== key) last = { key, program: buildZooModel(config.model.zoo, params) };
  return last.program;
}
