/**
 * Pointer events on the graph host. In SVG mode each node handles its own; the host only clears the
 * selection on a click on the background. The canvas has no elements, so in canvas mode the host maps
 * the pointer into layout coordinates and hit-tests: click selects (or toggles, on a group's box),
 * double-click toggles, hover shows a tooltip, a drop goes to the node under it.
 */
import { useState, type DragEvent, type MouseEvent, type RefObject } from 'react';
import type { ZoomTransform } from 'd3';
import type { GraphLayout, LayoutNode } from '../../worker/layout';
import { hitTest, onToggleBox } from './geometry';

export interface HostPointerInput {
  hostRef: RefObject<HTMLDivElement | null>;
  transformRef: RefObject<ZoomTransform>;
  layout: GraphLayout | null;
  mode: 'svg' | 'canvas';
  select: (id: string | null, n?: LayoutNode) => void;
  toggle: (n: LayoutNode) => void;
  /** Set when drops are accepted. */
  dropOn?: (id: string, e: DragEvent) => void;
}

export interface Hover {
  node: LayoutNode;
  x: number;
  y: number;
}

export function useHostPointer({ hostRef, transformRef, layout, mode, select, toggle, dropOn }: HostPointerInput) {
  /** Canvas mode has no <title>s: the node under the pointer, for a small tooltip. */
  const [hover, setHover] = useState<Hover | null>(null);
  const canvas = mode === 'canvas' && !!layout;
  /** The node under a client point, and the point in layout coordinates. */
  const under = (e: MouseEvent): { n: LayoutNode | undefined; x: number; y: number } => {
    const r = hostRef.current!.getBoundingClientRect();
    const [x, y] = transformRef.current.invert([e.clientX - r.left, e.clientY - r.top]);
    return { n: layout ? hitTest(layout.nodes, x, y) : undefined, x, y };
  };

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    if (canvas) {
      const { n, x, y } = under(e);
      if (n && n.kind === 'group' && onToggleBox(n, x, y)) toggle(n);
      else select(n ? n.id : null, n);
    } else if (e.target === e.currentTarget || (e.target as Element).tagName === 'svg') select(null);
  };
  const onMouseMove = canvas ? (e: MouseEvent<HTMLDivElement>) => {
    const { n } = under(e);
    const r = hostRef.current!.getBoundingClientRect();
    if (!n || (n.kind === 'group' && n.expanded)) setHover(null);
    else if (hover?.node.id !== n.id) setHover({ node: n, x: e.clientX - r.left, y: e.clientY - r.top });
  } : undefined;
  const onDoubleClick = (e: MouseEvent<HTMLDivElement>) => {
    if (!canvas) return;
    const { n } = under(e);
    if (n) toggle(n);
  };
  const onDragOver = canvas && dropOn ? (e: DragEvent<HTMLDivElement>) => e.preventDefault() : undefined;
  const onDrop = canvas && dropOn ? (e: DragEvent<HTMLDivElement>) => {
    const { n } = under(e);
    if (n) dropOn(n.id, e);
  } : undefined;

  return { hover, handlers: { onClick, onMouseMove, onMouseLeave: () => setHover(null), onDoubleClick, onDragOver, onDrop } };
}
