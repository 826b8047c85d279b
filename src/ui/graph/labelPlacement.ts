/**
 * Where edge labels go (issue #16): the sharded type ("bf16[64@batch, 2048]", "16 tensors") above its
 * anchor and the edge's collective pills below it. Each label tries spots along its own edge, the middle
 * first, right then left of the curve, and takes the first that covers no node (nodes hold their badges,
 * nodeSizing.ts), no open group's title, no label placed before it and no other edge's arrow. A label
 * with no such spot gets null: it shows on hover, or at its edge's middle when an end is selected.
 * Edges with collectives go first, then the heaviest; back edges without collectives show on hover only.
 */
import type { GraphLayout, LayoutEdge } from '../../worker/layout';
import { badgeRow, BADGE_H } from './badges';
import { clip, edgeControls, type Box, type Point } from './geometry';
import { EDGE_LABEL_FONT, textWidth } from './textFit';

/** Edge pills are capped at this width: past it a `+N` pill stands for the rest (badges.ts). */
export const EDGE_PILLS_W = 110;
/** Characters of an edge's label shown before an ellipsis. */
export const EDGE_LABEL_CHARS = 40;
/** An open group's title strip (worker/layout's GROUP_HEADER). */
const GROUP_TITLE_H = 26;
/** Where along its edge (the curve's parameter) a label tries to sit, in order. */
const ALONG = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78];
/** Gap between the curve and the label beside it. */
const BESIDE = 4;
/** Segments an edge's curve is cut into to test what it crosses. */
const SEGMENTS = 16;

/** The text an edge's label shows. */
export const edgeLabelText = (e: Pick<LayoutEdge, 'label'>): string => clip(e.label, EDGE_LABEL_CHARS);

/** The box an edge's label takes when anchored at (x, y): the sharded type above y, the pills below. */
export function edgeLabelBox(e: Pick<LayoutEdge, 'label' | 'collectives'>, x: number, y: number): Box {
  const text = textWidth(edgeLabelText(e), EDGE_LABEL_FONT);
  const pills = e.collectives.length ? badgeRow(e.collectives, EDGE_PILLS_W).width : 0;
  return { x, y: y - 11, width: Math.ceil(Math.max(text, pills)), height: 11 + (pills ? 2 + BADGE_H : 2) };
}

/** Also true for a zero-width or zero-height box on the edge (a straight vertical or horizontal segment). */
const overlapsOrTouches = (a: Box, b: Box): boolean => a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The point at parameter t of a cubic Bézier. */
export function bezierAt([p0, p1, p2, p3]: readonly Point[], t: number): Point {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return [a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]];
}

/** Whether the segment p–q crosses the box (Liang–Barsky clipping). */
export function segmentHitsBox(p: Point, q: Point, b: Box): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = q[0] - p[0];
  const dy = q[1] - p[1];
  const edges: [number, number][] = [[-dx, p[0] - b.x], [dx, b.x + b.width - p[0]], [-dy, p[1] - b.y], [dy, b.y + b.height - p[1]]];
  for (const [pk, qk] of edges) {
    if (pk === 0) {
      if (qk < 0) return false;
      continue;
    }
    const r = qk / pk;
    if (pk < 0) t0 = Math.max(t0, r);
    else t1 = Math.min(t1, r);
    if (t0 > t1) return false;
  }
  return true;
}

/**
 * Boxes bucketed by a square grid, so that "does this label's box hit anything" looks only at what is
 * near: placing every label of a canvas-size graph (thousands of edges) stays near-linear.
 */
class BoxGrid<T extends { box: Box }> {
  private readonly cells = new Map<number, T[]>();
  constructor(private readonly cell: number) {}

  /** Cell keys as numbers (column × a large odd factor + row): string keys cost more than the tests. */
  private keys(b: Box): number[] {
    const out: number[] = [];
    for (let i = Math.floor(b.x / this.cell); i <= Math.floor((b.x + b.width) / this.cell); i++)
      for (let j = Math.floor(b.y / this.cell); j <= Math.floor((b.y + b.height) / this.cell); j++) out.push(i * 1_000_003 + j);
    return out;
  }

  add(item: T): void {
    for (const k of this.keys(item.box)) {
      const list = this.cells.get(k);
      if (list) list.push(item);
      else this.cells.set(k, [item]);
    }
  }

  some(b: Box, hit: (item: T) => boolean): boolean {
    for (const k of this.keys(b)) for (const item of this.cells.get(k) ?? []) if (hit(item)) return true;
    return false;
  }
}

/** A piece of an edge's curve (the curve cut into SEGMENTS straight pieces). */
interface Segment {
  edge: string;
  p: Point;
  q: Point;
  box: Box;
}

function segmentsOf(e: LayoutEdge, controls: readonly Point[]): Segment[] {
  const points = Array.from({ length: SEGMENTS + 1 }, (_, i) => bezierAt(controls, i / SEGMENTS));
  return points.slice(1).map((q, i) => {
    const p = points[i];
    const x = Math.min(p[0], q[0]);
    const y = Math.min(p[1], q[1]);
    return { edge: e.id, p, q, box: { x, y, width: Math.abs(q[0] - p[0]), height: Math.abs(q[1] - p[1]) } };
  });
}

/** The grid's cell: a few label heights, about a node's width. */
const CELL = 160;

export type LabelSpot = readonly [number, number] | null;

/** Each edge's label anchor (the box's left and the text's baseline region, see edgeLabelBox), or null. */
export function placeEdgeLabels(layout: Pick<GraphLayout, 'nodes' | 'edges'>, byId: ReadonlyMap<string, Box>): Map<string, LabelSpot> {
  const blocked = new BoxGrid<{ box: Box }>(CELL);
  for (const n of layout.nodes) {
    if (n.kind === 'group' && n.expanded) blocked.add({ box: { x: n.x, y: n.y, width: n.width, height: GROUP_TITLE_H } });
    else blocked.add({ box: n });
  }
  const controls = new Map(layout.edges.map((e) => [e.id, edgeControls(e, byId.get(e.source), byId.get(e.target))]));
  const curves = new BoxGrid<Segment>(CELL);
  for (const e of layout.edges) for (const seg of segmentsOf(e, controls.get(e.id)!)) curves.add(seg);
  const free = (b: Box, own: string): boolean =>
    !blocked.some(b, (o) => overlaps(b, o.box)) && !curves.some(b, (c) => c.edge !== own && overlapsOrTouches(b, c.box) && segmentHitsBox(c.p, c.q, b));
  const out = new Map<string, LabelSpot>();
  const order = [...layout.edges].sort((a, b) => Number(b.collectives.length > 0) - Number(a.collectives.length > 0) || b.values - a.values);
  for (const e of order) {
    if (e.back && e.collectives.length === 0) {
      out.set(e.id, null);
      continue;
    }
    const size = edgeLabelBox(e, 0, 0); // measured once; a spot only moves it
    const width = size.width;
    let at: LabelSpot = null;
    for (const t of ALONG) {
      const [x, y] = bezierAt(controls.get(e.id)!, t);
      for (const left of [x + BESIDE, x - BESIDE - width]) {
        const b = { ...size, x: left, y: size.y + y };
        if (free(b, e.id)) {
          at = [left, y];
          blocked.add({ box: b });
          break;
        }
      }
      if (at) break;
    }
    out.set(e.id, at);
  }
  return out;
}
