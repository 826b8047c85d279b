/**
 * The visible nodes and edges of a layout (index.ts `layoutGraph`): group nodes with their per-axis
 * overlay counts, op and input leaves with their sharded types, edges with their labels.
 */
import type { Program, ValueId } from '../../core/ir/types';
import type { Sharding } from '../../core/partition/types';
import type { Aggregate } from './aggregate';
import { groupNodeId, inputNodeId, opNodeId } from './ids';
import { inputGroupOf, type GraphModel } from './model';
import { axisState, formatShardedType, type GroupCounts } from './overlays';
import type { AxisMark, CollectiveMark, LayoutEdge, LayoutNode } from './types';
import type { CollectiveMarks, Placement } from './visible';

/** What an op node is: its kind and the last part of its value's name, else of its scope (`dot_general · hidden`). */
export function opNodeLabel(kind: string, valueName: string | undefined, scope: string): string {
  const tail = valueName ?? scope;
  const part = tail.slice(tail.lastIndexOf('/') + 1);
  return part ? `${kind} · ${part}` : kind;
}

/** Everything the visible nodes and edges are drawn from. */
export interface NodeInputs {
  readonly program: Program;
  readonly m: GraphModel;
  readonly at: Placement;
  readonly expanded: ReadonlySet<number>;
  readonly shardings: readonly Sharding[] | undefined;
  readonly axes: readonly { name: string; size: number }[];
  readonly counts: GroupCounts;
  readonly marks: CollectiveMarks;
  /** Per visible node: how many highlighted values it defines or hides. */
  readonly highlightOf: ReadonlyMap<number, number>;
  readonly stagesOf: ((n: number) => readonly number[]) | undefined;
}

/** The stable id of node n. */
export function nodeId(program: Program, m: GraphModel, n: number): string {
  const firstGroup = m.nOps + m.nInputs;
  return n < m.nOps ? opNodeId(n) : n < firstGroup ? inputNodeId(program.inputs[n - m.nOps]) : groupNodeId(m.groupScope[n - firstGroup]);
}

export function layoutEdges(x: NodeInputs, agg: Aggregate): LayoutEdge[] {
  const { program, m, at, shardings } = x;
  const idOf = (n: number) => nodeId(program, m, n);
  const edges: LayoutEdge[] = [];
  for (let i = 0; i < agg.keys.length; i++) {
    const k = agg.keys[i];
    const a = Math.floor(k / m.nNodes);
    const b = k % m.nNodes;
    const first = agg.first[i];
    const count = agg.count[i];
    const label = count === 1 ? formatShardedType(program.values[first].type, shardings?.[first]) : `${count} tensors`;
    edges.push({
      id: `${idOf(a)}->${idOf(b)}`, source: idOf(a), target: idOf(b),
      points: [[at.x[a] + at.w[a] / 2, at.y[a] + at.h[a]], [at.x[b] + at.w[b] / 2, at.y[b]]],
      label, values: count, bytes: agg.bytes[i], back: m.key[b] < m.key[a], collectives: x.marks.edges.get(k) ?? [],
    });
  }
  return edges;
}

/** Highlighted values: the leaf that defines each one, counted on every collapsed group that hides it. */
export function highlightCounts(program: Program, m: GraphModel, rep: Int32Array, values: readonly number[] | undefined): Map<number, number> {
  const highlightOf = new Map<number, number>();
  for (const v of values ?? []) {
    const def = program.values[v]?.def;
    if (def === undefined) continue;
    const input = def < 0 ? m.inputOfValue.get(v) : undefined;
    if (def < 0 && input === undefined) continue;
    const leaf = def >= 0 ? def : m.nOps + input!;
    const r = rep[leaf];
    highlightOf.set(r, (highlightOf.get(r) ?? 0) + 1);
  }
  return highlightOf;
}

interface BaseNode {
  id: string; x: number; y: number; width: number; height: number; parent: string | null; depth: number;
  collectives: CollectiveMark[]; highlighted?: number; pipelineStages?: readonly number[];
}

export function layoutNodes(x: NodeInputs): LayoutNode[] {
  const { program, m, at } = x;
  const firstGroup = m.nOps + m.nInputs;
  return at.visible.map((n) => {
    const base: BaseNode = {
      id: nodeId(program, m, n), x: at.x[n], y: at.y[n], width: at.w[n], height: at.h[n],
      parent: m.parent[n] < 0 ? null : nodeId(program, m, m.parent[n]), depth: m.depth[n],
      collectives: x.marks.nodes.get(n) ?? [],
      ...(x.highlightOf.has(n) ? { highlighted: x.highlightOf.get(n) } : {}),
      ...(x.stagesOf ? { pipelineStages: x.stagesOf(n) } : {}),
    };
    return n >= firstGroup ? groupNode(x, n, base) : leafNode(x, n, base);
  });
}

function groupNode(x: NodeInputs, n: number, base: BaseNode): LayoutNode {
  const { m, axes } = x;
  const { gTiled, gPartial, gTotal } = x.counts;
  const na = axes.length;
  const k = n - (m.nOps + m.nInputs);
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
    expanded: x.expanded.has(n), opCount: m.opCount[n], inputCount: m.inputCount[n], axes: marks,
    ...(fold ? { folded: fold } : {}),
  };
}

function leafNode(x: NodeInputs, n: number, base: BaseNode): LayoutNode {
  const { program, m } = x;
  const v: ValueId = n < m.nOps ? program.ops[n].results[0] : program.inputs[n - m.nOps];
  const s = x.shardings?.[v];
  const marks = x.axes.map((a) => axisState(s, a.name));
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
}
