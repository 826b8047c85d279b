/**
 * The graph as a file: a standalone SVG document of the whole graph (not just what is in view), and a
 * PNG of it whether the view draws SVG or canvas. The export menu calls these (via `graphImage`).
 */
import { zoomIdentity } from 'd3';
import { chartToSvgString } from '../charts/svg';
import { drawCanvas, lastDrawn } from './GraphCanvas';
import { canvasToPng, svgToPng } from '../export/download';

const MARGIN = 16;
/** Browsers refuse canvases much past 16k pixels a side (and memory runs out well before): stay under. */
const MAX_SIDE = 8192;

/** Size and placement of a whole-graph image: every layout unit at `scale` pixels, within MAX_SIDE. */
export function exportFrame(width: number, height: number, scale = 1): { scale: number; width: number; height: number } {
  const fit = Math.min(scale, (MAX_SIDE - 2 * MARGIN) / Math.max(1, width), (MAX_SIDE - 2 * MARGIN) / Math.max(1, height));
  const k = Math.max(0.01, fit);
  return { scale: k, width: Math.ceil(width * k + 2 * MARGIN), height: Math.ceil(height * k + 2 * MARGIN) };
}

/**
 * The SVG graph as a standalone document: the pan/zoom transform is replaced by a fixed margin, the
 * size is the whole graph's, and computed styles are inlined (edge labels keep their on-screen
 * visibility), so the file renders the same outside the app.
 */
export function graphToSvgString(svg: SVGSVGElement): string {
  const viewport = svg.querySelector<SVGGElement>(':scope > g');
  if (!viewport) return chartToSvgString(svg);
  const saved = viewport.getAttribute('transform');
  const box = viewport.getBBox();
  // Serialise with the transform that frames the whole graph, then put the user's view back.
  viewport.setAttribute('transform', `translate(${MARGIN - box.x},${MARGIN - box.y})`);
  const savedW = svg.getAttribute('width');
  const savedH = svg.getAttribute('height');
  const w = Math.ceil(box.width + 2 * MARGIN);
  const h = Math.ceil(box.height + 2 * MARGIN);
  try {
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
    const text = chartToSvgString(svg);
    return text.replace(/<svg\b/, `<svg viewBox="0 0 ${w} ${h}"`);
  } finally {
    if (saved === null) viewport.removeAttribute('transform');
    else viewport.setAttribute('transform', saved);
    if (savedW === null) svg.removeAttribute('width');
    else svg.setAttribute('width', savedW);
    if (savedH === null) svg.removeAttribute('height');
    else svg.setAttribute('height', savedH);
  }
}

/** The whole graph of an on-screen graph canvas redrawn offscreen at `scale` (white background), or null if it drew nothing. */
export function graphCanvasImage(canvas: HTMLCanvasElement, scale = 1): HTMLCanvasElement | null {
  const last = lastDrawn(canvas);
  if (!last) return null;
  const f = exportFrame(last.layout.width, last.layout.height, scale);
  const out = canvas.ownerDocument.createElement('canvas');
  out.width = f.width;
  out.height = f.height;
  drawCanvas(out, last.layout, zoomIdentity.translate(MARGIN, MARGIN).scale(f.scale), { ...last.opts, pixelRatio: 1, background: '#ffffff' });
  return out;
}

/** A PNG of the whole graph, from the graph's <svg> or its <canvas> (canvas mode). */
export async function graphToPng(canvasOrSvg: HTMLCanvasElement | SVGSVGElement, scale = 2): Promise<Blob> {
  if (canvasOrSvg instanceof HTMLCanvasElement) {
    const img = graphCanvasImage(canvasOrSvg, scale);
    if (!img) throw new Error('the graph has not been drawn yet');
    return canvasToPng(img);
  }
  const text = graphToSvgString(canvasOrSvg);
  const size = /<svg viewBox="0 0 (\d+) (\d+)"/.exec(text);
  // The frame caps the scale so that a very large graph stays under the browser's canvas size limit.
  const f = exportFrame(size ? Number(size[1]) : 800, size ? Number(size[2]) : 600, scale);
  return svgToPng(text, f.scale);
}

/**
 * What the export menu should take for the graph under `root` (e.g. the graph view's element): the
 * standalone SVG text in SVG mode, a whole-graph canvas in canvas mode, or null when nothing is drawn.
 */
export function graphImage(root: ParentNode): string | HTMLCanvasElement | null {
  const svg = root.querySelector<SVGSVGElement>('svg[data-testid="graph-svg"]');
  if (svg) return graphToSvgString(svg);
  const canvas = root.querySelector<HTMLCanvasElement>('canvas[data-testid="graph-canvas"]');
  return canvas ? graphCanvasImage(canvas, 2) : null;
}
