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
import type { Program, ValueId } from '../../core/ir/types';
import type { Sharding } from '../../core/partition/types';
import { addToAggregate, aggregateEdges, collectiveIndex, newAggregate, topIndex, touchedEdges } from './aggregate';
import { layoutGroup } from './groups';
import { groupNodeId, inputNodeId, opNodeId } from './ids';
import { graphModel, groupsAbove, inputGroupOf, type GroupBox } from './model';
import { addMark, axisState, formatShardedType, groupStateCounts, type RawCollective } from './overlays';
import { nodeStages } from './stageOverlay';
import type { AxisMark, CollectiveMark, GraphLayout, LayoutEdge, LayoutNode, LayoutOptions } from './types';

export * from './types';
export { groupNodeId, inputNodeId, opNodeId } from './ids';
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


/** What an op node is: its kind and the last part of its value's name, else of its scope (`dot_general · hidden`). */
export function opNodeLabel(kind: string, valueName: string | undefined, scope: string): string {
  const tail = valueName ?? scope;
  const part = tail.slice(tail.lastIndexOf('/') + 1);
  return part ? `${kind} · ${part}` : kind;
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
  // Only groups whose ancestors are all expanded count as expanded.
  const requested = new Set<number>();
  for (const s of opts.expanded) {
    const g = m.groupIndex.get(s);
    if (g === undefined) continue;
    requested.add(g);
    // A fold opens by itself when a group in it is asked for (a search hit, a link to `layer_7`).
    for (let p = m.parent[g]; p >= 0; p = m.parent[p]) if (m.foldSize[p - firstGroup] > 0) requested.add(p);
  }
  const expanded = new Set<number>();
  for (const g of requested) {
    let ok = true;
    for (let p = m.parent[g]; p >= 0; p = m.parent[p]) if (!requested.has(p)) ok = false;
    if (ok) expanded.add(g);
  }

  // rep[n]: the visible node that stands for n (itself, or its outermost collapsed ancestor group).
  const rep = new Int32Array(m.nNodes);
  // Groups are numbered parent-first, so one pass over the groups then one over the leaves suffices.
  const repOf = (n: number): number => {
    const p = m.parent[n];
    if (p < 0) return n;
    if (rep[p] !== p) return rep[p]; // the parent is itself hidden inside a collapsed ancestor
    return expanded.has(p) ? n : p;
  };
  for (let g = firstGroup; g < m.nNodes; g++) rep[g] = repOf(g);
  for (let l = 0; l < firstGroup; l++) rep[l] = repOf(l);

  const root = layoutGroup(m, -1, expanded);
  const absX = new Float64Array(m.nNodes);
  const absY = new Float64Array(m.nNodes);
  const w = new Float64Array(m.nNodes);
  const h = new Float64Array(m.nNodes);
  const visible: number[] = [];
  const place = (g: number, box: GroupBox, ox: number, oy: number) => {
    const kids = g < 0 ? m.rootChildren : m.children[g - firstGroup];
    kids.forEach((c, i) => {
      absX[c] = ox + box.childX[i];
      absY[c] = oy + box.childY[i];
      w[c] = box.childW[i];
      h[c] = box.childH[i];
      visible.push(c);
      if (expanded.has(c)) place(c, layoutGroup(m, c, expanded), absX[c], absY[c]);
    });
  };
  place(-1, root, 0, 0);

  const { shardings, stage, stages } = shardingsFor(opts);
  const axes = opts.partition?.mesh.axes.map((a) => ({ name: a.name, size: a.size })) ?? [];
  const showsCollectives = !!opts.spmd && (stages === 0 || stage === stages - 1);
  const valueOfLeaf = (n: number): ValueId | undefined =>
    n < m.nOps ? program.ops[n].results[0] : n < firstGroup ? program.inputs[n - m.nOps] : undefined;

  // Group overlays: per group, per axis, counts of tiled / partial values under it (independent of what is expanded).
  const na = axes.length;
  const { gTiled, gPartial, gTotal } = groupStateCounts(m, shardings, axes);

  // Visible edges and collectives: the all-collapsed aggregate (cached) minus what touches an expanded
  // top-level group, plus those leaf edges re-aggregated under the current expansion. Expanding one
  // layer of a 96-layer step so costs that layer's edges, not the whole program's.
  const tops = topIndex(m);
  const openTops: number[] = [];
  for (const g of expanded) if (m.parent[g] < 0) openTops.push(g);
  const open = (n: number) => expanded.has(n);
  const agg = newAggregate();
  const base = tops.base;
  for (let x = 0; x < base.first.length; x++) {
    const k = base.keys[x];
    if (open(Math.floor(k / m.nNodes)) || open(k % m.nNodes)) continue;
    addToAggregate(agg, k, base.first[x], base.count[x], base.bytes[x]);
  }
  aggregateEdges(m, rep, touchedEdges(tops, openTops), agg);

  const edgeMarks = new Map<number, CollectiveMark[]>();
  const nodeMarks = new Map<number, CollectiveMark[]>();
  if (showsCollectives && opts.spmd) {
    const cs = collectiveIndex(m, tops, opts.spmd);
    const put = (marks: Map<number, CollectiveMark[]>, k: number, c: RawCollective) => {
      const l = marks.get(k);
      if (l) addMark(l, c);
      else marks.set(k, [{ kind: c.kind, axes: c.axes, bytes: c.bytes, count: 1 }]);
    };
    const place = (c: RawCollective) => {
      const b = rep[c.to];
      // A hidden constant is drawn as part of its user: its collectives too.
      const a = c.from >= 0 && !(c.from < firstGroup && m.hidden[c.from]) ? rep[c.from] : b;
      if (a === b) put(nodeMarks, b, c);
      else put(edgeMarks, a * m.nNodes + b, c);
    };
    const touched = new Set<number>();
    for (const t of openTops) for (const i of cs.byTop.get(t) ?? []) touched.add(i);
    cs.raw.forEach((c, i) => {
      if (c.to < 0 || c.to >= m.nOps || touched.has(i)) return;
      // Untouched collectives sit between (or inside) collapsed top-level nodes, where `rep` is the top.
      place(c);
    });
    for (const i of touched) place(cs.raw[i]);
  }
  const idOf = (n: number): string =>
    n < m.nOps ? opNodeId(n) : n < firstGroup ? inputNodeId(program.inputs[n - m.nOps]) : groupNodeId(m.groupScope[n - firstGroup]);

  const edges: LayoutEdge[] = [];
  for (let x = 0; x < agg.keys.length; x++) {
    const k = agg.keys[x];
    const a = Math.floor(k / m.nNodes);
    const b = k % m.nNodes;
    const first = agg.first[x];
    const count = agg.count[x];
    const bytes = agg.bytes[x];
    const label = count === 1 ? formatShardedType(program.values[first].type, shardings?.[first]) : `${count} tensors`;
    edges.push({
      id: `${idOf(a)}->${idOf(b)}`, source: idOf(a), target: idOf(b),
      points: [[absX[a] + w[a] / 2, absY[a] + h[a]], [absX[b] + w[b] / 2, absY[b]]],
      label, values: count, bytes, back: m.key[b] < m.key[a], collectives: edgeMarks.get(k) ?? [],
    });
  }

  // Highlighted values: the leaf that defines each one, counted on every collapsed group that hides it.
  const highlightOf = new Map<number, number>();
  if (opts.highlightValues?.length) {
    for (const v of opts.highlightValues) {
      const def = program.values[v]?.def;
      if (def === undefined) continue;
      const input = def < 0 ? m.inputOfValue.get(v) : undefined;
      if (def < 0 && input === undefined) continue;
      const leaf = def >= 0 ? def : m.nOps + input!;
      const r = rep[leaf];
      highlightOf.set(r, (highlightOf.get(r) ?? 0) + 1);
    }
  }

  const stagesOf = opts.pipeline ? nodeStages(m, opts.pipeline) : undefined;
  const nodes: LayoutNode[] = visible.map((n) => {
    const base = {
      id: idOf(n), x: absX[n], y: absY[n], width: w[n], height: h[n],
      parent: m.parent[n] < 0 ? null : idOf(m.parent[n]), depth: m.depth[n],
      collectives: nodeMarks.get(n) ?? [],
      ...(highlightOf.has(n) ? { highlighted: highlightOf.get(n) } : {}),
      ...(stagesOf ? { pipelineStages: stagesOf(n) } : {}),
    };
    if (n >= firstGroup) {
      const k = n - firstGroup;
      const scope = m.groupScope[k];
      const marks: AxisMark[] = axes.map((a, i) => {
        const total = gTotal[k];
        const t = gTiled[k * na + i];
        const p = gPartial[k * na + i];
        if (total === 0) return { axis: a.name, state: 'replicated', fraction: 0 };
        const state = t === 0 && p === 0 ? 'replicated' : t >= p ? 'tiled' : 'partial';
        return { axis: a.name, state, fraction: (t + p) / total };
      });
      const fold = m.foldSize[k];
      const tail = scope.slice(scope.lastIndexOf('/') + 1);
      return {
        ...base, kind: 'group', label: fold ? `${tail} ×${fold}` : tail, sublabel: scope, scope,
        expanded: expanded.has(n), opCount: m.opCount[n], inputCount: m.inputCount[n], axes: marks,
        ...(fold ? { folded: fold } : {}),
      };
    }
    const v = valueOfLeaf(n)!;
    const s = shardings?.[v];
    const marks = axes.map((a) => axisState(s, a.name));
    const sub = v === undefined ? '' : formatShardedType(program.values[v].type, s);
    if (n < m.nOps) {
      const op = program.ops[n];
      const name = program.values[v]?.name;
      const constants = m.constantsOf.get(n);
      return {
        ...base, kind: 'op', label: opNodeLabel(op.kind, name, op.scope),
        sublabel: sub, scope: op.scope, opId: op.id, valueId: v, opKind: op.kind, phase: op.phase, axes: marks,
        ...(constants ? { constants } : {}),
      };
    }
    const name = program.values[v].name ?? `input ${n - m.nOps}`;
    return {
      ...base, kind: 'input', label: name.slice(name.lastIndexOf('/') + 1), sublabel: sub,
      scope: inputGroupOf(name), valueId: v, axes: marks,
    };
  });

  return {
    nodes, edges, width: root.width, height: root.height, meshAxes: axes, stages, stage, showsCollectives,
    expanded: [...expanded].map((g) => m.groupScope[g - firstGroup]),
    ...(opts.pipeline ? { pipeline: { axis: opts.pipeline.axis, stages: opts.pipeline.stages } } : {}),
    millis: performance.now() - t0,
  };
}
