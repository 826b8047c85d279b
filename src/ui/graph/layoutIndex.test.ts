import { describe, it, expect } from 'vitest';
import type { GraphLayout, LayoutEdge, LayoutNode } from '../../worker/layout';
import { countHighlighted, indexLayout } from './layoutIndex';
import { selectionStatus } from './SelectionStatus';
import { dropPayload, TACTIC_MIME } from './useNodeDrop';

const node = (id: string, y: number, extra: Partial<LayoutNode> = {}): LayoutNode =>
  ({ id, kind: 'op', label: `op ${id}`, sublabel: '', x: 0, y, width: 210, height: 36, parent: null, depth: 0, scope: 's', axes: [], collectives: [], ...extra });
const edge = (a: LayoutNode, b: LayoutNode): LayoutEdge => ({
  id: `${a.id}->${b.id}`, source: a.id, target: b.id, points: [[105, a.y + a.height], [105, b.y]], label: 'f32[8]', values: 1, bytes: 4, back: false, collectives: [],
});
const layoutOf = (nodes: LayoutNode[], edges: LayoutEdge[]): GraphLayout => ({
  nodes, edges, width: 210, height: 400, meshAxes: [], stages: 1, stage: 0, showsCollectives: true, expanded: [], millis: 0,
});

describe('indexLayout', () => {
  it('is empty without a layout', () => {
    const i = indexLayout(null);
    expect(i.layout).toBeNull();
    expect(i.byId.size).toBe(0);
  });

  it('indexes the drawn (badge-sized) nodes and gives every edge a label spot or null', () => {
    const a = node('a', 0, { collectives: [{ kind: 'all-reduce', axes: ['batch'], bytes: 4, count: 1 }] });
    const b = node('b', 200);
    const i = indexLayout(layoutOf([a, b], [edge(a, b)]));
    expect(i.byId.get('a')!.height).toBeGreaterThan(a.height);
    expect(i.byId.get('b')).toBe(b);
    expect(i.labels.has('a->b')).toBe(true);
  });
});

describe('countHighlighted', () => {
  it('counts nodes marked by the layout or named by the compare view, once each', () => {
    const l = layoutOf([node('a', 0, { highlighted: 2 }), node('b', 100), node('c', 200)], []);
    expect(countHighlighted(l, new Set(['a', 'c']))).toBe(2);
    expect(countHighlighted(l, undefined)).toBe(1);
    expect(countHighlighted(null, new Set(['a']))).toBe(0);
  });
});

describe('selectionStatus', () => {
  it('names an op by its label and a group by its scope', () => {
    expect(selectionStatus(node('a', 0))).toBe('op op a selected');
    expect(selectionStatus(node('g', 0, { kind: 'group', scope: 'layer_0' }))).toBe('group layer_0 selected');
    expect(selectionStatus(undefined)).toBe('');
  });
});

describe('dropPayload', () => {
  it('prefers the tactic type and falls back to plain text', () => {
    const data = (m: Record<string, string>) => ({ getData: (t: string) => m[t] ?? '' });
    expect(dropPayload(data({ [TACTIC_MIME]: 'BP', 'text/plain': 'x' }))).toBe('BP');
    expect(dropPayload(data({ 'text/plain': 'MP' }))).toBe('MP');
    expect(dropPayload(data({}))).toBe('');
  });
});
