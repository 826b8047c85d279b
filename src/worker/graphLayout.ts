/** Graph layout requests, delegated to layout.ts (the graph engineer's) over the cached result. */
import { layoutGraph, pipelineStageMap, type GraphLayout } from './layout';
import type { Session } from './session';

/** `stage` null = the final shardings. Null when there is no program to lay out yet. */
export function layoutFor(session: Session, expanded: string[], stage: number | null, highlightValues?: number[]): GraphLayout | null {
  const r = session.result;
  if (!r) return null;
  // a pipelined step colours each node by the pipeline stage that runs it
  const pipeline = pipelineStageMap(r.program, r.report.pipeline);
  const opts = { expanded, stage: stage ?? undefined, partition: r.partition, spmd: r.spmd, ...(pipeline ? { pipeline } : {}) };
  // `highlightValues` (compare view) marks collapsed groups holding a differing value; layouts without it ignore it.
  return layoutGraph(r.program, highlightValues && highlightValues.length ? { ...opts, highlightValues } : opts);
}
