/**
 * The simulated timeline as a Chrome trace (the JSON Object Format that chrome://tracing and
 * Perfetto open): one process per device, a compute thread and collective threads, one complete
 * event (`ph: "X"`) per interval with `ts`/`dur` in microseconds.
 */
import type { Config } from '../config';
import { deviceCoords, type Mesh } from '../../mesh/mesh';
import type { CollectiveJson, Report, TimelineInterval } from '../../report';
import { pipelineTraceEvents } from './pipelineTrace';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'M';
  pid: number;
  tid: number;
  cat?: string;
  /** Microseconds. */
  ts?: number;
  dur?: number;
  args?: Record<string, string | number | string[]>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms' | 'ns';
  /** Free-form metadata (the format's `otherData`). */
  otherData: Record<string, string | number>;
}

/**
 * Thread ids: compute on 1, collectives from 2 (one thread per lane; a second lane appears only
 * when two collectives overlap, so that no track has overlapping events, which trace viewers
 * draw wrongly).
 */
const COMPUTE_TID = 1;
const COMM_TID = 2;

/** Times are rounded to whole picoseconds (small models have sub-nanosecond ops) before the conversion, so that rounding never makes events overlap. */
const ps = (seconds: number): number => Math.round(seconds * 1e12);

export function exportTrace(report: Report, mesh: Mesh): ChromeTrace {
  const events: TraceEvent[] = [];
  for (const { device, intervals } of report.timeline) {
    const coords = deviceCoords(mesh, device);
    const where = mesh.axes.map((a, i) => `${a.name}=${coords[i]}`).join(', ');
    events.push(
      { name: 'process_name', ph: 'M', pid: device, tid: 0, args: { name: `device ${device}${where ? ` (${where})` : ''}` } },
      { name: 'process_sort_index', ph: 'M', pid: device, tid: 0, args: { sort_index: device } },
    );
    const collectiveOf = matchCollectives(intervals, report.collectives);
    const laneEnds: number[] = [];
    let computeUsed = false;
    intervals.forEach((iv, k) => {
      const start = ps(iv.start), end = ps(iv.end);
      let tid = COMPUTE_TID;
      if (iv.kind === 'communication') {
        let lane = laneEnds.findIndex((e) => e <= start);
        if (lane < 0) lane = laneEnds.push(end) - 1;
        laneEnds[lane] = end;
        tid = COMM_TID + lane;
      } else computeUsed = true;
      const c = collectiveOf[k];
      const args: Record<string, string | number | string[]> = { op: iv.op, scope: iv.scope };
      if (iv.collective) args.collective = iv.collective;
      if (iv.axes) args.axes = iv.axes;
      if (c) {
        args.bytes = c.bytes;
        args.phase = c.phase;
        args.serves = c.op;
      }
      events.push({
        name: iv.kind === 'communication' ? `${iv.collective ?? 'collective'}${iv.axes?.length ? ` (${iv.axes.join(', ')})` : ''}` : iv.scope ? `${iv.scope} ${iv.op}` : iv.op,
        cat: iv.kind,
        ph: 'X', pid: device, tid, ts: start / 1e6, dur: (end - start) / 1e6, args,
      });
    });
    const threads: [number, string][] = [];
    if (computeUsed) threads.push([COMPUTE_TID, 'compute']);
    laneEnds.forEach((_, lane) => threads.push([COMM_TID + lane, lane === 0 ? 'collectives' : `collectives ${lane + 1}`]));
    for (const [tid, name] of threads) {
      events.push(
        { name: 'thread_name', ph: 'M', pid: device, tid, args: { name } },
        { name: 'thread_sort_index', ph: 'M', pid: device, tid, args: { sort_index: tid } },
      );
    }
  }
  // a pipelined step: its per-stage timeline (the devices' timelines above are one micro-batch's program)
  if (report.pipeline) events.push(...pipelineTraceEvents(report.pipeline));
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: { source: 'PartIR Explorer (simulated)', stepSeconds: report.time.step },
  };
}

/**
 * The Report's collective for each communication interval. Both lists follow the per-device
 * program's op order, and the timeline drops zero-length intervals, so an in-order match on kind
 * and axes pairs them up.
 */
export function matchCollectives(intervals: readonly TimelineInterval[], collectives: readonly CollectiveJson[]): (CollectiveJson | undefined)[] {
  const out: (CollectiveJson | undefined)[] = intervals.map(() => undefined);
  let next = 0;
  intervals.forEach((iv, k) => {
    if (iv.kind !== 'communication') return;
    const axes = (iv.axes ?? []).join(',');
    for (let j = next; j < collectives.length; j++) {
      const c = collectives[j];
      if (c.kind === iv.collective && c.axes.join(',') === axes && c.scope === iv.scope) {
        out[k] = c;
        next = j + 1;
        return;
      }
    }
  });
  return out;
}

export function exportTraceText(report: Report, config: Config): string {
  return `${JSON.stringify(exportTrace(report, { axes: config.mesh.axes }))}\n`;
}
