/** Pure shaping of Report parts into what the charts draw (stacks, segments, sorted rows). */
import { sumCollectives, type CollectiveSum } from '../../core/collectiveSums';
import { deviceCoords } from '../../core/mesh/mesh';
import type { BytesByCategory, CollectiveJson, DeviceMemory, Report, TimeJson, TimelineInterval } from '../../core/report';

export const MEMORY_CATEGORIES: readonly (keyof BytesByCategory)[] = ['params', 'optimizer', 'gradients', 'activations', 'temporaries'];

export const MEMORY_COLOR: Record<keyof BytesByCategory, string> = {
  params: '#4e79a7', optimizer: '#f28e2b', gradients: '#e15759', activations: '#76b7b2', temporaries: '#bab0ac',
};

export interface MemorySegment {
  device: number;
  category: keyof BytesByCategory;
  /** Stack bottom and top, bytes. */
  y0: number;
  y1: number;
}

/** Stacks each device's bytes-at-peak by category, in MEMORY_CATEGORIES order (bottom → top). */
export function stackMemory(perDevice: readonly DeviceMemory[]): MemorySegment[] {
  const out: MemorySegment[] = [];
  for (const d of perDevice) {
    let y = 0;
    for (const c of MEMORY_CATEGORIES) {
      const v = Math.max(0, d.atPeak[c] ?? 0);
      out.push({ device: d.device, category: c, y0: y, y1: y + v });
      y += v;
    }
  }
  return out;
}

/**
 * Top of the memory axis. The capacity line is kept on the scale unless it would squash the bars
 * (a 600 MiB step on a 95 GiB device): past 3× the tallest bar it is only named, off scale.
 */
export function memoryDomainMax(perDevice: readonly DeviceMemory[]): { max: number; capacityOnScale: boolean } {
  let data = 0;
  let capacity = 0;
  for (const d of perDevice) {
    const total = MEMORY_CATEGORIES.reduce((s, c) => s + Math.max(0, d.atPeak[c] ?? 0), 0);
    data = Math.max(data, total, d.peak);
    capacity = Math.max(capacity, d.capacity);
  }
  const capacityOnScale = data === 0 || capacity <= 3 * data;
  return { max: capacityOnScale ? Math.max(data, capacity) : data, capacityOnScale };
}

export interface TimeSegment {
  label: string;
  seconds: number;
  kind: 'compute' | 'exposed' | 'axis';
  axis?: string;
}

/**
 * The step split for the time chart: the critical path (compute + exposed communication, which sum
 * to about the step) and communication per mesh axis (of which only the exposed part costs time).
 */
export function splitStepTime(time: TimeJson): { critical: TimeSegment[]; perAxis: TimeSegment[]; hidden: number } {
  const critical: TimeSegment[] = [
    { label: 'compute', seconds: Math.max(0, time.compute), kind: 'compute' },
    { label: 'exposed communication', seconds: Math.max(0, time.exposedCommunication), kind: 'exposed' },
  ];
  const perAxis = Object.entries(time.perAxis).map(([axis, s]) => ({ label: axis, seconds: Math.max(0, s), kind: 'axis' as const, axis }));
  return { critical, perAxis, hidden: Math.max(0, time.communication - time.exposedCommunication) };
}

/** Communication per step: the bytes of every collective of the step (each counted once). */
export const communicationBytes = (collectives: readonly CollectiveJson[]): number =>
  collectives.reduce((s, c) => s + c.bytes, 0);

/** Peak memory over all devices (the figure that decides whether the step fits). */
export const peakMemory = (perDevice: readonly DeviceMemory[]): number => perDevice.reduce((m, d) => Math.max(m, d.peak), 0);

export type CollectiveSortKey = 'kind' | 'axes' | 'bytes' | 'seconds' | 'op' | 'phase';

/** A sorted copy; ties keep their report order so the table does not jump. */
export function sortCollectives(rows: readonly CollectiveJson[], key: CollectiveSortKey, descending: boolean): CollectiveJson[] {
  const val = (c: CollectiveJson): string | number => (key === 'axes' ? c.axes.join(',') : c[key]);
  const idx = rows.map((r, i) => [r, i] as const);
  idx.sort(([a, i], [b, j]) => {
    const x = val(a);
    const y = val(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (descending ? -c : c) || i - j;
  });
  return idx.map(([r]) => r);
}

/** Collectives summed by kind and axes, for the "by axis" view and the table footer. */
export function collectivesByAxes(rows: readonly CollectiveJson[]): CollectiveSum[] {
  return sumCollectives(rows, ['kind', 'axes']).sort((a, b) => b.seconds - a.seconds || b.bytes - a.bytes);
}

/** The interval of a device's timeline at time t, by binary search over the (ordered) intervals. */
export function intervalAt(intervals: readonly TimelineInterval[], t: number, lane?: 'compute' | 'communication'): TimelineInterval | undefined {
  const xs = lane ? intervals.filter((i) => i.kind === lane) : intervals;
  let lo = 0;
  let hi = xs.length - 1;
  let best: TimelineInterval | undefined;
  // intervals are ordered by start; find the last one starting at or before t, then check it covers t
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid].start <= t) {
      best = xs[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best && t <= best.end) return best;
  // overlapping lanes: a shorter interval may start earlier and still cover t
  for (let i = Math.min(xs.length - 1, lo); i >= 0 && i >= lo - 64; i--) if (xs[i].start <= t && t <= xs[i].end) return xs[i];
  return undefined;
}

/**
 * Per-stage effects: what each tactic seeded and reached, its conflicts, and (for programs small enough
 * that the pipeline costs every stage) the peak memory and step time after it.
 */
export function stageEffects(report: Pick<Report, 'stages'>): { tactic: string; axis: string; reached: number; seeded: number; conflicts: number; peak?: number; step?: number }[] {
  return report.stages.map((s) => ({
    tactic: s.tactic, axis: s.axis, reached: s.reached, seeded: s.seeded.length, conflicts: s.conflicts.length,
    peak: s.memory?.peak, step: s.time?.step,
  }));
}

/**
 * Consecutive devices with the same bytes at peak drawn as one bar (`0–63`), so that a 512-device
 * mesh of identical devices stays readable; distinct devices keep their own bar.
 */
export function groupDevices(perDevice: readonly DeviceMemory[]): { label: string; first: number; last: number; memory: DeviceMemory }[] {
  const out: { label: string; first: number; last: number; memory: DeviceMemory }[] = [];
  const same = (a: DeviceMemory, b: DeviceMemory) =>
    a.peak === b.peak && a.capacity === b.capacity && MEMORY_CATEGORIES.every((c) => a.atPeak[c] === b.atPeak[c]);
  for (const d of perDevice) {
    const last = out[out.length - 1];
    if (last && same(last.memory, d) && d.device === last.last + 1) {
      last.last = d.device;
      last.label = `${last.first}–${d.device}`;
    } else out.push({ label: String(d.device), first: d.device, last: d.device, memory: d });
  }
  return out;
}

/** The global op id in a timeline interval's `op` (`<kind>#<global op id>`), so a click can select the graph node. */
export function opIdOfInterval(op: string): number | undefined {
  const m = /#(\d+)$/.exec(op);
  return m ? Number(m[1]) : undefined;
}

/** Coordinates of a device on the mesh (core's row-major order, the last axis fastest), as `batch 1 · model 0`. */
export function deviceCoordsLabel(device: number, axes: readonly { name: string; size: number }[]): string {
  const c = deviceCoords({ axes }, device);
  return axes.map((a, i) => `${a.name} ${c[i]}`).join(' · ');
}
