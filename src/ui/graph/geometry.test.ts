import { describe, it, expect } from 'vitest';
import type { LayoutEdge, LayoutNode } from '../../worker/layout';
import { boxInView, clip, edgePath, fitTransform, hitTest, sameBox, sameEdge, sameNode, svgElementEstimate } from './geometry';

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

describe('fitTransform with a readable minimum zoom', () => {
  const tall = { width: 400, height: 3000 };
  it('fits as before when the fit zoom is readable', () => {
    const t = fitTransform({ width: 500, height: 300 }, 1000, 600, { minK: 0.7 });
    expect(t.k).toBe(1);
  });
  it('never goes below minK and then shows the top of the graph', () => {
    const t = fitTransform(tall, 800, 400, { minK: 0.7, margin: 20 });
    expect(t.k).toBe(0.7);
    // the top edge of the layout sits at the margin; the graph is centred horizontally
    expect(t.y).toBeCloseTo(20);
    expect(t.x + (tall.width * t.k) / 2).toBeCloseTo(400);
  });
  it('keeps the focus box in view when cropping', () => {
    const focus = { x: 100, y: 2000, width: 200, height: 150 };
    const t = fitTransform(tall, 800, 400, { minK: 0.7, margin: 20, focus });
    expect(boxInView(focus, t, 800, 400)).toBe(true);
    // fully inside, not just touching
    expect(focus.y * t.k + t.y).toBeGreaterThanOrEqual(0);
    expect((focus.y + focus.height) * t.k + t.y).toBeLessThanOrEqual(400);
  });
  it('does not scroll past the bottom of the graph for a focus near the end', () => {
    const focus = { x: 0, y: 2990, width: 100, height: 10 };
    const t = fitTransform(tall, 800, 400, { minK: 0.7, margin: 20, focus });
    expect(tall.height * t.k + t.y).toBeGreaterThanOrEqual(400 - 20 - 1e-9);
  });
  it('keeps the old numeric margin form', () => {
    expect(fitTransform({ width: 2000, height: 1000 }, 1000, 600, 0).k).toBeCloseTo(0.5);
  });
});

describe('boxInView', () => {
  it('tells visible from off-screen boxes under a transform', () => {
    const t = { k: 2, x: -100, y: 0 };
    expect(boxInView({ x: 60, y: 10, width: 10, height: 10 }, t, 200, 200)).toBe(true);
    expect(boxInView({ x: 10, y: 10, width: 10, height: 10 }, t, 200, 200)).toBe(false); // left of x = 50
    expect(boxInView({ x: 60, y: 150, width: 10, height: 10 }, t, 200, 200)).toBe(false); // below y = 100
  });
});

describe('svgElementEstimate', () => {
  it('grows with nodes, edges and collectives', () => {
    const a = node('a', 0, 0, 10, 10);
    const e: LayoutEdge = { id: 'e', source: 'a', target: 'a', points: [[0, 0], [0, 1]], label: '', values: 1, bytes: 0, back: false, collectives: [] };
    const base = svgElementEstimate({ nodes: [a], edges: [e] });
    expect(svgElementEstimate({ nodes: [a, a], edges: [e] })).toBeGreaterThan(base);
    const withC = { ...e, collectives: [{ kind: 'all-reduce' as const, axes: ['x'], bytes: 1, count: 1 }] };
    expect(svgElementEstimate({ nodes: [a], edges: [withC] })).toBeGreaterThan(base);
  });
});

describe('sameNode / sameEdge (memoised drawing)', () => {
  const a = node('a', 10, 20, 100, 30);
  it('treats a copy as the same and a moved node as different only with the position', () => {
    expect(sameNode(a, { ...a }, true)).toBe(true);
    const moved = { ...a, y: 99 };
    expect(sameNode(a, moved, true)).toBe(false);
    expect(sameNode(a, moved, false)).toBe(true);
  });
  it('sees changed labels, shardings, collectives and highlights', () => {
    expect(sameNode(a, { ...a, sublabel: 'bf16[8@batch]' }, false)).toBe(false);
    expect(sameNode(a, { ...a, axes: [{ axis: 'batch', state: 'tiled', dim: 0 }] }, false)).toBe(false);
    expect(sameNode(a, { ...a, collectives: [{ kind: 'all-reduce', axes: ['m'], bytes: 1, count: 1 }] }, false)).toBe(false);
    expect(sameNode(a, { ...a, highlighted: 1 }, false)).toBe(false);
  });
  it('compares edges by what they draw', () => {
    const e: LayoutEdge = { id: 'e', source: 'a', target: 'b', points: [[0, 0], [0, 10]], label: 'f32[2]', values: 1, bytes: 8, back: false, collectives: [] };
    expect(sameEdge(e, { ...e, points: [[0, 0], [0, 10]] })).toBe(true);
    expect(sameEdge(e, { ...e, points: [[0, 0], [0, 11]] })).toBe(false);
    expect(sameEdge(e, { ...e, label: 'f32[2@batch]' })).toBe(false);
    expect(sameBox({ x: 0, y: 0, width: 1, height: 1 }, { x: 0, y: 0, width: 1, height: 1 })).toBe(true);
    expect(sameBox({ x: 0, y: 0, width: 1, height: 1 }, undefined)).toBe(false);
  });
});
