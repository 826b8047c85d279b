/**
 * The device timeline: compute and communication intervals in start order, each naming the op it belongs
 * to. `op` is `<kind>#<global op id>` (the op of the global program it computes or serves; the kind alone
 * when it serves none), so a view can select the node; `scope` is the op's name scope.
 */
import type { TimelineInterval } from '../report';
import { collectiveName } from '../spmd/collectives';
import type { SpmdProgram } from '../spmd/types';
import type { ScheduleResult } from './schedule';

/**
 * With `detail: 'scope'`, back-to-back compute ops of one scope become one interval labelled by its longest
 * op; collectives always keep their own interval. Zero-length intervals (fused or free ops) are dropped.
 */
export function buildTimeline(spmd: SpmdProgram, s: ScheduleResult, detail: 'op' | 'scope'): TimelineInterval[] {
  const p = spmd.program;
  const compute: TimelineInterval[] = [];
  const comm: TimelineInterval[] = [];
  // An op serving no global op (an input resharded straight to an output) is labelled by its kind alone.
  const labelOf = (i: number): string => (spmd.source[i] >= 0 ? `${p.ops[i].kind}#${spmd.source[i]}` : p.ops[i].kind);
  let longest = 0; // duration of the op that labels the last merged compute interval
  for (let i = 0; i < p.ops.length; i++) {
    const op = p.ops[i];
    const start = s.start[i];
    const end = s.end[i];
    if (end <= start) continue;
    if (s.isComm[i]) {
      const axes = [...(op.attrs as { axes: readonly string[] }).axes];
      comm.push({ kind: 'communication', start, end, op: labelOf(i), scope: op.scope, collective: collectiveName(op.kind), axes });
      continue;
    }
    const last = compute[compute.length - 1];
    // Merge when contiguous (within a picosecond of rounding) and in the same scope.
    if (detail === 'scope' && last && last.scope === op.scope && start - last.end < 1e-12) {
      last.end = end;
      if (end - start > longest) {
        longest = end - start;
        last.op = labelOf(i);
      }
      continue;
    }
    longest = end - start;
    compute.push({ kind: 'compute', start, end, op: labelOf(i), scope: op.scope });
  }
  // Both lists are sorted by start (each stream runs in program order); merge them.
  const out: TimelineInterval[] = [];
  let a = 0;
  let b = 0;
  while (a < compute.length || b < comm.length) {
    if (b >= comm.length || (a < compute.length && compute[a].start <= comm[b].start)) out.push(compute[a++]);
    else out.push(comm[b++]);
  }
  return out;
}
