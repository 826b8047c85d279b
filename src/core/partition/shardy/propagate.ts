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
import { axisRefSize, overlaps, sameAxis, type AxisRef, type MeshTable, type TensorSharding } from './sharding';

/** Which side of an op may gain axes: results (FORWARD), operands (BACKWARD). */
export const NONE = 0, FORWARD = 1, BACKWARD = 2, BOTH = 3;

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

interface Dim { axes: AxisRef[]; closed: boolean }
interface State { mesh: string | undefined; dims: Dim[]; replicated: AxisRef[]; unreduced: AxisRef[]; has: boolean }

/** Propagates the graph's initial shardings; returns every tensor's sharding (undefined: none was ever set). */
export function propagateShardy(g: SdyGraph, meshes: MeshTable, mode: SdyMode): (TensorSharding | undefined)[] {
  const st: State[] = g.shapes.map((sh, t) => fromSharding(g.initial[t], sh.length));
  const useCount = new Int32Array(g.shapes.length);
  const users: number[][] = g.shapes.map(() => []);
  const defs: number[][] = g.shapes.map(() => []);
  g.ops.forEach((op, o) => {
    for (const v of op.operands) { useCount[v]++; users[v].push(o); }
    for (const v of op.results) defs[v].push(o);
  });
  const groupOf = new Map<number, readonly number[]>();
  for (const grp of g.groups ?? []) for (const t of grp) groupOf.set(t, grp);
  const elems = g.shapes.map((sh) => sh.reduce((a, b) => a * b, 1));

  const byPriority = mode === 'user-priority' || mode === 'pipeline';
  const priorities = new Set<number>([0]);
  if (byPriority) for (const s of g.initial) for (const d of s?.dims ?? []) if (d.priority !== undefined) priorities.add(d.priority);
  const order = [...priorities].sort((a, b) => a - b);
  // held back: dims with a priority above the current one are closed and empty, their axes replicated
  if (byPriority) {
    g.initial.forEach((s, t) => s?.dims.forEach((d, i) => {
      if ((d.priority ?? 0) > order[0]) {
        st[t].dims[i] = { axes: [], closed: true };
        st[t].replicated.push(...d.axes);
      }
    }));
  }
  for (const p of order) {
    if (byPriority && p !== order[0]) {
      g.initial.forEach((s, t) => s?.dims.forEach((d, i) => {
        if ((d.priority ?? 0) !== p) return;
        st[t].dims[i] = { axes: [...d.axes], closed: d.closed };
        st[t].replicated = st[t].replicated.filter((r) => !d.axes.some((a) => sameAxis(a, r)));
      }));
    }
    if (mode === 'basic') run(() => BOTH, false);
    else if (mode === 'aggressive') run(() => BOTH, true);
    else {
      // each op-priority round: basic propagation first (compatible axes only), then aggressive
      // conflict resolution on what is left (Shardy's basic-then-aggressive strategy)
      for (let h = 0; h < HEURISTICS; h++) {
        run((op, f) => opPriorityDirection(op, f, h), false);
        run((op, f) => opPriorityDirection(op, f, h), true);
      }
    }
  }
  return st.map((s, t) => toSharding(s, g.initial[t], mode === 'pipeline'));

  /** Runs one propagation to a fixed point: every op once in program order, then ops next to changed tensors. */
  function run(dir: (op: SdyOp, f: number) => number, aggressive: boolean): void {
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
      const changed = propagateOp(g.ops[o], (f) => (g.ops[o].allowed ?? BOTH) & dir(g.ops[o], f), aggressive);
      for (const t of changed) {
        for (const m of groupOf.get(t) ?? [t]) {
          const copied = m !== t && copyGroup(t, m);
          if (m !== t && !copied) continue;
          for (const list of [users[m], defs[m]]) for (const x of list) if (!queued[x] && (x !== o || copied)) { queued[x] = 1; push(x); }
        }
      }
    }
  }

  function copyGroup(from: number, to: number): boolean {
    if (g.shapes[from].length !== g.shapes[to].length) return false;
    const a = st[from], b = st[to];
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

  function opPriorityDirection(op: SdyOp, f: number, upTo: number): number {
    let d = NONE;
    for (let h = 0; h <= upTo; h++) d |= heuristic(op, f, h);
    return d;
  }

  function heuristic(op: SdyOp, f: number, h: number): number {
    const multiUse = op.operands.some((v) => g.shapes[v].length > 0 && useCount[v] > 1);
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
  function propagateOp(op: SdyOp, dirOf: (f: number) => number, aggressive: boolean): number[] {
    const rule = op.rule;
    if (!rule) return [];
    const tensors = [...op.operands, ...op.results];
    const nIn = op.operands.length;
    // the common mesh: Shardy never propagates across meshes that differ
    let meshName: string | undefined;
    for (const t of tensors) {
      const m = st[t].mesh;
      if (m === undefined || !st[t].has) continue;
      const axes = meshes.get(m) ?? [];
      if (axes.length === 0) continue; // an empty mesh is a placeholder propagation may replace
      if (meshName === undefined) meshName = m;
      else if (meshName !== m && !sameMesh(meshes.get(meshName) ?? [], axes)) return [];
    }
    if (meshName === undefined) return [];
    const sizes = new Map((meshes.get(meshName) ?? []).map((a) => [a.name, a.size] as const));
    const maps = [...rule.operands, ...rule.results];
    const nf = rule.factorSizes.length;
    // projection: per tensor, per factor, its axes (null: the tensor lacks the factor); overflow per tensor
    const fa: (AxisRef[] | null)[][] = [];
    const closedF: boolean[][] = [];
    const overflow: AxisRef[][] = [];
    const dimOf: number[][] = [];
    tensors.forEach((t, k) => {
      const row: (AxisRef[] | null)[] = new Array(nf).fill(null);
      const cl: boolean[] = new Array(nf).fill(false);
      const dOf: number[] = new Array(nf).fill(-1);
      const ov: AxisRef[] = [];
      maps[k].forEach((fs, d) => {
        const dim = st[t].dims[d];
        for (const f of fs) { row[f] = []; cl[f] = dim.closed; dOf[f] = d; }
        const rest = splitOverFactors(dim.axes, fs.map((f) => rule.factorSizes[f]), sizes);
        fs.forEach((f, i) => (row[f] = rest.parts[i]));
        ov.push(...rest.overflow);
      });
      fa.push(row);
      closedF.push(cl);
      overflow.push(ov);
      dimOf.push(dOf);
    });
    const minorMost = (k: number, f: number): boolean => {
      const d = dimOf[k][f];
      if (d < 0) return true;
      const fs = maps[k][d];
      const real = fs.filter((x) => rule.factorSizes[x] !== 1);
      return real.length === 0 || real[real.length - 1] === f;
    };
    const majorsFull = (k: number, f: number): boolean => {
      const d = dimOf[k][f];
      const fs = maps[k][d];
      for (const x of fs) {
        if (x === f) return true;
        const prod = (fa[k][x] ?? []).reduce((p, a) => p * axisRefSize(a, sizes), 1);
        if (prod !== rule.factorSizes[x]) return false;
      }
      return true;
    };
    const minorsEmpty = (k: number, f: number): boolean => {
      const d = dimOf[k][f];
      const fs = maps[k][d];
      const i = fs.indexOf(f);
      return fs.slice(i + 1).every((x) => (fa[k][x] ?? []).length === 0);
    };
    const canGrow = (k: number, dir: number) => (k < nIn ? (dir & BACKWARD) !== 0 : (dir & FORWARD) !== 0);

    // factor order: aggressive takes factors by the size of their largest sharded tensor (ties: tensor, factor index)
    const factors = Array.from({ length: nf }, (_, f) => f);
    if (aggressive) {
      const source = factors.map((f) => {
        let best = -1;
        tensors.forEach((t, k) => {
          if ((fa[k][f]?.length ?? 0) > 0 && (best < 0 || elems[t] > elems[tensors[best]])) best = k;
        });
        return best;
      });
      factors.sort((a, b) => {
        const sa = source[a] < 0 ? -1 : elems[tensors[source[a]]], sb = source[b] < 0 ? -1 : elems[tensors[source[b]]];
        if (sa !== sb) return sb - sa;
        if (source[a] !== source[b]) return source[a] - source[b];
        return a - b;
      });
    }
    const grown = new Set<number>();
    for (const f of factors) {
      if (rule.blocked[f]) continue;
      const dir = dirOf(f);
      if (dir === NONE) continue;
      const has = tensors.map((_, k) => k).filter((k) => fa[k][f] !== null);
      // the longest prefix every tensor agrees with
      const prefix = compatiblePrefix(has.map((k) => fa[k][f] as AxisRef[]), sizes);
      if (prefix.length === 0) continue;
      const size = rule.factorSizes[f];
      const divisibleUpTo = (list: readonly AxisRef[], n: number) => {
        const prod = list.slice(0, n).reduce((p, a) => p * axisRefSize(a, sizes), 1);
        return size % prod === 0;
      };
      /** The axes tensor k uses elsewhere (other factors, replicated, unreduced, overflow): what `f` may not take there. */
      const blockers = (k: number): AxisRef[] => {
        const s = st[tensors[k]];
        const out = [...s.replicated, ...s.unreduced, ...overflow[k]];
        for (let g2 = 0; g2 < nf; g2++) if (g2 !== f) out.push(...(fa[k][g2] ?? []));
        return out;
      };
      /** How much of `list` tensor k can hold on f: the longest prefix (its last axis possibly cut to a sub-axis) free of conflicts. */
      const fit = (k: number, list: readonly AxisRef[], block: readonly AxisRef[]): AxisRef[] => {
        const out: AxisRef[] = [];
        for (let n = 0; n < list.length; n++) {
          const a = shrink(list[n], block, sizes);
          if (a === null) break;
          const next = [...out, a];
          if (!minorMost(k, f) && !divisibleUpTo(next, next.length)) break;
          out.push(a);
          if (!sameAxis(a, list[n])) break;
        }
        return out;
      };
      const grows = (k: number, next: readonly AxisRef[]): boolean => {
        const cur = fa[k][f] as AxisRef[];
        if (!isPrefixOf(cur, next, sizes) || sameList(cur, next)) return false;
        // a sub-axis already there widens to a larger sub-axis, never back into the full axis (Shardy keeps it)
        const i = cur.length - 1;
        if (i >= 0 && !sameAxis(cur[i], next[i]) && !next[i].sub) return false;
        if (!majorsFull(k, f) || !minorsEmpty(k, f)) return false;
        return true;
      };
      if (!aggressive) {
        // basic: one result for every tensor, cut at the first axis any tensor of the factor conflicts on
        // (a closed tensor that would gain it, its own other uses of it) or any tensor of the op uses for another factor
        let agreed: AxisRef[] = prefix;
        for (const k of has) {
          const cur = fa[k][f] as AxisRef[];
          if (sameList(cur, agreed) || isPrefixOf(agreed, cur, sizes)) continue;
          if (closedF[k][f] || !majorsFull(k, f) || !minorsEmpty(k, f)) { agreed = commonPrefix(agreed, cur, sizes); continue; }
          agreed = fit(k, agreed, blockers(k));
        }
        const across: AxisRef[] = [];
        tensors.forEach((_, k) => { for (let g2 = 0; g2 < nf; g2++) if (g2 !== f) across.push(...(fa[k][g2] ?? [])); });
        agreed = fitList(agreed, across, sizes);
        for (const k of has) {
          if (!canGrow(k, dir) || !grows(k, agreed)) continue;
          fa[k][f] = [...agreed];
          grown.add(k);
        }
      } else {
        // aggressive: each tensor takes the longest part of the prefix it can hold; operands never gain more than
        // every result of the factor could hold (no sideways propagation past a closed result, or past a result
        // that pins the axis replicated or holds it unreduced).
        const common = prefix;
        let sideways = common;
        for (const k of has) {
          if (k < nIn) continue;
          const s = st[tensors[k]];
          sideways = fitList(sideways, [...s.replicated, ...s.unreduced], sizes);
          if (closedF[k][f]) sideways = commonPrefix(sideways, fa[k][f] as AxisRef[], sizes);
        }
        for (const k of has) {
          if (!canGrow(k, dir) || closedF[k][f]) continue;
          const next = fit(k, k < nIn ? sideways : common, blockers(k));
          if (!grows(k, next)) continue;
          fa[k][f] = next;
          grown.add(k);
        }
      }
    }
    // project back
    const changed: number[] = [];
    for (const k of grown) {
      const t = tensors[k];
      if (g.frozen?.[t]) continue;
      const s = st[t];
      let any = false;
      maps[k].forEach((fs, d) => {
        if (fs.length === 0) return;
        const axes = mergeSubAxes(fs.flatMap((f) => fa[k][f] ?? []), sizes);
        const old = s.dims[d].axes;
        if (axes.length === old.length + 0 && axes.every((a, i) => sameAxis(a, old[i]))) return;
        // only ever grow: keep overflow axes that were there (minor of the factor axes)
        const ov = old.slice(axesPrefixLength(old, axes));
        s.dims[d] = { axes: [...axes, ...ov.filter((x) => !axes.some((y) => overlaps(x, y, sizes)))], closed: s.dims[d].closed };
        any = true;
      });
      if (any) {
        if (!s.has || s.mesh === undefined || (meshes.get(s.mesh) ?? []).length === 0) s.mesh = meshName;
        s.has = true;
        changed.push(t);
      }
    }
    return changed;
  }
}

const HEURISTICS = 5;

/**
 * The longest prefix of axes the lists agree on: equal axes, or at the end of a shorter list a sub-axis
 * that starts the longer list's axis (`"a":(1)2` against `"a"`: the larger is taken, the list holding the
 * smaller one being a prefix of it), as Shardy's compatible major axes.
 */
function compatiblePrefix(lists: readonly (readonly AxisRef[])[], sizes: ReadonlyMap<string, number>): AxisRef[] {
  const out: AxisRef[] = [];
  let live = lists.filter((l) => l.length > 0);
  for (let i = 0; live.length > 0; i++) {
    const refs = live.map((l) => l[i]);
    let big = refs[0];
    for (const r of refs) {
      if (sameAxis(r, big)) continue;
      if (startsWith(r, big, sizes)) big = r;
      else if (!startsWith(big, r, sizes)) return out;
    }
    // a list that stops at a smaller piece of `big` but goes on with other axes disagrees beyond it
    const smallerThenMore = live.filter((l) => !sameAxis(l[i], big) && l.length > i + 1);
    if (smallerThenMore.length > 0) {
      out.push(smallerThenMore[0][i]);
      return out;
    }
    out.push(big);
    live = live.filter((l) => sameAxis(l[i], big) && l.length > i + 1);
  }
  return out;
}

/** Whether `big` starts with `small`: the same axis, `small` the major part of it (a full axis is (1)size). */
function startsWith(big: AxisRef, small: AxisRef, sizes: ReadonlyMap<string, number>): boolean {
  if (big.name !== small.name) return false;
  const bp = big.sub?.pre ?? 1, bs = big.sub?.size ?? sizes.get(big.name) ?? 1;
  const sp = small.sub?.pre ?? 1, ss = small.sub?.size ?? sizes.get(small.name) ?? 1;
  return bp === sp && ss < bs && bs % ss === 0;
}

function sameList(a: readonly AxisRef[], b: readonly AxisRef[]): boolean {
  return a.length === b.length && a.every((x, i) => sameAxis(x, b[i]));
}

/** Whether `a` is a prefix of `b`, its last axis possibly a major piece of b's axis there. */
function isPrefixOf(a: readonly AxisRef[], b: readonly AxisRef[], sizes: ReadonlyMap<string, number>): boolean {
  if (a.length > b.length) return false;
  return a.every((x, i) => sameAxis(x, b[i]) || (i === a.length - 1 && startsWith(b[i], x, sizes)));
}

/** The common prefix of two lists, cut inside an axis where one holds a major piece of the other's. */
function commonPrefix(a: readonly AxisRef[], b: readonly AxisRef[], sizes: ReadonlyMap<string, number>): AxisRef[] {
  const out: AxisRef[] = [];
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (sameAxis(a[i], b[i])) { out.push(a[i]); continue; }
    if (startsWith(a[i], b[i], sizes)) out.push(b[i]);
    else if (startsWith(b[i], a[i], sizes)) out.push(a[i]);
    break;
  }
  return out;
}

/** `a` cut to its largest major piece that overlaps none of `block`, or null when nothing is left. */
function shrink(a: AxisRef, block: readonly AxisRef[], sizes: ReadonlyMap<string, number>): AxisRef | null {
  let cur: AxisRef = a;
  for (const b of block) {
    if (!overlaps(cur, b, sizes)) continue;
    const lo = cur.sub?.pre ?? 1;
    const bLo = b.sub?.pre ?? 1;
    if (bLo <= lo || bLo % lo !== 0) return null;
    const size = bLo / lo;
    if (size < 2) return null;
    cur = { name: a.name, sub: { pre: lo, size } };
  }
  return cur;
}

/** The longest prefix of `list` free of `block` (its last axis possibly cut to a sub-axis). */
function fitList(list: readonly AxisRef[], block: readonly AxisRef[], sizes: ReadonlyMap<string, number>): AxisRef[] {
  const out: AxisRef[] = [];
  for (const x of list) {
    const a = shrink(x, block, sizes);
    if (a === null) break;
    out.push(a);
    if (!sameAxis(a, x)) break;
  }
  return out;
}

function sameMesh(a: readonly { name: string; size: number }[], b: readonly { name: string; size: number }[]): boolean {
  return a.length === b.length && a.every((x, i) => x.name === b[i].name && x.size === b[i].size);
}

function axesPrefixLength(a: readonly AxisRef[], b: readonly AxisRef[]): number {
  let i = 0;
  while (i < a.length && i < b.length && sameAxis(a[i], b[i])) i++;
  return i;
}

/**
 * A dim's axes split over its factors, major → minor: a factor takes whole axes while they divide what
 * is left of it, and splits an axis into sub-axes where the factor ends inside it; the minor-most factor
 * also takes an axis that does not divide it (padding). What fits nowhere is overflow.
 */
function splitOverFactors(axes: readonly AxisRef[], factorSizes: readonly number[], sizes: ReadonlyMap<string, number>): { parts: AxisRef[][]; overflow: AxisRef[] } {
  const parts: AxisRef[][] = factorSizes.map(() => []);
  const overflow: AxisRef[] = [];
  let fi = 0;
  let cap = factorSizes[0] ?? 1;
  // a size-1 factor takes no axis; a size-0 one (an empty dim) may still carry one
  const lastReal = factorSizes.reduce((last, s, i) => (s !== 1 ? i : last), -1);
  const queue = [...axes];
  while (queue.length > 0) {
    const a = queue.shift() as AxisRef;
    // a size-1 axis stays with the factor before it
    if (axisRefSize(a, sizes) === 1 && fi < factorSizes.length) { parts[fi].push(a); continue; }
    while (fi < factorSizes.length && cap === 1 && fi !== lastReal) { fi++; cap = factorSizes[fi] ?? 1; }
    if (fi >= factorSizes.length || lastReal < 0) { overflow.push(a, ...queue); break; }
    const s = axisRefSize(a, sizes);
    if (cap % s === 0) { parts[fi].push(a); cap /= s; continue; }
    // the minor-most factor keeps an axis whole even when it does not divide it (padding)
    if (fi === lastReal) { parts[fi].push(a); cap = 1; continue; }
    if (s % cap === 0 && cap > 1) {
      const pre = a.sub ? a.sub.pre : 1;
      parts[fi].push({ name: a.name, sub: { pre, size: cap } });
      const restSize = s / cap;
      const full = sizes.get(a.name) ?? 1;
      const rest: AxisRef = pre * cap === 1 && restSize === full ? { name: a.name } : { name: a.name, sub: { pre: pre * cap, size: restSize } };
      queue.unshift(rest);
      cap = 1;
      if (fi === lastReal) { overflow.push(...queue); break; }
      continue;
    }
    if (fi === lastReal) { parts[fi].push(a); cap = 1; continue; }
    overflow.push(a, ...queue);
    break;
  }
  return { parts, overflow };
}

/** Adjacent sub-axes of one axis merged (`"x":(1)2, "x":(2)2` → `"x"` on an axis of 4). */
function mergeSubAxes(axes: readonly AxisRef[], sizes: ReadonlyMap<string, number>): AxisRef[] {
  const out: AxisRef[] = [];
  for (const a of axes) {
    const last = out[out.length - 1];
    if (last?.sub && a.sub && last.name === a.name && last.sub.pre * last.sub.size === a.sub.pre) {
      const pre = last.sub.pre, size = last.sub.size * a.sub.size;
      out[out.length - 1] = pre === 1 && size === (sizes.get(a.name) ?? 0) ? { name: a.name } : { name: a.name, sub: { pre, size } };
    } else out.push(a);
  }
  return out;
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
