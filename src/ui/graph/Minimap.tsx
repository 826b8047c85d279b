/**
 * An overview of the whole laid-out graph in a corner, with the part in view outlined; a click or a
 * drag on it centres the view there. Drawn on a small canvas; the view calls `draw` on every pan/zoom.
 */
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, type PointerEvent } from 'react';
import type { ZoomTransform } from 'd3';
import type { GraphLayout } from '../../worker/layout';

/** The overview's size: about a fifth of the pane's width and a quarter of its height, within bounds. */
export function minimapSize(viewW: number, viewH: number): { w: number; h: number } {
  return { w: Math.round(Math.min(170, Math.max(80, viewW * 0.2))), h: Math.round(Math.min(120, Math.max(50, viewH * 0.25))) };
}

export interface MinimapHandle {
  draw: (t: ZoomTransform, viewW: number, viewH: number) => void;
}

/** Scale and offset that fit the layout in the minimap. */
function fit(layout: Pick<GraphLayout, 'width' | 'height'>, W: number, H: number) {
  const s = Math.min((W - 8) / Math.max(1, layout.width), (H - 8) / Math.max(1, layout.height));
  return { s, ox: (W - layout.width * s) / 2, oy: (H - layout.height * s) / 2 };
}

export const Minimap = forwardRef<MinimapHandle, { layout: GraphLayout; width: number; height: number; onCentre: (x: number, y: number) => void }>(function Minimap({ layout, width: MINIMAP_W, height: MINIMAP_H, onCentre }, ref) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ t: ZoomTransform; w: number; h: number } | null>(null);
  const draw = useCallback((t: ZoomTransform, viewW: number, viewH: number) => {
    last.current = { t, w: viewW, h: viewH };
    const c = canvasRef.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== MINIMAP_W * dpr || c.height !== MINIMAP_H * dpr) {
      c.width = MINIMAP_W * dpr;
      c.height = MINIMAP_H * dpr;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, MINIMAP_W, MINIMAP_H);
    const { s, ox, oy } = fit(layout, MINIMAP_W, MINIMAP_H);
    for (const n of layout.nodes) {
      const open = n.kind === 'group' && n.expanded;
      ctx.fillStyle = open ? 'rgba(170, 180, 192, 0.18)' : n.highlighted ? '#e11d48' : n.kind === 'group' ? '#8795a6' : '#b9c3ce';
      ctx.fillRect(ox + n.x * s, oy + n.y * s, Math.max(1, n.width * s), Math.max(1, n.height * s));
    }
    // the viewport: layout coordinates of the view's corners
    const x0 = -t.x / t.k;
    const y0 = -t.y / t.k;
    ctx.strokeStyle = '#1f5fbf';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(ox + x0 * s, oy + y0 * s, (viewW / t.k) * s, (viewH / t.k) * s);
  }, [layout, MINIMAP_W, MINIMAP_H]);
  useImperativeHandle(ref, () => ({ draw }), [draw]);
  useEffect(() => {
    if (last.current) draw(last.current.t, last.current.w, last.current.h);
  }, [draw]);

  const centre = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const { s, ox, oy } = fit(layout, MINIMAP_W, MINIMAP_H);
    onCentre((e.clientX - r.left - ox) / s, (e.clientY - r.top - oy) / s);
  };
  return (
    <canvas ref={canvasRef} className="graph-minimap" data-testid="graph-minimap" style={{ width: MINIMAP_W, height: MINIMAP_H }}
      role="img" aria-label="Overview of the whole graph; the outlined part is in view. Click to move there."
      onPointerDown={(e) => {
        e.stopPropagation();
        e.currentTarget.setPointerCapture(e.pointerId);
        centre(e);
      }}
      onPointerMove={(e) => {
        if (e.buttons & 1) centre(e);
      }}
      onMouseDown={(e) => e.stopPropagation() /* not a pan of the graph (d3-zoom listens for mousedown) */}
      onDoubleClick={(e) => e.stopPropagation()}
      onClick={(e) => e.stopPropagation()} />
  );
});
