/** Canvas drawing of a large layout (thousands of elements), with only the nodes in view drawn in detail. */
import type { ZoomTransform } from 'd3';
import type { GraphLayout, LayoutNode } from '../../worker/layout';
import { COLLECTIVE_COLOR, COLLECTIVE_SHORT, PHASE_COLOR, markFill } from './colors';
import { clip, edgePath, toggleBox } from './geometry';

export function drawCanvas(
  canvas: HTMLCanvasElement,
  layout: GraphLayout,
  t: ZoomTransform,
  opts: { selected: string | null; colors: ReadonlyMap<string, string>; byId: ReadonlyMap<string, LayoutNode> },
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
  // the visible window in layout coordinates: skip what is off screen
  const x0 = -t.x / t.k;
  const y0 = -t.y / t.k;
  const x1 = x0 + canvas.width / dpr / t.k;
  const y1 = y0 + canvas.height / dpr / t.k;
  const inView = (n: { x: number; y: number; width: number; height: number }) => n.x < x1 && n.x + n.width > x0 && n.y < y1 && n.y + n.height > y0;
  const detail = t.k > 0.35;

  for (const n of layout.nodes) {
    if (n.kind !== 'group' || !n.expanded || !inView(n)) continue;
    ctx.fillStyle = '#fafbfc';
    ctx.strokeStyle = '#c5ccd5';
    ctx.lineWidth = 1 / t.k;
    ctx.fillRect(n.x, n.y, n.width, n.height);
    ctx.strokeRect(n.x, n.y, n.width, n.height);
    if (detail) {
      ctx.fillStyle = '#334';
      ctx.font = 'bold 12px system-ui, sans-serif';
      ctx.fillText(`${n.label}  (${n.opCount} ops)`, n.x + 10, n.y + 17);
      drawToggle(ctx, n, t.k);
    }
  }
  ctx.lineWidth = 1 / Math.max(t.k, 0.5);
  for (const e of layout.edges) {
    const s = opts.byId.get(e.source);
    const d = opts.byId.get(e.target);
    if (s && d && !inView({ x: Math.min(s.x, d.x), y: Math.min(s.y, d.y), width: Math.abs(s.x - d.x) + s.width + 200, height: Math.abs(s.y - d.y) + s.height })) continue;
    ctx.strokeStyle = e.back ? '#c9ced6' : '#8a94a0';
    ctx.stroke(new Path2D(edgePath(e, s, d).d));
    if (e.collectives.length && detail) {
      const { mid } = edgePath(e, s, d);
      let dx = 0;
      for (const c of e.collectives) {
        ctx.fillStyle = COLLECTIVE_COLOR[c.kind];
        ctx.fillRect(mid[0] + 4 + dx, mid[1], 30, 12);
        ctx.fillStyle = '#fff';
        ctx.font = '9px system-ui, sans-serif';
        ctx.fillText(COLLECTIVE_SHORT[c.kind], mid[0] + 8 + dx, mid[1] + 9);
        dx += 33;
      }
    }
  }
  for (const n of layout.nodes) {
    if ((n.kind === 'group' && n.expanded) || !inView(n)) continue;
    ctx.fillStyle = n.kind === 'group' ? '#f1f4f8' : n.kind === 'input' ? '#f2f8f2' : PHASE_COLOR[n.phase ?? 'forward'] ?? '#fff';
    ctx.strokeStyle = n.id === opts.selected ? '#f59e0b' : '#7d8794';
    ctx.lineWidth = (n.id === opts.selected ? 3 : 1) / t.k;
    ctx.fillRect(n.x, n.y, n.width, n.height);
    ctx.strokeRect(n.x, n.y, n.width, n.height);
    const w = (n.width - 8) / Math.max(1, n.axes.length);
    n.axes.forEach((a, i) => {
      ctx.fillStyle = markFill(a, opts.colors);
      ctx.fillRect(n.x + 4 + i * w, n.y + 3, Math.max(1, w - 2), 5);
    });
    if (detail) {
      ctx.fillStyle = '#1f2933';
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText(clip(n.label, 26), n.x + 7, n.y + 20);
      ctx.fillStyle = '#5b6673';
      ctx.font = '9.5px ui-monospace, monospace';
      ctx.fillText(clip(n.kind === 'group' ? `${n.opCount} ops` : n.sublabel, 30), n.x + 7, n.y + 32);
      if (n.kind === 'group') drawToggle(ctx, n, t.k);
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
