/**
 * Memory over time: live bytes on a device in program order (the liveness curve of the per-device program),
 * the peak marked, the forward / backward / optimizer phases shaded, the capacity line when on scale.
 */
import { scaleLinear } from 'd3';
import type { Phase } from '../../core/ir/types';
import type { MemoryCurveJson } from '../../core/report';
import { formatBytes } from './format';
import { Legend } from './MemoryChart';
import { useWidth } from './useWidth';
import './charts.css';

export const PHASE_COLOR: Record<Phase, string> = { forward: '#e8f0fa', backward: '#fdf0e2', optimizer: '#eef6ea' };

export function MemoryCurve({ curve, capacity, device = 0, width: widthProp, height = 200 }: {
  curve: MemoryCurveJson; capacity: number; device?: number; width?: number; height?: number;
}) {
  const [ref, width] = useWidth<HTMLElement>(560, widthProp);
  const m = { top: 22, right: 12, bottom: 28, left: 62 };
  const peak = curve.points[curve.peakIndex] ?? { position: 0, bytes: 0 };
  const capacityOnScale = capacity > 0 && capacity <= 3 * peak.bytes;
  const x = scaleLinear().domain([0, Math.max(1, curve.length)]).range([m.left, width - m.right]);
  const y = scaleLinear().domain([0, Math.max(peak.bytes, capacityOnScale ? capacity : 0) * 1.05 || 1]).nice(4).range([height - m.bottom, m.top]);
  const line = curve.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.position).toFixed(1)},${y(p.bytes).toFixed(1)}`).join('');
  const area = curve.points.length ? `${line}L${x(curve.points[curve.points.length - 1].position).toFixed(1)},${y(0)}L${x(curve.points[0].position).toFixed(1)},${y(0)}Z` : '';
  const px = x(peak.position);
  const anchor = px > (m.left + width - m.right) / 2 ? 'end' : 'start';
  const peakLabelY = Math.max(m.top + 8, y(peak.bytes) - 6);
  const title = `Memory over time on device ${device}`;
  return (
    <figure className="chart" data-testid="memory-curve" ref={ref}>
      <figcaption>{title} (live bytes in program order)</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img"
        aria-label={`${title}: peak ${formatBytes(peak.bytes)} at op ${peak.position} of ${curve.length}; ${curve.phases.map((p) => `${p.phase} ops ${p.start}–${p.end}`).join(', ')}`}>
        {curve.phases.map((p, i) => (
          <rect key={i} data-testid={`memory-phase-${p.phase}`} x={x(p.start)} width={Math.max(0, x(p.end + 1) - x(p.start))} y={m.top} height={height - m.bottom - m.top} fill={PHASE_COLOR[p.phase]} />
        ))}
        {y.ticks(4).map((t) => (
          <g key={t}>
            <line x1={m.left} x2={width - m.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={m.left - 6} y={y(t) + 3} textAnchor="end" className="tick">{formatBytes(t)}</text>
          </g>
        ))}
        <path d={area} fill="#4e79a7" fillOpacity={0.18} />
        <path d={line} fill="none" stroke="#4e79a7" strokeWidth={1.5} />
        {capacityOnScale && (
          <g>
            <line x1={m.left} x2={width - m.right} y1={y(capacity)} y2={y(capacity)} className="capacity" />
            <text x={width - m.right} y={capacityLabelY(y(capacity), peakLabelY)} textAnchor="end" className="capacity-label">capacity {formatBytes(capacity)}</text>
          </g>
        )}
        <g data-testid="memory-curve-peak" data-value={peak.bytes} data-position={peak.position}>
          <line x1={px} x2={px} y1={y(peak.bytes)} y2={height - m.bottom} stroke="#c0392b" strokeDasharray="3 2" />
          <circle cx={px} cy={y(peak.bytes)} r={3.5} fill="#c0392b" />
          <text x={px + (anchor === 'start' ? 6 : -6)} y={peakLabelY} textAnchor={anchor} className="capacity-label">peak {formatBytes(peak.bytes)} at op {peak.position}</text>
        </g>
        {x.ticks(Math.max(2, Math.floor((width - m.left - m.right) / 64))).map((t) => <text key={t} x={x(t)} y={height - m.bottom + 13} textAnchor="middle" className="tick">{t}</text>)}
        <text x={(m.left + width - m.right) / 2} y={height - 2} textAnchor="middle" className="axis-label">op (per-device program order)</text>
      </svg>
      <Legend items={[['live bytes', '#4e79a7'], ['peak', '#c0392b'], ...curve.phases.filter((p, i, a) => a.findIndex((q) => q.phase === p.phase) === i).map((p) => [`${p.phase} phase`, PHASE_COLOR[p.phase]] as const)]} />
    </figure>
  );
}

/** Label lines are 11 px apart at the charts' 10 px font. */
const LABEL_LINE = 12;

/**
 * Where the capacity line's label goes: above its line, unless the peak's label sits on that row (a peak near
 * capacity); then below the line, or a row higher when the peak's label is just under the line, so the two never
 * print over each other.
 */
export function capacityLabelY(lineY: number, peakLabelY: number): number {
  const rows = [lineY - 4, lineY + LABEL_LINE, lineY - 4 - LABEL_LINE];
  return rows.find((r) => Math.abs(r - peakLabelY) >= LABEL_LINE) ?? rows[0];
}
