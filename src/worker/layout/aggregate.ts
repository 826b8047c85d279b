/**
 * Incremental aggregation of leaf edges and collectives onto the visible nodes: the all-collapsed
 * aggregate is built once per program, and each layout re-aggregates only what touches an expanded
 * top-level group.
 */
import type { SpmdProgram } from '../../core/spmd/types';
import type { GraphModel } from './model';
import { collectivesOf, type RawCollective } from './overlays';

/** Visible edges keyed by `a * nNodes + b`, each with its first value, how many distinct values and their bytes. */
export interface Aggregate {
  readonly index: Map<number, number>;
  readonly keys: number[];
  readonly first: number[];
  readonly count: number[];
  readonly bytes: number[];
}

export const newAggregate = (): Aggregate => ({ index: new Map(), keys: [], first: [], count: [], bytes: [] });

export function addToAggregate(agg: Aggregate, k: number, first: number, count: number, bytes: number): void {
  let x = agg.index.get(k);
  if (x === undefined) {
    x = agg.keys.length;
    agg.index.set(k, x);
    agg.keys.push(k);
    agg.first.push(first);
    agg.count.push(0);
    agg.bytes.push(0);
  }
  agg.count[x] += count;
  agg.bytes[x] += bytes;
}

/**
 * Aggregates leaf edges (indices, in value order) by their visible endpoints `rep`. Edges come grouped
 * by value, so a value reaching several consumers inside one visible target counts once (`seen` holds
 * the targets of the current value: a handful at most).
 */
export function aggregateEdges(m: GraphModel, rep: Int32Array, edgeList: ArrayLike<number>, agg: Aggregate): void {
  const seen: number[] = [];
  let current = -1;
  for (let i = 0; i < edgeList.length; i++) {
    const e = edgeList[i];
    const a = rep[m.edgeSrc[e]];
    const b = rep[m.edgeDst[e]];
    if (a === b) continue;
    const v = m.edgeValue[e];
    if (v !== current) {
      current = v;
      seen.length = 0;
    } else if (seen.includes(b)) continue;
    seen.push(b);
    addToAggregate(agg, a * m.nNodes + b, v, 1, m.valueBytes[v]);
  }
}

export interface TopIndex {
  /** The top-level ancestor of every node (the node itself at the top). */
  readonly top: Int32Array;
  /** Rank of every leaf edge in value order. */
  readonly edgeRank: Int32Array;
  /** Per top-level node: the leaf edges with an end under it, in value order. */
  readonly edgesOfTop: Map<number, Int32Array>;
  /** The edges with every group collapsed. */
  readonly base: Aggregate;
}

const topIndexes = new WeakMap<GraphModel, TopIndex>();

export function topIndex(m: GraphModel): TopIndex {
  const hit = topIndexes.get(m);
  if (hit) return hit;
  const top = new Int32Array(m.nNodes);
  const firstGroup = m.nOps + m.nInputs;
  // Groups are numbered parent-first, so their tops fill in one pass; leaves read their parent's.
  for (let g = firstGroup; g < m.nNodes; g++) top[g] = m.parent[g] < 0 ? g : top[m.parent[g]];
  for (let l = 0; l < firstGroup; l++) top[l] = m.parent[l] < 0 ? l : top[m.parent[l]];
  const edgeRank = new Int32Array(m.edgesByValue.length);
  m.edgesByValue.forEach((e, i) => (edgeRank[e] = i));
  const lists = new Map<number, number[]>();
  for (const e of m.edgesByValue) {
    const a = top[m.edgeSrc[e]];
    const b = top[m.edgeDst[e]];
    for (const t of a === b ? [a] : [a, b]) {
      const l = lists.get(t);
      if (l) l.push(e);
      else lists.set(t, [e]);
    }
  }
  const edgesOfTop = new Map<number, Int32Array>();
  for (const [t, l] of lists) edgesOfTop.set(t, Int32Array.from(l));
  const base = newAggregate();
  aggregateEdges(m, top, m.edgesByValue, base);
  const out = { top, edgeRank, edgesOfTop, base };
  topIndexes.set(m, out);
  return out;
}

/** The leaf edges with an end under one of the given top-level nodes, each once, in value order. */
export function touchedEdges(tops: TopIndex, openTops: readonly number[]): ArrayLike<number> {
  if (openTops.length === 0) return [];
  if (openTops.length === 1) return tops.edgesOfTop.get(openTops[0]) ?? [];
  const all = new Set<number>();
  for (const t of openTops) for (const e of tops.edgesOfTop.get(t) ?? []) all.add(e);
  return Int32Array.from(all).sort((x, y) => tops.edgeRank[x] - tops.edgeRank[y]);
}

export interface CollectiveIndex {
  readonly raw: RawCollective[];
  /** Per top-level node: the collectives with an end under it. */
  readonly byTop: Map<number, number[]>;
}

const collectiveIndexes = new WeakMap<SpmdProgram, CollectiveIndex>();

export function collectiveIndex(m: GraphModel, tops: TopIndex, spmd: SpmdProgram): CollectiveIndex {
  const hit = collectiveIndexes.get(spmd);
  if (hit) return hit;
  const raw = collectivesOf(m, spmd);
  const byTop = new Map<number, number[]>();
  raw.forEach((c, i) => {
    if (c.to < 0 || c.to >= m.nOps) return;
    const b = tops.top[c.to];
    const a = c.from >= 0 ? tops.top[c.from] : b;
    for (const t of a === b ? [a] : [a, b]) {
      const l = byTop.get(t);
      if (l) l.push(i);
      else byTop.set(t, [i]);
    }
  });
  const out = { raw, byTop };
  collectiveIndexes.set(spmd, out);
  return out;
}
