/**
 * Widths of the graph's small texts, to fit labels and badges to a width: measured with a canvas in the
 * browser (the SVG text and the canvas renderer use the same fonts), estimated from a per-character
 * width where there is no canvas (unit tests in Node or happy-dom).
 */

/** The collective pills' font (graph.css `.graph-collective-text`, GraphCanvas's badges). */
export const BADGE_FONT = '600 10px system-ui, sans-serif';
/** The edge labels' font (graph.css `.graph-edge-label`). */
export const EDGE_LABEL_FONT = '10px ui-monospace, monospace';

/** Per-character widths at 10 px when nothing can measure: a little wide, so an estimate never overflows. */
const ESTIMATE: Readonly<Record<string, number>> = { [BADGE_FONT]: 6.2, [EDGE_LABEL_FONT]: 6.1 };

let ctx: CanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

function context(): CanvasRenderingContext2D | null {
  if (ctx === undefined) {
    try {
      ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
    } catch {
      ctx = null; // happy-dom and friends have no 2D context
    }
  }
  return ctx;
}

/** The width in px (layout units at zoom 1) of `text` set in `font`. */
export function textWidth(text: string, font: string): number {
  const key = `${font}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const c = context();
  let w: number;
  if (c) {
    c.font = font;
    w = c.measureText(text).width;
  } else {
    w = text.length * (ESTIMATE[font] ?? 6.2);
  }
  if (cache.size > 5000) cache.clear();
  cache.set(key, w);
  return w;
}

/** `text`, or its longest prefix with an ellipsis that is at most `maxWidth` wide (at least one character). */
export function fitText(text: string, maxWidth: number, font: string): string {
  if (textWidth(text, font) <= maxWidth) return text;
  let lo = 1;
  let hi = text.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${text.slice(0, mid)}…`, font) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, Math.max(1, lo))}…`;
}
