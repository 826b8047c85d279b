/**
 * One generic propagation algorithm, blind to op kinds (Shardy's basic propagation in PartIR mode):
 * for one mesh axis at a time, a worklist carries the axis across ops, in both directions, to a
 * fixed point, using only the op's factor rule. There is no conflict resolution: where two
 * incompatible shardings meet, propagation stops and the conflict is recorded with both origins.
 *
 * State is kept in flat typed arrays indexed by ValueId, one per mesh axis, so a 96-layer training
 * step (tens of thousands of ops) partitions in well under a second.
 */
import type { OpId, Program, ValueId } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import { programFacts } from './facts';
import type { AxisState, Conflict, OpRule } from './types';

/** Per-axis state codes of a value; a value ≥ 0 means tiled along that dim. */
export const UNSET = -1;
export const PARTIAL = -2;
/** Pinned replicated by a tactic (`REPLICATED`): never tiled or made partial by propagation. */
export const PINNED = -3;

export function stateOfCode(code: number): AxisState {
  if (code >= 0) return { kind: 'tiled', dim: code };
  return code === PARTIAL ? { kind: 'partial' } : { kind: 'replicated' };
}

export class Propagator {
  readonly rules: (OpRule | null)[];
  /** Users of value v: userList[userStart[v] .. userStart[v+1]) (one flat array, not one per value). */
  readonly userStart: Int32Array;
  readonly userList: Int32Array;
  /** Uses of each value, a program output counting as one. */
  readonly useCount: Int32Array;
  /**
   * Values propagation leaves alone (tactics may still seed them): program inputs (but see `inputPhase`),
   * and results of rule-less source ops (constants, iota) with several uses. Where an op needs them
   * tiled they are sliced locally.
   */
  readonly free: Uint8Array;
  readonly axisNames: string[];
  readonly axisSizes: number[];
  /** state[axis][value]: UNSET, PARTIAL, PINNED or the tiled dim. */
  readonly state: Int32Array[];
  /** origin[axis][value]: index of the tactic that gave the value its state on that axis, or -1. */
  readonly origin: Int32Array[];
  /**
   * scatterDim[axis][value]: a dim a tactic asked a value that is already partial on the axis to be
   * tiled along (ZeRO-2's gradients): the value stays partial, its users see it as tiled on that
   * dim, and the lowering reduce-scatters it. -1 when not asked.
   */
  readonly scatterDim: Int32Array[];
  private readonly inputPhase: Int8Array;
  /** gradOf[v]: for a parameter input `params/X`, the value `grads/X` (its gradient); else -1. paramOf is the inverse. */
  private readonly gradOf: Int32Array;
  private readonly paramOf: Int32Array;
  private readonly opPhase: Int8Array;
  private readonly tStart: Int32Array;
  private readonly tValue: Int32Array;
  private readonly nOperands: Int32Array;
  private readonly valueDef: Int32Array;
  /** Rank of each value (a flat copy, read by `partition` for every changed value). */
  readonly valueRank: Int32Array;
  /** Scratch for `axesOn` (the axes tiling one dim, major → minor). */
  private readonly dimScratch: Int32Array;
  /** Values whose sharding changed since the last `takeDirty()`. */
  private dirty: ValueId[] = [];
  private dirtyMark: Uint8Array;

  // Per-tactic run state.
  private axis = 0;
  private tactic = 0;
  private tacticNames: readonly string[] = [];
  /** Per tactic index: whether its tilings reshard where they meet another's (`ResolvedTactic.reshardsAtMeetings`). */
  private reshards: readonly boolean[] = [];
  private conflicts: Conflict[] = [];
  private conflictAtOp: Uint8Array;
  private queue: Int32Array;
  private queued: Uint8Array;
  private qHead = 0;
  private qLen = 0;
  // Scratch for one op's updates (values and new state codes), reused to avoid allocation per op.
  private updValue: number[] = [];
  private updCode: number[] = [];

  constructor(readonly program: Program, readonly mesh: Mesh) {
    const nv = program.values.length, no = program.ops.length;
    const facts = programFacts(program);
    this.rules = facts.rules;
    this.useCount = facts.useCount;
    this.userStart = facts.userStart;
    this.userList = facts.userList;
    this.free = facts.free;
    this.inputPhase = facts.inputPhase;
    this.gradOf = facts.gradOf;
    this.paramOf = facts.paramOf;
    this.opPhase = facts.opPhase;
    this.tStart = facts.tensorStart;
    this.tValue = facts.tensorValue;
    this.nOperands = facts.operandCount;
    this.valueDef = facts.valueDef;
    this.valueRank = facts.valueRank;
    this.axisNames = mesh.axes.map((a) => a.name);
    this.axisSizes = mesh.axes.map((a) => a.size);
    this.state = mesh.axes.map(() => new Int32Array(nv).fill(UNSET));
    this.origin = mesh.axes.map(() => new Int32Array(nv).fill(-1));
    this.scatterDim = mesh.axes.map(() => new Int32Array(nv).fill(-1));
    this.dimScratch = new Int32Array(mesh.axes.length);
    this.dirtyMark = new Uint8Array(nv);
    this.conflictAtOp = new Uint8Array(no);
    this.queue = new Int32Array(no);
    this.queued = new Uint8Array(no);
  }

  /**
   * Starts a tactic: which axis it acts on, its index, the names of all tactics (for conflicts) and
   * which of them reshard at meetings instead of conflicting.
   */
  begin(axis: number, tactic: number, tacticNames: readonly string[], reshards: readonly boolean[] = []): void {
    this.axis = axis;
    this.tactic = tactic;
    this.tacticNames = tacticNames;
    this.reshards = reshards;
    this.conflicts = [];
    this.conflictAtOp.fill(0);
  }

  takeConflicts(): Conflict[] {
    const c = this.conflicts;
    this.conflicts = [];
    return c;
  }

  takeDirty(): ValueId[] {
    const d = this.dirty;
    for (const v of d) this.dirtyMark[v] = 0;
    this.dirty = [];
    return d;
  }

  /**
   * Fills `out` with the axes tiling dim `d` of `v`, major → minor, and returns how many. The order
   * is the order in which tactics added them, which is the order of their origins: a tactic adds
   * only its own axis, and an axis holds one state per value.
   */
  axesOn(v: ValueId, d: number, out: Int32Array): number {
    let n = 0;
    for (let a = 0; a < this.state.length; a++) {
      if (this.state[a][v] !== d) continue;
      const o = this.origin[a][v];
      let i = n++;
      while (i > 0 && this.origin[out[i - 1]][v] > o) {
        out[i] = out[i - 1];
        i--;
      }
      out[i] = a;
    }
    return n;
  }

  /** Product of the sizes of the axes already tiling dim `d` of `v`. */
  tilesOf(v: ValueId, d: number): number {
    let n = 1;
    for (let a = 0; a < this.state.length; a++) if (this.state[a][v] === d) n *= this.axisSizes[a];
    return n;
  }

  /** Gives `v` a state on the current axis (the caller has checked that it is allowed) and queues its neighbours. */
  assign(v: ValueId, code: number): void {
    const ax = this.axis;
    this.state[ax][v] = code;
    this.origin[ax][v] = this.tactic;
    if (!this.dirtyMark[v]) {
      this.dirtyMark[v] = 1;
      this.dirty.push(v);
    }
    if (code === PINNED) return;
    const def = this.valueDef[v];
    if (def >= 0) this.enqueue(def);
    for (let i = this.userStart[v], end = this.userStart[v + 1]; i < end; i++) this.enqueue(this.userList[i]);
    // A gradient now tiled may let its parameter follow (see `followsGradient`): revisit the parameter's readers.
    const p = code >= 0 ? this.paramOf[v] : -1;
    if (p >= 0 && this.state[ax][p] === UNSET) {
      for (let i = this.userStart[p], end = this.userStart[p + 1]; i < end; i++) this.enqueue(this.userList[i]);
    }
  }

  /**
   * Whether propagation may tile parameter input `v` along `want` although it is read in several
   * phases: when its gradient is tiled along the same dim on this axis. The update of such a parameter
   * is element-wise in a tiled gradient, so it comes out tiled; the parameter it replaces (the next
   * step's input) then has that layout too, as in PartIR, where a tiled gradient makes the weights
   * sharded (the paper's EMB). A gradient that is partial (data parallelism) or only reduce-scattered
   * (ZeRO-2) does not count: those leave the parameter to the tactics.
   */
  private followsGradient(v: ValueId, want: number): boolean {
    const g = this.gradOf[v];
    return want >= 0 && g >= 0 && this.state[this.axis][g] === want;
  }

  /** A tactic asks a partial value to be tiled along `d`: its users are told (see `scatterDim`). */
  requestScatter(v: ValueId, d: number): void {
    this.scatterDim[this.axis][v] = d;
    for (let i = this.userStart[v], end = this.userStart[v + 1]; i < end; i++) this.enqueue(this.userList[i]);
  }

  /**
   * Records a seed that disagrees with an earlier tactic on the value itself. The op reported is the
   * value's defining op, else its first user (-1 only for an input nothing reads).
   */
  recordSeedConflict(v: ValueId, existingCode: number, incomingCode: number): void {
    const ax = this.axis;
    const def = this.program.values[v].def;
    const op = def >= 0 ? def : this.userStart[v + 1] > this.userStart[v] ? this.userList[this.userStart[v]] : -1;
    this.pushConflict(v, op, existingCode, this.origin[ax][v], incomingCode, this.tactic,
      `axis "${this.axisNames[ax]}": ${this.valueLabel(v)} is already ${describe(existingCode)} (${this.tacticName(v)}); ` +
      `${this.tacticNames[this.tactic]} asks for ${describe(incomingCode)}`);
  }

  private enqueue(op: OpId): void {
    if (this.queued[op] || this.rules[op] === null) return;
    this.queued[op] = 1;
    const n = this.queue.length;
    this.queue[(this.qHead + this.qLen) % n] = op;
    this.qLen++;
  }

  /** Runs the worklist to a fixed point. */
  run(): void {
    const n = this.queue.length;
    while (this.qLen > 0) {
      const op = this.queue[this.qHead];
      this.qHead = (this.qHead + 1) % n;
      this.qLen--;
      this.queued[op] = 0;
      this.step(op);
    }
  }

  private tensorValue(op: OpId, k: number): ValueId {
    return this.tValue[this.tStart[op] + k];
  }

  private tensorDims(rule: OpRule, nOperands: number, k: number): readonly (readonly number[])[] {
    return k < nOperands ? rule.operands[k] : rule.results[k - nOperands];
  }

  /**
   * The factor that the current axis shards on dim `d` of `v`, given that dim's factors: the dim's
   * axes fill its factors major → minor, each factor to its full size before the next (a minor
   * factor sharded before the major one is full would be a strided view). -1 if not representable.
   */
  private factorOfAxis(v: ValueId, d: number, factors: readonly number[], sizes: readonly number[]): number {
    const axes = this.dimScratch;
    const n = this.axesOn(v, d, axes);
    let k = 0;
    let cap = factors.length > 0 ? sizes[factors[0]] : 1;
    for (let i = 0; i < n; i++) {
      const a = axes[i];
      const sz = this.axisSizes[a];
      if (sz !== 1) {
        while (cap === 1 && k + 1 < factors.length) cap = sizes[factors[++k]];
        if (cap % sz !== 0) return -1;
        cap /= sz;
      }
      if (a === this.axis) return factors.length > 0 ? factors[k] : -1;
    }
    return -1;
  }

  /**
   * The factor the current axis would shard if added minor-most to dim `d` of `v` (whose factors
   * are `factors`), or -1 when it would not be a whole tile of one factor.
   */
  placeFactor(v: ValueId, d: number, factors: readonly number[], sizes: readonly number[]): number {
    if (factors.length === 0) return -1;
    let k = 0;
    let cap = sizes[factors[0]];
    const axes = this.dimScratch;
    const n = this.axesOn(v, d, axes);
    for (let i = 0; i < n; i++) {
      const a = axes[i];
      if (a === this.axis) continue;
      const sz = this.axisSizes[a];
      if (sz === 1) continue;
      while (cap === 1 && k + 1 < factors.length) cap = sizes[factors[++k]];
      if (cap % sz !== 0) return -1;
      cap /= sz;
    }
    const sz = this.axisSizes[this.axis];
    if (sz === 1) return factors[k];
    while (cap === 1 && k + 1 < factors.length) cap = sizes[factors[++k]];
    return cap % sz === 0 ? factors[k] : -1;
  }

  /** The dim of tensor `dims` that factor `f` maps to, or -1. */
  private static dimOf(dims: readonly (readonly number[])[], f: number): number {
    for (let d = 0; d < dims.length; d++) if (dims[d].includes(f)) return d;
    return -1;
  }

  /** One propagation step on one op for the current axis. */
  private step(opId: OpId): void {
    const rule = this.rules[opId]!;
    const st = this.state[this.axis];
    const base = this.tStart[opId];
    const nO = this.nOperands[opId];
    const nT = this.tStart[opId + 1] - base;

    // 1. What the op's tensors already say about this axis.
    let claim = -1, claimTensor = -1;
    let partialOperands = 0;
    for (let k = 0; k < nT; k++) {
      const v = this.tValue[base + k];
      const s = st[v];
      if (s >= 0) {
        const dims = this.tensorDims(rule, nO, k);
        const f = this.factorOfAxis(v, s, dims[s], rule.factorSizes);
        if (f < 0) return; // not a whole factor here: the lowering reshards
        if (claim < 0) {
          claim = f;
          claimTensor = k;
        } else if (f !== claim) {
          this.factorConflict(opId, rule, claimTensor, claim, k, f);
          return;
        }
      } else if (s === PARTIAL && k < nO) {
        const sd = this.scatterDim[this.axis][v];
        if (sd >= 0) {
          // Users of a value to be reduce-scattered see it tiled along `sd`.
          const f = this.placeFactor(v, sd, rule.operands[k][sd], rule.factorSizes);
          if (f >= 0 && claim < 0) {
            claim = f;
            claimTensor = k;
          } else if (f >= 0 && f !== claim) {
            this.factorConflict(opId, rule, claimTensor, claim, k, f);
            return;
          }
        }
        partialOperands++;
      }
    }
    if (claim >= 0) {
      // A tiling wins over a partial operand: the lowering reduces (or reduce-scatters) that operand
      // into the layout the op needs, which is what ZeRO's gradient reduce-scatter is.
      this.propagateFactor(opId, rule, claim, claimTensor);
    } else if (partialOperands > 0) {
      this.propagatePartial(opId, rule);
    }
  }

  /** The axis shards factor `f` on some tensor of the op: carry it to every tensor of the op. */
  private propagateFactor(opId: OpId, rule: OpRule, f: number, claimTensor: number): void {
    if (rule.blocked[f] || rule.factorTypes[f] === 'need_replication' || rule.factorTypes[f] === 'permutation') return;
    const st = this.state[this.axis];
    const base = this.tStart[opId];
    const nO = this.nOperands[opId];
    const nT = this.tStart[opId + 1] - base;
    let inOperands = false;
    for (let k = 0; k < nO; k++) if (Propagator.dimOf(rule.operands[k], f) >= 0) inOperands = true;
    const updV = this.updValue, updC = this.updCode;
    const scatters: number[] = [];
    let n = 0;
    for (let k = 0; k < nT; k++) {
      const v = this.tValue[base + k];
      const s = st[v];
      const dims = this.tensorDims(rule, nO, k);
      const d = Propagator.dimOf(dims, f);
      let want: number;
      if (d >= 0) want = d;
      else if (k >= nO && inOperands) want = PARTIAL; // a factor summed away: the result holds a summand
      else continue; // read whole (replicated on this axis)
      if (s === want) continue;
      if (s === PINNED) {
        if (want === PARTIAL) continue; // the lowering reduces into the pinned replicated value
        this.pinnedConflict(opId, v, want, claimTensor);
        return;
      }
      if (s === PARTIAL && k < nO) {
        // Reduced by the lowering into what the op needs. A partial value is reduced once: when this
        // op needs it tiled, it is reduce-scattered along that dim, and its other users see it tiled
        // (a sum of squares over the tiled dim then reduces a small partial instead of gathering the
        // value).
        if (want >= 0 && this.scatterDim[this.axis][v] < 0 && this.placeFactor(v, want, dims[want], rule.factorSizes) === f) {
          scatters.push(v, want);
        }
        continue;
      }
      if (s !== UNSET) return; // a partial result cannot also be tiled on this axis
      if (this.free[v] && (this.inputPhase[v] < 0 || this.inputPhase[v] !== this.opPhase[opId]) && !this.followsGradient(v, want)) continue;
      if (want >= 0 && this.placeFactor(v, want, dims[want], rule.factorSizes) !== f) return;
      // The same value twice in one op (x·xᵀ) must not be given two states.
      let prev = -1;
      for (let i = 0; i < n; i++) if (updV[i] === v) prev = i;
      if (prev >= 0) {
        if (updC[prev] !== want) return;
        continue;
      }
      updV[n] = v;
      updC[n] = want;
      n++;
    }
    for (let i = 0; i < n; i++) this.assign(updV[i], updC[i]);
    for (let i = 0; i < scatters.length; i += 2) this.requestScatter(scatters[i], scatters[i + 1]);
  }

  /**
   * Some operands are partial and nothing is tiled: the partial value flows on only through an op
   * linear in it, and only from a value with one use (DESIGN §3: it is reduced once, before its
   * first non-linear use or fan-out).
   */
  private propagatePartial(opId: OpId, rule: OpRule): void {
    const st = this.state[this.axis];
    const base = this.tStart[opId], nO = this.nOperands[opId], end = this.tStart[opId + 1];
    let partial = 0;
    for (let k = 0; k < nO; k++) {
      const v = this.tValue[base + k];
      const isPartial = st[v] === PARTIAL;
      if (isPartial) {
        if (!rule.linearIn[k] || this.useCount[v] !== 1 || this.isPartialMax(v)) return;
        partial++;
      } else if (rule.linearJointly && rule.linearIn[k]) {
        return; // a sum of partials needs every summand partial
      }
    }
    if (!rule.linearJointly && partial !== 1) return;
    for (let i = base + nO; i < end; i++) if (st[this.tValue[i]] !== UNSET && st[this.tValue[i]] !== PARTIAL) return;
    for (let i = base + nO; i < end; i++) if (st[this.tValue[i]] === UNSET) this.assign(this.tValue[i], PARTIAL);
  }

  /** Whether `v` is a max over a dim: partial on an axis, it holds partial maxima, which flow through nothing. */
  private isPartialMax(v: ValueId): boolean {
    const def = this.program.values[v].def;
    const op = def >= 0 ? this.program.ops[def] : undefined;
    return op !== undefined && op.kind === 'reduce' && op.attrs.reducer === 'max';
  }

  private factorConflict(opId: OpId, rule: OpRule, ka: number, fa: number, kb: number, fb: number): void {
    if (this.conflictAtOp[opId]) return; // already reported in this tactic
    const ax = this.axis;
    const st = this.state[ax];
    const nO = this.nOperands[opId];
    // The older decision is the existing one; the conflict is reported on the newer tensor, with
    // the state the older decision would give it at this op.
    const oa = this.origin[ax][this.tensorValue(opId, ka)], ob = this.origin[ax][this.tensorValue(opId, kb)];
    // Two tactics' tilings of one axis meeting by design (sequence parallelism at Megatron's matmuls):
    // propagation stops here as at a conflict, and the lowering reshards from one tiling to the other.
    if (oa !== ob && (this.reshards[oa] === true || this.reshards[ob] === true)) return;
    const aFirst = oa <= ob;
    const ke = aFirst ? ka : kb, fe = aFirst ? fa : fb, ki = aFirst ? kb : ka;
    const ve = this.tensorValue(opId, ke), vi = this.tensorValue(opId, ki);
    const de = Propagator.dimOf(this.tensorDims(rule, nO, ki), fe);
    const feInOperands = rule.operands.some((dims) => Propagator.dimOf(dims, fe) >= 0);
    const implied = de >= 0 ? de : ki >= nO && feInOperands ? PARTIAL : UNSET;
    this.pushConflict(vi, opId, implied, this.origin[ax][ve], st[vi], this.origin[ax][vi],
      `axis "${this.axisNames[ax]}": ${this.valueLabel(ve)} is ${describe(st[ve])} (${this.tacticName(ve)}) ` +
      `and ${this.valueLabel(vi)} is ${describe(st[vi])} (${this.tacticName(vi)}); ` +
      `at ${this.opLabel(opId)} they shard different dims of the computation`);
  }

  private pinnedConflict(opId: OpId, v: ValueId, want: number, claimTensor: number): void {
    if (this.conflictAtOp[opId]) return;
    const ax = this.axis;
    const src = this.tensorValue(opId, claimTensor);
    this.pushConflict(v, opId, PINNED, this.origin[ax][v], want, this.origin[ax][src],
      `axis "${this.axisNames[ax]}": ${this.valueLabel(v)} is pinned replicated (${this.tacticName(v)}) ` +
      `but ${this.valueLabel(src)} is ${describe(this.state[ax][src])} (${this.tacticName(src)}), ` +
      `which at ${this.opLabel(opId)} would make it ${describe(want)}`);
  }

  private tacticName(v: ValueId): string {
    return this.tacticNames[this.origin[this.axis][v]] ?? '?';
  }

  private pushConflict(v: ValueId, opId: OpId, existing: number, existingOrigin: number, incoming: number, incomingOrigin: number, message: string): void {
    // Report each meeting once per tactic, and only when this tactic takes part in it.
    if (existingOrigin !== this.tactic && incomingOrigin !== this.tactic) return;
    if (opId >= 0) {
      if (this.conflictAtOp[opId]) return;
      this.conflictAtOp[opId] = 1;
    }
    this.conflicts.push({
      value: v,
      axis: this.axisNames[this.axis],
      op: opId,
      existing: { state: stateOfCode(existing), tactic: this.tacticNames[existingOrigin] ?? '' },
      incoming: { state: stateOfCode(incoming), tactic: this.tacticNames[incomingOrigin] ?? '' },
      message,
    });
  }

  private valueLabel(v: ValueId): string {
    const val = this.program.values[v];
    if (val.name !== undefined) return `"${val.name}"`;
    if (val.def >= 0) {
      const op = this.program.ops[val.def];
      return `%${v} (${op.kind}${op.scope ? ` in ${op.scope}` : ''})`;
    }
    return `%${v}`;
  }

  private opLabel(opId: OpId): string {
    const op = this.program.ops[opId];
    return `${op.kind} #${opId}${op.scope ? ` in ${op.scope}` : ''}`;
  }
}

function describe(code: number): string {
  if (code >= 0) return `tiled on dim ${code}`;
  if (code === PARTIAL) return 'partial';
  if (code === PINNED) return 'pinned replicated';
  return 'replicated';
}
