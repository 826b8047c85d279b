/**
 * The graph model of a program: the group tree by name scope, and its edges. Built once per program and
 * way of folding: look-alike layers fold only when they are also sharded alike, so a strategy that shards
 * one layer differently gets its own model (the folds around that layer split), and every other edit reuses it.
 */
import { typeBytes } from '../../core/ir/flops';
import type { Program, ValueId } from '../../core/ir/types';
import type { Sharding } from '../../core/partition/types';

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
  /** Leaves not drawn (scalar constants and splats, see hiddenLeaves); 1 = hidden. */
  readonly hidden: Uint8Array;
  /** The hidden constants each op uses, as text (`0.5 · f32[]`), shown as attributes of the op. */
  readonly constantsOf: Map<number, string[]>;
  /** Per group (index = node - firstGroup): how many look-alike groups it folds (0 = a scope group). */
  readonly foldSize: Int32Array;
}

/** A laid-out group: its size and its children's positions relative to its top-left corner. */

export interface GroupBox {
  readonly width: number;
  readonly height: number;
  readonly childX: Float64Array;
  readonly childY: Float64Array;
  readonly childW: Float64Array;
  readonly childH: Float64Array;
}


/** Models per program, by fold key (see foldKey); a few strategies' worth. */
const models = new WeakMap<Program, Map<string, GraphModel>>();
const MODELS_PER_PROGRAM = 4;

/** Group scope of an input: its path without the last segment (`params/layer_3/attn/wq` → `params/layer_3/attn`). */
export function inputGroupOf(name: string | undefined): string {
  if (!name) return '';
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

/** Runs of at least this many consecutive look-alike sibling groups fold into one `a…b ×n` group. */
export const FOLD_MIN = 3;

/** A group's name with its numbers blanked: `layer_7` and `layer_12` both read `layer_#`. */
const nameShape = (scope: string): string => scope.slice(scope.lastIndexOf('/') + 1).replace(/\d+/g, '#');

/** FNV-1a over a string, continuing from `h`. */
function hashStr(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/**
 * Leaves drawn as attributes of their users rather than as nodes: scalar constants and splats (a
 * constant given by one value, or a broadcast of such a constant). An imported module is mostly these.
 */
export function hiddenLeaves(program: Program): Uint8Array {
  const hidden = new Uint8Array(program.ops.length + program.inputs.length);
  for (const op of program.ops) {
    if (op.kind === 'constant') {
      const a = op.attrs as { shape: readonly number[]; value?: number };
      if (a.shape.length === 0 || a.value !== undefined) hidden[op.id] = 1;
    } else if (op.kind === 'broadcast_in_dim' && op.operands.length === 1) {
      const def = program.values[op.operands[0]].def;
      if (def >= 0 && hidden[def]) hidden[op.id] = 1;
    }
  }
  return hidden;
}

/** How a hidden constant reads as an attribute of its user: `0.5 · f32[]`. */
export function constantText(program: Program, opId: number): string {
  let op = program.ops[opId];
  const type = program.values[op.results[0]].type;
  if (op.kind === 'broadcast_in_dim') op = program.ops[program.values[op.operands[0]].def];
  const a = op.attrs as { value?: number; data?: readonly number[] };
  const v = a.value ?? a.data?.[0];
  return `${v === undefined ? '?' : Number(v.toPrecision(6))} · ${type.dtype}[${type.shape.join(', ')}]`;
}

/** The scope groups of a program before folding (steps 1–2 of graphModel), cached per program. */
interface ScopeTree {
  readonly sScope: string[];
  readonly sParent: number[];
  readonly sKey: Float64Array;
  readonly sSig: Uint32Array;
  readonly sKids: number[][];
  readonly sRoot: number[];
  readonly leafScope: Int32Array;
  readonly inputOfValue: Map<ValueId, number>;
  readonly hidden: Uint8Array;
  /** Order keys of the visible leaves directly under each scope group (-1: the root), sorted. */
  readonly leafKeysUnder: Map<number, number[]>;
}

const trees = new WeakMap<Program, ScopeTree>();

function scopeTree(program: Program): ScopeTree {
  const hit = trees.get(program);
  if (hit) return hit;
  const nOps = program.ops.length;
  const nInputs = program.inputs.length;
  const firstGroup = nOps + nInputs;
  const hidden = hiddenLeaves(program);

  // 1. Scope groups: every ancestor scope of a leaf becomes a group (Model Explorer's "group nodes for
  //    all ancestor namespaces"), numbered here in order of discovery (s = 0, 1, ...).
  const sScope: string[] = [];
  const sIndex = new Map<string, number>();
  const sParent: number[] = [];
  const scopeOf = (scope: string): number => {
    if (scope === '') return -1;
    const g = sIndex.get(scope);
    if (g !== undefined) return g;
    const slash = scope.lastIndexOf('/');
    const up = scopeOf(slash < 0 ? '' : scope.slice(0, slash));
    const id = sScope.length;
    sScope.push(scope);
    sParent.push(up);
    sIndex.set(scope, id);
    return id;
  };
  const leafScope = new Int32Array(firstGroup);
  for (const op of program.ops) leafScope[op.id] = scopeOf(op.scope);
  const inputOfValue = new Map<ValueId, number>();
  program.inputs.forEach((v, i) => {
    inputOfValue.set(v, i);
    leafScope[nOps + i] = scopeOf(inputGroupOf(program.values[v].name));
  });

  // 2. Order keys and structural signatures of the scope groups: a hash of every leaf under the group
  //    (op kind or input shape, and its scope relative to the group), in program order.
  const nS = sScope.length;
  const sKey = new Float64Array(nS).fill(Infinity);
  const sSig = new Uint32Array(nS).fill(2166136261);
  const leafKey = (l: number) => (l < nOps ? l : l - firstGroup); // inputs first, in input order
  const order: number[] = [];
  for (let i = 0; i < nInputs; i++) order.push(nOps + i);
  for (let o = 0; o < nOps; o++) order.push(o);
  for (const l of order) {
    const token = l < nOps ? program.ops[l].kind : `in${program.values[program.inputs[l - nOps]].type.shape.join('x')}`;
    const full = l < nOps ? program.ops[l].scope : inputGroupOf(program.values[program.inputs[l - nOps]].name);
    for (let g = leafScope[l]; g >= 0; g = sParent[g]) {
      if (leafKey(l) < sKey[g]) sKey[g] = leafKey(l);
      sSig[g] = hashStr(hashStr(sSig[g], token), full.slice(sScope[g].length));
    }
  }

  const sKids: number[][] = sScope.map(() => []);
  const sRoot: number[] = [];
  for (let g = 0; g < nS; g++) (sParent[g] < 0 ? sRoot : sKids[sParent[g]]).push(g);
  for (const kids of [sRoot, ...sKids]) kids.sort((a, b) => sKey[a] - sKey[b]);
  // Leaves sit between groups in order: a visible leaf between two layers breaks a run.
  const leafKeysUnder = new Map<number, number[]>();
  for (let l = 0; l < firstGroup; l++) {
    if (hidden[l]) continue;
    const p = leafScope[l];
    const list = leafKeysUnder.get(p);
    if (list) list.push(leafKey(l));
    else leafKeysUnder.set(p, [leafKey(l)]);
  }
  for (const list of leafKeysUnder.values()) list.sort((a, b) => a - b);
  const tree: ScopeTree = { sScope, sParent, sKey, sSig, sKids, sRoot, leafScope, inputOfValue, hidden, leafKeysUnder };
  trees.set(program, tree);
  return tree;
}

/**
 * A signature of each scope group's sharding: a hash of the sharding of every leaf under it (each op's
 * results, each input), with the leaf's scope relative to the group, in program order — so two layers
 * sharded alike agree, and a layer whose weights are split otherwise does not. Cached per shardings array.
 */
const shardSigCache = new WeakMap<readonly Sharding[], Uint32Array>();

function shardingText(s: Sharding | undefined): string {
  if (!s) return '';
  return `${s.dims.map((axes) => axes.join(',')).join(';')}|${s.partial.join(',')}`;
}

function shardSignatures(program: Program, tree: ScopeTree, shardings: readonly Sharding[]): Uint32Array {
  const hit = shardSigCache.get(shardings);
  if (hit && hit.length === tree.sScope.length) return hit;
  const nOps = program.ops.length;
  const sig = new Uint32Array(tree.sScope.length).fill(2166136261);
  const leafText = (l: number): string => {
    if (l >= nOps) return shardingText(shardings[program.inputs[l - nOps]]);
    let t = '';
    for (const r of program.ops[l].results) t += `${shardingText(shardings[r])}/`;
    return t;
  };
  const visit = (l: number) => {
    const g0 = tree.leafScope[l];
    if (g0 < 0) return;
    const text = leafText(l);
    for (let g = g0; g >= 0; g = tree.sParent[g]) sig[g] = hashStr(sig[g], text);
  };
  for (let i = 0; i < program.inputs.length; i++) visit(nOps + i);
  for (let o = 0; o < nOps; o++) visit(o);
  shardSigCache.set(shardings, sig);
  return sig;
}

interface Fold { members: number[]; key: number }

/** Sibling groups in order, runs of look-alike ones (same name shape, structure and sharding) as folds. */
function foldRuns(tree: ScopeTree, parent: number, kids: readonly number[], shard: Uint32Array | undefined): (number | Fold)[] {
  const { sSig, sScope, sKey } = tree;
  const leafKeys = tree.leafKeysUnder.get(parent) ?? [];
  const out: (number | Fold)[] = [];
  let i = 0;
  while (i < kids.length) {
    let j = i + 1;
    while (j < kids.length && sSig[kids[j]] === sSig[kids[i]] && (!shard || shard[kids[j]] === shard[kids[i]])
      && nameShape(sScope[kids[j]]) === nameShape(sScope[kids[i]])
      && !leafKeys.some((k) => k > sKey[kids[j - 1]] && k < sKey[kids[j]])) j++;
    if (j - i >= FOLD_MIN) out.push({ members: kids.slice(i, j), key: sKey[kids[i]] });
    else for (let x = i; x < j; x++) out.push(kids[x]);
    i = j;
  }
  return out;
}

/**
 * Builds (or returns the cached) group tree and edge lists of a program. With `shardings` (the
 * strategy's final shardings), look-alike layers fold only when they are sharded alike too.
 */
export function graphModel(program: Program, shardings?: readonly Sharding[]): GraphModel {
  const tree = scopeTree(program);
  const shard = shardings ? shardSignatures(program, tree, shardings) : undefined;
  const { sScope, sKids, sRoot, inputOfValue, hidden } = tree;
  const runs = new Map<number, (number | Fold)[]>();
  runs.set(-1, foldRuns(tree, -1, sRoot, shard));
  for (let g = 0; g < sScope.length; g++) if (sKids[g].length) runs.set(g, foldRuns(tree, g, sKids[g], shard));
  // The model depends on the sharding only through the folds: one key per way of folding.
  let fk = '';
  for (const [g, items] of runs) for (const c of items) if (typeof c !== 'number') fk += `${g}:${c.members[0]}+${c.members.length},`;
  let cached = models.get(program);
  const hit = cached?.get(fk);
  if (hit) return hit;
  const nOps = program.ops.length;
  const nInputs = program.inputs.length;
  const firstGroup = nOps + nInputs;
  const groups = numberGroups(tree, runs, firstGroup);
  const { groupScope } = groups;
  const nNodes = firstGroup + groupScope.length;
  const { parent, depth } = nodeTree(tree, groups, firstGroup);
  const { key, opCount, inputCount } = keysAndCounts(parent, nOps, firstGroup, nNodes);
  const { children, rootChildren } = childLists(parent, key, hidden, firstGroup, groupScope.length);
  const leaf = leafEdges(program, hidden, inputOfValue);
  const lifted = liftEdges(leaf, parent, depth, firstGroup, groupScope.length);
  const val = leaf.val;
  const model: GraphModel = {
    program, nOps, nInputs, nNodes, parent, depth, key, groupScope, groupIndex: groups.groupIndex, children, rootChildren,
    groupEdges: lifted.groupEdges, rootEdges: lifted.rootEdges,
    edgeSrc: Int32Array.from(leaf.src), edgeDst: Int32Array.from(leaf.dst), edgeValue: Int32Array.from(val),
    opCount, inputCount, inputOfValue, cache: new Map(), hidden, constantsOf: leaf.constantsOf, foldSize: Int32Array.from(groups.foldSizes),
    edgesByValue: Int32Array.from(val.keys()).sort((x, y) => val[x] - val[y] || x - y),
    valueBytes: Float64Array.from(program.values, (v) => typeBytes(v.type)),
  };
  if (!cached) models.set(program, (cached = new Map()));
  if (cached.size >= MODELS_PER_PROGRAM) cached.delete(cached.keys().next().value!);
  cached.set(fk, model);
  return model;
}

interface GroupNumbering {
  readonly groupScope: string[];
  readonly groupIndex: Map<string, number>;
  readonly groupParent: number[];
  /** Per final group: its fold's member count (0: not a fold). */
  readonly foldSizes: number[];
  /** Scope group s → its final node number. */
  readonly finalOf: Int32Array;
}

/** 4. Final group numbering, parent first (a pre-order walk), folds included. */
function numberGroups(tree: ScopeTree, runs: ReadonlyMap<number, (number | Fold)[]>, firstGroup: number): GroupNumbering {
  const { sScope } = tree;
  const n: GroupNumbering = { groupScope: [], groupIndex: new Map(), groupParent: [], foldSizes: [], finalOf: new Int32Array(sScope.length) };
  const add = (scope: string, up: number, fold: number): number => {
    const id = firstGroup + n.groupScope.length;
    n.groupScope.push(scope);
    n.groupIndex.set(scope, id);
    n.groupParent.push(up);
    n.foldSizes.push(fold);
    return id;
  };
  const visit = (s: number, up: number) => {
    const id = add(sScope[s], up, 0);
    n.finalOf[s] = id;
    for (const c of runs.get(s) ?? []) visitItem(c, id, sScope[s]);
  };
  const visitItem = (c: number | Fold, up: number, upScope: string) => {
    if (typeof c === 'number') return visit(c, up);
    const tail = (x: number) => sScope[x].slice(sScope[x].lastIndexOf('/') + 1);
    const name = `${tail(c.members[0])}…${tail(c.members[c.members.length - 1])}`;
    const id = add(upScope ? `${upScope}/${name}` : name, up, c.members.length);
    for (const x of c.members) visit(x, id);
  };
  for (const c of runs.get(-1) ?? []) visitItem(c, -1, '');
  return n;
}

/** Every node's parent (-1: the root) and depth. */
function nodeTree(tree: ScopeTree, groups: GroupNumbering, firstGroup: number): { parent: Int32Array; depth: Int32Array } {
  const nNodes = firstGroup + groups.groupScope.length;
  const parent = new Int32Array(nNodes);
  for (let l = 0; l < firstGroup; l++) parent[l] = tree.leafScope[l] < 0 ? -1 : groups.finalOf[tree.leafScope[l]];
  for (let g = 0; g < groups.groupScope.length; g++) parent[firstGroup + g] = groups.groupParent[g];
  // Groups are created parent-first, so one forward pass fills depths.
  const depth = new Int32Array(nNodes);
  for (let g = firstGroup; g < nNodes; g++) depth[g] = parent[g] < 0 ? 0 : depth[parent[g]] + 1;
  for (let l = 0; l < firstGroup; l++) depth[l] = parent[l] < 0 ? 0 : depth[parent[l]] + 1;
  return { parent, depth };
}

/** Order keys (a group's: its first leaf's) and the ops and inputs under each group. */
function keysAndCounts(parent: Int32Array, nOps: number, firstGroup: number, nNodes: number): { key: Float64Array; opCount: Int32Array; inputCount: Int32Array } {
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
  return { key, opCount, inputCount };
}

/** Each group's visible children (and the root's), in key order. */
function childLists(parent: Int32Array, key: Float64Array, hidden: Uint8Array, firstGroup: number, nGroups: number): { children: number[][]; rootChildren: number[] } {
  const children: number[][] = Array.from({ length: nGroups }, () => []);
  const rootChildren: number[] = [];
  for (let n = 0; n < parent.length; n++) {
    if (n < firstGroup && hidden[n]) continue;
    (parent[n] < 0 ? rootChildren : children[parent[n] - firstGroup]).push(n);
  }
  const byKey = (a: number, b: number) => key[a] - key[b];
  rootChildren.sort(byKey);
  for (const c of children) c.sort(byKey);
  return { children, rootChildren };
}

interface LeafEdges { src: number[]; dst: number[]; val: number[]; constantsOf: Map<number, string[]> }

/** Leaf edges: producer (op or input) → consumer op, once per (value, consumer); hidden constants become their user's text. */
function leafEdges(program: Program, hidden: Uint8Array, inputOfValue: ReadonlyMap<ValueId, number>): LeafEdges {
  const nOps = program.ops.length;
  const e: LeafEdges = { src: [], dst: [], val: [], constantsOf: new Map() };
  for (const op of program.ops) {
    if (hidden[op.id]) continue;
    const seen = op.operands.length > 1 ? new Set<number>() : undefined;
    for (const v of op.operands) {
      if (seen) {
        if (seen.has(v)) continue;
        seen.add(v);
      }
      const def = program.values[v].def;
      let from: number;
      if (def >= 0 && hidden[def]) {
        const list = e.constantsOf.get(op.id);
        const text = constantText(program, def);
        if (list) list.push(text);
        else e.constantsOf.set(op.id, [text]);
        continue;
      }
      if (def >= 0) from = def;
      else {
        const i = inputOfValue.get(v);
        if (i === undefined) continue;
        from = nOps + i;
      }
      e.src.push(from);
      e.dst.push(op.id);
      e.val.push(v);
    }
  }
  return e;
}

/** Child-level edges per group: both ends lifted to the children of their lowest common group. */
function liftEdges(leaf: LeafEdges, parent: Int32Array, depth: Int32Array, firstGroup: number, nGroups: number): { groupEdges: Int32Array[]; rootEdges: Int32Array } {
  const nNodes = parent.length;
  const edgeSets: Set<number>[] = Array.from({ length: nGroups }, () => new Set<number>());
  const rootSet = new Set<number>();
  for (let e = 0; e < leaf.src.length; e++) {
    let a = leaf.src[e];
    let b = leaf.dst[e];
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
  return { groupEdges: edgeSets.map(toPairs), rootEdges: toPairs(rootSet) };
}

/** The scopes of the groups above model node `n`, outermost first (what to expand so that `n` shows). */
export function groupsAbove(m: GraphModel, n: number): string[] {
  const firstGroup = m.nOps + m.nInputs;
  const out: string[] = [];
  for (let p = m.parent[n]; p >= 0; p = m.parent[p]) out.push(m.groupScope[p - firstGroup]);
  return out.reverse();
}
