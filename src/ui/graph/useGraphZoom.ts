/**
 * Pan, zoom and fit of the graph view: d3-zoom owns the transform (React is not re-rendered on every wheel
 * event), the overview (minimap) shows while the graph does not fit, a new program is fitted afresh,
 * expand/collapse refits unless the user has moved the view, and a node selected from elsewhere is brought
 * into view. The geometry itself (fitTransform, boxInView) is geometry.ts's.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { select, zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import type { GraphLayout, LayoutNode } from '../../worker/layout';
import { EDGE_LABEL_ZOOM, READABLE_ZOOM, boxInView, fitTransform } from './geometry';
import { minimapSize, type MinimapHandle } from './Minimap';

export interface GraphZoomInput {
  hostRef: RefObject<HTMLDivElement | null>;
  /** The SVG group the transform is set on (svg mode). */
  viewportRef: RefObject<SVGGElement | null>;
  /** Redraws the canvas (canvas mode), called after each zoom event. */
  redrawRef: RefObject<() => void>;
  layout: GraphLayout | null;
  byId: ReadonlyMap<string, LayoutNode>;
  selected: string | null;
  size: { w: number; h: number };
  /** The node last selected by a click in the view: such a selection never pans. */
  clickedRef: RefObject<string | null>;
  /** The group last expanded or collapsed in the view, kept in sight when the graph is refitted. */
  toggledRef: RefObject<string | null>;
}

/** Room between the fitted graph and the minimap (graph.css puts the minimap 8 px from the edge). */
const MINIMAP_GAP = 16;

/** Whether a graph of `w`×`h` at zoom `k` overflows a `cw`×`ch` view (then the minimap shows). */
const overflows = (w: number, h: number, k: number, cw: number, ch: number): boolean => w * k > cw * 1.05 || h * k > ch * 1.05;

export function useGraphZoom({ hostRef, viewportRef, redrawRef, layout, byId, selected, size, clickedRef, toggledRef }: GraphZoomInput) {
  const zoomRef = useRef<ZoomBehavior<HTMLDivElement, unknown> | null>(null);
  const transformRef = useRef<ZoomTransform>(zoomIdentity);
  const fittedRef = useRef<string | null>(null);
  /** Whether the user has panned or zoomed since the last fit: then expand/collapse keeps their view. */
  const userMovedRef = useRef(false);
  const [minimap, setMinimap] = useState(false);
  const minimapRef = useRef<MinimapHandle>(null);
  const layoutSizeRef = useRef({ w: 0, h: 0 });
  layoutSizeRef.current = { w: layout?.width ?? 0, h: layout?.height ?? 0 };

  const centreOn = useCallback((x: number, y: number) => {
    const host = hostRef.current;
    if (!host || !zoomRef.current) return;
    const k = transformRef.current.k;
    userMovedRef.current = true;
    select(host).call(zoomRef.current.transform, zoomIdentity.translate(host.clientWidth / 2 - x * k, host.clientHeight / 2 - y * k).scale(k));
  }, [hostRef]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host || !layout) return;
    const t = transformRef.current;
    setMinimap(overflows(layout.width, layout.height, t.k, host.clientWidth, host.clientHeight));
    minimapRef.current?.draw(t, host.clientWidth, host.clientHeight);
  }, [hostRef, layout, minimap, size]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const z = d3zoom<HTMLDivElement, unknown>()
      .scaleExtent([0.02, 4])
      .filter((ev: Event) => ev.type !== 'mousedown' || (ev as MouseEvent).button === 0)
      .on('zoom', (ev: { transform: ZoomTransform; sourceEvent?: Event | null }) => {
        transformRef.current = ev.transform;
        if (ev.sourceEvent) userMovedRef.current = true; // a wheel or a drag, not one of our fits
        viewportRef.current?.setAttribute('transform', ev.transform.toString());
        // Edge labels (sharded types) only once zoomed in far enough to read them; a class, not a re-render.
        host.classList.toggle('graph-zoomed-in', ev.transform.k >= EDGE_LABEL_ZOOM);
        // Below the readable zoom the 10 px labels and pills are specks that only clutter: hover shows them.
        host.classList.toggle('graph-zoomed-out', ev.transform.k < READABLE_ZOOM);
        requestAnimationFrame(() => redrawRef.current());
        minimapRef.current?.draw(ev.transform, host.clientWidth, host.clientHeight);
        const big = layoutSizeRef.current;
        setMinimap(overflows(big.w, big.h, ev.transform.k, host.clientWidth, host.clientHeight));
      });
    zoomRef.current = z;
    const sel = select(host);
    sel.call(z).on('dblclick.zoom', null);
    return () => {
      sel.on('.zoom', null);
    };
  }, [hostRef, viewportRef, redrawRef]);

  /** Fits the graph at a readable zoom, keeping `focus` (a group just toggled) in view when it must crop. */
  const fitTo = useCallback((focusId: string | null, whole = false) => {
    const host = hostRef.current;
    if (!host || !layout || !zoomRef.current || host.clientWidth === 0) return;
    const focus = focusId ? byId.get(focusId) : undefined;
    const w = host.clientWidth;
    const h = host.clientHeight;
    const opts = { minK: whole ? 0 : READABLE_ZOOM, focus };
    let t = fitTransform(layout, w, h, opts);
    // A cropped fit brings up the minimap in the bottom-right corner: fit beside it, so that it covers no node there.
    if (overflows(layout.width, layout.height, t.k, w, h)) t = fitTransform(layout, Math.max(w / 2, w - minimapSize(w, h).w - MINIMAP_GAP), h, opts);
    select(host).call(zoomRef.current.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
    userMovedRef.current = false;
  }, [hostRef, layout, byId]);
  // The Fit button shows the whole graph, however small that makes it (automatic fits stay readable).
  const fit = useCallback(() => fitTo(null, true), [fitTo]);

  // A new program (its top-level nodes differ) is fitted afresh. Expand/collapse refits too unless the
  // user has moved the view since, keeping the toggled group in sight; stage changes never move it.
  const topLevel = useMemo(() => (layout ? layout.nodes.filter((n) => n.parent === null).map((n) => n.id).join('|') : ''), [layout]);
  const expandedKey = layout ? layout.expanded.join('|') : '';
  const expandedRef = useRef<string | null>(null);
  useEffect(() => {
    if (!layout) return;
    if (fittedRef.current !== topLevel) {
      fittedRef.current = topLevel;
      expandedRef.current = expandedKey;
      toggledRef.current = null;
      fitTo(null);
    } else if (expandedRef.current !== expandedKey) {
      expandedRef.current = expandedKey;
      if (!userMovedRef.current) fitTo(toggledRef.current);
    }
  }, [layout, topLevel, expandedKey, fitTo, toggledRef]);

  // A node selected from elsewhere (timeline, collectives table) is brought into view if it is off screen.
  useEffect(() => {
    const host = hostRef.current;
    const n = selected ? byId.get(selected) : undefined;
    if (!host || !n || !zoomRef.current || clickedRef.current === selected) return;
    const t = transformRef.current;
    // only when it is (nearly) out of sight: never move what the user is pointing at
    if (boxInView(n, t, host.clientWidth, host.clientHeight, 20)) return;
    const cx = n.x + Math.min(n.width, 400) / 2;
    const cy = n.y + Math.min(n.height, 200) / 2;
    const k = Math.max(t.k, READABLE_ZOOM);
    userMovedRef.current = true; // the user asked to look here: a later refit must not jump away
    // a little left of centre: the shell's details card covers the right of the pane
    select(host).call(zoomRef.current.transform, zoomIdentity.translate(host.clientWidth * 0.4 - cx * k, host.clientHeight / 2 - cy * k).scale(k));
  }, [hostRef, clickedRef, selected, byId]);

  return { transformRef, fit, centreOn, minimap, minimapRef };
}
