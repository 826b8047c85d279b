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
 */
import type { Program, TensorType, ValueId } from '../core/ir/types';
import { DTYPE_BYTES } from '../core/ir/types';
import { formatShardedType as coreFormatShardedType } from '../core/partition/sharding';
import type { PartitionResult, Sharding } from '../core/partition/types';
import type { CollectiveName } from '../core/report';
import type { SpmdProgram } from '../core/spmd/types';

// ---------------------------------------------------------------- public types (worker → UI DTOs)

/** How one mesh axis acts on a node's (first) result; for a collapsed group, the most common non-replicated state. */
export interface AxisMark {
  readonly axis: string;
  readonly state: 'tiled' | 'partial' | 'replicated';
  readonly dim?: number;
  /** Groups only: share of the group's values that are not replicated on this axis (0..1). */
  readonly fraction?: number;
}

/** Collectives of one kind over the same axes, attached to the edge or node where they occur. */
export interface CollectiveMark {
  readonly kind: CollectiveName;
  readonly axes: readonly string[];
  /** Sum over the collectives aggregated here of the full operand per device group (as in nccl-tests). */
  readonly bytes: number;
  readonly count: number;
}

export interface LayoutNode {
  /** `op:<opId>`, `in:<valueId>` or `g:<scope>`. */
  readonly id: string;
  readonly kind: 'op' | 'input' | 'group';
  readonly label: string;
  /** Ops and inputs: the sharded type of the result, e.g. `bf16[8@batch, 2048, 4096@model]`. */
  readonly sublabel: string;
  /** Absolute position of the top-left corner and size, in layout units (px at zoom 1). */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Id of the enclosing (expanded) group node, or null at the top. */
  readonly parent: string | null;
  readonly depth: number;
  readonly scope: string;
  readonly opId?: number;
  readonly valueId?: number;
  readonly opKind?: string;
  readonly phase?: string;
  /** Groups: whether expanded (children drawn inside) and how many ops / inputs it holds in all. */
  readonly expanded?: boolean;
  readonly opCount?: number;
  readonly inputCount?: number;
  readonly axes: readonly AxisMark[];
  readonly collectives: readonly CollectiveMark[];
  /**
   * Set when `highlightValues` was given: the leaf's value is one of them, or (collapsed groups) how
   * many of them the group hides, so a difference inside a closed layer still shows.
   */
  readonly highlighted?: number;
}

export interface LayoutEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Start (bottom of source) and end (top of target), absolute. */
  readonly points: readonly (readonly [number, number])[];
  /** The sharded type of the value when the edge carries one, else `N tensors`. */
  readonly label: string;
  readonly values: number;
  /** Global (unsharded) bytes of the distinct values carried. */
  readonly bytes: number;
  /** The target comes before the source in program order (drawn upwards, e.g. backward pass). */
  readonly back: boolean;
  readonly collectives: readonly CollectiveMark[];
}

export interface GraphLayout {
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  readonly width: number;
  readonly height: number;
  /** Mesh axes in mesh order (empty without a partition). */
  readonly meshAxes: readonly { name: string; size: number }[];
  readonly stages: number;
  /** The stage shown: -1 = before any tactic, stages-1 = final. */
  readonly stage: number;
  /** Whether collectives are shown (they belong to the final partitioning only). */
  readonly showsCollectives: boolean;
  readonly expanded: readonly string[];
  readonly millis: number;
}

export interface LayoutOptions {
  /** Scopes of expanded groups (`layer_3`, `layer_3/attn`); a group shows only if its ancestors are expanded too. */
  readonly expanded: readonly string[];
  /** Stage index into partition.stages; -1 = before any tactic; undefined = final shardings. */
  readonly stage?: number;
  readonly partition?: PartitionResult;
  readonly spmd?: SpmdProgram;
  /** Value ids to mark (e.g. whose sharding differs between two configs in the compare view). */
  readonly highlightValues?: readonly number[];
}

// ---------------------------------------------------------------- sizes

export const NODE_W = 210;
export const NODE_H = 36;
export const GROUP_W = 180;
export const GROUP_H = 46;
export const GROUP_HEADER = 26;
export const GROUP_PAD = 12;
const GAP_X = 18;
const GAP_Y = 40;
/** Ranks wider than this wrap onto more rows (e.g. 96 parameter groups with no edges among them). */
const MAX_ROW = 12;

// ---------------------------------------------------------------- the graph model (once per program)

export interface GraphModel {
  readonly program: Program;
  readonly nOps: number;
  readonly nInputs: number;
  readonly nNodes: number;
  /** Parent group node of every node (-1 for the root). Groups themselves included. */
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  /** Order key: program order; inputs before ops; a group takes its earliest member's key. */
  readonly key: Float64Array;
  readonly groupScope: string[];
  readonly groupIndex: Map<string, number>;
  /** Children of each group (index = node - firstGroup) and of the root (rootChildren). */
  readonly children: number[][];
  readonly rootChildren: number[];
  /** Unique child-level edges per group (and root): pairs of child nodes [a0, b0, a1, b1, ...]. */
  readonly groupEdges: Int32Array[];
  readonly rootEdges: Int32Array;
  /** Leaf data-flow edges (producer leaf, consumer op, value), deduplicated per (value, consumer). */
  readonly edgeSrc: Int32Array;
  readonly edgeDst: Int32Array;
  readonly edgeValue: Int32Array;
  readonly opCount: Int32Array;
  readonly inputCount: Int32Array;
  readonly inputOfValue: Map<ValueId, number>;
  readonly cache: Map<string, GroupBox>;
  /** Leaf edges ordered by value, so that the values an aggregated edge carries are counted once without a Set. */
  readonly edgesByValue: Int32Array;
  /** Global bytes of every value. */
  readonly valueBytes: Float64Array;
}

/** A laid-out group: its size and its children's positions relative to its top-left corner. */
interface GroupBox {
  readonly width: number;
  readonly height: number;
  readonly childX: Float64Array;
  readonly childY: Float64Array;
  readonly childW: Float64Array;
  readonly childH: Float64Array;
}

const models = new WeakMap<Program, GraphModel>();

/** Group scope of an input: its path without the last segment (`params/layer_3/attn/wq` → `params/layer_3/attn`). */
export function inputGroupOf(name: string | undefined): string {
  if (!name) return '';
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

/** Builds (or returns the cached) group tree and edge lists of a program. */
export function graphModel(program: Program): GraphModel {
  const hit = models.get(program);
  if (hit) return hit;
  const nOps = program.ops.length;
  const nInputs = program.inputs.length;
  const firstGroup = nOps + nInputs;
  const groupScope: string[] = [];
  const groupIndex = new Map<string, number>();
  const groupParent: number[] = [];

  // Every ancestor scope of a leaf becomes a group (Model Explorer's "group nodes for all ancestor namespaces").
  const groupOf = (scope: string): number => {
    if (scope === '') return -1;
    const g = groupIndex.get(scope);
    if (g !== undefined) return g;
    const slash = scope.lastIndexOf('/');
    const up = groupOf(slash < 0 ? '' : scope.slice(0, slash));
    const id = firstGroup + groupScope.length;
    groupScope.push(scope);
    groupParent.push(up);
    groupIndex.set(scope, id);
    return id;
  };
  const leafParent = new Int32Array(firstGroup);
  for (const op of program.ops) leafParent[op.id] = groupOf(op.scope);
  const inputOfValue = new Map<ValueId, number>();
  program.inputs.forEach((v, i) => {
    inputOfValue.set(v, i);
    leafParent[nOps + i] = groupOf(inputGroupOf(program.values[v].name));
  });

  const nNodes = firstGroup + groupScope.length;
  const parent = new Int32Array(nNodes);
  parent.set(leafParent);
  for (let g = 0; g < groupScope.length; g++) parent[firstGroup + g] = groupParent[g];
  // Groups are created parent-first, so one forward pass fills depths.
  const depth = new Int32Array(nNodes);
  for (let g = firstGroup; g < nNodes; g++) depth[g] = parent[g] < 0 ? 0 : depth[parent[g]] + 1;
  for (let l = 0; l < firstGroup; l++) depth[l] = parent[l] < 0 ? 0 : depth[parent[l]] + 1;

  const key = new Float64Array(nNodes).fill(Infinity);
  const opCount = new Int32Array(nNodes);
  const inputCount = new Int32Array(nNodes);
  for (let l = 0; l < firstGroup; l++) {
    key[l] = l < nOps ? l : l - firstGroup; // inputs first, in input order
    for (let p = parent[l]; p >= 0; p = parent[p]) {
      if (key[l] < key[p]) key[p] = key[l];
      if (l < nOps) opCount[p]++;
      else inputCount[p]++;
    }
  }

  const children: number[][] = groupScope.map(() => []);
  const rootChildren: number[] = [];
  for (let n = 0; n < nNodes; n++) (parent[n] < 0 ? rootChildren : children[parent[n] - firstGroup]).push(n);
  const byKey = (a: number, b: number) => key[a] - key[b];
  rootChildren.sort(byKey);
  for (const c of children) c.sort(byKey);

  // Leaf edges: producer (op or input) → consumer op, once per (value, consumer).
  const src: number[] = [];
  const dst: number[] = [];
  const val: number[] = [];
  for (const op of program.ops) {
    const seen = op.operands.length > 1 ? new Set<number>() : undefined;
    for (const v of op.operands) {
      if (seen) {
        if (seen.has(v)) continue;
        seen.add(v);
      }
      const def = program.values[v].def;
      let from: number;
      if (def >= 0) from = def;
      else {
        const i = inputOfValue.get(v);
        if (i === undefined) continue;
        from = nOps + i;
      }
      src.push(from);
      dst.push(op.id);
      val.push(v);
    }
  }

  // Child-level edges per group: lift both ends to the children of their lowest common group.
  const edgeSets: Set<number>[] = groupScope.map(() => new Set<number>());
  const rootSet = new Set<number>();
  for (let e = 0; e < src.length; e++) {
    let a = src[e];
    let b = dst[e];
    while (depth[a] > depth[b]) a = parent[a];
    while (depth[b] > depth[a]) b = parent[b];
    if (a === b) continue;
    while (parent[a] !== parent[b]) {
      a = parent[a];
      b = parent[b];
    }
    const p = parent[a];
    (p < 0 ? rootSet : edgeSets[p - firstGroup]).add(a * nNodes + b);
  }
  const toPairs = (s: Set<number>): Int32Array => {
    const out = new Int32Array(s.size * 2);
    let i = 0;
    for (const k of s) {
      out[i++] = Math.floor(k / nNodes);
      out[i++] = k % nNodes;
    }
    return out;
  };

  const model: GraphModel = {
    program, nOps, nInputs, nNodes, parent, depth, key, groupScope, groupIndex, children, rootChildren,
    groupEdges: edgeSets.map(toPairs), rootEdges: toPairs(rootSet),
    edgeSrc: Int32Array.from(src), edgeDst: Int32Array.from(dst), edgeValue: Int32Array.from(val),
    opCount, inputCount, inputOfValue, cache: new Map(),
    edgesByValue: Int32Array.from(val.keys()).sort((x, y) => val[x] - val[y] || x - y),
    valueBytes: Float64Array.from(program.values, (v) => tensorBytes(v.type)),
  };
  models.set(program, model);
  return model;
}

// ---------------------------------------------------------------- layered layout of one group

export interface LayeredInput {
  readonly widths: ArrayLike<number>;
  readonly heights: ArrayLike<number>;
  /** Order keys (program order); an edge from a higher to a lower key is a back edge, ignored for ranking. */
  readonly keys: ArrayLike<number>;
  /** Edges as local index pairs [a0, b0, a1, b1, ...]. */
  readonly edges: ArrayLike<number>;
}

/**
 * A linear-time-ish layered layout (iongraph style, no global optimisation): longest-path ranks over
 * forward edges, sources pulled down next to their first user, one barycentre sweep down and one up,
 * then greedy packing so that no two boxes overlap. Returns top-left positions and the bounding size.
 */
export function layeredLayout(inp: LayeredInput): { x: Float64Array; y: Float64Array; width: number; height: number } {
  const n = inp.widths.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => inp.keys[a] - inp.keys[b]);
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  for (let e = 0; e + 1 < inp.edges.length; e += 2) {
    const a = inp.edges[e];
    const b = inp.edges[e + 1];
    if (a === b) continue;
    if (inp.keys[a] < inp.keys[b]) {
      preds[b].push(a);
      succs[a].push(b);
    } else {
      preds[a].push(b); // back edge: rank as if reversed
      succs[b].push(a);
    }
  }
  const rank = new Int32Array(n);
  for (const v of order) for (const p of preds[v]) if (rank[p] + 1 > rank[v]) rank[v] = rank[p] + 1;
  // Sources (parameters, constants) sit just above their first user rather than at the very top.
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k];
    if (preds[v].length > 0 || succs[v].length === 0) continue;
    let m = Infinity;
    for (const s of succs[v]) m = Math.min(m, rank[s]);
    rank[v] = Math.max(0, m - 1);
  }
  let maxRank = 0;
  for (let i = 0; i < n; i++) maxRank = Math.max(maxRank, rank[i]);
  const ranks: number[][] = Array.from({ length: maxRank + 1 }, () => []);
  for (const v of order) ranks[rank[v]].push(v);

  // Barycentre ordering: position in rank, one sweep down (preds) then one up (succs).
  const pos = new Float64Array(n);
  for (const r of ranks) r.forEach((v, i) => (pos[v] = i));
  const sweep = (r: number[], nb: number[][]) => {
    const bc = new Map<number, number>();
    for (const v of r) {
      const ns = nb[v].filter((u) => rank[u] !== rank[v]);
      bc.set(v, ns.length ? ns.reduce((s, u) => s + pos[u], 0) / ns.length : pos[v]);
    }
    r.sort((a, b) => bc.get(a)! - bc.get(b)! || inp.keys[a] - inp.keys[b]);
    r.forEach((v, i) => (pos[v] = i));
  };
  for (let r = 1; r <= maxRank; r++) sweep(ranks[r], preds);
  for (let r = maxRank - 1; r >= 0; r--) sweep(ranks[r], succs);

  // Coordinates: rows (a rank wraps into several rows when wide), greedy x towards the preds' centre.
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let top = 0;
  let width = 0;
  for (const r of ranks) {
    for (let s = 0; s < r.length; s += MAX_ROW) {
      const row = r.slice(s, s + MAX_ROW);
      let right = -Infinity;
      let h = 0;
      for (const v of row) {
        const ps = preds[v].filter((u) => rank[u] < rank[v]);
        const want = ps.length ? ps.reduce((acc, u) => acc + x[u] + inp.widths[u] / 2, 0) / ps.length - inp.widths[v] / 2 : 0;
        x[v] = right === -Infinity ? Math.max(0, want) : Math.max(want, right + GAP_X);
        right = x[v] + inp.widths[v];
        y[v] = top;
        h = Math.max(h, inp.heights[v]);
      }
      width = Math.max(width, right);
      top += h + GAP_Y;
    }
  }
  return { x, y, width: Math.max(0, width), height: Math.max(0, top - GAP_Y) };
}

// ---------------------------------------------------------------- recursive layout with a per-group cache

function layoutGroup(m: GraphModel, g: number, expanded: ReadonlySet<number>): GroupBox {
  const firstGroup = m.nOps + m.nInputs;
  const kids = g < 0 ? m.rootChildren : m.children[g - firstGroup];
  // The cache key names the group and which of its descendants are expanded: nothing else moves it.
  const inner: number[] = [];
  for (const e of expanded) {
    if (g < 0) inner.push(e);
    else for (let p = m.parent[e]; p >= 0; p = m.parent[p]) if (p === g) {
      inner.push(e);
      break;
    }
  }
  inner.sort((a, b) => a - b);
  const cacheKey = `${g}|${inner.join(',')}`;
  const hit = m.cache.get(cacheKey);
  if (hit) return hit;

  const n = kids.length;
  const local = new Map<number, number>();
  kids.forEach((c, i) => local.set(c, i));
  const widths = new Float64Array(n);
  const heights = new Float64Array(n);
  const keys = new Float64Array(n);
  kids.forEach((c, i) => {
    keys[i] = m.key[c];
    if (c < firstGroup) {
      widths[i] = NODE_W;
      heights[i] = NODE_H;
    } else if (expanded.has(c)) {
      const box = layoutGroup(m, c, expanded);
      widths[i] = box.width;
      heights[i] = box.height;
    } else {
      widths[i] = GROUP_W;
      heights[i] = GROUP_H;
    }
  });
  const pairs = g < 0 ? m.rootEdges : m.groupEdges[g - firstGroup];
  const edges = new Int32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) edges[i] = local.get(pairs[i])!;
  const lay = layeredLayout({ widths, heights, keys, edges });
  const pad = g < 0 ? 0 : GROUP_PAD;
  const head = g < 0 ? 0 : GROUP_HEADER;
  for (let i = 0; i < n; i++) {
    lay.x[i] += pad;
    lay.y[i] += head + pad;
  }
  const box: GroupBox = {
    width: Math.max(g < 0 ? 0 : GROUP_W, lay.width + 2 * pad),
    height: lay.height + head + 2 * pad,
    childX: lay.x, childY: lay.y, childW: widths, childH: heights,
  };
  // Every expand/collapse adds a root entry; a long session should not grow the cache without bound.
  if (m.cache.size > 2000) m.cache.clear();
  m.cache.set(cacheKey, box);
  return box;
}

// ---------------------------------------------------------------- shardings, labels, collectives

export function axisState(s: Sharding | undefined, axis: string): AxisMark {
  if (!s) return { axis, state: 'replicated' };
  if (s.partial.includes(axis)) return { axis, state: 'partial' };
  for (let d = 0; d < s.dims.length; d++) if (s.dims[d].includes(axis)) return { axis, state: 'tiled', dim: d };
  return { axis, state: 'replicated' };
}

/** `bf16[8@batch, 2048, 4096@model]` (core's notation); a value without a sharding prints replicated. */
export function formatShardedType(type: TensorType, s: Sharding | undefined): string {
  return coreFormatShardedType(type, s ?? { dims: type.shape.map(() => []), partial: [] });
}

const tensorBytes = (t: TensorType): number => t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];

const COLLECTIVE_NAME: Record<string, CollectiveName> = {
  all_reduce: 'all-reduce', all_gather: 'all-gather', reduce_scatter: 'reduce-scatter',
  all_to_all: 'all-to-all', collective_permute: 'collective-permute',
};

interface RawCollective {
  kind: CollectiveName;
  axes: readonly string[];
  bytes: number;
  /** Producer leaf of the resharded value (global op or input node), or -1 when unknown. */
  from: number;
  /** The global op the collective serves. */
  to: number;
}

const collectiveCache = new WeakMap<SpmdProgram, RawCollective[]>();

/** Collectives of the per-device program, each tied to the global data-flow edge (or op) where it occurs. */
export function collectivesOf(m: GraphModel, spmd: SpmdProgram): RawCollective[] {
  const hit = collectiveCache.get(spmd);
  if (hit) return hit;
  const p = spmd.program;
  const localInput = new Map<ValueId, number>();
  p.inputs.forEach((v, i) => localInput.set(v, i));
  const out: RawCollective[] = [];
  for (const op of p.ops) {
    const kind = COLLECTIVE_NAME[op.kind];
    if (!kind || !('axes' in op.attrs)) continue; // shard_slice and compute ops move no data
    const to = spmd.source[op.id];
    // Walk back through a chain of collectives to the compute op (or input) that produced the value.
    let v = op.operands[0];
    let def = p.values[v].def;
    while (def >= 0 && (p.ops[def].kind in COLLECTIVE_NAME || p.ops[def].kind === 'shard_slice')) {
      v = p.ops[def].operands[0];
      def = p.values[v].def;
    }
    let from = -1;
    if (def >= 0) from = spmd.source[def];
    else {
      const i = localInput.get(v);
      if (i !== undefined && i < m.nInputs) from = m.nOps + i;
    }
    const operand = p.values[op.operands[0]].type;
    const bytes = op.kind === 'all_gather' ? tensorBytes(p.values[op.results[0]].type) : tensorBytes(operand);
    out.push({ kind, axes: op.attrs.axes as readonly string[], bytes, from, to });
  }
  collectiveCache.set(spmd, out);
  return out;
}

function addMark(list: CollectiveMark[], c: RawCollective): void {
  const i = list.findIndex((x) => x.kind === c.kind && x.axes.join(',') === c.axes.join(','));
  if (i < 0) list.push({ kind: c.kind, axes: c.axes, bytes: c.bytes, count: 1 });
  else list[i] = { ...list[i], bytes: list[i].bytes + c.bytes, count: list[i].count + 1 };
}

// ---------------------------------------------------------------- the entry point

const codeCache = new WeakMap<readonly Sharding[], Uint8Array>();

/** Per leaf and mesh axis: 0 replicated, 1 tiled, 2 partial; cached per shardings snapshot (one per stage). */
function leafStateCodes(m: GraphModel, shardings: readonly Sharding[], axes: readonly { name: string }[]): Uint8Array {
  const hit = codeCache.get(shardings);
  if (hit && hit.length === (m.nOps + m.nInputs) * axes.length) return hit;
  const na = axes.length;
  const codes = new Uint8Array((m.nOps + m.nInputs) * na);
  for (let l = 0; l < m.nOps + m.nInputs; l++) {
    const v = l < m.nOps ? m.program.ops[l].results[0] : m.program.inputs[l - m.nOps];
    const s = v === undefined ? undefined : shardings[v];
    if (!s) continue;
    for (let i = 0; i < na; i++) {
      const st = axisState(s, axes[i].name).state;
      codes[l * na + i] = st === 'tiled' ? 1 : st === 'partial' ? 2 : 0;
    }
  }
  codeCache.set(shardings, codes);
  return codes;
}

interface GroupCounts {
  readonly gTiled: Int32Array;
  readonly gPartial: Int32Array;
  readonly gTotal: Int32Array;
}
const countCache = new WeakMap<readonly Sharding[], GroupCounts>();

/** Per group and mesh axis: how many leaves under it are tiled / partial; cached per shardings snapshot. */
function groupStateCounts(m: GraphModel, shardings: readonly Sharding[] | undefined, axes: readonly { name: string }[]): GroupCounts {
  const firstGroup = m.nOps + m.nInputs;
  const nGroups = m.nNodes - firstGroup;
  const na = axes.length;
  const hit = shardings && countCache.get(shardings);
  if (hit && hit.gTiled.length === nGroups * na && hit.gTotal.length === nGroups) return hit;
  const out = { gTiled: new Int32Array(nGroups * na), gPartial: new Int32Array(nGroups * na), gTotal: new Int32Array(nGroups) };
  if (!shardings || !na) return out;
  const codes = leafStateCodes(m, shardings, axes);
  for (let l = 0; l < firstGroup; l++) {
    for (let g = m.parent[l]; g >= 0; g = m.parent[g]) {
      const k = g - firstGroup;
      out.gTotal[k]++;
      for (let i = 0; i < na; i++) {
        const c = codes[l * na + i];
        if (c === 1) out.gTiled[k * na + i]++;
        else if (c === 2) out.gPartial[k * na + i]++;
      }
    }
  }
  countCache.set(shardings, out);
  return out;
}

function shardingsFor(opts: LayoutOptions): { shardings?: readonly Sharding[]; stage: number; stages: number } {
  const part = opts.partition;
  if (!part) return { stage: -1, stages: 0 };
  const stages = part.stages.length;
  if (opts.stage === undefined || opts.stage >= stages) return { shardings: part.shardings, stage: stages - 1, stages };
  if (opts.stage < 0) return { stage: -1, stages };
  return { shardings: part.stages[opts.stage].shardings, stage: opts.stage, stages };
}

// ---------------------------------------------------------------- incremental edge and collective aggregation

/** Visible edges keyed by `a * nNodes + b`, each with its first value, how many distinct values and their bytes. */
interface Aggregate {
  readonly index: Map<number, number>;
  readonly keys: number[];
  readonly first: number[];
  readonly count: number[];
  readonly bytes: number[];
}

const newAggregate = (): Aggregate => ({ index: new Map(), keys: [], first: [], count: [], bytes: [] });

function addToAggregate(agg: Aggregate, k: number, first: number, count: number, bytes: number): void {
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
function aggregateEdges(m: GraphModel, rep: Int32Array, edgeList: ArrayLike<number>, agg: Aggregate): void {
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

interface TopIndex {
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

function topIndex(m: GraphModel): TopIndex {
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
function touchedEdges(tops: TopIndex, openTops: readonly number[]): ArrayLike<number> {
  if (openTops.length === 0) return [];
  if (openTops.length === 1) return tops.edgesOfTop.get(openTops[0]) ?? [];
  const all = new Set<number>();
  for (const t of openTops) for (const e of tops.edgesOfTop.get(t) ?? []) all.add(e);
  return Int32Array.from(all).sort((x, y) => tops.edgeRank[x] - tops.edgeRank[y]);
}

interface CollectiveIndex {
  readonly raw: RawCollective[];
  /** Per top-level node: the collectives with an end under it. */
  readonly byTop: Map<number, number[]>;
}

const collectiveIndexes = new WeakMap<SpmdProgram, CollectiveIndex>();

function collectiveIndex(m: GraphModel, tops: TopIndex, spmd: SpmdProgram): CollectiveIndex {
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

/** Scopes to expand so that op `opId` is visible (its ancestors, outermost first). */
export function groupsToReveal(program: Program, opId: number): string[] {
  const scope = program.ops[opId]?.scope ?? '';
  if (!scope) return [];
  const parts = scope.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** What an op node is: its kind and the last part of its value's name, else of its scope (`dot_general · hidden`). */
export function opNodeLabel(kind: string, valueName: string | undefined, scope: string): string {
  const tail = valueName ?? scope;
  const part = tail.slice(tail.lastIndexOf('/') + 1);
  return part ? `${kind} · ${part}` : kind;
}

export const opNodeId = (opId: number): string => `op:${opId}`;
export const inputNodeId = (valueId: number): string => `in:${valueId}`;
export const groupNodeId = (scope: string): string => `g:${scope}`;

/**
 * Lays out the program with the given groups expanded. Cost: one pass over the leaves and edges for
 * the visible graph, plus the layered layout of each expanded group whose layout is not cached.
 */
export function layoutGraph(program: Program, opts: LayoutOptions): GraphLayout {
  const t0 = performance.now();
  const m = graphModel(program);
  const firstGroup = m.nOps + m.nInputs;
  // Only groups whose ancestors are all expanded count as expanded.
  const requested = new Set<number>();
  for (const s of opts.expanded) {
    const g = m.groupIndex.get(s);
    if (g !== undefined) requested.add(g);
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
      const a = c.from >= 0 ? rep[c.from] : b;
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

  const nodes: LayoutNode[] = visible.map((n) => {
    const base = {
      id: idOf(n), x: absX[n], y: absY[n], width: w[n], height: h[n],
      parent: m.parent[n] < 0 ? null : idOf(m.parent[n]), depth: m.depth[n],
      collectives: nodeMarks.get(n) ?? [],
      ...(highlightOf.has(n) ? { highlighted: highlightOf.get(n) } : {}),
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
      return {
        ...base, kind: 'group', label: scope.slice(scope.lastIndexOf('/') + 1), sublabel: scope, scope,
        expanded: expanded.has(n), opCount: m.opCount[n], inputCount: m.inputCount[n], axes: marks,
      };
    }
    const v = valueOfLeaf(n)!;
    const s = shardings?.[v];
    const marks = axes.map((a) => axisState(s, a.name));
    const sub = v === undefined ? '' : formatShardedType(program.values[v].type, s);
    if (n < m.nOps) {
      const op = program.ops[n];
      const name = program.values[v]?.name;
      return {
        ...base, kind: 'op', label: opNodeLabel(op.kind, name, op.scope),
        sublabel: sub, scope: op.scope, opId: op.id, valueId: v, opKind: op.kind, phase: op.phase, axes: marks,
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
    expanded: [...expanded].map((g) => m.groupScope[g - firstGroup]), millis: performance.now() - t0,
  };
}
