/**
 * SPMD lowering: the global program plus a sharding per value → the one per-device program every
 * device runs, with local shapes and explicit collectives (DESIGN.md §3, Shardy's
 * insert-explicit-reshards + reshard-to-collectives + convert-global-to-local in one pass).
 *
 * Each global value may be held in several layouts (variants); a consumer asks for the layout its
 * op needs and gets a cached variant or a new one resharded from the closest existing variant, so a
 * partial value is reduced once however many consumers it has. A reduction (all-reduce /
 * reduce-scatter) is placed right after the op that made the value partial, unless its one consumer
 * keeps it partial, and carries that op's phase and scope; gathers, all-to-alls and slices carry
 * the consumer's. `source[i]` is that global op.
 */
import { ProgramBuilder } from '../ir/builder';
import { inferTypes } from '../ir/shape';
import { computeUsers } from '../ir/program';
import type { AttrsOf, Op, OpKind, Phase, Program, TensorType, ValueId } from '../ir/types';
import { BINARY_KINDS, UNARY_KINDS } from '../ir/types';
import { rulesOf } from '../partition/rules';
import type { OpRule, PartitionResult, Sharding } from '../partition/types';
import { AxisTable, isReplicated, localType, replicated, sameAxes, sameSharding, shardingKey, withoutPartial } from './layout';
import { localAttrs } from './localattrs';
import { opSharding, type OpSharding } from './opsharding';
import { applyStep, planReshard } from './reshard';
import type { SpmdProgram } from './types';

const ELEMENTWISE = new Set<string>([...UNARY_KINDS, ...BINARY_KINDS, 'select']);

interface Variant {
  readonly local: ValueId;
  readonly sharding: Sharding;
  /**
   * Set on a layout made by gathering (all-gather / all-to-all): it is reused only within this
   * phase, so a parameter gathered for the forward pass is gathered again for the backward pass
   * (as ZeRO-3/FSDP and sequence parallelism do) instead of staying live in between.
   */
  readonly phase?: Phase;
}

const describe = (p: Program, v: ValueId) => {
  const val = p.values[v];
  if (val.name !== undefined) return `value "${val.name}"`;
  const op = val.def >= 0 ? p.ops[val.def] : undefined;
  return op ? `result of ${op.kind} in "${op.scope || '(top)'}" (%${v})` : `%${v}`;
};

export interface LowerOptions {
  /** Re-infer every local op's types and compare them with the sharding's local shapes (tests, debugging). */
  checkTypes?: boolean;
}

export const T: Record<string, number> = {};
const tk = (k: string, t0: number) => { T[k] = (T[k] ?? 0) + performance.now() - t0; };
export function lower(result: PartitionResult, opts: LowerOptions = {}): SpmdProgram {
  const checkTypes = opts.checkTypes ?? false;
  // Plans of identical ops in identical layouts (every layer of a deep model) are computed once.
  const memo = new Map<string, OpSharding>();
  const { program: g, mesh, shardings } = result;
  const axes = new AxisTable(mesh);
  const b = new ProgramBuilder(g.name);
  const source: number[] = [];
  const users = computeUsers(g);
  const uses = new Int32Array(g.values.length);
  for (let v = 0; v < g.values.length; v++) uses[v] = users[v].length;
  for (const o of g.outputs) uses[o.value]++;

  let t0 = performance.now();
  for (const v of g.values) localType(v.type, shardings[v.id], axes, () => describe(g, v.id));

  tk('setup', t0); t0 = performance.now();
  const variants: (Variant[] | undefined)[] = new Array(g.values.length);
  const held = (v: ValueId): Variant => (variants[v] as Variant[])[0];
  const addVariant = (v: ValueId, local: ValueId, sharding: Sharding) => {
    (variants[v] ??= []).push({ local, sharding });
  };
  const localOf = (v: ValueId, s: Sharding) => localType(g.values[v].type, s, axes, () => describe(g, v));

  /**
   * Appends one op to the builder's arrays with explicit result types and the scope and phase of
   * the global op it computes or serves (cheaper than nesting builder scopes for 10⁵ ops).
   */
  const emit = (kind: OpKind, operands: readonly ValueId[], attrs: AttrsOf<OpKind>, types: readonly TensorType[], served: Op | undefined): ValueId[] => {
    const id = b.ops.length;
    const results = types.map((type, index) => {
      const vid = b.values.length;
      b.values.push({ id: vid, type, def: id, index });
      return vid;
    });
    const scope = served?.scope ?? '', phase: Phase = served?.phase ?? 'forward';
    // Every caller passes a fresh operand array, so it is stored as is.
    b.ops.push({ id, kind, operands, results, attrs, scope, phase } as unknown as Op);
    source.push(served?.id ?? -1);
    return results;
  };

  /** `v` held as `target`, emitting the collectives that get it there (serving `opId`). */
  const reshard = (v: ValueId, target: Sharding, servingOp: number): ValueId => {
    const vs = variants[v] as Variant[];
    if (sameSharding(vs[0].sharding, target)) return vs[0].local;
    const phase = servingOp >= 0 ? g.ops[servingOp].phase : undefined;
    let best: Variant | undefined, bestCost = Infinity;
    for (const x of vs) {
      if (x.phase !== undefined && x.phase !== phase) continue;
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
      const next = applyStep(cur.sharding, step);
      const reduction = step.kind === 'all_reduce' || step.kind === 'reduce_scatter';
      // A reduction completes the producer's value; other collectives serve the consumer.
      const def = g.values[v].def;
      const serving = reduction && def >= 0 ? def : servingOp;
      const { kind, ...attrs } = step;
      const [local] = emit(kind, [cur.local], attrs as AttrsOf<OpKind>, [localOf(v, next)], serving >= 0 ? g.ops[serving] : undefined);
      if (role !== undefined) b.values[local].role = role;
      const gathered = step.kind === 'all_gather' || step.kind === 'all_to_all' || cur.phase !== undefined;
      cur = { local, sharding: next, phase: gathered ? phase : undefined };
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
  // One rule per distinct op signature (the layers of a deep model repeat the same few).
  const rules = rulesOf(g);
  const ruleAt = (op: Op): OpRule | null => rules[op.id];

  const outputTarget = (v: ValueId, name: string): Sharding => inputByName.get(name) ?? withoutPartial(shardings[v]);

  /** The layout user op `u` will want its operand `v` in, with the other operands as they are (or will be). */
  const wantedBy = (u: Op, v: ValueId): Sharding => {
    const rule = ruleAt(u);
    if (!rule) return replicated(g.values[v].type.shape.length);
    const plan = opSharding({
      op: u, program: g, rule,
      resultDecl: u.results.map((r) => shardings[r]),
      operandActual: u.operands.map((w) => (variants[w] ? held(w).sharding : shardings[w])),
      operandUses: u.operands.map((w) => uses[w]),
      axes,
      memo,
    });
    return plan.operands[u.operands.indexOf(v)];
  };

  /**
   * Where a partial value is reduced to, decided at its producer: undefined when its one user keeps
   * it partial; else the most finely tiled layout any user wants (a reduce-scatter rather than an
   * all-reduce when some user works on tiles; the others gather from there).
   */
  const reductionTarget = (v: ValueId, partial: readonly string[]): Sharding | undefined => {
    const wants: Sharding[] = [];
    for (const u of users[v]) wants.push(wantedBy(g.ops[u], v));
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

  tk('inputs', t0);
  for (const op of g.ops) {
    let t1 = performance.now();
    const gOperandTypes = op.operands.map((v) => g.values[v].type);
    // Nothing sharded around this op: it runs as in the global program.
    let trivial = true;
    for (const v of op.operands) if (!isReplicated(held(v).sharding)) { trivial = false; break; }
    if (trivial) for (const r of op.results) if (!isReplicated(shardings[r])) { trivial = false; break; }
    if (trivial) {
      const results = emit(op.kind, op.operands.map((v) => held(v).local), op.attrs, op.results.map((r) => g.values[r].type), op);
      results.forEach((lr, i) => {
        const gv = g.values[op.results[i]];
        b.values[lr].name = gv.name;
        b.values[lr].role = gv.role;
        addVariant(op.results[i], lr, shardings[op.results[i]]);
      });
      tk('trivial', t1);
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
        const [lr] = emit(op.kind, op.operands.map((v) => held(v).local), op.attrs, [localOf(op.results[0], decl)], op);
        const gv = g.values[op.results[0]];
        b.values[lr].name = gv.name;
        b.values[lr].role = gv.role;
        addVariant(op.results[0], lr, decl);
        tk('elementwise', t1);
        continue;
      }
    }
    const rule = ruleAt(op);
    let operandTargets: Sharding[];
    let resultShardings: Sharding[];
    if (rule) {
      const plan = opSharding({
        op, program: g, rule,
        resultDecl: op.results.map((r) => shardings[r]),
        operandActual: op.operands.map((v) => held(v).sharding),
        operandUses: op.operands.map((v) => uses[v]),
        axes,
        memo,
      });
      operandTargets = [...plan.operands];
      resultShardings = [...plan.results];
    } else {
      // A barrier: constants and iotas are made locally in their declared layout when no device
      // offset is needed; anything else runs whole on every device.
      operandTargets = op.operands.map((v) => replicated(g.values[v].type.shape.length));
      resultShardings = op.results.map((r) => replicated(g.values[r].type.shape.length));
      const decl = withoutPartial(shardings[op.results[0]] ?? replicated(0));
      if (op.kind === 'constant' && op.attrs.data === undefined) resultShardings = [decl];
      if (op.kind === 'iota' && decl.dims[op.attrs.dim].length === 0) resultShardings = [decl];
    }
    tk('plan', t1); t1 = performance.now();
    const localOperands = op.operands.map((v, i) => reshard(v, operandTargets[i], op.id));
    tk('reshard', t1); t1 = performance.now();
    const localResultTypes: TensorType[] = op.results.map((r, i) => localOf(r, resultShardings[i]));
    const attrs = localAttrs(op, gOperandTypes, localOperands.map((v) => b.values[v].type), localResultTypes);
    if (checkTypes && op.kind !== 'custom') {
      const got = inferTypes(op.kind, localOperands.map((v) => b.values[v].type), attrs);
      got.forEach((t, i) => {
        const want = localResultTypes[i].shape;
        if (want.length !== t.shape.length || want.some((d, j) => d !== t.shape[j]))
          throw new Error(`lowering ${op.kind} (op ${op.id}): local result [${t.shape.join(',')}] but its sharding needs [${want.join(',')}]`);
      });
    }
    const results = emit(op.kind, localOperands, attrs, localResultTypes, op);
    results.forEach((lr, i) => {
      const gv = g.values[op.results[i]];
      b.values[lr].name = gv.name;
      b.values[lr].role = gv.role;
      addVariant(op.results[i], lr, resultShardings[i]);
    });
    tk('emit', t1); t1 = performance.now();
    op.results.forEach((r, i) => {
      if (resultShardings[i].partial.length === 0) return;
      const t = reductionTarget(r, resultShardings[i].partial);
      if (!t) return;
      const local = reshard(r, t, op.id);
      // From here on the value is held reduced: users compute from this layout.
      const vs = variants[r] as Variant[];
      const k = vs.findIndex((x) => x.local === local);
      [vs[0], vs[k]] = [vs[k], vs[0]];
    });
    tk('reduce', t1);
  }

  const outputShardings = g.outputs.map((o) => {
    const t = outputTarget(o.value, o.name);
    b.output(reshard(o.value, t, g.values[o.value].def), o.name);
    return t;
  });

  return { mesh, program: b.build(), source: Int32Array.from(source), global: g, inputShardings, outputShardings };
}
