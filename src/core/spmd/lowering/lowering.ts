/**
 * One lowering of a PartitionResult to the per-device program (see ../lower.ts for what it does and
 * why). The state of a run lives in fields; each step is a method:
 *
 * - `lowerInputs`: inputs arrive split by their sharding;
 * - `lowerOp`: per global op, the first step that applies — `deferBuild` (splat constants and iotas
 *   are built by their readers), `lowerUnsharded`, `lowerInLayout` (element-wise, already in layout),
 *   `lowerByPlan` (reshard the operands to the op's plan, compute locally) — then `reducePartials`;
 * - `lowerOutputs`: outputs leave in their input's layout (or their sharding, never partial).
 */
import { inferTypes } from '../../ir/shape';
import type { AttrsOf, Op, OpKind, Program, TensorType, ValueId } from '../../ir/types';
import { isElementwise } from '../../ir/types';
import { programFacts, type ProgramFacts } from '../../partition/facts';
import type { OpRule, PartitionResult, Sharding } from '../../partition/types';
import { AxisTable, isReplicated, localType, replicated, sameAxes, sameSharding, shardingKey, withoutPartial } from '../layout';
import { localAttrs } from '../localattrs';
import { applyStep, planReshard } from '../reshard';
import type { SpmdProgram } from '../types';
import { LocalEmitter } from './emitter';
import { PlanMemo } from './planMemo';
import { UNBUILT, Variants, type Variant } from './variants';

/** Ops whose result every device can build in any layout from nothing: splat constants and iotas. */
export const buildsAnywhere = (op: Op): boolean => (op.kind === 'constant' && op.attrs.data === undefined) || op.kind === 'iota';

/** A value as an error message names it. */
export function describeValue(p: Program, v: ValueId): string {
  const val = p.values[v];
  if (val.name !== undefined) return `value "${val.name}"`;
  const op = val.def >= 0 ? p.ops[val.def] : undefined;
  return op ? `result of ${op.kind} in "${op.scope || '(top)'}" (%${v})` : `%${v}`;
}

export interface LowerOptions {
  /** Re-infer every local op's types and compare them with the sharding's local shapes (tests, debugging). */
  checkTypes?: boolean;
}

export class Lowering {
  private readonly g: Program;
  private readonly shardings: readonly Sharding[];
  private readonly axes: AxisTable;
  private readonly facts: ProgramFacts;
  private readonly nTypes: number;
  private readonly out: LocalEmitter;
  private readonly plans: PlanMemo;
  private readonly variants: Variants;
  /** One replicated sharding object per rank (read only), rather than a fresh one per barrier op. */
  private readonly reps: Sharding[] = [];
  /**
   * Shardings made by reshard steps, replaced by the first equal object seen, so that the memos keyed
   * by layout see a few dozen objects rather than one per collective.
   */
  private readonly canonical: Sharding[] = [];
  /** Local types by (layout, type id): values of equal types in equal layouts share one local type object. */
  private readonly localTypes = new Map<number, TensorType>();
  /** The value being typed, read by `describeTyping` only when localType throws (one callback, not one per call). */
  private typing = 0;
  private readonly describeTyping = (): string => describeValue(this.g, this.typing);
  private readonly inputShardings: Sharding[];
  private readonly inputByName = new Map<string, Sharding>();
  private readonly outputsOf = new Map<ValueId, string[]>();
  /** (value, op) pairs where propagation reported a conflict, as `value * nOps + op` (see `reshard`). */
  private readonly conflictedUses = new Set<number>();

  constructor(private readonly result: PartitionResult, private readonly opts: LowerOptions = {}) {
    const g = (this.g = result.program);
    this.shardings = result.shardings;
    this.axes = new AxisTable(result.mesh);
    // Rules, users and use counts as propagation computed them (cached per program): `useCount`
    // counts op operands and program outputs.
    this.facts = programFacts(g);
    this.nTypes = this.facts.typeId.reduce((m, id) => Math.max(m, id + 1), 0);
    this.out = new LocalEmitter(g);
    this.plans = new PlanMemo(g, this.axes);
    this.variants = new Variants(g.values.length);
    // Inputs arrive split by their sharding (never partial).
    this.inputShardings = g.inputs.map((v) => withoutPartial(this.shardings[v]));
    g.inputs.forEach((v, i) => { const n = g.values[v].name; if (n !== undefined) this.inputByName.set(n, this.inputShardings[i]); });
    for (const stage of result.stages) for (const c of stage.conflicts) if (c.op >= 0) this.conflictedUses.add(c.value * g.ops.length + c.op);
    for (const o of g.outputs) {
      const names = this.outputsOf.get(o.value);
      if (names) names.push(o.name); else this.outputsOf.set(o.value, [o.name]);
    }
  }

  run(): SpmdProgram {
    const g = this.g;
    // Every sharding the PartitionResult gives must divide its value's shape.
    for (let v = 0; v < g.values.length; v++) this.localOf(v, this.shardings[v]);
    this.lowerInputs();
    for (const op of g.ops) this.lowerOp(op);
    const outputShardings = this.lowerOutputs();
    return {
      mesh: this.result.mesh, program: this.out.builder.build(), source: Int32Array.from(this.out.source), global: g,
      inputShardings: this.inputShardings, outputShardings,
    };
  }

  // ---- the steps ----

  private lowerInputs(): void {
    const b = this.out.builder;
    this.g.inputs.forEach((v, i) => {
      const val = this.g.values[v];
      const local = b.input(val.name ?? `%${v}`, this.localOf(v, this.inputShardings[i]), val.role);
      b.values[local].name = val.name;
      this.variants.add(v, local, this.inputShardings[i]);
    });
  }

  private lowerOp(op: Op): void {
    if (buildsAnywhere(op)) return this.deferBuild(op);
    if (this.lowerUnsharded(op) || this.lowerInLayout(op)) return;
    this.reducePartials(op, this.lowerByPlan(op));
  }

  private lowerOutputs(): Sharding[] {
    return this.g.outputs.map((o) => {
      const t = this.outputTarget(o.value, o.name);
      this.out.builder.output(this.reshard(o.value, t, this.g.values[o.value].def), o.name);
      return t;
    });
  }

  /** A splat constant or iota: built by its first reader, in the layout that reader wants (buildLocally). */
  private deferBuild(op: Op): void {
    this.variants.addUnbuilt(op.results[0], withoutPartial(this.shardings[op.results[0]]));
  }

  /** Nothing sharded around this op: it runs as in the global program. */
  private lowerUnsharded(op: Op): boolean {
    const nIn = op.operands.length, nOut = op.results.length;
    for (let i = 0; i < nIn; i++) if (!isReplicated(this.variants.held(op.operands[i]).sharding)) return false;
    for (let i = 0; i < nOut; i++) if (!isReplicated(this.shardings[op.results[i]])) return false;
    const locals = new Array<ValueId>(nIn);
    for (let i = 0; i < nIn; i++) locals[i] = this.heldLocal(op.operands[i]);
    const types = new Array<TensorType>(nOut);
    for (let i = 0; i < nOut; i++) types[i] = this.g.values[op.results[i]].type;
    const results = this.out.emit(op.kind, locals, op.attrs, types, op, true);
    for (let i = 0; i < nOut; i++) this.variants.add(op.results[i], results[i], this.shardings[op.results[i]]);
    return true;
  }

  /** An element-wise op with every operand already in its result's (non-partial) layout: computed as is. */
  private lowerInLayout(op: Op): boolean {
    if (op.results.length !== 1 || !isElementwise(op.kind) || this.shardings[op.results[0]].partial.length > 0) return false;
    const decl = this.shardings[op.results[0]];
    for (const v of op.operands) {
      const h = this.variants.held(v).sharding;
      if (!(h.dims.length === 0 && h.partial.length === 0) && !sameSharding(h, decl)) return false;
    }
    const nIn = op.operands.length;
    const locals = new Array<ValueId>(nIn);
    for (let i = 0; i < nIn; i++) locals[i] = this.heldLocal(op.operands[i]);
    const [lr] = this.out.emit(op.kind, locals, op.attrs, [this.localOf(op.results[0], decl)], op, true);
    this.variants.add(op.results[0], lr, decl);
    return true;
  }

  /** Reshards the operands to the op's plan (or replicates them at a barrier) and computes it locally; returns its result layouts. */
  private lowerByPlan(op: Op): readonly Sharding[] {
    const g = this.g;
    const nIn = op.operands.length, nOut = op.results.length;
    const rule = this.facts.rules[op.id];
    let operandTargets: readonly Sharding[];
    let resultShardings: readonly Sharding[];
    if (rule) {
      const operandActual = new Array<Sharding>(nIn);
      const operandUses = new Array<number>(nIn);
      for (let i = 0; i < nIn; i++) {
        operandActual[i] = this.variants.held(op.operands[i]).sharding;
        operandUses[i] = this.facts.useCount[op.operands[i]];
      }
      // Read only (the plan may be shared through the memo).
      const plan = this.plans.planFor(op, rule, this.resultDeclOf(op), operandActual, operandUses);
      operandTargets = plan.operands;
      resultShardings = plan.results;
    } else {
      // A barrier (splat constants and iotas are built where they are read): it runs whole on every device.
      operandTargets = op.operands.map((v) => this.rep(this.facts.valueRank[v]));
      resultShardings = op.results.map((r) => this.rep(this.facts.valueRank[r]));
    }
    const localOperands = new Array<ValueId>(nIn);
    const gOperandTypes = new Array<TensorType>(nIn);
    const localOperandTypes = new Array<TensorType>(nIn);
    for (let i = 0; i < nIn; i++) {
      localOperands[i] = this.reshard(op.operands[i], operandTargets[i], op.id);
      gOperandTypes[i] = g.values[op.operands[i]].type;
      localOperandTypes[i] = this.out.builder.values[localOperands[i]].type;
    }
    const localResultTypes = new Array<TensorType>(nOut);
    for (let i = 0; i < nOut; i++) localResultTypes[i] = this.localOf(op.results[i], resultShardings[i]);
    const attrs = localAttrs(op, gOperandTypes, localOperandTypes, localResultTypes);
    if (this.opts.checkTypes && op.kind !== 'custom') checkLocalTypes(op, localOperandTypes, attrs, localResultTypes);
    const results = this.out.emit(op.kind, localOperands, attrs, localResultTypes, op, true);
    for (let i = 0; i < nOut; i++) this.variants.add(op.results[i], results[i], resultShardings[i]);
    return resultShardings;
  }

  /** Reduces a partial result right after its producer, unless its consumer keeps it partial. */
  private reducePartials(op: Op, resultShardings: readonly Sharding[]): void {
    for (let i = 0; i < op.results.length; i++) {
      const r = op.results[i];
      if (resultShardings[i].partial.length === 0) continue;
      const t = this.reductionTarget(r, resultShardings[i].partial);
      if (!t) continue;
      // From here on the value is held reduced: users compute from this layout.
      this.variants.hold(r, this.reshard(r, t, op.id));
    }
  }

  // ---- layouts and reshards ----

  private rep(rank: number): Sharding {
    return (this.reps[rank] ??= replicated(rank));
  }

  private canon(s: Sharding): Sharding {
    return (this.canonical[this.axes.layoutId(s)] ??= s);
  }

  /** The local type of `v` held as `s` (values of equal types in equal layouts share one object). */
  private localOf(v: ValueId, s: Sharding): TensorType {
    if (isReplicated(s)) return this.g.values[v].type;
    const key = this.axes.layoutId(s) * this.nTypes + this.facts.typeId[v];
    let t = this.localTypes.get(key);
    if (t === undefined) {
      this.typing = v;
      this.localTypes.set(key, (t = localType(this.g.values[v].type, s, this.axes, this.describeTyping)));
    }
    return t;
  }

  /** The local value `v` is held as, building it first if it is a constant or iota not built yet. */
  private heldLocal(v: ValueId): ValueId {
    const h = this.variants.held(v);
    return h.local === UNBUILT ? this.buildLocally(v, h.sharding) : h.local;
  }

  /**
   * A splat constant or iota `v` in layout `target`, built on every device at its local shape (once per
   * layout). An iota tiled along its counting dim needs each device's offset: it counts along that dim
   * alone (a vector no larger than one row of the value), keeps its tile, and broadcasts it.
   */
  private buildLocally(v: ValueId, target: Sharding): ValueId {
    for (const y of this.variants.all(v)) if (y.local !== UNBUILT && sameSharding(y.sharding, target)) return y.local;
    const op = this.g.ops[this.g.values[v].def];
    const type = this.localOf(v, target);
    let local: ValueId;
    if (op.kind === 'iota' && target.dims[op.attrs.dim].length > 0) {
      const { dim, dtype } = op.attrs;
      const n = this.g.values[v].type.shape[dim];
      const [line] = this.out.emit('iota', [], { shape: [n], dim: 0, dtype }, [{ shape: [n], dtype }], op);
      const [tile] = this.out.emit('shard_slice', [line], { axes: target.dims[dim], dim: 0 }, [{ shape: [type.shape[dim]], dtype }], op);
      [local] = this.out.emit('broadcast_in_dim', [tile], { shape: type.shape, dims: [dim] }, [type], op, true);
    } else {
      [local] = this.out.emit(op.kind, [], { ...op.attrs, shape: type.shape } as AttrsOf<OpKind>, [type], op, true);
    }
    this.variants.addBuilt(v, local, target);
    return local;
  }

  /** `v` held as `target`, emitting the collectives that get it there (serving op `servingOp`). */
  private reshard(v: ValueId, target: Sharding, servingOp: number): ValueId {
    const g = this.g;
    const def = g.values[v].def;
    if (def >= 0 && buildsAnywhere(g.ops[def])) {
      if (target.partial.length > 0) throw new Error(`${describeValue(g, v)} is a constant: it cannot be held partial`);
      return this.buildLocally(v, target);
    }
    const h = this.variants.held(v);
    if (sameSharding(h.sharding, target)) return h.local;
    const vs = this.variants.list(v);
    const phase = servingOp >= 0 ? g.ops[servingOp].phase : undefined;
    const scope = servingOp >= 0 ? g.ops[servingOp].scope : undefined;
    // A value that met a sharding conflict at this op is gathered for this op alone: no other user
    // reads that gather (docs/semantics.md, Lowering: gathers at a conflict).
    const conflicted = servingOp >= 0 && this.conflictedUses.has(v * g.ops.length + servingOp);
    let best: Variant | undefined, bestCost = Infinity;
    for (const x of vs) {
      if (x.owner !== undefined && x.owner !== servingOp) continue;
      if (x.phase !== undefined && (x.phase !== phase || x.scope !== scope)) continue;
      if (sameSharding(x.sharding, target)) return x.local;
      if (!target.partial.every((a) => x.sharding.partial.includes(a))) continue;
      // Fewest reductions first: a value already reduced is never reduced again.
      let differing = 0;
      for (let d = 0; d < target.dims.length; d++) if (!sameAxes(x.sharding.dims[d], target.dims[d])) differing++;
      const cost = 1000 * (x.sharding.partial.length - target.partial.length) + differing;
      if (cost < bestCost) { bestCost = cost; best = x; }
    }
    if (!best) throw new Error(`no layout of ${describeValue(g, v)} can be resharded to ${shardingKey(target)}`);
    let cur = best;
    const role = g.values[v].role;
    for (const step of planReshard(cur.sharding, target)) {
      const next = this.canon(applyStep(cur.sharding, step));
      const reduction = step.kind === 'all_reduce' || step.kind === 'reduce_scatter';
      // A reduction completes the producer's value; other collectives serve the consumer.
      const serving = reduction && def >= 0 ? def : servingOp;
      const { kind, ...attrs } = step;
      const [local] = this.out.emit(kind, [cur.local], attrs as AttrsOf<OpKind>, [this.localOf(v, next)], serving >= 0 ? g.ops[serving] : undefined);
      if (role !== undefined) this.out.builder.values[local].role = role;
      const gathered = step.kind === 'all_gather' || step.kind === 'all_to_all' || cur.phase !== undefined;
      const owned = cur.owner !== undefined || (conflicted && gathered);
      cur = { local, sharding: next, phase: gathered ? phase : undefined, scope: gathered ? scope : undefined, owner: owned ? servingOp : undefined };
      vs.push(cur);
    }
    return cur.local;
  }

  private outputTarget(v: ValueId, name: string): Sharding {
    return this.inputByName.get(name) ?? withoutPartial(this.shardings[v]);
  }

  private resultDeclOf(op: Op): Sharding[] {
    const out = new Array<Sharding>(op.results.length);
    for (let i = 0; i < op.results.length; i++) out[i] = this.shardings[op.results[i]];
    return out;
  }

  /** The layout user op `u` will want its operand `v` in, with the other operands as they are (or will be). */
  private wantedBy(u: Op, v: ValueId): Sharding {
    const rule: OpRule | null = this.facts.rules[u.id];
    if (!rule) return this.rep(this.facts.valueRank[v]);
    const operandActual = new Array<Sharding>(u.operands.length);
    const operandUses = new Array<number>(u.operands.length);
    for (let i = 0; i < u.operands.length; i++) {
      const w = u.operands[i];
      operandActual[i] = this.variants.has(w) ? this.variants.held(w).sharding : this.shardings[w];
      operandUses[i] = this.facts.useCount[w];
    }
    const plan = this.plans.planFor(u, rule, this.resultDeclOf(u), operandActual, operandUses);
    return plan.operands[u.operands.indexOf(v)];
  }

  /**
   * Where a partial value is reduced to, decided at its producer: undefined when its one user keeps
   * it partial; else the most finely tiled layout any user wants (a reduce-scatter rather than an
   * all-reduce when some user works on tiles; the others gather from there).
   */
  private reductionTarget(v: ValueId, partial: readonly string[]): Sharding | undefined {
    const { userStart, userList } = this.facts;
    const wants: Sharding[] = [];
    for (let i = userStart[v]; i < userStart[v + 1]; i++) wants.push(this.wantedBy(this.g.ops[userList[i]], v));
    for (const name of this.outputsOf.get(v) ?? []) wants.push(this.outputTarget(v, name));
    let best: Sharding | undefined, bestTiles = 0;
    for (const t of wants) {
      if (partial.every((a) => t.partial.includes(a))) return undefined;
      let tiles = 1;
      for (const d of t.dims) tiles *= this.axes.product(d);
      if (best === undefined || tiles > bestTiles) { best = t; bestTiles = tiles; }
    }
    return best;
  }
}

/** Re-infers a local op's result types and throws when they differ from its sharding's local shapes. */
function checkLocalTypes(op: Op, localOperandTypes: readonly TensorType[], attrs: AttrsOf<OpKind>, localResultTypes: readonly TensorType[]): void {
  const got = inferTypes(op.kind, localOperandTypes, attrs);
  got.forEach((t, i) => {
    const want = localResultTypes[i].shape;
    if (want.length !== t.shape.length || want.some((d, j) => d !== t.shape[j]))
      throw new Error(`lowering ${op.kind} (op ${op.id}): local result [${t.shape.join(',')}] but its sharding needs [${want.join(',')}]`);
  });
}
