/**
 * Nodes sized to their collective badges (issue #16: badges hung below their node, over the edges and
 * the labels under it). The worker's layout places nodes without knowing their collectives, so that a
 * stage change never triggers a relayout (src/worker/layout/index.ts); here, before drawing, a node with
 * badges gets a badge row inside its box (taller) and, where its row has room, the width its pills need.
 * No node moves: boxes grow in place, into the gap below (40 px between layers, layered.ts), open groups
 * grow to keep their children inside, and edges follow their ends.
 */
import type { GraphLayout, LayoutEdge, LayoutNode } from '../../worker/layout';
import { BADGE_H, badgesWidth } from './badges';

/** The height a badge row adds to its node: the pill and a 2 px margin (the row starts 1 px above the old bottom). */
export const BADGE_ROW_H = BADGE_H + 2;
/** Badge row inset from the node's sides. */
export const BADGE_INSET = 4;
/** Room kept between a widened node and its right-hand neighbour, and inside an open group's border. */
const MIN_GAP = 10;

/** Where a node's badge row starts (layout units, from the node's top). */
export const badgeRowY = (n: Pick<LayoutNode, 'height'>): number => n.height - BADGE_H - 3;

const isOpen = (n: LayoutNode): boolean => n.kind === 'group' && !!n.expanded;
const overlapsY = (a: LayoutNode, b: LayoutNode): boolean => a.y < b.y + b.height && b.y < a.y + a.height;

/** The widest a node may become: up to its nearest right-hand neighbour in its row, inside its parent group. */
function roomRight(n: LayoutNode, nodes: readonly LayoutNode[], byId: ReadonlyMap<string, LayoutNode>): number {
  let limit = Infinity;
  for (const o of nodes) {
    if (o === n || isOpen(o) || o.x < n.x + n.width || !overlapsY(n, o)) continue;
    limit = Math.min(limit, o.x - MIN_GAP);
  }
  const parent = n.parent ? byId.get(n.parent) : undefined;
  if (parent) limit = Math.min(limit, parent.x + parent.width - MIN_GAP);
  return limit - n.x;
}

/** The layout with every node that has collectives grown to hold its badges. Unchanged when none has any. */
export function sizeNodesToBadges(layout: GraphLayout): GraphLayout {
  if (!layout.nodes.some((n) => n.collectives.length > 0 && !isOpen(n))) return layout;
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const sized = new Map<string, LayoutNode>();
  for (const n of layout.nodes) {
    if (isOpen(n) || n.collectives.length === 0) continue;
    const need = badgesWidth(n.collectives) + 2 * BADGE_INSET;
    const width = need > n.width ? Math.max(n.width, Math.min(need, roomRight(n, layout.nodes, byId))) : n.width;
    sized.set(n.id, { ...n, width, height: n.height + BADGE_ROW_H });
  }
  // Open groups, innermost first, grow to keep their (grown) children inside, with the padding they had.
  const open = layout.nodes.filter(isOpen).sort((a, b) => b.depth - a.depth);
  for (const g of open) {
    let bottom = g.y + g.height;
    let right = g.x + g.width;
    for (const n of layout.nodes) {
      if (n.parent !== g.id) continue;
      const was = byId.get(n.id)!;
      const now = sized.get(n.id) ?? was;
      if (now.height > was.height) bottom = Math.max(bottom, now.y + now.height + MIN_GAP);
      if (now.width > was.width) right = Math.max(right, now.x + now.width + MIN_GAP);
    }
    if (bottom > g.y + g.height || right > g.x + g.width) sized.set(g.id, { ...g, width: right - g.x, height: bottom - g.y });
  }
  const nodes = layout.nodes.map((n) => sized.get(n.id) ?? n);
  const edges = layout.edges.map((e) => moveEnds(e, sized));
  const width = Math.max(layout.width, ...nodes.map((n) => n.x + n.width));
  const height = Math.max(layout.height, ...nodes.map((n) => n.y + n.height));
  return { ...layout, nodes, edges, width, height };
}

/** An edge leaves the bottom centre of its source and enters the top centre of its target. */
function moveEnds(e: LayoutEdge, sized: ReadonlyMap<string, LayoutNode>): LayoutEdge {
  const s = sized.get(e.source);
  const t = sized.get(e.target);
  if (!s && !t) return e;
  const points = e.points.map((p) => [p[0], p[1]] as [number, number]);
  if (s) points[0] = [s.x + s.width / 2, s.y + s.height];
  if (t) points[points.length - 1] = [t.x + t.width / 2, t.y];
  return { ...e, points };
}
