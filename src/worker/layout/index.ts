/**
 * Graph model and layout of the sharded dataflow graph, run in the worker (pure TS, no DOM).
 *
 * After Model Explorer: ops are grouped by name scope (`layer_3` ⊃ `layer_3/attn`), inputs by path
 * prefix (`params/layer_3/attn`), and only expanded groups are laid out, one group at a time, each
 * group's children by a small layered (top-to-bottom) layout. A group's layout depends only on its
 * children and the sizes of its expanded child groups, never on shardings or collectives, so
 * overlays (stage slider, colours) reuse cached positions and never trigger a relayout.
 *
 * Node numbering inside the model: ops 0..nOps-1, inputs nOps..nOps+nInputs-1, groups after.
 *
 * Modules: types (DTOs), model (group tree, once per program), layered (one group's layout), groups
 * (recursive, cached), overlays (shardings, collectives), aggregate (visible edges, incrementally).
 */
import type { Program } from '../../core/ir/types';
import type { Sharding } from '../../core/partition/types';
import { topIndex } from './aggregate';
import { layoutGroup } from './groups';
import { graphModel, groupsAbove } from './model';
import { highlightCounts, layoutEdges, layoutNodes, type NodeInputs } from './nodes';
import { groupStateCounts } from './overlays';
import { nodeStages } from './stageOverlay';
import type { GraphLayout, LayoutOptions } from './types';
import { collectiveMarks, expandedGroups, placeVisible, representatives, visibleEdges } from './visible';

export * from './types';
export { groupNodeId, inputNodeId, opNodeId } from './ids';
export { opNodeLabel } from './nodes';
export { searchGraph, type SearchHit, type SearchResult } from './search';
export { FOLD_MIN, graphModel, groupsAbove, hiddenLeaves, inputGroupOf, type GraphModel } from './model';
export { layeredLayout, type LayeredInput } from './layered';
export { axisState, collectivesOf, formatShardedType } from './overlays';
export { pipelineStageMap, type PipelineStageMap } from './pipelineStages';

function shardingsFor(opts: LayoutOptions): { shardings?: readonly Sharding[]; stage: number; stages: number } {
  const part = opts.partition;
  if (!part) return { stage: -1, stages: 0 };
  const stages = part.stages.length;
  if (opts.stage === undefined || opts.stage >= stages) return { shardings: part.shardings, stage: stages - 1, stages };
  if (opts.stage < 0) return { stage: -1, stages };
  return { shardings: part.stages[opts.stage].shardings, stage: opts.stage, stages };
}


/**
 * Scopes to expand so that op `opId` is visible (its ancestor groups, folds included, outermost first);
 * `shardings` as given to the layout (the folds depend on them).
 */
export function groupsToReveal(program: Program, opId: number, shardings?: readonly Sharding[]): string[] {
  if (!program.ops[opId]) return [];
  return groupsAbove(graphModel(program, shardings), opId);
}


/**
 * Lays out the program with the given groups expanded. Cost: one pass over the leaves and edges for
 * the visible graph, plus the layered layout of each expanded group whose layout is not cached.
 */
export function layoutGraph(program: Program, opts: LayoutOptions): GraphLayout {
  const t0 = performance.now();
  // Folds follow the strategy's final shardings (not the stage slider's), so that they stay put while it moves.
  const m = graphModel(program, opts.partition?.shardings);
  const firstGroup = m.nOps + m.nInputs;
  const expanded = expandedGroups(m, opts.expanded);
  const rep = representatives(m, expanded);
  const root = layoutGroup(m, -1, expanded);
  const at = placeVisible(m, root, expanded);
  const { shardings, stage, stages } = shardingsFor(opts);
  const axes = opts.partition?.mesh.axes.map((a) => ({ name: a.name, size: a.size })) ?? [];
  const showsCollectives = !!opts.spmd && (stages === 0 || stage === stages - 1);
  // Group overlays: per group, per axis, counts of tiled / partial values under it (independent of what is expanded).
  const counts = groupStateCounts(m, shardings, axes);
  const tops = topIndex(m);
  const agg = visibleEdges(m, tops, rep, expanded);
  const marks = showsCollectives && opts.spmd ? collectiveMarks(m, tops, rep, expanded, opts.spmd) : { edges: new Map(), nodes: new Map() };
  const inputs: NodeInputs = {
    program, m, at, expanded, shardings, axes, counts, marks,
    highlightOf: highlightCounts(program, m, rep, opts.highlightValues),
    stagesOf: opts.pipeline ? nodeStages(m, opts.pipeline) : undefined,
  };
  const edges = layoutEdges(inputs, agg);
  const nodes = layoutNodes(inputs);
  return {
    nodes, edges, width: root.width, height: root.height, meshAxes: axes, stages, stage, showsCollectives,
    expanded: [...expanded].map((g) => m.groupScope[g - firstGroup]),
    ...(opts.pipeline ? { pipeline: { axis: opts.pipeline.axis, stages: opts.pipeline.stages } } : {}),
    millis: performance.now() - t0,
  };
}
