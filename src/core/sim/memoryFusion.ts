/**
 * What a fusing compiler (XLA) allocates of a training step, as three passes that adjust the plain liveness
 * of sim/memory.ts (every value from its definition to its last use):
 *
 * 1. recompute — a forward value the backward pass reads only inside element-wise fusions is rebuilt there
 *    from values that are stored anyway (a GELU from its input, a softmax from the logits), when that keeps
 *    no more bytes than storing it: the whole element-wise chain is walked back, not one op.
 * 2. fuse — an element-wise value whose readers are all fusions is never written: XLA duplicates cheap ops
 *    (converts, adds, compares, selects) into every reader, computes an expensive one (exp, tanh) in its
 *    single reader, and rebuilds constants, iotas and broadcasts in place. What the fused value is computed
 *    from lives until the last fusion that reads it runs. So a loss never holds f32 logits beside the bf16
 *    ones, and a GELU backward holds no full-size intermediates.
 * 3. alias — a reshape is a bitcast of a row-major buffer: no copy, no bytes of its own; the buffer it views
 *    lives as long as the view.
 */
import type { OpKind, Program } from '../ir/types';
import { ALWAYS_FUSED, COST_CLASS, FUSING_CONSUMER, RECOMPUTABLE, fusedValues } from './cost';
import type { ProgramIndex } from './index_program';

/** The liveness arrays the passes read and adjust in place (see MemoryAnalysis). */
export interface FusionState {
  /** 1 for a value the backward pass reads, directly or to recompute something from it. */
  readonly needed: Uint8Array;
  readonly recomputed: Uint8Array;
  readonly end: Int32Array;
  readonly bytes: Float64Array;
  readonly isOutput: Uint8Array;
}

/**
 * Element-wise kinds XLA's instruction fusion duplicates into each of several consumers; the others (exp,
 * log, tanh, rsqrt, divide, power: "expensive" in XLA's fusion heuristics) are fused only into a single one.
 */
const DUPLICABLE: ReadonlySet<OpKind> = new Set<OpKind>([
  'convert', 'add', 'subtract', 'multiply', 'negate', 'select', 'compare', 'maximum', 'minimum', 'abs',
]);
/** How far back a recomputation walks (ops): a tanh GELU is about ten; bounds the work per value. */
const MAX_CHAIN = 24;

const isGenerator = (k: OpKind): boolean => COST_CLASS[k] === 'generator';

/** Pass 1: recomputation in the backward fusions. Reverse program order, so a chain's need flows to its operands. */
export function recompute(p: Program, ix: ProgramIndex, s: FusionState): void {
  const { userStart, userOps } = ix;
  const { needed, recomputed, end, bytes, isOutput } = s;
  const nOps = p.ops.length;
  // Values a recomputation reads: stored from then on, never recomputed themselves (no fusion recomputes a
  // residual stream layer by layer back to the embedding).
  const pinned = new Uint8Array(p.values.length);
  const fusedReaders = (v: number): boolean => {
    for (let k = userStart[v]; k < userStart[v + 1]; k++) {
      const reader = p.ops[userOps[k]];
      if (reader.phase !== 'forward' && !FUSING_CONSUMER.has(reader.kind)) return false;
    }
    return true;
  };
  // Bytes the backward pass would newly keep to have `v` inside a fusion: nothing for a value it reads anyway
  // (stored, or rebuilt from stored values) or for a constant; for a value the walk may pass through, the
  // cheaper of storing it and recomputing it from its operands (memoised per candidate). A value read
  // through two paths is counted once.
  const viaOperands = new Map<number, number>();
  const counted = new Set<number>();
  const once = (v: number): number => {
    if (counted.has(v)) return 0;
    counted.add(v);
    return bytes[v];
  };
  const cost = (v: number, depth: number): number => {
    const d = p.values[v].def;
    if (needed[v] || (d >= 0 && isGenerator(p.ops[d].kind))) return 0;
    if (d < 0) return end[v] >= nOps ? 0 : once(v);
    const op = p.ops[d];
    if (op.phase !== 'forward' || !RECOMPUTABLE.has(op.kind) || depth >= MAX_CHAIN) return once(v);
    let c = viaOperands.get(v);
    if (c === undefined) {
      c = operandCost(op.operands, depth + 1);
      viaOperands.set(v, c);
    }
    return c < bytes[v] ? c : once(v);
  };
  const operandCost = (operands: readonly number[], depth: number): number => {
    let c = 0;
    for (let k = 0; k < operands.length; k++) if (operands.indexOf(operands[k]) === k) c += cost(operands[k], depth);
    return c;
  };
  // The values the recomputation reads: kept (and pinned) until `until`, the last backward reader.
  const keep = (v: number, until: number): void => {
    const d = p.values[v].def;
    if (d >= 0 && isGenerator(p.ops[d].kind)) return;
    const c = viaOperands.get(v);
    if (!needed[v] && d >= 0 && c !== undefined && c < bytes[v]) {
      for (const o of p.ops[d].operands) keep(o, until);
      return;
    }
    pinned[v] = 1;
    needed[v] = 1;
    if (end[v] < until) end[v] = until;
  };
  for (let i = nOps - 1; i >= 0; i--) {
    const op = p.ops[i];
    if (op.phase !== 'forward' || !RECOMPUTABLE.has(op.kind)) continue;
    for (const r of op.results) {
      if (!needed[r] || isOutput[r] || pinned[r] || !fusedReaders(r)) continue;
      viaOperands.clear();
      counted.clear();
      // Recompute when that keeps no more than storing the value (ties recompute: the bytes are the same).
      if (operandCost(op.operands, 1) > bytes[r]) continue;
      recomputed[r] = 1;
      let lastForward = i;
      for (let k = userStart[r]; k < userStart[r + 1]; k++) {
        const reader = p.ops[userOps[k]];
        if (reader.phase === 'forward') lastForward = Math.max(lastForward, reader.id);
      }
      for (const o of op.operands) keep(o, end[r]);
      end[r] = lastForward;
    }
  }
}

/** Pass 2: values inside fusions are not allocated; what they are computed from lives until the fusion runs. */
export function fuse(p: Program, ix: ProgramIndex, s: FusionState): void {
  const { userStart, userOps } = ix;
  const { needed, recomputed, end, bytes, isOutput } = s;
  const fused = fusedValues(p, ix);
  const stored = (r: number, phase: string): boolean => phase === 'forward' && needed[r] === 1 && recomputed[r] === 0;
  // Beyond sim/cost.ts's single-reader rule: an element-wise value all of whose readers fuse it.
  const duplicated = (kind: OpKind, phase: string, r: number): boolean => {
    if (COST_CLASS[kind] !== 'elementwise' || isOutput[r] || stored(r, phase)) return false;
    let samePhase = 0;
    for (let k = userStart[r]; k < userStart[r + 1]; k++) {
      const reader = p.ops[userOps[k]];
      if (!FUSING_CONSUMER.has(reader.kind)) return false;
      if (reader.phase === phase) samePhase++;
      else if (!recomputed[r]) return false;
    }
    return samePhase <= 1 || DUPLICABLE.has(kind);
  };
  for (let i = p.ops.length - 1; i >= 0; i--) {
    const op = p.ops[i];
    for (const r of op.results) {
      // A value the backward pass keeps is stored whatever fuses it, unless every fusion rebuilds it from
      // nothing or from its operand (a constant, iota or broadcast).
      const inFusion = fused[r] === 1 && (!stored(r, op.phase) || ALWAYS_FUSED.has(op.kind));
      if (!inFusion && !duplicated(op.kind, op.phase, r)) continue;
      bytes[r] = 0;
      for (const o of op.operands) {
        // A backward fusion rebuilds a recomputed operand itself: its lifetime stays the forward one.
        if (recomputed[o] && op.phase !== 'forward') continue;
        if (end[o] < end[r]) end[o] = end[r];
      }
    }
  }
}

/** Pass 3: a reshape views its operand's buffer (unless a fusion writes it, or it is a program output). */
export function alias(p: Program, s: Pick<FusionState, 'needed' | 'end' | 'bytes' | 'isOutput'>): void {
  const { needed, end, bytes, isOutput } = s;
  const root = new Int32Array(p.values.length).fill(-1);
  for (const op of p.ops) {
    if (op.kind !== 'reshape') continue;
    const r = op.results[0];
    const o = op.operands[0];
    const base = root[o] >= 0 ? root[o] : o;
    if (bytes[r] === 0 || bytes[base] === 0 || isOutput[r]) continue;
    root[r] = base;
    bytes[r] = 0;
    if (end[base] < end[r]) end[base] = end[r];
    if (needed[r]) needed[base] = 1;
  }
}
