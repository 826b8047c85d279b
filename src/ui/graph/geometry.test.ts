import { describe, it, expect } from 'vitest';
import type { LayoutEdge, LayoutNode } from '../../worker/layout';
import { clip, edgePath, fitTransform, hitTest } from './geometry';

const node = (id: string, x: number, y: number, w: number, h: number, depth = 0): LayoutNode =>
  ({ id, kind: 'op', label: id, sublabel: '', x, y, width: w, height: h, parent: null, depth, scope: '', axes: [], collectives: [] });

describe('fitTransform', () => {
  it('fits a large layout inside the viewport and centres it', () => {
    const t = fitTransform({ width: 2000, height: 1000 }, 1000, 600, 0);
    expect(t.k).toBeCloseTo(0.5);
    expect(t.x).toBeCloseTo(0);
    expect(2000 * t.k).toBeLessThanOrEqual(1000);
    expect(1000 * t.k).toBeLessThanOrEqual(600);
  });
  it('never zooms a small layout in past 1', () => {
    expect(fitTransform({ width: 100, height: 50 }, 1000, 600).k).toBe(1);
  });
});

describe('hitTest', () => {
  it('returns the deepest node under the point', () => {
    const g = node('g', 0, 0, 100, 100, 0);
    const c = node('c', 10, 10, 20, 20, 1);
    expect(hitTest([g, c], 15, 15)?.id).toBe('c');
    expect(hitTest([g, c], 50, 50)?.id).toBe('g');
    expect(hitTest([g, c], 150, 50)).toBeUndefined();
  });
});

describe('edgePath', () => {
  const e = (back: boolean): LayoutEdge => ({ id: 'e', source: 'a', target: 'b', points: [[10, 20], [30, 80]], label: '', values: 1, bytes: 0, back, collectives: [] });
  it('runs from the source bottom to the target top', () => {
    const p = edgePath(e(false), undefined, undefined);
    expect(p.d.startsWith('M10,20')).toBe(true);
    expect(p.d.endsWith('30,80')).toBe(true);
  });
  it('routes back edges round the right side of both nodes', () => {
    const p = edgePath(e(true), { x: 0, y: 100, width: 50, height: 20 }, { x: 0, y: 0, width: 50, height: 20 });
    expect(p.d.startsWith('M50,110')).toBe(true);
    expect(p.mid[0]).toBeGreaterThan(50);
  });
});

describe('clip', () => {
  it('keeps short labels and shortens long ones to the budget', () => {
    expect(clip('add', 10)).toBe('add');
    expect(clip('dynamic_update_slice', 8)).toHaveLength(8);
  });
});

describe('toggle box', () => {
  it('sits inside the top-right corner of the group and is hit there only', async () => {
    const { toggleBox, onToggleBox } = await import('./geometry');
    const g = { x: 100, y: 50, width: 200, height: 46, expanded: false };
    const b = toggleBox(g);
    expect(b.x + b.width).toBeLessThanOrEqual(g.x + g.width);
    expect(b.y + b.height).toBeLessThanOrEqual(g.y + g.height);
    expect(onToggleBox(g, b.x + 8, b.y + 8)).toBe(true);
    expect(onToggleBox(g, g.x + 10, g.y + 10)).toBe(false);
  });
});
