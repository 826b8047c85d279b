/** Pure drawing geometry of the graph view (edge paths, marker positions, fit-to-view), shared by SVG and canvas. */
import type { AxisMark, CollectiveMark, GraphLayout, LayoutEdge, LayoutNode } from '../../worker/layout';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Point = readonly [number, number];

/**
 * The four control points of an edge's cubic: from the bottom of the source to the top of the target;
 * back edges loop round the right side. (labelPlacement.ts walks the same curve.)
 */
export function edgeControls(e: LayoutEdge, src: Box | undefined, dst: Box | undefined): [Point, Point, Point, Point] {
  if (e.back && src && dst) {
    const x1 = src.x + src.width;
    const y1 = src.y + src.height / 2;
    const x2 = dst.x + dst.width;
    const y2 = dst.y + dst.height / 2;
    const bulge = 40 + Math.min(160, Math.abs(y1 - y2) * 0.08);
    const cx = Math.max(x1, x2) + bulge;
    return [[x1, y1], [cx, y1], [cx, y2], [x2, y2]];
  }
  const [[x1, y1], [x2, y2]] = [e.points[0], e.points[e.points.length - 1]];
  const dy = Math.max(20, Math.abs(y2 - y1) / 2);
  return [[x1, y1], [x1, y1 + dy], [x2, y2 - dy], [x2, y2]];
}

/** The SVG path of an edge's cubic and a point to hang its label by. */
export function edgePath(e: LayoutEdge, src: Box | undefined, dst: Box | undefined): { d: string; mid: [number, number] } {
  const [p0, p1, p2, p3] = edgeControls(e, src, dst);
  const d = `M${p0[0]},${p0[1]} C${p1[0]},${p1[1]} ${p2[0]},${p2[1]} ${p3[0]},${p3[1]}`;
  if (e.back && src && dst) return { d, mid: [p1[0] - (p1[0] - Math.max(p0[0], p3[0])) * 0.25, (p0[1] + p3[1]) / 2] };
  return { d, mid: [(p0[0] + p3[0]) / 2, (p0[1] + p3[1]) / 2] };
}

/** Below this zoom the node labels (11–12 px) drop under ~8 px on screen: too small to read. */
export const READABLE_ZOOM = 0.72;
/** From this zoom on, edges show their sharded type (at lower zooms the labels would pile up). */
export const EDGE_LABEL_ZOOM = 0.9;

export interface FitOptions {
  margin?: number;
  /** The smallest zoom a fit may choose; a layout that would need less is shown at this zoom, cropped. */
  minK?: number;
  /** When cropped: the box to keep in view (e.g. the group just expanded); by default the top of the layout. */
  focus?: Box;
}

/**
 * The zoom transform (k, tx, ty) that fits the layout in a viewport, never zooming in past 1. A tall
 * graph (a 4-layer step is a long chain) in a short pane would fit only as unreadable specks, so the
 * fit never goes below `minK`: it then shows the focus box (or the top of the graph), centred
 * horizontally on it and starting at its top, and the user pans from there.
 */
export function fitTransform(layout: Pick<GraphLayout, 'width' | 'height'>, viewW: number, viewH: number, opts: FitOptions | number = {}): { k: number; x: number; y: number } {
  const o: FitOptions = typeof opts === 'number' ? { margin: opts } : opts;
  const margin = o.margin ?? 24;
  if (layout.width <= 0 || layout.height <= 0 || viewW <= 0 || viewH <= 0) return { k: 1, x: margin, y: margin };
  const k = Math.max(0.02, Math.min(1, (viewW - 2 * margin) / layout.width, (viewH - 2 * margin) / layout.height));
  const minK = Math.min(1, o.minK ?? 0);
  if (k >= minK) return { k, x: (viewW - layout.width * k) / 2, y: Math.max(margin, (viewH - layout.height * k) / 2) };
  const f = o.focus ?? { x: 0, y: 0, width: layout.width, height: 0 };
  // Horizontally: centre the focus, but never leave empty space where the graph could be.
  const cx = f.x + f.width / 2;
  let x = viewW / 2 - cx * minK;
  if (layout.width * minK <= viewW - 2 * margin) x = (viewW - layout.width * minK) / 2;
  else x = Math.min(margin, Math.max(viewW - margin - layout.width * minK, x));
  // Vertically: the focus starts near the top unless it is short enough to centre.
  const fh = f.height * minK;
  let y = fh > 0 && fh < viewH - 2 * margin ? viewH / 2 - (f.y + f.height / 2) * minK : margin - f.y * minK;
  y = Math.min(margin, Math.max(viewH - margin - layout.height * minK, y));
  return { k: minK, x, y };
}

/** Whether a box (layout coordinates) is at least partly inside the viewport of transform t. */
export function boxInView(b: Box, t: { k: number; x: number; y: number }, viewW: number, viewH: number, slack = 0): boolean {
  const x0 = (0 - t.x) / t.k;
  const y0 = (0 - t.y) / t.k;
  const x1 = (viewW - t.x) / t.k;
  const y1 = (viewH - t.y) / t.k;
  return b.x + b.width > x0 + slack && b.x < x1 - slack && b.y + b.height > y0 + slack && b.y < y1 - slack;
}

/** The topmost node under a layout-space point: the deepest one, since children draw over their group. */
export function hitTest(nodes: readonly LayoutNode[], x: number, y: number): LayoutNode | undefined {
  let best: LayoutNode | undefined;
  for (const n of nodes) {
    if (x >= n.x && x <= n.x + n.width && y >= n.y && y <= n.y + n.height && (!best || n.depth >= best.depth)) best = n;
  }
  return best;
}

/** Truncates a label to about `maxChars` characters with an ellipsis (SVG text does not wrap). */
export const clip = (s: string, maxChars: number): string => (s.length <= maxChars ? s : `${s.slice(0, Math.max(1, maxChars - 1))}…`);

/** The expand/collapse box of a group (top-right corner), in layout coordinates; the SVG and canvas views draw it here. */
export function toggleBox(n: Box & { expanded?: boolean }): Box {
  return { x: n.x + n.width - 22, y: n.y + (n.expanded ? 5 : 12), width: 16, height: 16 };
}

export function onToggleBox(n: Box & { expanded?: boolean }, x: number, y: number): boolean {
  const b = toggleBox(n);
  return x >= b.x - 2 && x <= b.x + b.width + 2 && y >= b.y - 2 && y <= b.y + b.height + 2;
}

/**
 * About how many SVG elements the layout draws as (a node is a box, bands, labels, a toggle; an edge a
 * path, a hit path, a title, badges): past CANVAS_THRESHOLD the browser's style and layout work on
 * every expand outweighs the drawing, so the view switches to canvas (GraphView's CANVAS_THRESHOLD).
 */
export function svgElementEstimate(layout: Pick<GraphLayout, 'nodes' | 'edges'>): number {
  let k = 0;
  for (const n of layout.nodes) k += 6 + 2 * n.axes.length + (n.kind === 'group' ? 3 : 0) + 4 * n.collectives.length;
  for (const e of layout.edges) k += 5 + 4 * e.collectives.length;
  return k;
}

// ---------------------------------------------------------------- equality for memoised drawing

const sameMarks = (a: readonly AxisMark[], b: readonly AxisMark[]): boolean =>
  a === b || (a.length === b.length && a.every((m, i) => m.axis === b[i].axis && m.state === b[i].state && m.dim === b[i].dim && m.fraction === b[i].fraction));

const sameCollectives = (a: readonly CollectiveMark[], b: readonly CollectiveMark[]): boolean =>
  a === b || (a.length === b.length && a.every((c, i) => c.kind === b[i].kind && c.bytes === b[i].bytes && c.count === b[i].count && c.axes.join() === b[i].axes.join()));

/**
 * Whether two layouts' versions of a node draw the same (every new layout has new objects, so identity
 * says nothing); `withPosition` false ignores where it is, for a body drawn in its own coordinates.
 */
export function sameNode(a: LayoutNode, b: LayoutNode, withPosition: boolean): boolean {
  if (a === b) return true;
  if (withPosition && (a.x !== b.x || a.y !== b.y)) return false;
  return a.id === b.id && a.kind === b.kind && a.label === b.label && a.sublabel === b.sublabel && a.width === b.width
    && a.height === b.height && a.expanded === b.expanded && a.opCount === b.opCount && a.inputCount === b.inputCount
    && a.phase === b.phase && a.scope === b.scope && a.highlighted === b.highlighted
    && (a.pipelineStages ?? []).join() === (b.pipelineStages ?? []).join()
    && sameMarks(a.axes, b.axes) && sameCollectives(a.collectives, b.collectives);
}

export function sameBox(a: Box | undefined, b: Box | undefined): boolean {
  return a === b || (!!a && !!b && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);
}

export function sameEdge(a: LayoutEdge, b: LayoutEdge): boolean {
  if (a === b) return true;
  return a.id === b.id && a.label === b.label && a.values === b.values && a.bytes === b.bytes && a.back === b.back
    && a.points.length === b.points.length && a.points.every((p, i) => p[0] === b.points[i][0] && p[1] === b.points[i][1])
    && sameCollectives(a.collectives, b.collectives);
}

export type Direction = 'up' | 'down' | 'left' | 'right';

/**
 * Keyboard navigation: the node to move to from `from` in a direction, among the drawn nodes that are
 * not open groups (an open group is a frame, its contents are the targets). The nearest by centre in
 * that direction, a sideways offset counting double. Without `from`: the top-left node.
 */
export function neighbour(nodes: readonly LayoutNode[], from: LayoutNode | undefined, dir: Direction): LayoutNode | undefined {
  const targets = nodes.filter((n) => !(n.kind === 'group' && n.expanded));
  const c = (n: Box) => [n.x + n.width / 2, n.y + n.height / 2] as const;
  if (!from) return [...targets].sort((a, b) => a.y - b.y || a.x - b.x)[0];
  const [x0, y0] = c(from);
  let best: LayoutNode | undefined;
  let bestScore = Infinity;
  for (const n of targets) {
    if (n.id === from.id) continue;
    const [x, y] = c(n);
    const along = dir === 'down' ? y - y0 : dir === 'up' ? y0 - y : dir === 'right' ? x - x0 : x0 - x;
    const across = dir === 'down' || dir === 'up' ? Math.abs(x - x0) : Math.abs(y - y0);
    if (along <= 1) continue;
    const score = along + 2 * across;
    if (score < bestScore) {
      bestScore = score;
      best = n;
    }
  }
  return best;
}
