import { describe, it, expect } from 'vitest';
import type { LayoutEdge, LayoutNode } from '../../worker/layout';
import { edgeControls, type Box } from './geometry';
import { bezierAt, edgeLabelBox, placeEdgeLabels, segmentHitsBox } from './labelPlacement';

const node = (id: string, x: number, y: number, w: number, h: number): LayoutNode =>
  ({ id, kind: 'op', label: id, sublabel: '', x, y, width: w, height: h, parent: null, depth: 0, scope: '', axes: [], collectives: [] });

const edge = (id: string, a: LayoutNode, b: LayoutNode, label: string, withCollective = false): LayoutEdge => ({
  id, source: a.id, target: b.id, points: [[a.x + a.width / 2, a.y + a.height], [b.x + b.width / 2, b.y]], label, values: 1, bytes: 4,
  back: false, collectives: withCollective ? [{ kind: 'all-gather', axes: ['batch'], bytes: 4, count: 24 }] : [],
});

const hit = (p: Box, q: Box) => p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height;

/** Whether the drawn curve of `e` passes through box `b` (sampled finely, independently of the placement's own test). */
function curveThrough(e: LayoutEdge, byId: ReadonlyMap<string, Box>, b: Box): boolean {
  const c = edgeControls(e, byId.get(e.source), byId.get(e.target));
  for (let i = 0; i <= 400; i++) {
    const [x, y] = bezierAt(c, i / 400);
    if (x > b.x && x < b.x + b.width && y > b.y && y < b.y + b.height) return true;
  }
  return false;
}

describe('placeEdgeLabels', () => {
  it('gives labels of edges that cross spots that overlap neither each other, nor a node, nor another edge', () => {
    const a = node('a', 0, 0, 200, 36);
    const b = node('b', 0, 200, 200, 36);
    const c = node('c', 300, 0, 200, 36);
    const d = node('d', -100, 200, 200, 36);
    // a→b and c→d cross: at their midpoints the labels would print over each other and over the arrows
    const edges = [edge('a->b', a, b, 'bf16[64@batch, 2048]', true), edge('c->d', c, d, '16 tensors', true), edge('a->d', a, d, 'f32[8]')];
    const nodes = [a, b, c, d];
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const at = placeEdgeLabels({ nodes, edges }, byId);
    const boxes = edges.map((e) => {
      const p = at.get(e.id);
      expect(p, e.id).toBeTruthy();
      return edgeLabelBox(e, p![0], p![1]);
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) expect(hit(boxes[i], boxes[j]), `${edges[i].id} / ${edges[j].id}`).toBe(false);
      for (const n of nodes) expect(hit(boxes[i], n), `${edges[i].id} over ${n.id}`).toBe(false);
      for (const o of edges) if (o !== edges[i]) expect(curveThrough(o, byId, boxes[i]), `${edges[i].id} over the arrow of ${o.id}`).toBe(false);
    }
  });

  it('leaves a label out (null) when there is no free spot near its edge', () => {
    const a = node('a', 0, 0, 200, 36);
    const b = node('b', 0, 60, 200, 36);
    // a wall of nodes around the short edge's midpoint
    const wall = Array.from({ length: 12 }, (_, i) => node(`w${i}`, -400 + (i % 4) * 300, -80 + Math.floor(i / 4) * 90, 300, 80));
    const nodes = [a, b, ...wall];
    const at = placeEdgeLabels({ nodes, edges: [edge('a->b', a, b, 'a long sharded type label here')] }, new Map(nodes.map((n) => [n.id, n])));
    expect(at.get('a->b')).toBeNull();
  });

  it('keeps labels off the title strip of an open group', () => {
    const g: LayoutNode = { ...node('g', -300, 80, 800, 300), kind: 'group', expanded: true };
    const a = node('a', 0, 0, 200, 36);
    const b = node('b', 0, 150, 200, 36);
    const nodes = [g, a, b];
    const e = edge('a->b', a, b, 'bf16[64@batch, 2048]', true);
    const p = placeEdgeLabels({ nodes, edges: [e] }, new Map(nodes.map((n) => [n.id, n]))).get(e.id);
    expect(p).toBeTruthy();
    expect(hit(edgeLabelBox(e, p![0], p![1]), { x: g.x, y: g.y, width: g.width, height: 26 })).toBe(false);
  });

  it('sizes a label box to its text and its pills', () => {
    const e = edge('e', node('a', 0, 0, 10, 10), node('b', 0, 100, 10, 10), 'f32[8]');
    const plain = edgeLabelBox(e, 0, 20);
    const withPills = edgeLabelBox({ ...e, collectives: [{ kind: 'all-reduce', axes: ['model'], bytes: 4, count: 2 }] }, 0, 20);
    expect(withPills.height).toBeGreaterThan(plain.height);
    expect(edgeLabelBox({ ...e, label: 'f32[8, 16, 32, 64]' }, 0, 20).width).toBeGreaterThan(plain.width);
  });
});

describe('segmentHitsBox', () => {
  const b = { x: 0, y: 0, width: 10, height: 10 };
  it('sees a segment crossing the box and misses one passing by', () => {
    expect(segmentHitsBox([-5, 5], [15, 5], b)).toBe(true);
    expect(segmentHitsBox([-5, -5], [15, 15], b)).toBe(true);
    expect(segmentHitsBox([-5, 12], [15, 30], b)).toBe(false);
    expect(segmentHitsBox([12, -5], [12, 15], b)).toBe(false);
  });
});
