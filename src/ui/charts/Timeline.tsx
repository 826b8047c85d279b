/**
 * Per-device timeline of the simulated step: a compute lane and a communication lane per device,
 * drawn on a canvas (a step has tens of thousands of intervals). Wheel zooms and drag pans along time;
 * a click on an interval calls back with it, so the shell can select the op in the graph.
 */
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { scaleLinear, select, zoom as d3zoom, zoomIdentity, type ScaleLinear, type ZoomTransform } from 'd3';
import type { Report, TimelineInterval } from '../../core/report';
import { mergedLane, timelineDevicesLabel, timelineLegend } from './timelineSvg';
import { Legend } from './MemoryChart';
import { deviceCoordsLabel, intervalAt, opIdOfInterval } from './data';
import { formatSeconds } from './format';
import './charts.css';

const LABEL_W = 84;
const LANE_H = 12;
const LANES = ['compute', 'communication'] as const;
const ROW_GAP = 6;
const AXIS_H = 18;

export interface TimelineProps {
  timeline: Report['timeline'];
  /** Called with the interval clicked and its device. */
  onSelectInterval?: (interval: TimelineInterval, device: number) => void;
  /** At most this many device rows (the first ones); the rest are summarised in a note. */
  maxDevices?: number;
  height?: number;
  /** Mesh axes (mesh order), to label each device row with its coordinates. */
  meshAxes?: readonly { name: string; size: number }[];
}


export function Timeline({ timeline, onSelectInterval, maxDevices = 16, meshAxes }: TimelineProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = useElementWidth(hostRef);
  const [hover, setHover] = useState<{ i: TimelineInterval; x: number; y: number } | null>(null);
  const rows = useMemo(() => timeline.slice(0, maxDevices), [timeline, maxDevices]);
  const legend = useMemo(() => timelineLegend(timeline), [timeline]);
  const total = meshAxes?.length ? meshAxes.reduce((n, a) => n * a.size, 1) : undefined;
  const height = AXIS_H + rows.length * (2 * LANE_H + ROW_GAP) + 4;
  const [t, setT] = useTimeZoom(canvasRef, width, height);
  const end = useMemo(() => {
    let e = 0;
    for (const d of timeline) for (const i of d.intervals) if (i.end > e) e = i.end;
    return e || 1;
  }, [timeline]);
  const x = t.rescaleX(scaleLinear().domain([0, end]).range([LABEL_W, width - 8]));
  // The merged rectangles per device and lane, once per zoom and width (not on every hover's re-render).
  const lanes = useMemo(() => {
    const visible = x.domain() as [number, number];
    return rows.map((d) => LANES.map((kind) => mergedLane(d.intervals, kind, x, LABEL_W, visible)));
  }, [rows, t, width, end]); // x derives from t, width and end

  useEffect(() => {
    const c = canvasRef.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    drawTimeline(c, ctx, { x, rows, lanes, width, height, meshAxes });
  }, [rows, lanes, width, height, meshAxes]); // the ticks' x derives from t and width, as lanes do

  const locate = (clientX: number, clientY: number) => {
    const r = canvasRef.current!.getBoundingClientRect();
    const hit = intervalUnder(rows, x, clientX - r.left, clientY - r.top);
    return hit ? { ...hit, px: clientX - r.left, py: clientY - r.top } : null;
  };

  return (
    <figure className="chart timeline" data-testid="timeline" ref={hostRef}>
      <figcaption>
        <span data-testid="timeline-title">Timeline of {timelineDevicesLabel(timeline, rows.length, total)}{total !== undefined && total > 1 ? ' (under SPMD every device runs the same step)' : ''}</span>
        <span className="chart-hint">compute above, collectives below; scroll to zoom</span>
        {t.k !== 1 && <button type="button" className="chart-button" onClick={() => {
          const c = canvasRef.current;
          if (c) select(c).call(d3zoom<HTMLCanvasElement, unknown>().transform, zoomIdentity);
          setT(zoomIdentity);
        }}>reset zoom</button>}
      </figcaption>
      <div style={{ position: 'relative' }}>
        <canvas ref={canvasRef} style={{ width: '100%', height }} data-testid="timeline-canvas"
          onClick={(e) => {
            const hit = locate(e.clientX, e.clientY);
            if (hit && onSelectInterval) onSelectInterval(hit.i, hit.device);
          }}
          onMouseMove={(e) => {
            const hit = locate(e.clientX, e.clientY);
            setHover(hit ? { i: hit.i, x: hit.px, y: hit.py } : null);
          }}
          onMouseLeave={() => setHover(null)} />
        {hover && <IntervalTooltip interval={hover.i} left={Math.min(hover.x + 10, width - 220)} top={hover.y + 12} />}
      </div>
      <div data-testid="timeline-legend"><Legend items={legend} /></div>
      {timeline.length > rows.length && <div className="chart-note">showing {rows.length} of {timeline.length} devices</div>}
    </figure>
  );
}

/** The element's width, following resizes (600 until it is laid out). */
function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const host = ref.current;
    if (!host) return;
    const ro = new ResizeObserver(() => setWidth(host.clientWidth || 600));
    ro.observe(host);
    setWidth(host.clientWidth || 600);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

/** d3 zoom on the canvas, along time only past the label column; double-click does not zoom. */
function useTimeZoom(ref: RefObject<HTMLCanvasElement | null>, width: number, height: number): [ZoomTransform, (t: ZoomTransform) => void] {
  const [t, setT] = useState<ZoomTransform>(zoomIdentity);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    const z = d3zoom<HTMLCanvasElement, unknown>().scaleExtent([1, 1e6]).translateExtent([[LABEL_W, 0], [width, height]])
      .extent([[LABEL_W, 0], [width, height]]).on('zoom', (ev: { transform: ZoomTransform }) => setT(ev.transform));
    const sel = select(c);
    sel.call(z).on('dblclick.zoom', null);
    return () => {
      sel.on('.zoom', null);
    };
  }, [ref, width, height]);
  return [t, setT];
}

type Rows = Report['timeline'];
type TimeScale = ScaleLinear<number, number>;

/** The interval under a point of the canvas (CSS pixels from its top left), and its device. */
function intervalUnder(rows: Rows, x: TimeScale, px: number, y: number): { i: TimelineInterval; device: number } | null {
  const py = y - AXIS_H;
  const row = Math.floor(py / (2 * LANE_H + ROW_GAP));
  const within = py - row * (2 * LANE_H + ROW_GAP);
  if (row < 0 || row >= rows.length || within >= 2 * LANE_H || px < LABEL_W) return null;
  const lane = within < LANE_H ? 'compute' : 'communication';
  const i = intervalAt(rows[row].intervals, x.invert(px), lane);
  return i ? { i, device: rows[row].device } : null;
}

interface DrawInput {
  x: TimeScale;
  rows: Rows;
  lanes: ReturnType<typeof mergedLane>[][];
  width: number;
  height: number;
  meshAxes: TimelineProps['meshAxes'];
}

/** Paints the time axis, then per device its label and its two lanes' merged rectangles. */
function drawTimeline(c: HTMLCanvasElement, ctx: CanvasRenderingContext2D, { x, rows, lanes, width, height, meshAxes }: DrawInput): void {
  const dpr = window.devicePixelRatio || 1;
  c.width = width * dpr;
  c.height = height * dpr;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = '10px system-ui, sans-serif';
  // time axis
  ctx.fillStyle = '#5b6673';
  ctx.strokeStyle = '#e3e7ec';
  for (const tick of x.ticks(Math.max(2, Math.floor(width / 110)))) {
    const px = x(tick);
    if (px < LABEL_W) continue;
    ctx.beginPath();
    ctx.moveTo(px, AXIS_H - 4);
    ctx.lineTo(px, height);
    ctx.stroke();
    ctx.fillText(formatSeconds(tick), px + 2, 11);
  }
  rows.forEach((d, r) => {
    const y = AXIS_H + r * (2 * LANE_H + ROW_GAP);
    ctx.fillStyle = '#2d3748';
    ctx.font = '10px system-ui, sans-serif';
    if (meshAxes?.length) {
      ctx.fillText(`device ${d.device}`, 4, y + 9);
      ctx.fillStyle = '#7b8794';
      ctx.font = '8.5px system-ui, sans-serif';
      ctx.fillText(deviceCoordsLabel(d.device, meshAxes), 4, y + LANE_H + 9, LABEL_W - 6);
    } else ctx.fillText(`device ${d.device}`, 4, y + LANE_H + 3);
    lanes[r].forEach((rects, lane) => {
      for (const [x0, x1, color] of rects) {
        ctx.fillStyle = color;
        ctx.fillRect(x0, y + lane * LANE_H, Math.max(0.6, x1 - x0), LANE_H - 1);
      }
    });
  });
}

function IntervalTooltip({ interval: i, left, top }: { interval: TimelineInterval; left: number; top: number }) {
  const served = i.collective ? opIdOfInterval(i.op) : undefined;
  return (
    <div className="chart-tooltip" style={{ left, top }} data-testid="timeline-tooltip">
      <b>{i.collective ?? i.op}</b>{i.axes ? ` over ${i.axes.join('+')}` : ''}<br />
      {i.scope} · {formatSeconds(i.end - i.start)}{served !== undefined ? ` · serves op #${served}` : ''}
    </div>
  );
}
