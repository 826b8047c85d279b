/** The graph model of a program, built once per program: the group tree by name scope, and its edges. */
import type { Program, TensorType, ValueId } from '../../core/ir/types';
import { DTYPE_BYTES } from '../../core/ir/types';

export const tensorBytes = (t: TensorType): number => t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];

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

export interface GroupBox {
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
