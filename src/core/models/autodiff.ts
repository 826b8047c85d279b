/**
 * Reverse-mode automatic differentiation over the IR: given a builder whose forward program computes a
 * scalar loss, emit the backward program into the same builder (phase 'backward', each backward op in
 * the scope of the forward op it differentiates). The per-op VJP rules live in a registry (vjp.ts);
 * this module only walks the program, accumulates cotangents and decides what the backward pass reads:
 * - remat segments: values of a segment are recomputed from its inputs (scope suffix `/remat`);
 * - custom units (customVjp): a LayerNorm, GELU or softmax differentiated as a whole by a hand rule;
 * - broadcasts, constants and iotas are re-emitted where the backward needs them, never kept.
 */
import { UserError } from '../errors';
import type { ProgramBuilder } from '../ir/builder';
import { isFloat } from '../ir/shape';
import type { Op, OpId, OpKind, TensorType, ValueId } from '../ir/types';
import { VJP_RULES, NO_GRADIENT, type VjpContext } from './vjp';

/** Scope segment appended to the scope of a forward op recomputed in the backward pass (remat). */
export const REMAT_SCOPE = 'remat';

/** True for an op that recomputes a forward op in the backward pass; `model` FLOPs leave these out. */
export function isRecomputed(op: Op): boolean {
  return op.scope === REMAT_SCOPE || op.scope.endsWith('/' + REMAT_SCOPE);
}

const stopped = new WeakMap<ProgramBuilder, Set<ValueId>>();

/**
 * Marks `v` as a constant for differentiation (jax.lax.stop_gradient): no cotangent flows into it.
 * Used where the math makes the gradient vanish anyway (the max subtracted in a softmax), so that the
 * backward program carries no dead work.
 */
export function stopGradient(b: ProgramBuilder, v: ValueId): ValueId {
  let set = stopped.get(b);
  if (!set) stopped.set(b, (set = new Set()));
  set.add(v);
  return v;
}

/** Forward ops that cost nothing to re-emit in the backward pass (XLA fuses them into their consumers). */
const CHEAP_TO_RECOMPUTE: ReadonlySet<OpKind> = new Set<OpKind>(['broadcast_in_dim', 'constant', 'iota']);

/** A hand-written VJP of a unit of forward ops (jax.custom_vjp): cotangents of its inputs. */
export type CustomVjpRule = (c: {
  readonly b: ProgramBuilder;
  /** Primal input k, as the backward pass sees it. */
  readonly x: (k: number) => ValueId;
  /** The unit's primal output. */
  readonly y: () => ValueId;
  /** Cotangent of the output. */
  readonly g: ValueId;
  readonly needs: readonly boolean[];
}) => readonly (ValueId | undefined)[];

interface CustomUnit {
  readonly start: OpId;
  readonly end: OpId;
  readonly inputs: readonly ValueId[];
  readonly output: ValueId;
  readonly rule: CustomVjpRule;
}

const customUnits = new WeakMap<ProgramBuilder, CustomUnit[]>();

/**
 * Declares the ops emitted since `start` (a LayerNorm, a GELU, a softmax) as one unit computing `output`
 * from `inputs`, differentiated by `rule` instead of op by op. The rule decides what the backward pass
 * reads — typically only the unit's input or output — which is what keeps activation memory at the
 * figures of Korthikanti et al. rather than one buffer per intermediate. Intermediates of the unit must
 * not be used outside it. Returns `output`.
 */
export function customVjp(b: ProgramBuilder, start: OpId, inputs: readonly ValueId[], output: ValueId, rule: CustomVjpRule): ValueId {
  const end = b.ops.length;
  if (b.values[output].def !== end - 1) throw new Error('customVjp: the output must be the result of the last op of the unit');
  for (const v of inputs) if (b.values[v].def >= start) throw new Error('customVjp: unit inputs must be defined before the unit');
  let list = customUnits.get(b);
  if (!list) customUnits.set(b, (list = []));
  list.push({ start, end, inputs, output, rule });
  return output;
}

/**
 * The context a VJP rule gets for one op. A class rather than an object literal with arrow functions:
 * it is made for every differentiated op (tens of thousands), and its `x`/`y` are shared methods
 * instead of two fresh closures each.
 */
class OpVjpContext implements VjpContext {
  constructor(
    readonly b: ProgramBuilder,
    readonly op: Op,
    readonly g: readonly (ValueId | undefined)[],
    readonly needs: readonly boolean[],
    private readonly seg: number,
    private readonly primal: (v: ValueId, seg: number) => ValueId,
  ) {}
  x(k: number): ValueId {
    return this.primal(this.op.operands[k], this.seg);
  }
  y(k: number): ValueId {
    return this.primal(this.op.results[k], this.seg);
  }
}

/** An intermediate of a custom unit read outside it would silently get no cotangent: refuse it. */
function checkUnitsSealed(b: ProgramBuilder, units: readonly CustomUnit[], unitOf: Int32Array, nOps: number): void {
  if (units.length === 0) return;
  for (let i = 0; i < nOps; i++) {
    const op = b.ops[i];
    for (const v of op.operands) {
      const d = b.values[v].def;
      if (d < 0) continue;
      const k = unitOf[d];
      if (k >= 0 && unitOf[i] !== k && v !== units[k].output)
        throw new Error(`autodiff: value ${v} inside a custom-gradient unit (scope "${b.ops[d].scope}") is used outside it`);
    }
  }
}

/** A range of forward ops [start, end) whose values the backward pass recomputes instead of keeping. */
export interface RematSegment {
  readonly start: OpId;
  readonly end: OpId;
}

export interface GradOptions {
  /**
   * Rematerialised segments (e.g. one per transformer block). A backward rule that reads a value defined
   * inside a segment reads a recomputed copy instead, so of the segment only its inputs stay live.
   */
  readonly remat?: readonly RematSegment[];
}

/**
 * Emits d loss / d wrt into `b` and returns one cotangent per `wrt` value (zeros where the loss does
 * not depend on it). The gradient of an input named `params/<path>` is named `grads/<path>`; every
 * returned gradient has role 'gradient'. Call at the top scope, after the forward pass.
 */
export function grad(b: ProgramBuilder, loss: ValueId, wrt: readonly ValueId[], opts: GradOptions = {}): ValueId[] {
  if (b.scope !== '') throw new Error(`grad must be called at the top scope, not inside "${b.scope}"`);
  const lossType = b.type(loss);
  if (lossType.shape.length !== 0 || !isFloat(lossType.dtype))
    throw new UserError('autodiff', `the loss must be a float scalar, got ${lossType.dtype}[${lossType.shape.join(',')}]`);
  const sweep = new BackwardSweep(b, activeValues(b, wrt), opts);
  b.inPhase('backward', () => sweep.run(loss));
  return b.inPhase('backward', () => wrt.map((w) => namedGradient(b, sweep.ct[w] >= 0 ? sweep.ct[w] : b.full(w, 0), w)));
}

/** Forward sweep: which values depend on a `wrt` value through differentiable ops. */
function activeValues(b: ProgramBuilder, wrt: readonly ValueId[]): Uint8Array {
  const stop = stopped.get(b);
  const active = new Uint8Array(b.values.length);
  for (const w of wrt) if (isFloat(b.type(w).dtype)) active[w] = 1;
  for (let i = 0; i < b.ops.length; i++) {
    const op = b.ops[i];
    if (NO_GRADIENT.has(op.kind)) continue;
    let any = false;
    for (const v of op.operands) if (active[v]) { any = true; break; }
    if (!any) continue;
    for (const r of op.results) if (isFloat(b.values[r].type.dtype) && !stop?.has(r)) active[r] = 1;
  }
  return active;
}

/** The gradient of `w` as returned: its own value, named `grads/<path>` for `params/<path>`, role 'gradient'. */
function namedGradient(b: ProgramBuilder, g: ValueId, w: ValueId): ValueId {
  const name = b.values[w].name;
  const gradName = name?.startsWith('params/') ? `grads/${name.slice('params/'.length)}` : undefined;
  // A cotangent can be shared (an add passes it to both operands): give each gradient its own value.
  if (b.values[g].name !== undefined || b.values[g].role === 'gradient' || b.values[g].def < 0)
    g = b.reshape(g, b.shape(g));
  if (gradName) b.setName(g, gradName);
  return b.setRole(g, 'gradient');
}

/**
 * The reverse sweep over the forward ops (those emitted before it starts): each value's cotangent (`ct`,
 * -1: none yet), the remat segment and custom unit of each op, and the recomputed copies of primal values.
 */
class BackwardSweep {
  readonly ct: Int32Array;
  private readonly nOps: number;
  private readonly segOf: Int32Array;
  private readonly units: readonly CustomUnit[];
  private readonly unitOf: Int32Array;
  private readonly recomputed = new Map<ValueId, ValueId>();
  /**
   * Cheap clones (broadcasts, constants, iotas) made for the op being differentiated, so that a
   * broadcast parameter or a splat constant is not kept alive at full size from forward to backward.
   */
  private readonly cheap = new Map<ValueId, ValueId>();

  constructor(private readonly b: ProgramBuilder, private readonly active: Uint8Array, opts: GradOptions) {
    const nOps = (this.nOps = b.ops.length);
    this.ct = new Int32Array(b.values.length).fill(-1);
    this.segOf = new Int32Array(nOps).fill(-1);
    (opts.remat ?? []).forEach((s, k) => { for (let i = s.start; i < s.end && i < nOps; i++) this.segOf[i] = k; });
    this.units = customUnits.get(b) ?? [];
    this.unitOf = new Int32Array(nOps).fill(-1);
    this.units.forEach((u, k) => { for (let i = u.start; i < u.end; i++) this.unitOf[i] = k; });
    checkUnitsSealed(b, this.units, this.unitOf, nOps);
  }

  /** Seeds d loss / d loss = 1 and runs every forward op's rule, last first, where a cotangent reached it. */
  run(loss: ValueId): void {
    const { b, ct, units, unitOf } = this;
    if (!this.active[loss]) return;
    const lossDef = b.values[loss].def;
    this.withScope(lossDef >= 0 ? b.ops[lossDef].scope : '', () => { ct[loss] = b.full(loss, 1); });
    for (let i = lossDef; i >= 0; i--) {
      const op = b.ops[i];
      const k = unitOf[i];
      // Inside a custom unit only the op defining its output acts, for the whole unit.
      if (k >= 0 && op.results[0] !== units[k].output) continue;
      let hasCt = false;
      for (const r of op.results) if (ct[r] >= 0) { hasCt = true; break; }
      if (!hasCt) continue;
      if (this.cheap.size) this.cheap.clear();
      this.withScope(op.scope, () => (k >= 0 ? this.differentiateUnit(units[k], this.segOf[i]) : this.differentiate(op, this.segOf[i])));
    }
  }

  /** Backward ops take the scope of the forward op (grad runs at the top scope, so a child scope of the top is absolute). */
  private withScope<T>(scope: string, f: () => T): T {
    return scope === '' ? f() : this.b.scoped(scope, f);
  }

  private clone(op: Op, seg: number, memo: Map<ValueId, ValueId>, v: ValueId): ValueId {
    const b = this.b;
    const operands = new Array<ValueId>(op.operands.length);
    for (let i = 0; i < operands.length; i++) operands[i] = this.primal(op.operands[i], seg);
    const types = new Array<TensorType>(op.results.length);
    for (let i = 0; i < types.length; i++) types[i] = b.values[op.results[i]].type;
    const results = b.emit(op.kind, operands, op.attrs, types);
    // Emitted wherever the rule that asked for it runs; the copy belongs to its forward op's scope.
    const id = b.ops.length - 1;
    const e = b.ops[id];
    b.ops[id] = {
      id: e.id, kind: e.kind, operands: e.operands, results: e.results, attrs: e.attrs,
      scope: op.scope === '' ? REMAT_SCOPE : `${op.scope}/${REMAT_SCOPE}`, phase: e.phase,
    } as Op;
    let at = 0;
    for (let i = 0; i < results.length; i++) {
      memo.set(op.results[i], results[i]);
      if (op.results[i] === v) at = i;
    }
    return results[at];
  }

  /**
   * Primal value as an op of remat segment `seg` sees it in the backward pass: a value defined inside
   * the same segment is recomputed, one that crosses a segment boundary (a block's input) was kept; a
   * cheap forward value is re-emitted from its (smaller) operands.
   */
  private readonly primal = (v: ValueId, seg: number): ValueId => {
    const d = this.b.values[v].def;
    if (d < 0 || d >= this.nOps) return v;
    const op = this.b.ops[d];
    if (seg >= 0 && this.segOf[d] === seg) return this.recomputed.get(v) ?? this.clone(op, seg, this.recomputed, v);
    if (CHEAP_TO_RECOMPUTE.has(op.kind)) return this.cheap.get(v) ?? this.clone(op, seg, this.cheap, v);
    return v;
  };

  private accumulate(v: ValueId, g: ValueId): void {
    const b = this.b;
    const want = b.values[v].type, got = b.values[g].type;
    if (want.dtype !== got.dtype || want.shape.length !== got.shape.length || want.shape.some((d, i) => d !== got.shape[i]))
      throw new Error(`autodiff: cotangent ${got.dtype}[${got.shape}] does not match value ${v} ${want.dtype}[${want.shape}]`);
    this.ct[v] = this.ct[v] < 0 ? g : b.add(this.ct[v], g);
  }

  private differentiate(op: Op, seg: number): void {
    const n = op.operands.length;
    const needs = new Array<boolean>(n);
    let any = false;
    for (let k = 0; k < n; k++) any = (needs[k] = this.active[op.operands[k]] === 1) || any;
    if (!any) return;
    const rule = VJP_RULES[op.kind];
    if (!rule) throw new UserError('autodiff', `cannot differentiate a ${op.kind} op (in "${op.scope || 'top'}"): it has no gradient rule`);
    const g = new Array<ValueId | undefined>(op.results.length);
    for (let i = 0; i < op.results.length; i++) g[i] = this.ct[op.results[i]] >= 0 ? this.ct[op.results[i]] : undefined;
    const cts = rule(new OpVjpContext(this.b, op, g, needs, seg, this.primal));
    for (let k = 0; k < n; k++) {
      const c = cts[k];
      if (needs[k] && c !== undefined) this.accumulate(op.operands[k], c);
    }
  }

  private differentiateUnit(u: CustomUnit, seg: number): void {
    const needs = u.inputs.map((v) => this.active[v] === 1);
    if (!needs.some(Boolean)) return;
    const cts = u.rule({ b: this.b, x: (k) => this.primal(u.inputs[k], seg), y: () => this.primal(u.output, seg), g: this.ct[u.output], needs });
    u.inputs.forEach((v, k) => {
      const c = cts[k];
      if (needs[k] && c !== undefined) this.accumulate(v, c);
    });
  }
}
