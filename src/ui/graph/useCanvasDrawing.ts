/**
 * The canvas renderer's drawing (GraphCanvas): the redraw the zoom calls after each pan or zoom (it reads
 * the transform at call time), a backing store sized to the host in device pixels, and a redraw when
 * what is drawn changes. Each drawn layout leaves a `graph-drawn` performance mark, after the drawing,
 * so that the shell's bench can time click → graph on screen.
 */
import { useCallback, useEffect, type RefObject } from 'react';
import type { ZoomTransform } from 'd3';
import type { GraphLayout, LayoutNode } from '../../worker/layout';
import { drawCanvas } from './GraphCanvas';
import type { LabelSpot } from './labelPlacement';

export interface CanvasDrawingInput {
  canvasRef: RefObject<HTMLCanvasElement | null>;
  /** Set here to the latest redraw; useGraphZoom calls it. */
  redrawRef: RefObject<() => void>;
  transformRef: RefObject<ZoomTransform>;
  layout: GraphLayout | null;
  mode: 'svg' | 'canvas';
  size: { w: number; h: number };
  selected: string | null;
  colors: ReadonlyMap<string, string>;
  byId: ReadonlyMap<string, LayoutNode>;
  labels: ReadonlyMap<string, LabelSpot>;
  highlight?: ReadonlySet<string>;
}

export function useCanvasDrawing({ canvasRef, redrawRef, transformRef, layout, mode, size, selected, colors, byId, labels, highlight }: CanvasDrawingInput): void {
  const redraw = useCallback(() => {
    const c = canvasRef.current;
    if (!c || !layout || mode !== 'canvas') return;
    drawCanvas(c, layout, transformRef.current, { selected, colors, byId, highlight, labels });
  }, [canvasRef, transformRef, layout, mode, selected, colors, byId, highlight, labels]);
  redrawRef.current = redraw;

  useEffect(() => {
    const c = canvasRef.current;
    if (c) {
      const dpr = window.devicePixelRatio || 1;
      c.width = Math.max(1, size.w * dpr);
      c.height = Math.max(1, size.h * dpr);
    }
    redraw();
  }, [canvasRef, redraw, size]);

  useEffect(() => {
    if (layout && typeof performance !== 'undefined' && performance.mark) performance.mark('graph-drawn');
  }, [layout, mode]);
}
