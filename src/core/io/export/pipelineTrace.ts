/**
 * The pipeline timeline in the Chrome/Perfetto trace: one process per pipeline stage with a thread for its
 * forward/backward/weight passes (a backward's recomputed forward as a slice inside it), one for its
 * point-to-point sends and one for the gradient reduction and the optimizer after the last backward.
 */
import type { PipelineJson } from '../../report';
import type { TraceEvent } from './trace';

/** Process ids of the stages, after any device's (a mesh has far fewer than this many traced devices). */
export const STAGE_PID_BASE = 100000;
const ACTIONS_TID = 1, SENDS_TID = 2, AFTER_TID = 3;
const PASS_NAME = { F: 'forward', B: 'backward', W: 'weight gradient' } as const;
const us = (s: number): number => Math.round(s * 1e12) / 1e6;

export function pipelineTraceEvents(pl: PipelineJson): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const s of pl.perStage) {
    const pid = STAGE_PID_BASE + s.stage;
    const layers = s.layers.map(([a, b]) => `${a}-${b - 1}`).join(', ');
    events.push(
      { name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `pipeline stage ${s.stage}${pl.axis ? ` (${pl.axis}=${s.stage})` : ''}, layers ${layers}` } },
      { name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: pid } },
    );
    for (const [tid, name] of [[ACTIONS_TID, `${pl.schedule} passes`], [SENDS_TID, 'p2p sends'], [AFTER_TID, 'gradient reduction, optimizer']] as const)
      events.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });
    const red = s.dataParallelReduction;
    if (red.end > red.start) events.push({ name: 'gradient reduction', cat: 'communication', ph: 'X', pid, tid: AFTER_TID, ts: us(red.start), dur: us(red.end) - us(red.start) });
    events.push({ name: 'optimizer', cat: 'compute', ph: 'X', pid, tid: AFTER_TID, ts: us(s.optimizer.start), dur: Math.max(0, us(s.optimizer.end) - us(s.optimizer.start)) });
  }
  for (const a of pl.gantt) {
    const args: Record<string, string | number> = { microbatch: a.microbatch, chunk: a.chunk };
    if (a.recompute > 0) args.recomputeSeconds = a.recompute;
    events.push({ name: `${PASS_NAME[a.pass]} mb ${a.microbatch}`, cat: 'pipeline', ph: 'X', pid: STAGE_PID_BASE + a.stage, tid: ACTIONS_TID, ts: us(a.start), dur: us(a.end) - us(a.start), args });
    // the recomputed forward opens the backward: a slice inside it, so Perfetto draws it one level down
    if (a.recompute > 0) {
      const end = Math.min(a.end, a.start + a.recompute);
      events.push({ name: `recompute mb ${a.microbatch}`, cat: 'recompute', ph: 'X', pid: STAGE_PID_BASE + a.stage, tid: ACTIONS_TID, ts: us(a.start), dur: us(end) - us(a.start), args: { microbatch: a.microbatch, chunk: a.chunk } });
    }
  }
  for (const x of pl.p2p) {
    events.push({ name: `send → stage ${x.to} (mb ${x.microbatch})`, cat: 'p2p', ph: 'X', pid: STAGE_PID_BASE + x.from, tid: SENDS_TID, ts: us(x.start), dur: us(x.end) - us(x.start), args: { bytes: x.bytes, to: x.to } });
  }
  return events;
}
