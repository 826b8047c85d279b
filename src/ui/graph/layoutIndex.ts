/**
 * What the graph view derives from a worker layout before drawing it: the layout with nodes sized to
 * their badges (nodeSizing.ts), nodes by id, the edge label spots (labelPlacement.ts) and how many
 * nodes are marked (compare view). Pure, so that it is tested without React; useLayoutIndex memoises it.
 */
import type { GraphLayout, LayoutNode } from '../../worker/layout';
import { placeEdgeLabels, type LabelSpot } from './labelPlacement';
import { sizeNodesToBadges } from './nodeSizing';

export interface LayoutIndex {
  /** The layout as drawn (nodes grown to hold their badges), null without one. */
  layout: GraphLayout | null;
  byId: ReadonlyMap<string, LayoutNode>;
  labels: ReadonlyMap<string, LabelSpot>;
}

export function indexLayout(given: GraphLayout | null): LayoutIndex {
  if (!given) return { layout: null, byId: new Map(), labels: new Map() };
  const layout = sizeNodesToBadges(given);
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  return { layout, byId, labels: placeEdgeLabels(layout, byId) };
}

/** Nodes marked as differing (compare view): highlighted by the layout itself, or named in `highlight`. */
export function countHighlighted(layout: GraphLayout | null, highlight: ReadonlySet<string> | undefined): number {
  let k = 0;
  for (const n of layout?.nodes ?? []) if (n.highlighted || highlight?.has(n.id)) k++;
  return k;
}
