/**
 * Per-device memory by liveness over the per-device program (program order is the execution order):
 * a value lives from its definition to its last use. Inputs that the step returns updated (an output with
 * the same name: params, optimizer state) live throughout, and so do their updated outputs from their
 * definition on; other inputs live until their last use; outputs live to the end.
 * By default the analysis also models what a fusing compiler keeps for the backward pass (MemoryOptions.fusion):
 * without it, an unfused element-wise IR (a GELU in six ops) would keep every intermediate and overstate
 * activation memory about threefold against Korthikanti et al.'s counts.
 */
import type { BytesByCategory, ModelStateBytes } from '../report';
import type { Program } from '../ir/types';
import { DTYPE_BYTES } from '../ir/types';
import { numElements } from '../ir/shape';
import { isCommunication } from '../ir/types';
import { isReshardOp } from '../spmd/collectives';
import { alias, fuse, recompute } from './memoryFusion';
import type { ProgramIndex } from './index_program';
import { indexProgram } from './index_program';

export const CATEGORIES = ['params', 'optimizer', 'gradients', 'activations', 'temporaries'] as const;
export type Category = (typeof CATEGORIES)[number];
export const CAT_PARAMS = 0;
export const CAT_OPTIMIZER = 1;
export const CAT_GRADIENTS = 2;
export const CAT_ACTIVATIONS = 3;
export const CAT_TEMPORARIES = 4;

/** Ops that keep every element of their operand: a gradient cast to f32 or reshaped is still that gradient. */
const SAME_ELEMENTS: ReadonlySet<string> = new Set(['convert', 'reshape', 'transpose']);

/** Options of the memory analysis. */
export interface MemoryOptions {
  /**
   * Model what a fusing compiler (XLA) allocates (sim/memoryFusion.ts): a forward value whose backward
   * readers are all element-wise fusions is recomputed inside them from values stored anyway (a GELU or a
   * LayerNorm keeps its input, not every intermediate); a value inside a fusion is never allocated (a loss
   * holds no f32 logits, a GELU backward no full-size intermediates); a reshape aliases its operand's buffer.
   * Values a matmul, attention or gather reads in the backward pass are always stored. Default true; false
   * gives plain liveness over the program as written.
   */
  readonly fusion?: boolean;
  /**
   * Buffer donation (jax.jit donate_argnums): an input the step returns updated dies at its last use, as its
   * buffer is reused for the output. Default false: the input is held for the whole step, so at the end of
   * the optimizer both the old and the new state are counted.
   */
  readonly donation?: boolean;
}

/** The whole analysis: liveness, categories and bytes of every value. */
export interface MemoryAnalysis {
  /** Op index that defines the value; -1 for inputs. */
  readonly start: Int32Array;
  /** Last op index at which the value is live; ops.length for values live to the end; start for dead values. */
  readonly end: Int32Array;
  readonly bytes: Float64Array;
  /** Category index into CATEGORIES. */
  readonly category: Uint8Array;
  /** 1 for a forward value the backward pass recomputes in a fusion instead of keeping (with `fusion`). */
  readonly recomputed: Uint8Array;
}

/**
 * Liveness and categories in linear passes. Categories, in priority order:
 * - params: inputs with role `param` and outputs named `params/…` (their updated versions);
 * - optimizer: inputs with role `optimizer` and outputs named `opt_state/…`;
 * - gradients: values with role `gradient`, and what collectives, casts and reshapes make of them
 *   (their reductions and reshards before the optimizer);
 * - activations: forward values (or batch inputs) that the backward pass reads and that are kept for it;
 * - temporaries: everything else.
 */
export function analyzeMemory(p: Program, opts: MemoryOptions = {}, ix: ProgramIndex = indexProgram(p)): MemoryAnalysis {
  const nV = p.values.length;
  const nOps = p.ops.length;
  const start = new Int32Array(nV);
  const end = new Int32Array(nV);
  const fusion = opts.fusion ?? true;
  const bytes = fusion ? Float64Array.from(ix.bytes) : ix.bytes;
  const { userStart, userOps } = ix;
  for (let v = 0; v < nV; v++) {
    const d = p.values[v].def;
    start[v] = d;
    end[v] = userStart[v + 1] > userStart[v] ? userOps[userStart[v + 1] - 1] : d;
  }
  const outputNames = new Set<string>();
  const isOutput = new Uint8Array(nV);
  for (const o of p.outputs) {
    end[o.value] = nOps;
    isOutput[o.value] = 1;
    outputNames.add(o.name);
  }
  // An input the step returns updated is held for the whole step (its buffer is the state being trained).
  if (!opts.donation) {
    for (const id of p.inputs) {
      const name = p.values[id].name;
      if (name !== undefined && outputNames.has(name)) end[id] = nOps;
    }
  }

  // Which forward values the backward pass needs (read directly, or through a recomputed value).
  const needed = new Uint8Array(nV);
  for (const op of p.ops) {
    if (op.phase !== 'backward') continue;
    for (const v of op.operands) needed[v] = 1;
  }
  const recomputed = new Uint8Array(nV);
  if (fusion) {
    const state = { needed, recomputed, end, bytes, isOutput };
    recompute(p, ix, state);
    fuse(p, ix, state);
    alias(p, state);
  }

  const cat = new Uint8Array(nV).fill(CAT_TEMPORARIES);
  for (const o of p.outputs) {
    if (o.name.startsWith('params/')) cat[o.value] = CAT_PARAMS;
    else if (o.name.startsWith('opt_state/')) cat[o.value] = CAT_OPTIMIZER;
  }
  for (const v of p.values) {
    if (cat[v.id] !== CAT_TEMPORARIES) continue;
    if (v.role === 'param' && v.def < 0) cat[v.id] = CAT_PARAMS;
    else if (v.role === 'optimizer' && v.def < 0) cat[v.id] = CAT_OPTIMIZER;
    else if (v.role === 'gradient') cat[v.id] = CAT_GRADIENTS;
  }
  // Ops are in program order, so a chain of collectives (and casts, reshapes) on a gradient is classified in one pass.
  for (const op of p.ops) {
    if (!(isReshardOp(op.kind) || SAME_ELEMENTS.has(op.kind)) || cat[op.operands[0]] !== CAT_GRADIENTS) continue;
    for (const r of op.results) if (cat[r] === CAT_TEMPORARIES) cat[r] = CAT_GRADIENTS;
  }
  for (const v of p.values) {
    if (cat[v.id] !== CAT_TEMPORARIES || !needed[v.id] || recomputed[v.id]) continue;
    const forward = v.def >= 0 ? p.ops[v.def].phase === 'forward' : v.role === 'batch';
    if (forward) cat[v.id] = CAT_ACTIVATIONS;
  }
  return { start, end, bytes, category: cat, recomputed };
}

/** The memory category of every value (index = ValueId); see analyzeMemory. */
export function valueCategories(p: Program, opts: MemoryOptions = {}): Uint8Array {
  return analyzeMemory(p, opts).category;
}

export interface Liveness {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly bytes: Float64Array;
}

export function liveness(p: Program, opts: MemoryOptions = {}): Liveness {
  return analyzeMemory(p, opts);
}

export interface MemoryPeak {
  peak: number;
  /** Op index at which the peak occurs (-1: before the first op, with only the inputs live). */
  peakOp: number;
  atPeak: BytesByCategory;
}

/**
 * Live bytes at every position t = 0 … ops.length + 1 of the program: t = op index + 1 (t = 0: only the
 * inputs are live), and a value occupies [start + 1, end + 1] — at op i its results are allocated while its
 * operands are still live, and a value is freed after its last use. The one sweep of the liveness: the peak
 * (peakMemory) and the memory curve (memoryProfile.ts) are two views of it.
 */
export function liveCurve(nOps: number, a: Pick<MemoryAnalysis, 'start' | 'end' | 'bytes'>): Float64Array {
  const delta = new Float64Array(nOps + 3);
  for (let v = 0; v < a.bytes.length; v++) {
    delta[a.start[v] + 1] += a.bytes[v];
    delta[a.end[v] + 2] -= a.bytes[v];
  }
  const live = new Float64Array(nOps + 2);
  let acc = 0;
  for (let t = 0; t <= nOps + 1; t++) live[t] = acc += delta[t];
  return live;
}

/** The first position where the curve is highest (0 when nothing is ever live). */
export function peakPosition(live: Float64Array): number {
  let at = 0;
  for (let t = 1; t < live.length; t++) if (live[t] > live[at]) at = t;
  return at;
}

/** Peak of live bytes over the program and the bytes live at the peak by category (liveCurve's convention). */
export function peakMemory(p: Program, opts: MemoryOptions = {}, ix: ProgramIndex = indexProgram(p)): MemoryPeak {
  const a = analyzeMemory(p, opts, ix);
  const { start, end, bytes, category: cat } = a;
  const nOps = p.ops.length;
  const live = liveCurve(nOps, a);
  const peakT = peakPosition(live);
  const atPeak: BytesByCategory = { params: 0, optimizer: 0, gradients: 0, activations: 0, temporaries: 0 };
  for (let v = 0; v < bytes.length; v++) {
    if (start[v] + 1 <= peakT && end[v] + 1 >= peakT) atPeak[CATEGORIES[cat[v]]] += bytes[v];
  }
  return { peak: Math.max(0, live[peakT]), peakOp: Math.min(peakT, nOps) - 1, atPeak };
}

/**
 * Model-state bytes per device, as ZeRO counts them: parameters and optimizer state as held (the local
 * inputs), and each parameter's gradient in its reduced form, at the gradient's own precision: follow the
 * gradient through its single-use chain of collectives and casts/reshapes (a partial gradient flows through
 * the cast to f32 before it is reduced) and count the elements the last communicating collective leaves
 * (all of them after an all-reduce, a 1/N shard after a reduce-scatter) — or the gradient itself when it needs
 * no reduction. A local `shard_slice` after a reduction does not shrink the buffer the reduction produced.
 */
export function modelStateBytes(p: Program, ix: ProgramIndex = indexProgram(p)): ModelStateBytes {
  const { userStart, userOps, bytes } = ix;
  let params = 0;
  let optimizer = 0;
  let gradients = 0;
  for (const id of p.inputs) {
    const v = p.values[id];
    if (v.role === 'param') params += bytes[id];
    else if (v.role === 'optimizer') optimizer += bytes[id];
  }
  const elements = (v: number) => numElements(p.values[v].type.shape);
  for (const v of p.values) {
    if (v.role !== 'gradient') continue;
    if (v.def >= 0 && (isReshardOp(p.ops[v.def].kind) || SAME_ELEMENTS.has(p.ops[v.def].kind)) && p.values[p.ops[v.def].operands[0]].role === 'gradient') continue;
    let cur = v.id;
    let reduced = elements(v.id);
    while (userStart[cur + 1] - userStart[cur] === 1) {
      const op = p.ops[userOps[userStart[cur]]];
      if (!isReshardOp(op.kind) && !SAME_ELEMENTS.has(op.kind)) break;
      cur = op.results[0];
      if (isCommunication(op.kind)) reduced = elements(cur);
    }
    gradients += reduced * DTYPE_BYTES[v.type.dtype];
  }
  return { params, gradients, optimizer };
}
