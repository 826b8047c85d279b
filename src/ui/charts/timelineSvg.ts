/**
 * The per-device timeline as a standalone SVG document (the on-screen timeline is a canvas). Intervals
 * narrower than a pixel merge with their same-coloured neighbours, as on screen, so a 96-layer step
 * stays a file of thousands of rectangles rather than hundreds of thousands.
 */
import type { Report, TimelineInterval } from '../../core/report';
import { COLLECTIVE_COLOR } from '../graph/colors';
import { deviceCoordsLabel } from './data';
import { formatSeconds } from './format';

export const TIMELINE_LABEL_W = 84;
export const TIMELINE_LANE_H = 12;
export const TIMELINE_ROW_GAP = 6;
export const TIMELINE_AXIS_H = 18;

/** Colour of an interval: compute blue (optimizer orange), communication by collective kind. */
export function intervalColor(i: TimelineInterval): string {
  if (i.kind === 'compute') return i.scope.startsWith('optimizer') ? '#f28e2b' : '#4e79a7';
  return i.collective ? COLLECTIVE_COLOR[i.collective] : '#c2185b';
}

/** The legend of a timeline: the compute colours and the collective kinds it holds, as [label, colour]. */
export function timelineLegend(timeline: Report['timeline']): [string, string][] {
  let optimizer = false;
  const kinds = new Set<string>();
  for (const d of timeline.slice(0, 1)) {
    for (const i of d.intervals) {
      if (i.kind === 'compute') optimizer ||= i.scope.startsWith('optimizer');
      else if (i.collective) kinds.add(i.collective);
    }
  }
  const out: [string, string][] = [['compute', intervalColor({ kind: 'compute', start: 0, end: 0, op: '', scope: '' })]];
  if (optimizer) out.push(['optimizer compute', intervalColor({ kind: 'compute', start: 0, end: 0, op: '', scope: 'optimizer' })]);
  for (const k of Object.keys(COLLECTIVE_COLOR) as (keyof typeof COLLECTIVE_COLOR)[]) if (kinds.has(k)) out.push([k, COLLECTIVE_COLOR[k]]);
  return out;
}

/** Which devices a timeline shows, e.g. `devices 0–7 of 32`; under SPMD every device runs the same step. */
export function timelineDevicesLabel(timeline: Report['timeline'], shown: number, total?: number): string {
  const rows = timeline.slice(0, shown);
  const first = rows[0]?.device ?? 0;
  const last = rows[rows.length - 1]?.device ?? 0;
  const which = rows.length <= 1 ? `device ${first}` : `devices ${first}–${last}`;
  return total !== undefined && total > rows.length ? `${which} of ${total}` : which;
}

/**
 * Rectangles [x0, x1, colour] of one lane, merged where adjacent intervals of one colour touch within half a
 * pixel (a 96-layer step has tens of thousands of intervals per device, far more than there are pixels).
 * `visible`: the time window drawn (a zoomed canvas); intervals wholly outside it are skipped.
 */
export function mergedLane(intervals: readonly TimelineInterval[], kind: TimelineInterval['kind'], x: (t: number) => number, minX = 0,
  visible?: readonly [number, number]): [number, number, string][] {
  const out: [number, number, string][] = [];
  for (const i of intervals) {
    if (i.kind !== kind) continue;
    if (visible && (i.end < visible[0] || i.start > visible[1])) continue;
    const x0 = Math.max(minX, x(i.start));
    const x1 = Math.max(x0 + 0.6, x(i.end));
    const color = intervalColor(i);
    const last = out[out.length - 1];
    if (last && last[2] === color && x0 <= last[1] + 0.5) last[1] = Math.max(last[1], x1);
    else out.push([x0, x1, color]);
  }
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function timelineToSvgString(
  timeline: Report['timeline'],
  opts: { width?: number; maxDevices?: number; meshAxes?: readonly { name: string; size: number }[] } = {},
): string {
  const width = opts.width ?? 1200;
  const rows = timeline.slice(0, opts.maxDevices ?? 16);
  const rowH = 2 * TIMELINE_LANE_H + TIMELINE_ROW_GAP;
  const height = TIMELINE_AXIS_H + rows.length * rowH + 4;
  let end = 0;
  for (const d of timeline) for (const i of d.intervals) if (i.end > end) end = i.end;
  end = end || 1;
  const x0 = TIMELINE_LABEL_W;
  const x = (t: number) => x0 + (t / end) * (width - 8 - x0);
  const parts: string[] = [];
  const font = 'font-family="system-ui, sans-serif" font-size="10"';
  const ticks = Math.max(2, Math.floor(width / 110));
  for (let k = 0; k <= ticks; k++) {
    const t = (end * k) / ticks;
    const px = x(t).toFixed(1);
    parts.push(`<line x1="${px}" y1="${TIMELINE_AXIS_H - 4}" x2="${px}" y2="${height}" stroke="#e3e7ec"/>`);
    parts.push(`<text x="${(x(t) + 2).toFixed(1)}" y="11" fill="#5b6673" ${font}>${esc(formatSeconds(t))}</text>`);
  }
  rows.forEach((d, r) => {
    const y = TIMELINE_AXIS_H + r * rowH;
    const label = opts.meshAxes?.length ? `device ${d.device} (${deviceCoordsLabel(d.device, opts.meshAxes)})` : `device ${d.device}`;
    parts.push(`<text x="4" y="${y + TIMELINE_LANE_H + 3}" fill="#2d3748" ${font}>${esc(label)}</text>`);
    (['compute', 'communication'] as const).forEach((kind, lane) => {
      for (const [a, b, color] of mergedLane(d.intervals, kind, x, x0)) {
        parts.push(`<rect x="${a.toFixed(1)}" y="${y + lane * TIMELINE_LANE_H}" width="${Math.max(0.6, b - a).toFixed(1)}" height="${TIMELINE_LANE_H - 1}" fill="${color}"/>`);
      }
    });
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
}
