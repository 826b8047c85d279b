/**
 * One op's sharding projection for Shardy propagation (propagate.ts): its tensors' dim shardings seen
 * per factor of the op's rule, and how one factor's axes grow there — basic propagation (one agreed
 * prefix for every tensor) or aggressive (each tensor takes what it can hold). The header of
 * propagate.ts lists the semantics (openxla/shardy `docs/propagation.md`).
 */
import type { OpRule } from '../types';
import { axisRefSize, sameAxis, type AxisRef } from './sharding';
import { commonPrefix, fitList, isPrefixOf, sameList, shrink, splitOverFactors } from './axisList';

/** Which side of an op may gain axes: results (FORWARD), operands (BACKWARD). */
export const NONE = 0, FORWARD = 1, BACKWARD = 2, BOTH = 3;

export interface Dim { axes: AxisRef[]; closed: boolean }
/** A tensor's sharding while it propagates (`has`: a sharding was ever set). */
export interface State { mesh: string | undefined; dims: Dim[]; replicated: AxisRef[]; unreduced: AxisRef[]; has: boolean }

/**
 * The op's tensors (operands then results, indexed k) projected onto its factors f: `axes[k][f]` the axes
 * tensor k holds on f (null: it lacks the factor), `closed[k][f]` whether that dim is closed, `dimOf[k][f]`
 * the dim (-1: none), and per tensor the axes that fit no factor (overflow).
 */
export class OpProjection {
  readonly axes: (AxisRef[] | null)[][] = [];
  readonly closed: boolean[][] = [];
  readonly overflow: AxisRef[][] = [];
  readonly dimOf: number[][] = [];
  readonly maps: readonly (readonly (readonly number[])[])[];
  readonly nf: number;

  constructor(
    readonly tensors: readonly number[],
    readonly nIn: number,
    readonly rule: OpRule,
    readonly states: readonly State[],
    readonly sizes: ReadonlyMap<string, number>,
  ) {
    this.maps = [...rule.operands, ...rule.results];
    this.nf = rule.factorSizes.length;
    tensors.forEach((t, k) => this.project(k, states[t]));
  }

  private project(k: number, s: State): void {
    const nf = this.nf;
    const row: (AxisRef[] | null)[] = new Array(nf).fill(null);
    const cl: boolean[] = new Array(nf).fill(false);
    const dOf: number[] = new Array(nf).fill(-1);
    const ov: AxisRef[] = [];
    this.maps[k].forEach((fs, d) => {
      const dim = s.dims[d];
      for (const f of fs) { row[f] = []; cl[f] = dim.closed; dOf[f] = d; }
      const rest = splitOverFactors(dim.axes, fs.map((f) => this.rule.factorSizes[f]), this.sizes);
      fs.forEach((f, i) => (row[f] = rest.parts[i]));
      ov.push(...rest.overflow);
    });
    this.axes.push(row);
    this.closed.push(cl);
    this.overflow.push(ov);
    this.dimOf.push(dOf);
  }

  /** The tensors (k) that have factor f. */
  holders(f: number): number[] {
    return this.tensors.map((_, k) => k).filter((k) => this.axes[k][f] !== null);
  }

  /** Whether f is the minor-most factor of its dim in tensor k (size-1 factors aside): only it may pad. */
  minorMost(k: number, f: number): boolean {
    const d = this.dimOf[k][f];
    if (d < 0) return true;
    const real = this.maps[k][d].filter((x) => this.rule.factorSizes[x] !== 1);
    return real.length === 0 || real[real.length - 1] === f;
  }

  /** Whether every factor major to f in its dim of tensor k is fully sharded (f may only grow then). */
  majorsFull(k: number, f: number): boolean {
    for (const x of this.maps[k][this.dimOf[k][f]]) {
      if (x === f) return true;
      if (this.product(this.axes[k][x] ?? []) !== this.rule.factorSizes[x]) return false;
    }
    return true;
  }

  /** Whether every factor minor to f in its dim of tensor k holds no axis. */
  minorsEmpty(k: number, f: number): boolean {
    const fs = this.maps[k][this.dimOf[k][f]];
    return fs.slice(fs.indexOf(f) + 1).every((x) => (this.axes[k][x] ?? []).length === 0);
  }

  canGrow(k: number, dir: number): boolean {
    return k < this.nIn ? (dir & BACKWARD) !== 0 : (dir & FORWARD) !== 0;
  }

  /** The axes tensor k uses elsewhere (other factors, replicated, unreduced, overflow): what f may not take there. */
  blockers(k: number, f: number): AxisRef[] {
    const s = this.states[this.tensors[k]];
    const out = [...s.replicated, ...s.unreduced, ...this.overflow[k]];
    for (let g = 0; g < this.nf; g++) if (g !== f) out.push(...(this.axes[k][g] ?? []));
    return out;
  }

  /** The axes any tensor of the op holds on a factor other than f. */
  usedByOthers(f: number): AxisRef[] {
    const out: AxisRef[] = [];
    this.tensors.forEach((_, k) => { for (let g = 0; g < this.nf; g++) if (g !== f) out.push(...(this.axes[k][g] ?? [])); });
    return out;
  }

  /** How much of `list` tensor k can hold on f: the longest prefix (its last axis possibly cut to a sub-axis) free of conflicts. */
  fit(k: number, f: number, list: readonly AxisRef[], block: readonly AxisRef[]): AxisRef[] {
    const out: AxisRef[] = [];
    const padOk = this.minorMost(k, f);
    for (const x of list) {
      const a = shrink(x, block, this.sizes);
      if (a === null) break;
      // only the minor-most factor may take axes that do not divide it (padding)
      if (!padOk && this.rule.factorSizes[f] % this.product([...out, a]) !== 0) break;
      out.push(a);
      if (!sameAxis(a, x)) break;
    }
    return out;
  }

  /** Whether tensor k's axes on f may become `next`: a strict extension, in a dim where f is free to grow. */
  grows(k: number, f: number, next: readonly AxisRef[]): boolean {
    const cur = this.axes[k][f] as AxisRef[];
    if (!isPrefixOf(cur, next, this.sizes) || sameList(cur, next)) return false;
    // a sub-axis already there widens to a larger sub-axis, never back into the full axis (Shardy keeps it)
    const i = cur.length - 1;
    if (i >= 0 && !sameAxis(cur[i], next[i]) && !next[i].sub) return false;
    return this.majorsFull(k, f) && this.minorsEmpty(k, f);
  }

  private product(list: readonly AxisRef[]): number {
    return list.reduce((p, a) => p * axisRefSize(a, this.sizes), 1);
  }
}

/**
 * Basic propagation of factor f: one result for every tensor, cut at the first axis any tensor of the
 * factor conflicts on (a closed tensor that would gain it, its own other uses of it) or any tensor of the
 * op uses for another factor. Adds the tensors that grew to `grown`.
 */
export function growBasic(p: OpProjection, f: number, dir: number, prefix: AxisRef[], grown: Set<number>): void {
  const has = p.holders(f);
  let agreed: AxisRef[] = prefix;
  for (const k of has) {
    const cur = p.axes[k][f] as AxisRef[];
    if (sameList(cur, agreed) || isPrefixOf(agreed, cur, p.sizes)) continue;
    if (p.closed[k][f] || !p.majorsFull(k, f) || !p.minorsEmpty(k, f)) { agreed = commonPrefix(agreed, cur, p.sizes); continue; }
    agreed = p.fit(k, f, agreed, p.blockers(k, f));
  }
  agreed = fitList(agreed, p.usedByOthers(f), p.sizes);
  for (const k of has) {
    if (!p.canGrow(k, dir) || !p.grows(k, f, agreed)) continue;
    p.axes[k][f] = [...agreed];
    grown.add(k);
  }
}

/**
 * Aggressive propagation of factor f: each tensor takes the longest part of the prefix it can hold;
 * operands never gain more than every result of the factor could hold (no sideways propagation past a
 * closed result, or past a result that pins the axis replicated or holds it unreduced).
 */
export function growAggressive(p: OpProjection, f: number, dir: number, prefix: AxisRef[], grown: Set<number>): void {
  const has = p.holders(f);
  let sideways = prefix;
  for (const k of has) {
    if (k < p.nIn) continue;
    const s = p.states[p.tensors[k]];
    sideways = fitList(sideways, [...s.replicated, ...s.unreduced], p.sizes);
    if (p.closed[k][f]) sideways = commonPrefix(sideways, p.axes[k][f] as AxisRef[], p.sizes);
  }
  for (const k of has) {
    if (!p.canGrow(k, dir) || p.closed[k][f]) continue;
    const next = p.fit(k, f, k < p.nIn ? sideways : prefix, p.blockers(k, f));
    if (!p.grows(k, f, next)) continue;
    p.axes[k][f] = next;
    grown.add(k);
  }
}
