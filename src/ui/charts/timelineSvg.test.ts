import { describe, it, expect } from 'vitest';
import type { TimelineInterval } from '../../core/report';
import { intervalColor, mergedLane, timelineToSvgString } from './timelineSvg';

const iv = (kind: TimelineInterval['kind'], start: number, end: number, extra: Partial<TimelineInterval> = {}): TimelineInterval =>
  ({ kind, start, end, op: `dot_general#${start}`, scope: 'layer_0/mlp', ...extra });

describe('mergedLane', () => {
  it('merges adjacent sub-pixel intervals of one colour and keeps gaps', () => {
    // one unit = one pixel: three 0.2 px intervals (each drawn at least 0.6 px wide) then one far off
    const xs = [iv('compute', 0, 0.2), iv('compute', 0.2, 0.4), iv('compute', 0.4, 0.6), iv('compute', 5, 6)];
    const rects = mergedLane(xs, 'compute', (t) => t);
    expect(rects).toHaveLength(2);
    expect(rects[0][0]).toBe(0);
    expect(rects[0][1]).toBeCloseTo(1.0);
    expect(rects[1][0]).toBe(5);
    expect(rects[1][1]).toBe(6);
  });
  it('skips intervals outside the visible window (a zoomed canvas draws only what shows)', () => {
    const xs = [iv('compute', 0, 1), iv('compute', 3, 4, { scope: 'optimizer/w' }), iv('compute', 8, 9)];
    const rects = mergedLane(xs, 'compute', (t) => t, 0, [2.5, 5]);
    expect(rects).toEqual([[3, 4, intervalColor(xs[1])]]);
    expect(mergedLane(xs, 'compute', (t) => t)).toHaveLength(3);
  });
  it('does not merge across colours or lanes', () => {
    const xs = [iv('compute', 0, 1), iv('compute', 1, 2, { scope: 'optimizer/w' }), iv('communication', 0, 2, { collective: 'all-reduce' })];
    expect(mergedLane(xs, 'compute', (t) => t)).toHaveLength(2);
    const comm = mergedLane(xs, 'communication', (t) => t);
    expect(comm).toHaveLength(1);
    expect(comm[0][2]).toBe(intervalColor(xs[2]));
  });
});

describe('timelineToSvgString', () => {
  it('draws one labelled row per device (capped) as a standalone SVG document', () => {
    const timeline = [0, 1, 2].map((device) => ({ device, intervals: [iv('compute', 0, 1e-3), iv('communication', 1e-3, 2e-3, { collective: 'all-gather' })] }));
    const svg = timelineToSvgString(timeline, { width: 600, maxDevices: 2 });
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('device 1');
    expect(svg).not.toContain('device 2');
    // background + 2 devices × (compute + communication)
    expect(svg.match(/<rect /g)?.length).toBe(1 + 2 * 2);
    expect(new DOMParserLike(svg).wellFormed).toBe(true);
  });
});

/** A minimal well-formedness check without a DOM: every opened tag is closed in order. */
class DOMParserLike {
  readonly wellFormed: boolean;
  constructor(text: string) {
    const stack: string[] = [];
    let ok = true;
    for (const m of text.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
      if (m[3] === '/') continue;
      if (m[1] === '/') ok = ok && stack.pop() === m[2];
      else stack.push(m[2]);
    }
    this.wellFormed = ok && stack.length === 0;
  }
}
