/**
 * Which pipeline stage runs each op and holds each input of the (micro-batch) program, for the graph's
 * stage colouring. The split is the one the MPMD plan uses (core's `splitStep`, docs/pipelines.md "What the
 * step becomes"), with the layers of each chunk taken from the report, so the graph and the Gantt agree.
 */
import type { Program } from '../../core/ir/types';
import { deviceOfChunk } from '../../core/mpmd/schedules';
import { splitStep } from '../../core/mpmd/stages';
import type { PipelineJson } from '../../core/report';

export interface PipelineStageMap {
  readonly axis: string;
  readonly stages: number;
  /** Per op: its stage, or -1 when every stage computes its own copy (the optimizer's step counter). */
  readonly ofOp: Int32Array;
  /** Per program input: the stage that holds it, or -1 when only shared ops read it. */
  readonly ofInput: Int32Array;
}

/** Layers of each model chunk in chunk order, as the report gives them per stage. */
export function layersPerChunk(pl: Pick<PipelineJson, 'perStage'>): number[] {
  const out: number[] = [];
  for (const s of pl.perStage) s.chunks.forEach((c, i) => { out[c] = s.layers[i][1] - s.layers[i][0]; });
  return out;
}

const cache = new WeakMap<Program, { key: string; map: PipelineStageMap }>();

/** The stage of every op and input; undefined when the step has no pipeline (none, or Microbatch only). */
export function pipelineStageMap(program: Program, pl: PipelineJson | undefined): PipelineStageMap | undefined {
  if (!pl || pl.axis === null || pl.stages < 1) return undefined;
  const per = layersPerChunk(pl);
  const key = JSON.stringify([pl.axis, pl.stages, per]);
  const hit = cache.get(program);
  if (hit?.key === key) return hit.map;
  const split = splitStep(program, per.length, per);
  const stageOf = (chunk: number) => (chunk < 0 ? -1 : deviceOfChunk(chunk, pl.stages));
  const map: PipelineStageMap = {
    axis: pl.axis,
    stages: pl.stages,
    ofOp: split.chunkOf.map(stageOf),
    ofInput: split.inputHome.map(stageOf),
  };
  cache.set(program, { key, map });
  return map;
}
