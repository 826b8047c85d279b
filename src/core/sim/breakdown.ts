/**
 * Where a per-device program's time goes, by the cost model's classes: GEMMs (forward, backward,
 * recomputed), attention kernels, memory-bound kernels (element-wise fusions, reductions, copies, data
 * movement), the optimizer update, kernel launches and the collectives per mesh axis. Sums of each op's own
 * cost (computeCost / collectiveOpSeconds), without overlap: it explains a step time, it is not one. Used
 * by `npm run validate -- --breakdown <case>` to compare a simulated step with a paper's own analysis.
 */
import type { Program } from '../ir/types';
import type { Hardware } from '../mesh/hardware';
import { isRecomputed } from '../models/autodiff';
import { COST_CLASS, collectiveOpSeconds, computeCost, fusedValues, isCommunication } from './cost';
import { indexProgram } from './index_program';

export interface StepBreakdown {
  /** Seconds by part; each op counts once, in the first part that matches it (order of the fields). */
  readonly seconds: ReadonlyMap<string, number>;
  /** FLOPs of the matmul and attention parts. */
  readonly flops: ReadonlyMap<string, number>;
  /** Kernel launches counted (ops that are not fused away). */
  readonly launches: number;
}

/** The part of the step an op belongs to; recomputed ops are reported apart whatever their class. */
function partOf(p: Program, opIndex: number): string {
  const op = p.ops[opIndex];
  if (isCommunication(op.kind)) return `collective ${op.kind} over ${(op.attrs as { axes: readonly string[] }).axes.join('×')}`;
  if (op.phase === 'optimizer') return 'optimizer update';
  const cls = COST_CLASS[op.kind];
  const when = isRecomputed(op) ? 'recompute' : op.phase === 'backward' ? 'backward' : 'forward';
  if (cls === 'matmul') return `GEMM ${when}`;
  if (cls === 'attention') return `attention ${when}`;
  return `memory-bound ${when}`;
}

export function stepBreakdown(p: Program, hw: Hardware): StepBreakdown {
  const ix = indexProgram(p);
  const fused = fusedValues(p, ix);
  const seconds = new Map<string, number>();
  const flops = new Map<string, number>();
  let launches = 0;
  for (let i = 0; i < p.ops.length; i++) {
    const op = p.ops[i];
    const part = partOf(p, i);
    let s: number;
    if (isCommunication(op.kind)) s = collectiveOpSeconds(op, p, hw);
    else {
      const c = computeCost(op, p, hw, fused, ix);
      s = c.seconds;
      if (c.bound !== 'fused' && op.kind !== 'reshape') launches++;
      if (COST_CLASS[op.kind] === 'matmul' || COST_CLASS[op.kind] === 'attention') flops.set(part, (flops.get(part) ?? 0) + c.flops);
    }
    seconds.set(part, (seconds.get(part) ?? 0) + s);
  }
  return { seconds, flops, launches };
}
