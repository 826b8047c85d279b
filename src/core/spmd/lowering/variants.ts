/**
 * The layouts each global value is held in during lowering (its variants). Most values are held in
 * one layout: that variant is stored alone, and becomes a list (held first) only when a second layout
 * is made, which saves an array per value of a 50k-op program.
 */
import type { Phase, ValueId } from '../../ir/types';
import type { Sharding } from '../../partition/types';

/** The placeholder local of a value built where it is read (a splat constant or iota), until its first reader. */
export const UNBUILT = -1;

export interface Variant {
  readonly local: ValueId;
  readonly sharding: Sharding;
  /**
   * Set on a layout made by gathering (all-gather / all-to-all): it is reused only within this
   * phase and scope, so a parameter gathered for the forward pass is gathered again for the backward
   * pass, and a tied embedding again for the unembedding (as ZeRO-3/FSDP and sequence parallelism
   * do, and as PartIR's per-use gathers count them), instead of staying live in between.
   */
  readonly phase?: Phase;
  readonly scope?: string;
  /**
   * Set on a layout gathered for the op where the value met a sharding conflict: it serves that op
   * only (docs/semantics.md, Lowering: gathers at a conflict).
   */
  readonly owner?: number;
}

export class Variants {
  private readonly byValue: (Variant | Variant[] | undefined)[];

  constructor(nValues: number) {
    this.byValue = new Array(nValues);
  }

  has(v: ValueId): boolean {
    return this.byValue[v] !== undefined;
  }

  /** The layout `v` is held in now (the first variant): users compute from it. */
  held(v: ValueId): Variant {
    const x = this.byValue[v] as Variant | Variant[];
    return Array.isArray(x) ? x[0] : x;
  }

  /** Every variant of `v` (empty when it has none), without turning a single variant into a list. */
  all(v: ValueId): readonly Variant[] {
    const x = this.byValue[v];
    return x === undefined ? [] : Array.isArray(x) ? x : [x];
  }

  /** The variants of `v` as a list that may be appended to (made a list if it was a single variant). */
  list(v: ValueId): Variant[] {
    const x = this.byValue[v] as Variant | Variant[];
    if (Array.isArray(x)) return x;
    const list = [x];
    this.byValue[v] = list;
    return list;
  }

  add(v: ValueId, local: ValueId, sharding: Sharding): void {
    const x = this.byValue[v];
    if (x === undefined) this.byValue[v] = { local, sharding };
    else if (Array.isArray(x)) x.push({ local, sharding });
    else this.byValue[v] = [x, { local, sharding }];
  }

  /** Marks `v` as built by its first reader, in `sharding` (see UNBUILT). */
  addUnbuilt(v: ValueId, sharding: Sharding): void {
    this.byValue[v] = { local: UNBUILT, sharding };
  }

  /** Records the first build of an UNBUILT value in place of its placeholder, or adds another layout. */
  addBuilt(v: ValueId, local: ValueId, sharding: Sharding): void {
    const x = this.byValue[v];
    const built = { local, sharding };
    if (x !== undefined && !Array.isArray(x) && x.local === UNBUILT) this.byValue[v] = built;
    else if (Array.isArray(x) && x[0].local === UNBUILT) x[0] = built;
    else this.add(v, local, sharding);
  }

  /** Makes the variant whose local is `local` the held one (a partial value once reduced). */
  hold(v: ValueId, local: ValueId): void {
    const vs = this.list(v);
    const k = vs.findIndex((x) => x.local === local);
    [vs[0], vs[k]] = [vs[k], vs[0]];
  }
}
