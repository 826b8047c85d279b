/**
 * SPMD lowering: the global program plus a sharding per value → the one per-device program every
 * device runs, with local shapes and explicit collectives (docs/semantics.md, Lowering; Shardy's
 * insert-explicit-reshards + reshard-to-collectives + convert-global-to-local in one pass).
 *
 * Each global value may be held in several layouts (variants); a consumer asks for the layout its
 * op needs and gets a cached variant or a new one resharded from the closest existing variant, so a
 * partial value is reduced once however many consumers it has. A reduction (all-reduce /
 * reduce-scatter) is placed right after the op that made the value partial, unless its one consumer
 * keeps it partial, and carries that op's phase and scope; gathers, all-to-alls and slices carry
 * the consumer's. `source[i]` is that global op.
 *
 * Splat constants and iotas are never built at their global shape: each is built where it is first
 * read, directly in the layout its reader wants (and again in any other layout another reader wants),
 * as XLA builds them at their local shape inside the consumer's fusion. Propagation often leaves them
 * replicated (a constant read by a forward and a recomputed op meets two layouts), and building one
 * globally and then slicing it would charge the simulator for a value no device ever holds.
 */
import { ProgramBuilder } from '../ir/builder';
import { inferTypes } from '../ir/shape';
import type { AttrsOf, Op, OpKind, Phase, Program, TensorType, ValueId } from '../ir/types';
import { BINARY_KINDS, UNARY_KINDS } from '../ir/types';
import { programFacts } from '../partition/facts';
import type { OpRule, PartitionResult, Sharding } from '../partition/types';
import { AxisTable, isReplicated, localType, replicated, sameAxes, sameSharding, shardingKey, withoutPartial } from './layout';
import { localAttrs } from './localattrs';
import { opSharding, type OpSharding } from './opsharding';
import { applyStep, planReshard } from './reshard';
import type { SpmdProgram } from './types';

const ELEMENTWISE = new Set<string>([...UNARY_KINDS, ...BINARY_KINDS, 'select']);

/** Ops whose result every device can build in any layout from nothing: splat constants and iotas. */
const buildsAnywhere = (op: Op): boolean => (op.kind === 'constant' && op.attrs.data === undefined) || op.kind === 'iota';

/** The placeholder local of a value built where it is read (see buildsAnywhere), until its first reader. */
const UNBUILT = -1;

interface Variant {
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
}

const describe = (p: Program, v: ValueId) => {
  const val = p.values[v];
  if (val.name !== undefined) return `value "${val.name}"`;
  const op = val.def >= 0 ? p.ops[val.def] : undefined;
  return op ? `result of ${op.kind} in "${op.scope || '(top)'}" (%${v})` : `%${v}`;
};

/** A node of the lowering's plan memo trie: `plan` is set on the node reached by a whole key. */
interface PlanNode {
  readonly next: Map<number, PlanNode>;
  plan: OpSharding | undefined;
}

export interface LowerOptions {
  /** Re-infer every local op's types and compare them with the sharding's local shapes (tests, debugging). */
  checkTypes?: boolean;
}

export function lower(result: PartitionResult, opts: LowerOptions = {}): SpmdProgram {
  const checkTypes = opts.checkTypes ?? false;
  // Plans of identical ops in identical layouts (every layer of a deep model) are computed once.
  const memo = new Map<string, OpSharding>();
  // The memo is looked up through a trie over small integers (rule id, then each result's and operand's
  // layout id, an operand's with whether it has one use): no key string per op. The map above serves
  // the plans that are computed, which opSharding then shares exactly as before.
  const ruleIds = new Map<OpRule, number>();
  const planRoot: PlanNode = { next: new Map(), plan: undefined };
  const planChild = (node: PlanNode, x: number): PlanNode => {
    let n = node.next.get(x);
    if (n === undefined) node.next.set(x, (n = { next: new Map(), plan: undefined }));
    return n;
  };
  const planFor = (
    op: Op, rule: OpRule, resultDecl: readonly Sharding[], operandActual: readonly Sharding[], operandUses: readonly number[],
  ): OpSharding => {
    // scatter's plan also depends on how its operand was made: opSharding never memoises it.
    if (op.kind === 'scatter') return opSharding({ op, program: g, rule, resultDecl, operandActual, operandUses, axes, memo });
    let rid = ruleIds.get(rule);
    if (rid === undefined) ruleIds.set(rule, (rid = ruleIds.size));
    let node = planChild(planRoot, rid);
    for (let i = 0; i < resultDecl.length; i++) node = planChild(node, resultDecl[i] ? axes.layoutId(resultDecl[i]) : -1);
    node = planChild(node, -2);
    for (let i = 0; i < operandActual.length; i++) node = planChild(node, 2 * axes.layoutId(operandActual[i]) + (operandUses[i] === 1 ? 1 : 0));
    return (node.plan ??= opSharding({ op, program: g, rule, resultDecl, operandActual, operandUses, axes, memo }));
  };
  const { program: g, mesh, shardings } = result;
  const axes = new AxisTable(mesh);
  const b = new ProgramBuilder(g.name);
  const source: number[] = [];
  // Rules, users and use counts as propagation computed them (cached per program): `uses` counts op
  // operands and program outputs.
  const facts = programFacts(g);
  const { userStart, userList, useCount: uses, rules, typeId, valueRank } = facts;
  const nTypes = typeId.reduce((m, id) => Math.max(m, id + 1), 0);

  // One replicated sharding object per rank (read only), rather than a fresh one per barrier op.
  const reps: Sharding[] = [];
  const rep = (rank: number): Sharding => (reps[rank] ??= replicated(rank));
  // Shardings made by reshard steps are replaced by the first equal object seen, so that the memos keyed
  // by layout see a few dozen objects rather than one per collective.
  const canonical: Sharding[] = [];
  const canon = (s: Sharding): Sharding => (canonical[axes.layoutId(s)] ??= s);

  // localType names the value only when it throws, synchronously: one shared callback reading the value
  // being typed, rather than a closure per call.
  let typing = 0;
  const describeTyping = () => describe(g, typing);

  /**
   * Local types by (layout, type id): values of equal types in equal layouts share one local type object,
   * found by a small-integer key rather than by hashing the value's type object (a cache miss each).
   */
  const localTypes = new Map<number, TensorType>();
  const localOf = (v: ValueId, s: Sharding): TensorType => {
    if (isReplicated(s)) return g.values[v].type;
    const key = axes.layoutId(s) * nTypes + typeId[v];
    let t = localTypes.get(key);
    if (t === undefined) {
      typing = v;
      localTypes.set(key, (t = localType(g.values[v].type, s, axes, describeTyping)));
    }
    return t;
  };

  // Every sharding the PartitionResult gives must divide its value's shape.
  for (let v = 0; v < g.values.length; v++) localOf(v, shardings[v]);

  // Most values are held in one layout: that variant is stored alone, and becomes a list (held first)
  // only when a second layout is made, which saves an array per value of a 50k-op program.
  const variants: (Variant | Variant[] | undefined)[] = new Array(g.values.length);
  const held = (v: ValueId): Variant => {
    const x = variants[v] as Variant | Variant[];
    return Array.isArray(x) ? x[0] : x;
  };
  /** The local value `v` is held as, building it first if it is a constant or iota not built yet. */
  const heldLocal = (v: ValueId): ValueId => {
    const h = held(v);
    return h.local === UNBUILT ? buildLocally(v, h.sharding) : h.local;
  };
  const variantList = (v: ValueId): Variant[] => {
    const x = variants[v] as Variant | Variant[];
    if (Array.isArray(x)) return x;
    const list = [x];
    variants[v] = list;
    return list;
  };
  const addVariant = (v: ValueId, local: ValueId, sharding: Sharding) => {
    const x = variants[v];
    if (x === undefined) variants[v] = { local, sharding };
    else if (Array.isArray(x)) x.push({ local, sharding });
    else variants[v] = [x, { local, sharding }];
  };

  /**
   * Appends one op to the builder's arrays with explicit result types and the scope and phase of
   * the global op it computes or serves (cheaper than nesting builder scopes for 10⁵ ops).
   */
  const emit = (
    kind: OpKind, operands: readonly ValueId[], attrs: AttrsOf<OpKind>, types: readonly TensorType[], served: Op | undefined,
    computes = false,
  ): ValueId[] => {
    const id = b.ops.length;
    const results = new Array<ValueId>(types.length);
    for (let index = 0; index < types.length; index++) {
      const vid = b.values.length;
      if (computes && served) {
        // The local piece of a global result carries its name and role (created with them, rather than
        // added later, so the value object is allocated once at its final size).
        const gv = g.values[served.results[index]];
        b.values.push({ id: vid, type: types[index], def: id, index, name: gv.name, role: gv.role });
      } else {
        b.values.push({ id: vid, type: types[index], def: id, index });
      }
      results[index] = vid;
    }
    const scope = served?.scope ?? '', phase: Phase = served?.phase ?? 'forward';
    // Every caller passes a fresh operand array, so it is stored as is.
    b.ops.push({ id, kind, operands, results, attrs, scope, phase } as unknown as Op);
    source.push(served?.id ?? -1);
    return results;
  };

  /**
   * A splat constant or iota `v` in layout `target`, built on every device at its local shape (once per
   * layout). An iota tiled along its counting dim needs each device's offset: it counts along that dim
   * alone (a vector no larger than one row of the value), keeps its tile, and broadcasts it.
   */
  const buildLocally = (v: ValueId, target: Sharding): ValueId => {
    const x = variants[v];
    const list = x === undefined ? [] : Array.isArray(x) ? x : [x];
    for (const y of list) if (y.local !== UNBUILT && sameSharding(y.sharding, target)) return y.local;
    const op = g.ops[g.values[v].def];
    const type = localOf(v, target);
    let local: ValueId;
    if (op.kind === 'iota' && target.dims[op.attrs.dim].length > 0) {
      const { dim, dtype } = op.attrs;
      const n = g.values[v].type.shape[dim];
      const [line] = emit('iota', [], { shape: [n], dim: 0, dtype }, [{ shape: [n], dtype }], op);
      const [tile] = emit('shard_slice', [line], { axes: target.dims[dim], dim: 0 }, [{ shape: [type.shape[dim]], dtype }], op);
      [local] = emit('broadcast_in_dim', [tile], { shape: type.shape, dims: [dim] }, [type], op, true);
    } else {
      [local] = emit(op.kind, [], { ...op.attrs, shape: type.shape } as AttrsOf<OpKind>, [type], op, true);
    }
    const built = { local, sharding: target };
    if (x !== undefined && !Array.isArray(x) && x.local === UNBUILT) variants[v] = built;
    else if (Array.isArray(x) && x[0].local === UNBUILT) x[0] = built;
    else addVariant(v, local, target);
    return local;
  };

  /** `v` held as `target`, emitting the collectives that get it there (serving `opId`). */
  const reshard = (v: ValueId, target: Sharding, servingOp: number): ValueId => {
    const def = g.values[v].def;
    if (def >= 0 && buildsAnywhere(g.ops[def])) {
      if (target.partial.length > 0) throw new Error(`${describe(g, v)} is a constant: it cannot be held partial`);
      return buildLocally(v, target);
    }
    const h = held(v);
    if (sameSharding(h.sharding, target)) return h.local;
    const vs = variantList(v);
    const phase = servingOp >= 0 ? g.ops[servingOp].phase : undefined;
    const scope = servingOp >= 0 ? g.ops[servingOp].scope : undefined;
    let best: Variant | undefined, bestCost = Infinity;
    for (const x of vs) {
      if (x.phase !== undefined && (x.phase !== phase || x.scope !== scope)) continue;
      if (sameSharding(x.sharding, target)) return x.local;
      if (!target.partial.every((a) => x.sharding.partial.includes(a))) continue;
      // Fewest reductions first: a value already reduced is never reduced again.
      let differing = 0;
      for (let d = 0; d < target.dims.length; d++) if (!sameAxes(x.sharding.dims[d], target.dims[d])) differing++;
      const cost = 1000 * (x.sharding.partial.length - target.partial.length) + differing;
      if (cost < bestCost) { bestCost = cost; best = x; }
    }
    if (!best) throw new Error(`no layout of ${describe(g, v)} can be resharded to ${shardingKey(target)}`);
    let cur = best;
    const role = g.values[v].role;
    for (const step of planReshard(cur.sharding, target)) {
      const next = canon(applyStep(cur.sharding, step));
      const reduction = step.kind === 'all_reduce' || step.kind === 'reduce_scatter';
      // A reduction completes the producer's value; other collectives serve the consumer.
      const def = g.values[v].def;
      const serving = reduction && def >= 0 ? def : servingOp;
      const { kind, ...attrs } = step;
      const [local] = emit(kind, [cur.local], attrs as AttrsOf<OpKind>, [localOf(v, next)], serving >= 0 ? g.ops[serving] : undefined);
      if (role !== undefined) b.values[local].role = role;
      const gathered = step.kind === 'all_gather' || step.kind === 'all_to_all' || cur.phase !== undefined;
      cur = { local, sharding: next, phase: gathered ? phase : undefined, scope: gathered ? scope : undefined };
      vs.push(cur);
    }
    return cur.local;
  };

  // Inputs arrive split by their sharding (never partial).
  const inputShardings = g.inputs.map((v) => withoutPartial(shardings[v]));
  g.inputs.forEach((v, i) => {
    const val = g.values[v];
    const local = b.input(val.name ?? `%${v}`, localOf(v, inputShardings[i]), val.role);
    b.values[local].name = val.name;
    addVariant(v, local, inputShardings[i]);
  });
  const inputByName = new Map<string, Sharding>();
  g.inputs.forEach((v, i) => { const n = g.values[v].name; if (n !== undefined) inputByName.set(n, inputShardings[i]); });

  const outputsOf = new Map<ValueId, string[]>();
  for (const o of g.outputs) {
    const names = outputsOf.get(o.value);
    if (names) names.push(o.name); else outputsOf.set(o.value, [o.name]);
  }
  const ruleAt = (op: Op): OpRule | null => rules[op.id];

  const outputTarget = (v: ValueId, name: string): Sharding => inputByName.get(name) ?? withoutPartial(shardings[v]);

  const resultDeclOf = (op: Op): Sharding[] => {
    const out = new Array<Sharding>(op.results.length);
    for (let i = 0; i < op.results.length; i++) out[i] = shardings[op.results[i]];
    return out;
  };

  /** The layout user op `u` will want its operand `v` in, with the other operands as they are (or will be). */
  const wantedBy = (u: Op, v: ValueId): Sharding => {
    const rule = ruleAt(u);
    if (!rule) return rep(valueRank[v]);
    const operandActual = new Array<Sharding>(u.operands.length);
    const operandUses = new Array<number>(u.operands.length);
    for (let i = 0; i < u.operands.length; i++) {
      const w = u.operands[i];
      operandActual[i] = variants[w] ? held(w).sharding : shardings[w];
      operandUses[i] = uses[w];
    }
    const plan = planFor(u, rule, resultDeclOf(u), operandActual, operandUses);
    return plan.operands[u.operands.indexOf(v)];
  };

  /**
   * Where a partial value is reduced to, decided at its producer: undefined when its one user keeps
   * it partial; else the most finely tiled layout any user wants (a reduce-scatter rather than an
   * all-reduce when some user works on tiles; the others gather from there).
   */
  const reductionTarget = (v: ValueId, partial: readonly string[]): Sharding | undefined => {
    const wants: Sharding[] = [];
    for (let i = userStart[v]; i < userStart[v + 1]; i++) wants.push(wantedBy(g.ops[userList[i]], v));
    for (const name of outputsOf.get(v) ?? []) wants.push(outputTarget(v, name));
    let best: Sharding | undefined, bestTiles = 0;
    for (const t of wants) {
      if (partial.every((a) => t.partial.includes(a))) return undefined;
      let tiles = 1;
      for (const d of t.dims) tiles *= axes.product(d);
      if (best === undefined || tiles > bestTiles) { best = t; bestTiles = tiles; }
    }
    return best;
  };

  for (const op of g.ops) {
    const nIn = op.operands.length, nOut = op.results.length;
    if (buildsAnywhere(op)) {
      // Built by its first reader, in the layout that reader wants (buildLocally).
      variants[op.results[0]] = { local: UNBUILT, sharding: withoutPartial(shardings[op.results[0]]) };
      continue;
    }
    // Nothing sharded around this op: it runs as in the global program.
    let trivial = true;
    for (let i = 0; i < nIn && trivial; i++) if (!isReplicated(held(op.operands[i]).sharding)) trivial = false;
    for (let i = 0; i < nOut && trivial; i++) if (!isReplicated(shardings[op.results[i]])) trivial = false;
    if (trivial) {
      const locals = new Array<ValueId>(nIn);
      for (let i = 0; i < nIn; i++) locals[i] = heldLocal(op.operands[i]);
      const types = new Array<TensorType>(nOut);
      for (let i = 0; i < nOut; i++) types[i] = g.values[op.results[i]].type;
      const results = emit(op.kind, locals, op.attrs, types, op, true);
      for (let i = 0; i < nOut; i++) addVariant(op.results[i], results[i], shardings[op.results[i]]);
      continue;
    }
    // Element-wise op with every operand already in the result's (non-partial) layout: compute as is.
    if (op.results.length === 1 && ELEMENTWISE.has(op.kind) && shardings[op.results[0]].partial.length === 0) {
      const decl = shardings[op.results[0]];
      let same = true;
      for (const v of op.operands) {
        const h = held(v).sharding;
        if (!(h.dims.length === 0 && h.partial.length === 0) && !sameSharding(h, decl)) { same = false; break; }
      }
      if (same) {
        const locals = new Array<ValueId>(nIn);
        for (let i = 0; i < nIn; i++) locals[i] = heldLocal(op.operands[i]);
        const [lr] = emit(op.kind, locals, op.attrs, [localOf(op.results[0], decl)], op, true);
        addVariant(op.results[0], lr, decl);
        continue;
      }
    }
    const rule = ruleAt(op);
    let operandTargets: Sharding[];
    let resultShardings: Sharding[];
    if (rule) {
      const operandActual = new Array<Sharding>(nIn);
      const operandUses = new Array<number>(nIn);
      for (let i = 0; i < nIn; i++) {
        operandActual[i] = held(op.operands[i]).sharding;
        operandUses[i] = uses[op.operands[i]];
      }
      const plan = planFor(op, rule, resultDeclOf(op), operandActual, operandUses);
      // Read only (the plan may be shared through the memo).
      operandTargets = plan.operands as Sharding[];
      resultShardings = plan.results as Sharding[];
    } else {
      // A barrier (splat constants and iotas are built where they are read, above): it runs whole on every device.
      operandTargets = op.operands.map((v) => rep(valueRank[v]));
      resultShardings = op.results.map((r) => rep(valueRank[r]));
    }
    const localOperands = new Array<ValueId>(nIn);
    const gOperandTypes = new Array<TensorType>(nIn);
    const localOperandTypes = new Array<TensorType>(nIn);
    for (let i = 0; i < nIn; i++) {
      localOperands[i] = reshard(op.operands[i], operandTargets[i], op.id);
      gOperandTypes[i] = g.values[op.operands[i]].type;
      localOperandTypes[i] = b.values[localOperands[i]].type;
    }
    const localResultTypes = new Array<TensorType>(nOut);
    for (let i = 0; i < nOut; i++) localResultTypes[i] = localOf(op.results[i], resultShardings[i]);
    const attrs = localAttrs(op, gOperandTypes, localOperandTypes, localResultTypes);
    if (checkTypes && op.kind !== 'custom') {
      const got = inferTypes(op.kind, localOperandTypes, attrs);
      got.forEach((t, i) => {
        const want = localResultTypes[i].shape;
        if (want.length !== t.shape.length || want.some((d, j) => d !== t.shape[j]))
          throw new Error(`lowering ${op.kind} (op ${op.id}): local result [${t.shape.join(',')}] but its sharding needs [${want.join(',')}]`);
      });
    }
    const results = emit(op.kind, localOperands, attrs, localResultTypes, op, true);
    for (let i = 0; i < nOut; i++) addVariant(op.results[i], results[i], resultShardings[i]);
    // Reduce a partial result right after its producer unless its consumer keeps it partial.
    for (let i = 0; i < nOut; i++) {
      const r = op.results[i];
      if (resultShardings[i].partial.length === 0) continue;
      const t = reductionTarget(r, resultShardings[i].partial);
      if (!t) continue;
      const local = reshard(r, t, op.id);
      // From here on the value is held reduced: users compute from this layout.
      const vs = variantList(r);
      const k = vs.findIndex((x) => x.local === local);
      [vs[0], vs[k]] = [vs[k], vs[0]];
    }
  }

  const outputShardings = g.outputs.map((o) => {
    const t = outputTarget(o.value, o.name);
    b.output(reshard(o.value, t, g.values[o.value].def), o.name);
    return t;
  });

  return { mesh, program: b.build(), source: Int32Array.from(source), global: g, inputShardings, outputShardings };
}
