import { describe, it, expect } from 'vitest';
import type { CollectiveMark, GraphLayout, LayoutEdge, LayoutNode } from '../../worker/layout';
import { badgesWidth } from './badges';
import { BADGE_INSET, BADGE_ROW_H, badgeRowY, sizeNodesToBadges } from './nodeSizing';

const node = (id: string, x: number, y: number, w: number, h: number, extra: Partial<LayoutNode> = {}): LayoutNode =>
  ({ id, kind: 'op', label: id, sublabel: '', x, y, width: w, height: h, parent: null, depth: 0, scope: '', axes: [], collectives: [], ...extra });
const mark = (kind: CollectiveMark['kind'], count: number, axis: string): CollectiveMark => ({ kind, axes: [axis], bytes: 4, count });
const edge = (a: LayoutNode, b: LayoutNode): LayoutEdge => ({
  id: `${a.id}->${b.id}`, source: a.id, target: b.id, points: [[a.x + a.width / 2, a.y + a.height], [b.x + b.width / 2, b.y]],
  label: 'f32[8]', values: 1, bytes: 4, back: false, collectives: [],
});
const layoutOf = (nodes: LayoutNode[], edges: LayoutEdge[] = []): GraphLayout => ({
  nodes, edges, width: Math.max(...nodes.map((n) => n.x + n.width)), height: Math.max(...nodes.map((n) => n.y + n.height)),
  meshAxes: [], stages: 1, stage: 0, showsCollectives: true, expanded: [], millis: 0,
});
const many = [mark('all-gather', 24, 'batch'), mark('reduce-scatter', 128, 'batch'), mark('all-reduce', 160, 'model')];

describe('sizeNodesToBadges', () => {
  it('leaves a layout without collectives as it is', () => {
    const l = layoutOf([node('a', 0, 0, 210, 36)]);
    expect(sizeNodesToBadges(l)).toBe(l);
  });

  it('puts the badge row inside a node: taller, and edges leave from its new bottom', () => {
    const a = node('a', 0, 0, 210, 36, { collectives: [mark('all-reduce', 2, 'batch')] });
    const b = node('b', 0, 100, 210, 36);
    const out = sizeNodesToBadges(layoutOf([a, b], [edge(a, b)]));
    const [a2, b2] = out.nodes;
    expect(a2.height).toBe(36 + BADGE_ROW_H);
    expect(b2).toBe(b);
    expect(badgeRowY(a2)).toBeGreaterThanOrEqual(a.height - 2); // under the labels
    expect(badgeRowY(a2) + 15).toBeLessThanOrEqual(a2.height); // inside the box
    expect(out.edges[0].points[0]).toEqual([a2.x + a2.width / 2, a2.height]);
    expect(out.edges[0].points[1]).toEqual([b.x + b.width / 2, b.y]);
  });

  it('widens a node to its pills where its row has room, and not past a neighbour', () => {
    const need = badgesWidth(many) + 2 * BADGE_INSET;
    const lone = sizeNodesToBadges(layoutOf([node('a', 0, 0, 100, 36, { collectives: many })])).nodes[0];
    expect(lone.width).toBeCloseTo(need);
    const hemmed = sizeNodesToBadges(layoutOf([node('a', 0, 0, 100, 36, { collectives: many }), node('n', 140, 10, 100, 36)])).nodes[0];
    expect(hemmed.width).toBeGreaterThanOrEqual(100);
    expect(hemmed.x + hemmed.width).toBeLessThan(140);
  });

  it('grows an open group to keep a grown child inside', () => {
    const g = node('g', 0, 0, 300, 36 + 26 + 24, { kind: 'group', expanded: true });
    const c = node('c', 12, 38, 210, 36, { parent: 'g', depth: 1, collectives: [mark('all-gather', 1, 'batch')] });
    const out = sizeNodesToBadges(layoutOf([g, c]));
    const [g2, c2] = out.nodes;
    expect(g2.y + g2.height).toBeGreaterThan(c2.y + c2.height);
    expect(out.height).toBeGreaterThanOrEqual(g2.y + g2.height);
  });
});
