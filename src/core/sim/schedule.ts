/**
 * Step time of the per-device program. Ops run in program order on one compute stream. With `overlap`,
 * collectives run on a separate communication stream: a collective starts when its operand is ready and the
 * stream is free, and only its consumer waits for it, so it hides behind independent compute. Without
 * overlap, everything runs back to back.
 */
import type { Program } from '../ir/types';
import type { Hardware } from '../mesh/hardware';
import { collectiveOpSeconds, computeCost, fusedValues, isCommunication } from './cost';
import type { ProgramIndex } from './index_program';
import { indexProgram } from './index_program';
import { userRecord } from '../record';

export interface ScheduleResult {
  /** Per op of the program: start and end time, seconds. */
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** Per op: 1 if it runs on the communication stream. */
  readonly isComm: Uint8Array;
  /** Per op: its FLOPs (local, executed). */
  readonly flops: Float64Array;
  readonly step: number;
  /** Busy time of the compute stream. */
  readonly compute: number;
  /** Total collective time. */
  readonly communication: number;
  /** Part of the step the compute stream spends waiting for communication (all of it without overlap). */
  readonly exposedCommunication: number;
  /** Collective time by mesh axis; a collective over k axes contributes 1/k of its time to each. */
  readonly perAxis: Record<string, number>;
}

/**
 * The two streams over `ops` (op indices of `p`, in program order), each op taking `dur[op]` seconds on the
 * communication stream when `isComm[op]` (with `overlap`) or else on the compute stream. A value made
 * outside `ops` is ready at 0. Records each op's start and end in `start`/`end` when given, and returns
 * when each stream is free. The one home of the overlap rule: the step of an SPMD program, and each action
 * (a pass of a chunk on one micro-batch) of a pipelined step (mpmd/simulate.ts).
 */
export function runStreams(
  p: Program, ops: Iterable<number>, dur: Float64Array, isComm: Uint8Array, overlap: boolean,
  out?: { start: Float64Array; end: Float64Array; ready: Float64Array },
): { computeFree: number; commFree: number; ready: (v: number) => number } {
  const readyMap = out ? undefined : new Map<number, number>();
  const readyOf = (v: number): number => (out ? out.ready[v] : readyMap?.get(v) ?? 0);
  let computeFree = 0;
  let commFree = 0;
  for (const i of ops) {
    const op = p.ops[i];
    let operandsReady = 0;
    for (const v of op.operands) operandsReady = Math.max(operandsReady, readyOf(v));
    let s: number;
    if (isComm[i] && overlap) {
      s = Math.max(commFree, operandsReady);
      commFree = s + dur[i];
    } else {
      s = isComm[i] ? computeFree : Math.max(computeFree, operandsReady);
      computeFree = s + dur[i];
    }
    if (out) {
      out.start[i] = s;
      out.end[i] = s + dur[i];
      for (const v of op.results) out.ready[v] = s + dur[i];
    } else for (const v of op.results) readyMap?.set(v, s + dur[i]);
  }
  return { computeFree, commFree, ready: readyOf };
}

export function schedule(p: Program, hw: Hardware, opts: { overlap: boolean }, ix: ProgramIndex = indexProgram(p)): ScheduleResult {
  const nOps = p.ops.length;
  const start = new Float64Array(nOps);
  const end = new Float64Array(nOps);
  const isComm = new Uint8Array(nOps);
  const flops = new Float64Array(nOps);
  const dur = new Float64Array(nOps);
  const ready = new Float64Array(p.values.length); // inputs are ready at 0
  const fused = fusedValues(p, ix);
  const perAxis: Record<string, number> = userRecord();
  for (const a of hw.mesh.axes) perAxis[a.name] = 0;

  let compute = 0;
  let communication = 0;
  for (let i = 0; i < nOps; i++) {
    const op = p.ops[i];
    if (isCommunication(op.kind)) {
      isComm[i] = 1;
      dur[i] = collectiveOpSeconds(op, p, hw);
      communication += dur[i];
      const axes = (op.attrs as { axes: readonly string[] }).axes;
      for (const a of axes) perAxis[a] = (perAxis[a] ?? 0) + dur[i] / axes.length;
    } else {
      const c = computeCost(op, p, hw, fused, ix);
      flops[i] = c.flops;
      dur[i] = c.seconds;
      compute += dur[i];
    }
  }
  const { computeFree, commFree } = runStreams(p, p.ops.map((o) => o.id), dur, isComm, opts.overlap, { start, end, ready });
  // The step ends when the outputs are ready and both streams have drained.
  let step = Math.max(computeFree, commFree);
  for (const o of p.outputs) step = Math.max(step, ready[o.value]);
  const exposedCommunication = opts.overlap ? Math.max(0, step - compute) : communication;
  return { start, end, isComm, flops, step, compute, communication, exposedCommunication, perAxis };
}
