/**
 * "Why is the peak where it is": from the liveness analysis of a per-device program (memory.ts's
 * MemoryAnalysis, read only), the values live at the peak, largest first, and the curve of live bytes in
 * program order, sampled to a few hundred points with the peak kept and the phases marked.
 * The curve is memory.ts's liveCurve, the same sweep peakMemory reads its peak from (position t = op index + 1;
 * t = 0: only the inputs are live), so the curve's maximum is the peak that the Report states.
 */
import type { Phase, Program } from '../ir/types';
import type { MemoryCurveJson, MemoryValueJson } from '../report';
import type { MemoryAnalysis } from './memory';
import { CATEGORIES, liveCurve, peakPosition } from './memory';

/** At most this many values are listed as the peak's contributors. */
export const TOP_VALUES = 10;
/** At most this many points on the curve. */
export const CURVE_POINTS = 256;

export interface MemoryProfile {
  peak: number;
  /** Position of the peak (op index + 1; 0 when only the inputs are live). */
  peakPosition: number;
  topValues: MemoryValueJson[];
  curve: MemoryCurveJson;
}

export function memoryProfile(p: Program, a: MemoryAnalysis, opts: { top?: number; points?: number } = {}): MemoryProfile {
  const live = liveCurve(p.ops.length, a);
  const at = peakPosition(live);
  return {
    peak: live[at] ?? 0,
    peakPosition: at,
    topValues: valuesLiveAt(p, a, at, opts.top ?? TOP_VALUES),
    curve: sampleCurve(p, live, at, opts.points ?? CURVE_POINTS),
  };
}

/** The `top` largest values live at position t, with the op that makes them, its scope and their category. */
export function valuesLiveAt(p: Program, a: MemoryAnalysis, t: number, top: number): MemoryValueJson[] {
  const live: number[] = [];
  for (let v = 0; v < a.bytes.length; v++) if (a.bytes[v] > 0 && a.start[v] + 1 <= t && a.end[v] + 1 >= t) live.push(v);
  live.sort((x, y) => a.bytes[y] - a.bytes[x] || x - y);
  return live.slice(0, top).map((v) => {
    const value = p.values[v];
    const op = value.def >= 0 ? p.ops[value.def] : undefined;
    return {
      value: value.name ?? `%${v}`,
      op: op ? op.kind : 'input',
      scope: op?.scope ?? '',
      category: CATEGORIES[a.category[v]],
      bytes: a.bytes[v],
    };
  });
}

/**
 * At most `points` samples: each covers a run of positions and takes its largest live bytes (so a narrow
 * spike is never sampled away), placed at the position where that maximum occurs. The sample holding the
 * peak is `peakIndex`. Phases are runs of samples whose first op has that phase.
 */
export function sampleCurve(p: Program, live: Float64Array, peakPosition: number, points: number): MemoryCurveJson {
  const n = live.length;
  const buckets = Math.max(1, Math.min(points, n));
  const out: MemoryCurveJson = { points: [], peakIndex: 0, length: n - 1, phases: [] };
  let phase: Phase | undefined;
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let best = lo;
    for (let t = lo; t < hi; t++) if (live[t] > live[best]) best = t;
    if (peakPosition >= lo && peakPosition < hi) {
      best = peakPosition;
      out.peakIndex = out.points.length;
    }
    out.points.push({ position: best, bytes: live[best] });
    // position t runs op t - 1; position 0 (inputs only) and the end take their neighbour's phase
    const op = p.ops[Math.min(Math.max(lo - 1, 0), p.ops.length - 1)];
    const ph = op?.phase;
    if (ph === undefined) continue;
    if (ph === phase) out.phases[out.phases.length - 1].end = hi - 1;
    else out.phases.push({ phase: ph, start: lo, end: hi - 1 });
    phase = ph;
  }
  return out;
}
