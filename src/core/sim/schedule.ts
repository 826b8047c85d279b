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

export function schedule(p: Program, hw: Hardware, opts: { overlap: boolean }, ix: ProgramIndex = indexProgram(p)): ScheduleResult {
  const nOps = p.ops.length;
  const start = new Float64Array(nOps);
  const end = new Float64Array(nOps);
  const isComm = new Uint8Array(nOps);
  const flops = new Float64Array(nOps);
  const ready = new Float64Array(p.values.length); // inputs are ready at 0
  const fused = fusedValues(p, ix);
  const perAxis: Record<string, number> = userRecord();
  for (const a of hw.mesh.axes) perAxis[a.name] = 0;

  let computeFree = 0;
  let commFree = 0;
  let compute = 0;
  let communication = 0;
  for (let i = 0; i < nOps; i++) {
    const op = p.ops[i];
    let operandsReady = 0;
    for (const v of op.operands) if (ready[v] > operandsReady) operandsReady = ready[v];
    let s: number;
    let dur: number;
    if (isCommunication(op.kind)) {
      isComm[i] = 1;
      dur = collectiveOpSeconds(op, p, hw);
      communication += dur;
      const axes = (op.attrs as { axes: readonly string[] }).axes;
      for (const a of axes) perAxis[a] = (perAxis[a] ?? 0) + dur / axes.length;
      if (opts.overlap) {
        s = Math.max(commFree, operandsReady);
        commFree = s + dur;
      } else {
        s = computeFree;
        computeFree = s + dur;
      }
    } else {
      const c = computeCost(op, p, hw, fused, ix);
      flops[i] = c.flops;
      dur = c.seconds;
      compute += dur;
      s = Math.max(computeFree, operandsReady);
      computeFree = s + dur;
    }
    start[i] = s;
    end[i] = s + dur;
    for (const v of op.results) ready[v] = s + dur;
  }
  // The step ends when the outputs are ready and both streams have drained.
  let step = Math.max(computeFree, commFree);
  for (const o of p.outputs) step = Math.max(step, ready[o.value]);
  const exposedCommunication = opts.overlap ? Math.max(0, step - compute) : communication;
  return { start, end, isComm, flops, step, compute, communication, exposedCommunication, perAxis };
}
