import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline';
import type { Report } from '../../report';
import { BP_MP_Z3, tinyTransformerConfig } from './fixtures';
import { exportTrace, exportTraceText, type TraceEvent } from './trace';

const config = tinyTransformerConfig(BP_MP_Z3);
const { report, mesh } = runPipeline(config);

const complete = (events: TraceEvent[]) => events.filter((e) => e.ph === 'X');

describe('exportTrace', () => {
  const trace = exportTrace(report, mesh);
  const events = trace.traceEvents;

  it('has one named process per device of the timeline, with its mesh coordinates', () => {
    const names = events.filter((e) => e.name === 'process_name');
    expect(names.map((e) => e.pid)).toEqual(report.timeline.map((t) => t.device));
    expect(names[0].args!.name).toBe('device 0 (batch=0, model=0)');
    if (report.timeline.length > 1) expect(names[1].args!.name).toBe(`device 1 (batch=0, model=1)`);
  });

  it('has an event for every interval, in microseconds, with matching durations', () => {
    expect(report.timeline.length).toBeGreaterThan(0);
    for (const { device, intervals } of report.timeline) {
      const mine = complete(events).filter((e) => e.pid === device);
      expect(mine).toHaveLength(intervals.length);
      intervals.forEach((iv, k) => {
        const e = mine[k];
        expect(e.args!.op).toBe(iv.op);
        if (iv.kind === 'compute') expect(e.name).toBe(iv.scope ? `${iv.scope} ${iv.op}` : iv.op);
        expect(e.cat).toBe(iv.kind);
        expect(e.ts!).toBeCloseTo(iv.start * 1e6, 5);
        expect(e.dur!).toBeCloseTo((iv.end - iv.start) * 1e6, 5);
      });
      const last = intervals.reduce((m, iv) => Math.max(m, iv.end), 0);
      expect(last).toBeCloseTo(report.time.step, 9);
    }
  });

  it('puts compute and collectives on separate named threads, with no overlap within a thread', () => {
    const xs = complete(events);
    expect(xs.some((e) => e.cat === 'communication'), 'BP+MP+Z3 communicates').toBe(true);
    for (const e of xs) expect(e.cat === 'compute' ? e.tid === 1 : e.tid >= 2).toBe(true);
    const tracks = new Map<string, TraceEvent[]>();
    for (const e of xs) tracks.set(`${e.pid}/${e.tid}`, [...(tracks.get(`${e.pid}/${e.tid}`) ?? []), e]);
    for (const [key, list] of tracks) {
      const [pid, tid] = key.split('/').map(Number);
      expect(events.some((m) => m.name === 'thread_name' && m.pid === pid && m.tid === tid), key).toBe(true);
      const sorted = [...list].sort((a, b) => a.ts! - b.ts!);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i].ts!).toBeGreaterThanOrEqual(sorted[i - 1].ts! + sorted[i - 1].dur! - 1e-9);
    }
  });

  it('names each collective event by kind and axes and carries the bytes the report lists for it', () => {
    const comm = complete(events).filter((e) => e.pid === report.timeline[0].device && e.cat === 'communication');
    for (const e of comm) {
      expect(e.name).toBe(`${e.args!.collective} (${(e.args!.axes as string[]).join(', ')})`);
      expect(typeof e.args!.bytes).toBe('number');
    }
    const timed = report.collectives.filter((c) => c.seconds > 0);
    expect(comm).toHaveLength(timed.length);
    expect(comm.reduce((n, e) => n + (e.args!.bytes as number), 0)).toBe(timed.reduce((n, c) => n + c.bytes, 0));
  });

  it('serialises to JSON that parses back to the same trace', () => {
    const text = exportTraceText(report, config);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(trace)));
    expect(Object.keys(JSON.parse(text))).toContain('traceEvents');
  });
});

describe('exportTrace lanes', () => {
  it('gives overlapping collectives their own threads', () => {
    const r: Report = {
      ...report,
      collectives: [],
      timeline: [{
        device: 0,
        intervals: [
          { kind: 'compute', start: 0, end: 2e-6, op: 'dot_general#1', scope: 'a' },
          { kind: 'communication', start: 0, end: 3e-6, op: 'all_reduce#2', scope: 'a', collective: 'all-reduce', axes: ['batch'] },
          { kind: 'communication', start: 1e-6, end: 2e-6, op: 'all_gather#3', scope: 'a', collective: 'all-gather', axes: ['model'] },
          { kind: 'communication', start: 3e-6, end: 4e-6, op: 'all_gather#4', scope: 'a', collective: 'all-gather', axes: ['model'] },
        ],
      }],
    };
    const xs = complete(exportTrace(r, mesh).traceEvents);
    expect(xs.map((e) => e.tid)).toEqual([1, 2, 3, 2]);
    expect(exportTrace(r, mesh).traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args!.name)).toEqual(['compute', 'collectives', 'collectives 2']);
  });
});
