/** Canvas drawing of a large layout (thousands of elements), with only the nodes in view drawn in detail. */
import type { ZoomTransform } from 'd3';
import type { CollectiveMark, GraphLayout, LayoutNode } from '../../worker/layout';
import { COLLECTIVE_COLOR, COLLECTIVE_SHORT, PHASE_COLOR, STAGE_STRIPE_W, markFill, stageStripes } from './colors';
import { EDGE_LABEL_ZOOM, clip, edgePath, toggleBox } from './geometry';

const HIGHLIGHT = '#e11d48';

/** `AR×4 model`: the text of a collective badge, as on the SVG graph. */
export function collectiveBadgeText(c: CollectiveMark): string {
  return `${COLLECTIVE_SHORT[c.kind]}${c.count > 1 ? `×${c.count}` : ''} ${c.axes.join('+')}`;
}

function drawBadges(ctx: CanvasRenderingContext2D, marks: readonly CollectiveMark[], x: number, y: number): void {
  ctx.font = '600 10px system-ui, sans-serif';
  let dx = 0;
  for (const c of marks) {
    const text = collectiveBadgeText(c);
    const w = ctx.measureText(text).width + 10;
    ctx.fillStyle = COLLECTIVE_COLOR[c.kind];
    ctx.beginPath();
    ctx.roundRect(x + dx, y, w, 15, 7.5);
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.fillText(text, x + dx + 5, y + 11.2);
    dx += w + 3;
  }
}

type DrawOptions = Parameters<typeof drawCanvas>[3];

/** What each on-screen canvas last drew, so that an export can redraw the whole graph, not just the view. */
const drawn = new WeakMap<HTMLCanvasElement, { layout: GraphLayout; opts: DrawOptions }>();

export function lastDrawn(canvas: HTMLCanvasElement): { layout: GraphLayout; opts: DrawOptions } | undefined {
  return drawn.get(canvas);
}

export function drawCanvas(
  canvas: HTMLCanvasElement,
  layout: GraphLayout,
  t: ZoomTransform,
  opts: {
    selected: string | null;
    colors: ReadonlyMap<string, string>;
    byId: ReadonlyMap<string, LayoutNode>;
    highlight?: ReadonlySet<string>;
    /** Device pixels per CSS pixel; the screen's by default (1 for an offscreen export). */
    pixelRatio?: number;
    /** Paint this colour first (exports: a PNG with a transparent background reads badly). */
    background?: string;
  },
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  drawn.set(canvas, { layout, opts });
  const dpr = opts.pixelRatio ?? (window.devicePixelRatio || 1);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (opts.background) {
    ctx.fillStyle = opts.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
  // the visible window in layout coordinates: skip what is off screen
  const x0 = -t.x / t.k;
  const y0 = -t.y / t.k;
  const x1 = x0 + canvas.width / dpr / t.k;
  const y1 = y0 + canvas.height / dpr / t.k;
  const inView = (n: { x: number; y: number; width: number; height: number }) => n.x < x1 && n.x + n.width > x0 && n.y < y1 && n.y + n.height > y0;
  const detail = t.k > 0.35;
  const edgeLabels = t.k >= EDGE_LABEL_ZOOM;
  const isHighlighted = (n: LayoutNode) => !!n.highlighted || !!opts.highlight?.has(n.id);
  const outline = (n: LayoutNode) => {
    ctx.save();
    ctx.strokeStyle = HIGHLIGHT;
    ctx.lineWidth = 3 / Math.min(1, t.k);
    ctx.setLineDash([7, 3]);
    ctx.strokeRect(n.x - 4, n.y - 4, n.width + 8, n.height + 8);
    ctx.restore();
  };

  for (const n of layout.nodes) {
    if (n.kind !== 'group' || !n.expanded || !inView(n)) continue;
    ctx.fillStyle = '#fafbfc';
    ctx.strokeStyle = '#c5ccd5';
    ctx.lineWidth = 1 / t.k;
    ctx.fillRect(n.x, n.y, n.width, n.height);
    ctx.strokeRect(n.x, n.y, n.width, n.height);
    if (isHighlighted(n)) outline(n);
  }
  ctx.lineWidth = 1 / Math.max(t.k, 0.5);
  for (const e of layout.edges) {
    const s = opts.byId.get(e.source);
    const d = opts.byId.get(e.target);
    if (s && d && !inView({ x: Math.min(s.x, d.x), y: Math.min(s.y, d.y), width: Math.abs(s.x - d.x) + s.width + 200, height: Math.abs(s.y - d.y) + s.height })) continue;
    ctx.strokeStyle = e.back ? '#c9ced6' : '#8a94a0';
    ctx.stroke(new Path2D(edgePath(e, s, d).d));
    if ((e.collectives.length || edgeLabels) && detail) {
      const { mid } = edgePath(e, s, d);
      if (edgeLabels && (!e.back || e.source === opts.selected || e.target === opts.selected)) {
        ctx.font = '10px ui-monospace, monospace';
        ctx.lineWidth = 3;
        ctx.strokeStyle = '#fbfcfd';
        ctx.strokeText(clip(e.label, 40), mid[0] + 4, mid[1] - 2);
        ctx.fillStyle = '#4a5561';
        ctx.fillText(clip(e.label, 40), mid[0] + 4, mid[1] - 2);
        ctx.lineWidth = 1 / Math.max(t.k, 0.5);
      }
      if (e.collectives.length) drawBadges(ctx, e.collectives, mid[0] + 4, mid[1] + 2);
    }
  }
  // Titles of open groups go over the edges that cross them, with a halo, so they stay legible.
  if (detail) {
    for (const n of layout.nodes) {
      if (n.kind !== 'group' || !n.expanded || !inView(n)) continue;
      const title = `${n.label}  ${n.opCount ? `${n.opCount} ops` : `${n.inputCount} inputs`}`;
      ctx.font = '600 13px system-ui, sans-serif';
      ctx.lineWidth = 4;
      ctx.lineJoin = 'round';
      ctx.strokeStyle = '#f3f5f8';
      ctx.strokeText(title, n.x + 10, n.y + 18);
      ctx.fillStyle = '#334';
      ctx.fillText(title, n.x + 10, n.y + 18);
      drawToggle(ctx, n, t.k);
    }
  }
  for (const n of layout.nodes) {
    if ((n.kind === 'group' && n.expanded) || !inView(n)) continue;
    ctx.fillStyle = n.kind === 'group' ? '#f1f4f8' : n.kind === 'input' ? '#f2f8f2' : PHASE_COLOR[n.phase ?? 'forward'] ?? '#fff';
    ctx.strokeStyle = n.id === opts.selected ? '#f59e0b' : '#7d8794';
    ctx.lineWidth = (n.id === opts.selected ? 3 : 1) / t.k;
    ctx.fillRect(n.x, n.y, n.width, n.height);
    ctx.strokeRect(n.x, n.y, n.width, n.height);
    if (isHighlighted(n)) outline(n);
    const w = (n.width - 8) / Math.max(1, n.axes.length);
    n.axes.forEach((a, i) => {
      ctx.fillStyle = markFill(a, opts.colors);
      ctx.fillRect(n.x + 4 + i * w, n.y + 3, Math.max(1, w - 2), 5);
    });
    for (const s of stageStripes(n.pipelineStages, n.height)) {
      ctx.fillStyle = s.color;
      ctx.fillRect(n.x, n.y + s.y, STAGE_STRIPE_W, s.height);
    }
    if (detail) {
      ctx.fillStyle = '#1f2933';
      ctx.font = n.kind === 'group' ? '600 13px system-ui, sans-serif' : '12px system-ui, sans-serif';
      ctx.fillText(clip(n.label, n.kind === 'group' ? 22 : 28), n.x + 9, n.y + (n.kind === 'group' ? 23 : 21));
      ctx.fillStyle = '#5b6673';
      ctx.font = '10px ui-monospace, monospace';
      const sub = n.kind === 'group' ? [n.opCount ? `${n.opCount} ops` : '', n.inputCount ? `${n.inputCount} inputs` : ''].filter(Boolean).join(' · ') : n.sublabel;
      ctx.fillText(clip(sub, 32), n.x + 9, n.y + (n.kind === 'group' ? 38 : 35));
      if (n.kind === 'group') drawToggle(ctx, n, t.k);
      if (n.collectives.length) drawBadges(ctx, n.collectives, n.x + 4, n.y + n.height - 4);
    }
  }
}

function drawToggle(ctx: CanvasRenderingContext2D, n: LayoutNode, k: number): void {
  const b = toggleBox(n);
  ctx.fillStyle = '#fff';
  ctx.strokeStyle = '#5b6673';
  ctx.lineWidth = 1 / k;
  ctx.fillRect(b.x, b.y, b.width, b.height);
  ctx.strokeRect(b.x, b.y, b.width, b.height);
  ctx.fillStyle = '#2d3748';
  ctx.font = 'bold 13px system-ui, sans-serif';
  ctx.fillText(n.expanded ? '−' : '+', b.x + 4, b.y + 12.5);
}
