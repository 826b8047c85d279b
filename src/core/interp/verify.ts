import { computeUsers } from '../ir/program';
import type { Program, ValueId } from '../ir/types';
import { deviceCount } from '../mesh/mesh';
import { mulberry32 } from '../rng';
import type { SpmdProgram } from '../spmd/types';
import { checkInterpretable } from './cost';
import { runProgram } from './reference';
import { runSpmd } from './spmd';
import { numel } from './tensor';

export { interpretCost, checkInterpretable, INTERPRET_LIMIT } from './cost';

/** Ops through which an index value keeps its meaning (it is only moved, not computed on). */
const INDEX_PRESERVING = new Set(['reshape', 'transpose', 'broadcast_in_dim', 'slice', 'concatenate', 'convert', 'select', 'dynamic_slice']);

/**
 * The exclusive upper bound that makes `v` a valid index: the size of the gathered/scattered axis
 * of every gather/scatter that reads it as indices, or of the iota it is compared with (a one-hot),
 * directly or through data-movement ops.
 * Undefined when no such op reads it.
 */
function indexBound(p: Program, users: Int32Array[], v: ValueId): number | undefined {
  let bound: number | undefined;
  const seen = new Set<ValueId>();
  const stack = [v];
  while (stack.length > 0) {
    const x = stack.pop() as ValueId;
    if (seen.has(x)) continue;
    seen.add(x);
    for (const u of users[x]) {
      const op = p.ops[u];
      let n: number | undefined;
      if ((op.kind === 'gather' || op.kind === 'scatter') && op.operands[1] === x) {
        n = p.values[op.operands[0]].type.shape[op.attrs.axis];
      } else if (op.kind === 'compare') {
        // a one-hot against an iota (cross-entropy targets): valid classes are the iota's range
        const other = p.ops[p.values[op.operands[op.operands[0] === x ? 1 : 0]].def];
        if (other?.kind === 'iota') n = other.attrs.shape[other.attrs.dim];
      } else if (INDEX_PRESERVING.has(op.kind)) {
        if (op.kind === 'dynamic_slice' && op.operands[0] !== x) continue; // a start index, not data
        stack.push(...op.results);
      }
      if (n !== undefined) bound = bound === undefined ? n : Math.min(bound, n);
    }
  }
  return bound;
}

/**
 * Deterministic random inputs for `program`, one buffer per input:
 * - floats: U(−1, 1);
 * - `opt_state/nu/...` (Adam's second moment): U(0.05, 1), non-negative and away from 0 so that
 *   1/√ν does not amplify rounding differences into false alarms;
 * - `opt_state/count` (Adam's step): an integer in [1, 10];
 * - i32: valid indices [0, n) for every gather/scatter that reads them or one-hot compare with an
 *   iota (n the smallest such axis), otherwise [0, 4); bool: 0 or 1.
 */
export function randomInputs(program: Program, seed: number): Float32Array[] {
  const users = computeUsers(program);
  return program.inputs.map((v, i) => {
    const val = program.values[v];
    const n = numel(val.type.shape);
    const rnd = mulberry32((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
    const name = val.name ?? '';
    const out = new Float32Array(n);
    if (val.type.dtype === 'i32') {
      const hi = indexBound(program, users, v) ?? 4;
      for (let k = 0; k < n; k++) out[k] = Math.floor(rnd() * hi);
    } else if (val.type.dtype === 'bool') {
      for (let k = 0; k < n; k++) out[k] = rnd() < 0.5 ? 0 : 1;
    } else if (name === 'opt_state/count') {
      for (let k = 0; k < n; k++) out[k] = 1 + Math.floor(rnd() * 10);
    } else if (name.startsWith('opt_state/nu/')) {
      for (let k = 0; k < n; k++) out[k] = 0.05 + 0.95 * rnd();
    } else {
      for (let k = 0; k < n; k++) out[k] = rnd() * 2 - 1;
    }
    return out;
  });
}

export interface VerifyResult {
  /** maxAbsError and maxUpdateError within tolerance, and all replicas agree. */
  readonly ok: boolean;
  /** Largest error over all outputs: |spmd − ref| / max(1, |ref|) (absolute below magnitude 1, relative above). */
  readonly maxAbsError: number;
  /**
   * Largest error of an in-place update (an output named like an input: `params/...`, `opt_state/...`)
   * relative to the size of the update itself, beyond f32 rounding (see `updateError`).
   */
  readonly maxUpdateError: number;
  readonly devices: number;
  /** Where the largest error (or replica disagreement) is. */
  readonly worst?: string;
}

const errorOf = (got: number, want: number): number => {
  if (Number.isNaN(got) && Number.isNaN(want)) return 0;
  if (got === want) return 0; // also equal infinities
  const e = Math.abs(got - want) / Math.max(1, Math.abs(want));
  return Number.isNaN(e) ? Infinity : e;
};

/** f32 rounding slack: a few units in the last place of `x`. */
const ulpSlack = (x: number): number => 4 * Math.abs(x) * 2 ** -23 + 1e-38;

/**
 * Error of an updated value (p' = p − lr·u) against the size of the update: with a small learning
 * rate a wrong gradient moves p' by far less than 1e-4, so the plain error would miss it. The update
 * is judged against its own scale S = max |ref − input| over the tensor, after allowing a few ulps of
 * rounding (both sides round p − lr·u to f32 independently).
 */
function updateError(got: number, want: number, scale: number): number {
  if (Number.isNaN(got) && Number.isNaN(want)) return 0;
  const beyond = Math.abs(got - want) - ulpSlack(want);
  if (Number.isNaN(beyond)) return Infinity;
  return beyond <= 0 ? 0 : beyond / Math.max(scale, 1e-30);
}

/** Updates must agree to this fraction of the update's size. */
const UPDATE_TOLERANCE = 1e-3;

/**
 * Proves (on random inputs) that the per-device program computes what the global one does: runs
 * `spmd.global` with the reference interpreter and `spmd` over the simulated mesh, and compares.
 * Errors are absolute for values of magnitude ≤ 1 and relative above, so large activations or
 * losses do not fail on f32 rounding alone; in-place updates are also compared against the size of
 * the update (`maxUpdateError`), so that a wrong gradient under a small learning rate is caught.
 * Throws a UserError for programs too large to interpret.
 */
export function verifySpmd(spmd: SpmdProgram, opts: { seed?: number; tolerance?: number } = {}): VerifyResult {
  const tol = opts.tolerance ?? 1e-4;
  const devices = deviceCount(spmd.mesh);
  checkInterpretable(spmd.global);
  checkInterpretable(spmd.program, devices);
  const inputs = randomInputs(spmd.global, opts.seed ?? 0);
  const want = runProgram(spmd.global, inputs);
  const run = runSpmd(spmd, inputs);
  return judge(spmd.global, inputs, want, run, devices, tol);
}

/**
 * Compares a run's outputs with the reference outputs `want` of `global` on `inputs` (see verifySpmd for the
 * measures): shared by the SPMD proof and the pipeline proof (src/core/mpmd).
 */
export function judge(
  global: Program, inputs: readonly Float32Array[], want: readonly Float32Array[],
  run: { outputs: readonly Float32Array[]; replicaMismatchScaled: number; worstReplica?: string }, devices: number, tol = 1e-4,
): VerifyResult {
  const inputByName = new Map<string, Float32Array>();
  global.inputs.forEach((v, i) => {
    const name = global.values[v].name;
    if (name !== undefined) inputByName.set(name, inputs[i]);
  });
  let maxErr = 0, maxUpd = 0;
  let worst: string | undefined, worstUpd: string | undefined;
  global.outputs.forEach((o, j) => {
    const a = run.outputs[j], b = want[j];
    for (let k = 0; k < b.length; k++) {
      const e = errorOf(a[k], b[k]);
      if (e > maxErr) {
        maxErr = e;
        worst = `${o.name}[${k}]: spmd ${a[k]}, reference ${b[k]}`;
      }
    }
    const before = inputByName.get(o.name);
    if (before === undefined || before.length !== b.length) return;
    let scale = 0;
    for (let k = 0; k < b.length; k++) scale = Math.max(scale, Math.abs(b[k] - before[k]));
    for (let k = 0; k < b.length; k++) {
      const e = updateError(a[k], b[k], scale);
      if (e > maxUpd) {
        maxUpd = e;
        worstUpd = `update of ${o.name}[${k}]: spmd ${a[k]}, reference ${b[k]} (was ${before[k]}; largest update ${scale.toExponential(2)})`;
      }
    }
  });
  const replicasAgree = run.replicaMismatchScaled <= tol;
  const valuesOk = maxErr <= tol, updatesOk = maxUpd <= UPDATE_TOLERANCE;
  if (valuesOk && !updatesOk) worst = worstUpd;
  else if (valuesOk && !replicasAgree) worst = `replicas disagree: ${run.worstReplica ?? ''}`;
  return { ok: valuesOk && updatesOk && replicasAgree, maxAbsError: maxErr, maxUpdateError: maxUpd, devices, worst };
}
