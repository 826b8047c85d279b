/**
 * The visible part of the graph under one expansion (index.ts `layoutGraph`): which groups count as
 * expanded, the visible node standing for each node, absolute positions, and the visible edges and
 * collectives. Node numbering as in index.ts: ops, inputs, then groups.
 */
import type { SpmdProgram } from '../../core/spmd/types';
import { addToAggregate, aggregateEdges, collectiveIndex, newAggregate, touchedEdges, type Aggregate, type TopIndex } from './aggregate';
import { layoutGroup } from './groups';
import type { GraphModel, GroupBox } from './model';
import { addMark, type RawCollective } from './overlays';
import type { CollectiveMark } from './types';

/** The groups that count as expanded: asked for, and every ancestor asked for too (a fold opens by itself). */
export function expandedGroups(m: GraphModel, asked: Iterable<string>): Set<number> {
  const firstGroup = m.nOps + m.nInputs;
  const requested = new Set<number>();
  for (const s of asked) {
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
  return expanded;
}

/** rep[n]: the visible node that stands for n (itself, or its outermost collapsed ancestor group). */
export function representatives(m: GraphModel, expanded: ReadonlySet<number>): Int32Array {
  const firstGroup = m.nOps + m.nInputs;
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
  return rep;
}

/** Absolute boxes of the visible nodes, parents before children. */
export interface Placement {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly h: Float64Array;
  readonly visible: number[];
}

/** Places the root's layout and, recursively, every expanded group's (each group's layout is cached). */
export function placeVisible(m: GraphModel, root: GroupBox, expanded: ReadonlySet<number>): Placement {
  const firstGroup = m.nOps + m.nInputs;
  const at: Placement = {
    x: new Float64Array(m.nNodes), y: new Float64Array(m.nNodes), w: new Float64Array(m.nNodes), h: new Float64Array(m.nNodes), visible: [],
  };
  const place = (g: number, box: GroupBox, ox: number, oy: number) => {
    const kids = g < 0 ? m.rootChildren : m.children[g - firstGroup];
    kids.forEach((c, i) => {
      at.x[c] = ox + box.childX[i];
      at.y[c] = oy + box.childY[i];
      at.w[c] = box.childW[i];
      at.h[c] = box.childH[i];
      at.visible.push(c);
      if (expanded.has(c)) place(c, layoutGroup(m, c, expanded), at.x[c], at.y[c]);
    });
  };
  place(-1, root, 0, 0);
  return at;
}

/** The expanded top-level groups. */
export function openTopGroups(m: GraphModel, expanded: ReadonlySet<number>): number[] {
  const openTops: number[] = [];
  for (const g of expanded) if (m.parent[g] < 0) openTops.push(g);
  return openTops;
}

/**
 * Visible edges: the all-collapsed aggregate (cached) minus what touches an expanded top-level group,
 * plus those leaf edges re-aggregated under the current expansion. Expanding one layer of a 96-layer
 * step so costs that layer's edges, not the whole program's.
 */
export function visibleEdges(m: GraphModel, tops: TopIndex, rep: Int32Array, expanded: ReadonlySet<number>): Aggregate {
  const agg = newAggregate();
  const base = tops.base;
  for (let x = 0; x < base.first.length; x++) {
    const k = base.keys[x];
    if (expanded.has(Math.floor(k / m.nNodes)) || expanded.has(k % m.nNodes)) continue;
    addToAggregate(agg, k, base.first[x], base.count[x], base.bytes[x]);
  }
  aggregateEdges(m, rep, touchedEdges(tops, openTopGroups(m, expanded)), agg);
  return agg;
}

export interface CollectiveMarks {
  /** By edge key (from · nNodes + to). */
  readonly edges: Map<number, CollectiveMark[]>;
  /** By visible node: collectives inside it. */
  readonly nodes: Map<number, CollectiveMark[]>;
}

/** The collectives on visible edges and nodes; untouched ones sit between collapsed top-level nodes. */
export function collectiveMarks(m: GraphModel, tops: TopIndex, rep: Int32Array, expanded: ReadonlySet<number>, spmd: SpmdProgram): CollectiveMarks {
  const firstGroup = m.nOps + m.nInputs;
  const marks: CollectiveMarks = { edges: new Map(), nodes: new Map() };
  const cs = collectiveIndex(m, tops, spmd);
  const put = (into: Map<number, CollectiveMark[]>, k: number, c: RawCollective) => {
    const l = into.get(k);
    if (l) addMark(l, c);
    else into.set(k, [{ kind: c.kind, axes: c.axes, bytes: c.bytes, count: 1 }]);
  };
  const place = (c: RawCollective) => {
    const b = rep[c.to];
    // A hidden constant is drawn as part of its user: its collectives too.
    const a = c.from >= 0 && !(c.from < firstGroup && m.hidden[c.from]) ? rep[c.from] : b;
    if (a === b) put(marks.nodes, b, c);
    else put(marks.edges, a * m.nNodes + b, c);
  };
  const touched = new Set<number>();
  for (const t of openTopGroups(m, expanded)) for (const i of cs.byTop.get(t) ?? []) touched.add(i);
  cs.raw.forEach((c, i) => {
    if (c.to < 0 || c.to >= m.nOps || touched.has(i)) return;
    // Untouched collectives sit between (or inside) collapsed top-level nodes, where `rep` is the top.
    place(c);
  });
  for (const i of touched) place(cs.raw[i]);
  return marks;
}
