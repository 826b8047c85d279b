/**
 * Shardy's propagation for imported shardings, on a graph of tensors and factor rules: the same
 * OpRule registry PartIR propagation reads, but with Shardy's semantics (openxla/shardy
 * `docs/propagation.md`), so an imported JAX program is partitioned as JAX would partition it:
 * - several axes per dim, kept in their order; open dims grow on the minor side, closed dims never;
 * - basic propagation: per factor, the longest compatible prefix of axes, cut at the first conflict
 *   (replicated/unreduced axes, a closed tensor that would gain it, an axis used by another factor);
 * - aggressive: each tensor takes what it can of that prefix, and an axis wanted by two factors goes
 *   to the factor whose source tensor is larger;
 * - op priority: element-wise and reshape-like ops first (single-use operands first), then
 *   pass-through factors of any op, broadcasts backward before forward, then everything;
 * - user priority: dim shardings with priority pN are held back (closed, their axes replicated) until
 *   every lower priority has propagated.
 * PartIR's propagation (propagate.ts) is the other model: one mesh axis per tactic, no conflict
 * resolution, earlier tactics never changed. The two differ on purpose; docs/shardy-conformance.md says where.
 */
import type { OpRule } from '../types';
import { overlaps, sameAxis, type AxisRef, type MeshTable, type TensorSharding } from './sharding';
import { axesPrefixLength, compatiblePrefix, mergeSubAxes, sameMesh } from './axisList';
import { BACKWARD, BOTH, FORWARD, NONE, OpProjection, growAggressive, growBasic, type State } from './projection';

export { NONE, FORWARD, BACKWARD, BOTH };

/**
 * How op priority treats an op: element-wise-like (`pass`: element-wise ops, reshape, transpose,
 * sharding constraints and data-flow edges), dynamic slices (forward only), broadcast, or any other.
 */
export type OpClass = 'pass' | 'dynamic_slice' | 'broadcast' | 'other';

export interface SdyOp {
  readonly operands: readonly number[];
  readonly results: readonly number[];
  readonly rule: OpRule | null;
  readonly cls: OpClass;
  /** A propagation barrier's allowed direction (intersected with every heuristic). */
  readonly allowed?: number;
}

export interface SdyGraph {
  readonly shapes: readonly (readonly number[])[];
  readonly initial: readonly (TensorSharding | undefined)[];
  readonly ops: readonly SdyOp[];
  /**
   * Tensors that must share one sharding (`sdy.sharding_group`): each group is a list of tensors; a
   * change to one member is copied to the others of the same shape.
   */
  readonly groups?: readonly (readonly number[])[];
  /**
   * Tensors propagation never changes: constants with several uses, which Shardy's import splits into one
   * copy per use (so no use's sharding reaches the others, or a returned constant).
   */
  readonly frozen?: readonly boolean[];
}

/** Shardy's pass the result should match: `-sdy-basic-propagate`, `-sdy-aggressive-propagate`, `-sdy-op-priority-propagate`, `-sdy-user-priority-propagate`, `-sdy-propagation-pipeline`. */
export type SdyMode = 'basic' | 'aggressive' | 'op-priority' | 'user-priority' | 'pipeline';

/** Propagates the graph's initial shardings; returns every tensor's sharding (undefined: none was ever set). */
export function propagateShardy(g: SdyGraph, meshes: MeshTable, mode: SdyMode): (TensorSharding | undefined)[] {
  const p = new ShardyPropagation(g, meshes);
  const byPriority = mode === 'user-priority' || mode === 'pipeline';
  const order = byPriority ? priorityOrder(g) : [0];
  if (byPriority) holdBack(g, p.st, order[0]);
  for (const prio of order) {
    if (byPriority && prio !== order[0]) release(g, p.st, prio);
    runMode(p, mode);
  }
  return p.st.map((s, t) => toSharding(s, g.initial[t], mode === 'pipeline'));
}

/** The user priorities present (0 always), lowest first: each is one round of propagation. */
function priorityOrder(g: SdyGraph): number[] {
  const priorities = new Set<number>([0]);
  for (const s of g.initial) for (const d of s?.dims ?? []) if (d.priority !== undefined) priorities.add(d.priority);
  return [...priorities].sort((a, b) => a - b);
}

/** Held back: dims with a priority above the first are closed and empty, their axes replicated. */
function holdBack(g: SdyGraph, st: State[], first: number): void {
  g.initial.forEach((s, t) => s?.dims.forEach((d, i) => {
    if ((d.priority ?? 0) <= first) return;
    st[t].dims[i] = { axes: [], closed: true };
    st[t].replicated.push(...d.axes);
  }));
}

/** Gives back the dims of priority `prio`: their axes and closedness, their axes no longer replicated. */
function release(g: SdyGraph, st: State[], prio: number): void {
  g.initial.forEach((s, t) => s?.dims.forEach((d, i) => {
    if ((d.priority ?? 0) !== prio) return;
    st[t].dims[i] = { axes: [...d.axes], closed: d.closed };
    st[t].replicated = st[t].replicated.filter((r) => !d.axes.some((a) => sameAxis(a, r)));
  }));
}

function runMode(p: ShardyPropagation, mode: SdyMode): void {
  if (mode === 'basic') p.run(() => BOTH, false);
  else if (mode === 'aggressive') p.run(() => BOTH, true);
  else {
    // each op-priority round: basic propagation first (compatible axes only), then aggressive
    // conflict resolution on what is left (Shardy's basic-then-aggressive strategy)
    for (let h = 0; h < HEURISTICS; h++) {
      p.run((op, f) => p.opPriorityDirection(op, f, h), false);
      p.run((op, f) => p.opPriorityDirection(op, f, h), true);
    }
  }
}

const HEURISTICS = 5;

/** The propagation state of one graph: every tensor's sharding, and the graph's uses, definitions, groups and sizes. */
class ShardyPropagation {
  readonly st: State[];
  private readonly useCount: Int32Array;
  private readonly users: number[][];
  private readonly defs: number[][];
  private readonly groupOf = new Map<number, readonly number[]>();
  private readonly elems: number[];

  constructor(private readonly g: SdyGraph, private readonly meshes: MeshTable) {
    this.st = g.shapes.map((sh, t) => fromSharding(g.initial[t], sh.length));
    this.useCount = new Int32Array(g.shapes.length);
    this.users = g.shapes.map(() => []);
    this.defs = g.shapes.map(() => []);
    g.ops.forEach((op, o) => {
      for (const v of op.operands) { this.useCount[v]++; this.users[v].push(o); }
      for (const v of op.results) this.defs[v].push(o);
    });
    for (const grp of g.groups ?? []) for (const t of grp) this.groupOf.set(t, grp);
    this.elems = g.shapes.map((sh) => sh.reduce((a, b) => a * b, 1));
  }

  /** Runs one propagation to a fixed point: every op once in program order, then ops next to changed tensors. */
  run(dir: (op: SdyOp, f: number) => number, aggressive: boolean): void {
    const g = this.g;
    // a FIFO over op ids: each op is in it at most once, so a ring of the op count suffices
    const n = g.ops.length;
    const ring = new Int32Array(Math.max(1, n));
    const queued = new Uint8Array(n).fill(1);
    let head = 0, size = n;
    for (let o = 0; o < n; o++) ring[o] = o;
    const push = (x: number) => { ring[(head + size) % n] = x; size++; };
    let budget = 64 * n + 1000; // a fixed point is reached long before; this only bounds a bug
    while (size > 0 && budget-- > 0) {
      const o = ring[head];
      head = (head + 1) % n;
      size--;
      queued[o] = 0;
      const changed = this.propagateOp(g.ops[o], (f) => (g.ops[o].allowed ?? BOTH) & dir(g.ops[o], f), aggressive);
      for (const t of changed) {
        for (const m of this.groupOf.get(t) ?? [t]) {
          const copied = m !== t && this.copyGroup(t, m);
          if (m !== t && !copied) continue;
          for (const list of [this.users[m], this.defs[m]]) for (const x of list) if (!queued[x] && (x !== o || copied)) { queued[x] = 1; push(x); }
        }
      }
    }
  }

  private copyGroup(from: number, to: number): boolean {
    if (this.g.shapes[from].length !== this.g.shapes[to].length) return false;
    const a = this.st[from], b = this.st[to];
    let changed = false;
    a.dims.forEach((d, i) => {
      const e = b.dims[i];
      if (e.closed || d.axes.length <= e.axes.length || !e.axes.every((x, k) => sameAxis(x, d.axes[k]))) return;
      b.dims[i] = { axes: [...d.axes], closed: e.closed };
      changed = true;
    });
    if (changed) { b.has = true; b.mesh ??= a.mesh; }
    return changed;
  }

  opPriorityDirection(op: SdyOp, f: number, upTo: number): number {
    let d = NONE;
    for (let h = 0; h <= upTo; h++) d |= this.heuristic(op, f, h);
    return d;
  }

  private heuristic(op: SdyOp, f: number, h: number): number {
    const multiUse = op.operands.some((v) => this.g.shapes[v].length > 0 && this.useCount[v] > 1);
    switch (h) {
      case 0:
        if (multiUse) return NONE;
        return op.cls === 'pass' ? BOTH : op.cls === 'dynamic_slice' ? FORWARD : NONE;
      case 1:
        return op.cls === 'pass' ? BOTH : op.cls === 'dynamic_slice' ? FORWARD : NONE;
      case 2:
        if (op.rule && op.rule.factorTypes[f] !== 'pass') return NONE;
        return op.cls === 'broadcast' ? BACKWARD : BOTH;
      case 3:
        return op.cls === 'broadcast' ? BACKWARD : BOTH;
      default:
        return BOTH;
    }
  }

  /** One op: project its tensors onto factors, decide each factor's axes, project back. Returns the tensors that changed. */
  private propagateOp(op: SdyOp, dirOf: (f: number) => number, aggressive: boolean): number[] {
    const rule: OpRule | null = op.rule;
    if (!rule) return [];
    const tensors = [...op.operands, ...op.results];
    const meshName = this.commonMesh(tensors);
    if (meshName === undefined) return [];
    const sizes = new Map((this.meshes.get(meshName) ?? []).map((a) => [a.name, a.size] as const));
    const p = new OpProjection(tensors, op.operands.length, rule, this.st, sizes);
    const grown = new Set<number>();
    for (const f of aggressive ? this.bySourceSize(p) : Array.from({ length: p.nf }, (_, f) => f)) {
      if (rule.blocked[f]) continue;
      const dir = dirOf(f);
      if (dir === NONE) continue;
      // the longest prefix every tensor agrees with
      const prefix = compatiblePrefix(p.holders(f).map((k) => p.axes[k][f] as AxisRef[]), sizes);
      if (prefix.length === 0) continue;
      if (aggressive) growAggressive(p, f, dir, prefix, grown);
      else growBasic(p, f, dir, prefix, grown);
    }
    return this.projectBack(p, grown, meshName);
  }

  /**
   * The op's common mesh, or undefined when no tensor has one or two differ (Shardy never propagates
   * across meshes that differ). An empty mesh is a placeholder propagation may replace.
   */
  private commonMesh(tensors: readonly number[]): string | undefined {
    let meshName: string | undefined;
    for (const t of tensors) {
      const m = this.st[t].mesh;
      if (m === undefined || !this.st[t].has) continue;
      const axes = this.meshes.get(m) ?? [];
      if (axes.length === 0) continue;
      if (meshName === undefined) meshName = m;
      else if (meshName !== m && !sameMesh(this.meshes.get(meshName) ?? [], axes)) return undefined;
    }
    return meshName;
  }

  /** Aggressive factor order: by the size of the factor's largest sharded tensor (ties: tensor, factor index). */
  private bySourceSize(p: OpProjection): number[] {
    const { tensors } = p;
    const elems = this.elems;
    const factors = Array.from({ length: p.nf }, (_, f) => f);
    const source = factors.map((f) => {
      let best = -1;
      tensors.forEach((t, k) => {
        if ((p.axes[k][f]?.length ?? 0) > 0 && (best < 0 || elems[t] > elems[tensors[best]])) best = k;
      });
      return best;
    });
    return factors.sort((a, b) => {
      const sa = source[a] < 0 ? -1 : elems[tensors[source[a]]], sb = source[b] < 0 ? -1 : elems[tensors[source[b]]];
      if (sa !== sb) return sb - sa;
      if (source[a] !== source[b]) return source[a] - source[b];
      return a - b;
    });
  }

  /** Writes the grown tensors' factor axes back to their dims; returns the tensors that changed. */
  private projectBack(p: OpProjection, grown: ReadonlySet<number>, meshName: string): number[] {
    const changed: number[] = [];
    for (const k of grown) {
      const t = p.tensors[k];
      if (this.g.frozen?.[t]) continue;
      const s = this.st[t];
      let any = false;
      p.maps[k].forEach((fs, d) => {
        if (fs.length === 0) return;
        const axes = mergeSubAxes(fs.flatMap((f) => p.axes[k][f] ?? []), p.sizes);
        const old = s.dims[d].axes;
        if (axes.length === old.length && axes.every((a, i) => sameAxis(a, old[i]))) return;
        // only ever grow: keep overflow axes that were there (minor of the factor axes)
        const ov = old.slice(axesPrefixLength(old, axes));
        s.dims[d] = { axes: [...axes, ...ov.filter((x) => !axes.some((y) => overlaps(x, y, p.sizes)))], closed: s.dims[d].closed };
        any = true;
      });
      if (any) {
        if (!s.has || s.mesh === undefined || (this.meshes.get(s.mesh) ?? []).length === 0) s.mesh = meshName;
        s.has = true;
        changed.push(t);
      }
    }
    return changed;
  }
}

function fromSharding(s: TensorSharding | undefined, rank: number): State {
  if (!s) return { mesh: undefined, dims: Array.from({ length: rank }, () => ({ axes: [], closed: false })), replicated: [], unreduced: [], has: false };
  return {
    mesh: s.mesh,
    dims: s.dims.map((d) => ({ axes: [...d.axes], closed: d.closed })),
    replicated: [...s.replicated],
    unreduced: [...s.unreduced],
    has: true,
  };
}

function toSharding(s: State, initial: TensorSharding | undefined, close: boolean): TensorSharding | undefined {
  if (!s.has || s.mesh === undefined) return undefined;
  // the original replicated axes stay; the ones held back for priorities were given back on the way
  const replicated = close ? [] : initial ? s.replicated.filter((r) => initial.replicated.some((x) => sameAxis(x, r))) : [];
  return {
    mesh: s.mesh,
    dims: s.dims.map((d) => ({ axes: d.axes, closed: close || d.closed })),
    replicated,
    unreduced: s.unreduced,
    ...(initial?.unreducedKind ? { unreducedKind: initial.unreducedKind } : {}),
  };
}
