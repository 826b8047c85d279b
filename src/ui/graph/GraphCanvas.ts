/** Canvas drawing of a large layout (thousands of elements), with only the nodes in view drawn in detail. */
import type { ZoomTransform } from 'd3';
import type { CollectiveMark, GraphLayout, LayoutNode } from '../../worker/layout';
import { BADGE_H, MORE_W, badgeRow } from './badges';
import { COLLECTIVE_COLOR, PHASE_COLOR, STAGE_STRIPE_W, markFill, stageStripes } from './colors';
import { EDGE_LABEL_ZOOM, READABLE_ZOOM, clip, edgePath, toggleBox } from './geometry';
import { EDGE_PILLS_W, edgeLabelText, type LabelSpot } from './labelPlacement';
import { BADGE_INSET, badgeRowY } from './nodeSizing';
import { BADGE_FONT, EDGE_LABEL_FONT } from './textFit';

const HIGHLIGHT = '#e11d48';

/** The collective pills of a node or an edge, as the SVG draws them (badges.ts fits them to `maxWidth`). */
function drawBadges(ctx: CanvasRenderingContext2D, marks: readonly CollectiveMark[], x: number, y: number, maxWidth: number): void {
  const row = badgeRow(marks, maxWidth);
  ctx.font = BADGE_FONT;
  ctx.textAlign = 'center';
  const pill = (dx: number, w: number, fill: string, text: string) => {
    ctx.fillStyle = fill;
    ctx.beginPath();
    ctx.roundRect(x + dx, y, w, BADGE_H, BADGE_H / 2);
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.fillText(text, x + dx + w / 2, y + 11.2);
  };
  for (const b of row.shown) pill(b.x, b.width, COLLECTIVE_COLOR[b.mark.kind], b.text);
  if (row.hidden.length) pill(row.moreX, MORE_W, '#5b6673', `+${row.hidden.length}`);
  ctx.textAlign = 'start';
}

type DrawOptions = CanvasDrawOptions;

/** What each on-screen canvas last drew, so that an export can redraw the whole graph, not just the view. */
const drawn = new WeakMap<HTMLCanvasElement, { layout: GraphLayout; opts: DrawOptions }>();

export function lastDrawn(canvas: HTMLCanvasElement): { layout: GraphLayout; opts: DrawOptions } | undefined {
  return drawn.get(canvas);
}

/** What drawCanvas draws with: the options as given. */
type CanvasDrawOptions = {
    selected: string | null;
    colors: ReadonlyMap<string, string>;
    byId: ReadonlyMap<string, LayoutNode>;
    highlight?: ReadonlySet<string>;
    /** Edge label spots (labelPlacement.ts); an edge without one shows its label only when an end is selected. */
    labels?: ReadonlyMap<string, LabelSpot>;
    /** Device pixels per CSS pixel; the screen's by default (1 for an offscreen export). */
    pixelRatio?: number;
    /** Paint this colour first (exports: a PNG with a transparent background reads badly). */
    background?: string;
  };

/** One frame's drawing state, shared by the passes of drawCanvas. */
interface Frame {
  readonly ctx: CanvasRenderingContext2D;
  readonly t: ZoomTransform;
  readonly opts: CanvasDrawOptions;
  /** Whether a box meets the visible window (in layout coordinates): what is off screen is skipped. */
  readonly inView: (n: { x: number; y: number; width: number; height: number }) => boolean;
  /** Zoomed in enough for node text. */
  readonly detail: boolean;
  /** Zoomed in enough for edge labels. */
  readonly edgeLabels: boolean;
}

export function drawCanvas(canvas: HTMLCanvasElement, layout: GraphLayout, t: ZoomTransform, opts: CanvasDrawOptions): void {
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
  const x0 = -t.x / t.k;
  const y0 = -t.y / t.k;
  const x1 = x0 + canvas.width / dpr / t.k;
  const y1 = y0 + canvas.height / dpr / t.k;
  const f: Frame = {
    ctx, t, opts,
    inView: (n) => n.x < x1 && n.x + n.width > x0 && n.y < y1 && n.y + n.height > y0,
    detail: t.k > 0.35,
    edgeLabels: t.k >= EDGE_LABEL_ZOOM,
  };
  drawOpenGroups(f, layout);
  drawEdges(f, layout);
  // Titles of open groups go over the edges that cross them, with a halo, so they stay legible.
  if (f.detail) drawGroupTitles(f, layout);
  drawNodes(f, layout);
}

const isHighlighted = (f: Frame, n: LayoutNode) => !!n.highlighted || !!f.opts.highlight?.has(n.id);

function outline({ ctx, t }: Frame, n: LayoutNode): void {
  ctx.save();
  ctx.strokeStyle = HIGHLIGHT;
  ctx.lineWidth = 3 / Math.min(1, t.k);
  ctx.setLineDash([7, 3]);
  ctx.strokeRect(n.x - 4, n.y - 4, n.width + 8, n.height + 8);
  ctx.restore();
}

function drawOpenGroups(f: Frame, layout: GraphLayout): void {
  const { ctx, t } = f;
  for (const n of layout.nodes) {
    if (n.kind !== 'group' || !n.expanded || !f.inView(n)) continue;
    ctx.fillStyle = '#fafbfc';
    ctx.strokeStyle = '#c5ccd5';
    ctx.lineWidth = 1 / t.k;
    ctx.fillRect(n.x, n.y, n.width, n.height);
    ctx.strokeRect(n.x, n.y, n.width, n.height);
    if (isHighlighted(f, n)) outline(f, n);
  }
}

function drawEdges(f: Frame, layout: GraphLayout): void {
  const { ctx, t, opts, edgeLabels } = f;
  ctx.lineWidth = 1 / Math.max(t.k, 0.5);
  for (const e of layout.edges) {
    const s = opts.byId.get(e.source);
    const d = opts.byId.get(e.target);
    if (s && d && !f.inView({ x: Math.min(s.x, d.x), y: Math.min(s.y, d.y), width: Math.abs(s.x - d.x) + s.width + 200, height: Math.abs(s.y - d.y) + s.height })) continue;
    ctx.strokeStyle = e.back ? '#c9ced6' : '#8a94a0';
    ctx.stroke(new Path2D(edgePath(e, s, d).d));
    // Labels where placeEdgeLabels found room (or, without room, at the middle of a selected node's edges).
    const spot = opts.labels?.get(e.id);
    const selectedEnd = e.source === opts.selected || e.target === opts.selected;
    if ((e.collectives.length || edgeLabels || selectedEnd) && t.k >= READABLE_ZOOM && (spot || selectedEnd)) {
      const { mid } = edgePath(e, s, d);
      const [lx, ly] = spot ?? [mid[0] + 4, mid[1]];
      if (edgeLabels || selectedEnd) {
        ctx.font = EDGE_LABEL_FONT;
        ctx.lineWidth = 3;
        ctx.strokeStyle = '#fbfcfd';
        ctx.strokeText(edgeLabelText(e), lx, ly - 2);
        ctx.fillStyle = '#4a5561';
        ctx.fillText(edgeLabelText(e), lx, ly - 2);
        ctx.lineWidth = 1 / Math.max(t.k, 0.5);
      }
      if (e.collectives.length) drawBadges(ctx, e.collectives, lx, ly + 2, EDGE_PILLS_W);
    }
  }
}

function drawGroupTitles(f: Frame, layout: GraphLayout): void {
  const { ctx, t } = f;
  for (const n of layout.nodes) {
    if (n.kind !== 'group' || !n.expanded || !f.inView(n)) continue;
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

function drawNodes(f: Frame, layout: GraphLayout): void {
  const { ctx, t, opts } = f;
  for (const n of layout.nodes) {
    if ((n.kind === 'group' && n.expanded) || !f.inView(n)) continue;
    ctx.fillStyle = n.kind === 'group' ? '#f1f4f8' : n.kind === 'input' ? '#f2f8f2' : PHASE_COLOR[n.phase ?? 'forward'] ?? '#fff';
    ctx.strokeStyle = n.id === opts.selected ? '#f59e0b' : '#7d8794';
    ctx.lineWidth = (n.id === opts.selected ? 3 : 1) / t.k;
    ctx.fillRect(n.x, n.y, n.width, n.height);
    ctx.strokeRect(n.x, n.y, n.width, n.height);
    if (isHighlighted(f, n)) outline(f, n);
    const w = (n.width - 8) / Math.max(1, n.axes.length);
    n.axes.forEach((a, i) => {
      ctx.fillStyle = markFill(a, opts.colors);
      ctx.fillRect(n.x + 4 + i * w, n.y + 3, Math.max(1, w - 2), 5);
    });
    for (const s of stageStripes(n.pipelineStages, n.height)) {
      ctx.fillStyle = s.color;
      ctx.fillRect(n.x, n.y + s.y, STAGE_STRIPE_W, s.height);
    }
    if (f.detail) drawNodeText(ctx, n, t.k);
  }
}

function drawNodeText(ctx: CanvasRenderingContext2D, n: LayoutNode, k: number): void {
  ctx.fillStyle = '#1f2933';
  ctx.font = n.kind === 'group' ? '600 13px system-ui, sans-serif' : '12px system-ui, sans-serif';
  ctx.fillText(clip(n.label, n.kind === 'group' ? 22 : 28), n.x + 9, n.y + (n.kind === 'group' ? 23 : 21));
  ctx.fillStyle = '#5b6673';
  ctx.font = '10px ui-monospace, monospace';
  const sub = n.kind === 'group' ? [n.opCount ? `${n.opCount} ops` : '', n.inputCount ? `${n.inputCount} inputs` : ''].filter(Boolean).join(' · ') : n.sublabel;
  ctx.fillText(clip(sub, 32), n.x + 9, n.y + (n.kind === 'group' ? 38 : 35));
  if (n.kind === 'group') drawToggle(ctx, n, k);
  if (n.collectives.length) drawBadges(ctx, n.collectives, n.x + BADGE_INSET, n.y + badgeRowY(n), n.width - 2 * BADGE_INSET);
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
