/** Pure drawing geometry of the graph view (edge paths, marker positions, fit-to-view), shared by SVG and canvas. */
import type { GraphLayout, LayoutEdge, LayoutNode } from '../../worker/layout';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A cubic path from the bottom of the source to the top of the target; back edges loop round the right side. */
export function edgePath(e: LayoutEdge, src: Box | undefined, dst: Box | undefined): { d: string; mid: [number, number] } {
  if (e.back && src && dst) {
    const x1 = src.x + src.width;
    const y1 = src.y + src.height / 2;
    const x2 = dst.x + dst.width;
    const y2 = dst.y + dst.height / 2;
    const bulge = 40 + Math.min(160, Math.abs(y1 - y2) * 0.08);
    const cx = Math.max(x1, x2) + bulge;
    return { d: `M${x1},${y1} C${cx},${y1} ${cx},${y2} ${x2},${y2}`, mid: [cx - bulge * 0.25, (y1 + y2) / 2] };
  }
  const [[x1, y1], [x2, y2]] = [e.points[0], e.points[e.points.length - 1]];
  const dy = Math.max(20, Math.abs(y2 - y1) / 2);
  return { d: `M${x1},${y1} C${x1},${y1 + dy} ${x2},${y2 - dy} ${x2},${y2}`, mid: [(x1 + x2) / 2, (y1 + y2) / 2] };
}

/** The zoom transform (k, tx, ty) that fits the whole layout in a viewport, never zooming in past 1. */
export function fitTransform(layout: Pick<GraphLayout, 'width' | 'height'>, viewW: number, viewH: number, margin = 24): { k: number; x: number; y: number } {
  if (layout.width <= 0 || layout.height <= 0 || viewW <= 0 || viewH <= 0) return { k: 1, x: margin, y: margin };
  const k = Math.min(1, (viewW - 2 * margin) / layout.width, (viewH - 2 * margin) / layout.height);
  const kk = Math.max(0.02, k);
  return { k: kk, x: (viewW - layout.width * kk) / 2, y: Math.max(margin, (viewH - layout.height * kk) / 2) };
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
