/** Per-device memory at the peak, stacked by category, with the capacity line; out-of-memory bars flagged. */
import { scaleBand, scaleLinear } from 'd3';
import type { DeviceMemory } from '../../core/report';
import { MEMORY_CATEGORIES, MEMORY_COLOR, groupDevices, memoryDomainMax } from './data';
import { formatBytes, formatPercent } from './format';
import { useWidth } from './useWidth';
import './charts.css';

export function MemoryChart({ perDevice, width: widthProp, height = 220 }: { perDevice: readonly DeviceMemory[]; width?: number; height?: number }) {
  // narrow enough for one bar beside the time chart on a laptop (the charts' dense grid)
  const [ref, width] = useWidth<HTMLElement>(560, widthProp, 150);
  const m = { top: 22, right: 12, bottom: 28, left: 62 };
  const bars = groupDevices(perDevice);
  const { max: top, capacityOnScale } = memoryDomainMax(perDevice);
  const max = top * 1.05 || 1;
  // a few bars stay bar-shaped instead of stretching over the whole width
  const right = Math.min(width - m.right, m.left + 24 + bars.length * 80);
  const x = scaleBand<string>().domain(bars.map((b) => b.label)).range([m.left, right]).padding(0.2);
  const y = scaleLinear().domain([0, max]).nice(4).range([height - m.bottom, m.top]);
  const capacity = perDevice[0]?.capacity ?? 0;
  const sameCapacity = perDevice.every((d) => d.capacity === capacity);
  const labelEvery = Math.ceil(bars.length / Math.max(1, Math.floor((width - m.left) / 36)));
  // A narrow chart (one bar beside the time chart) has no room for the capacity's words over the bar: they
  // go to the legend, and the off-scale note shortens to fit.
  const narrow = width < 260;
  const peakShare = formatPercent(capacity > 0 ? Math.max(...perDevice.map((d) => d.peak)) / capacity : 0);
  return (
    <figure className="chart" data-testid="memory-chart" ref={ref}>
      <figcaption>Memory per device at its peak</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img"
        aria-label={`Memory per device at its peak: ${bars.map((b) => `device ${b.label} ${formatBytes(b.memory.peak)} of ${formatBytes(b.memory.capacity)}${b.memory.outOfMemory ? ', out of memory' : ''}`).join('; ')}`}>
        {y.ticks(4).map((t) => (
          <g key={t}>
            <line x1={m.left} x2={width - m.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={m.left - 6} y={y(t) + 3} textAnchor="end" className="tick">{formatBytes(t)}</text>
          </g>
        ))}
        {bars.map((b, i) => {
          let acc = 0;
          return (
            <g key={b.label} data-testid={`memory-bar-${b.label}`} data-value={b.memory.peak} className={b.memory.outOfMemory ? 'oom' : ''}>
              <title>{`device ${b.label}: peak ${formatBytes(b.memory.peak)} of ${formatBytes(b.memory.capacity)}\n${MEMORY_CATEGORIES.map((c) => `${c}: ${formatBytes(b.memory.atPeak[c])}`).join('\n')}`}</title>
              {MEMORY_CATEGORIES.map((c) => {
                const v = Math.max(0, b.memory.atPeak[c]);
                const y0 = acc;
                acc += v;
                return <rect key={c} x={x(b.label)} width={x.bandwidth()} y={y(acc)} height={Math.max(0, y(y0) - y(acc))} fill={MEMORY_COLOR[c]} />;
              })}
              {b.memory.outOfMemory && <rect x={x(b.label)} width={x.bandwidth()} y={y(acc)} height={y(0) - y(acc)} className="oom-outline" />}
              {i % labelEvery === 0 && <text x={(x(b.label) ?? 0) + x.bandwidth() / 2} y={height - m.bottom + 13} textAnchor="middle" className="tick">{b.label}</text>}
            </g>
          );
        })}
        {capacity > 0 && !capacityOnScale && (
          <text x={width - m.right} y={m.top - 8} textAnchor="end" className="capacity-label" data-testid="memory-capacity" data-value={capacity}>
            {narrow ? `capacity ${formatBytes(capacity)} ↑` : `capacity ${formatBytes(capacity)} ↑ (off scale: peak is ${peakShare})`}
          </text>
        )}
        {capacity > 0 && sameCapacity && capacityOnScale && (
          <g data-testid="memory-capacity" data-value={capacity}>
            <line x1={m.left} x2={width - m.right} y1={y(capacity)} y2={y(capacity)} className="capacity" />
            {!narrow && <text x={width - m.right} y={y(capacity) - 4} textAnchor="end" className="capacity-label">capacity {formatBytes(capacity)}</text>}
          </g>
        )}
        <text x={(m.left + right) / 2} y={height - 2} textAnchor="middle" className="axis-label">device</text>
      </svg>
      <Legend items={[
        ...(narrow && capacity > 0 && sameCapacity && capacityOnScale ? [[`capacity ${formatBytes(capacity)} (dashed)`, CAPACITY_COLOR] as const] : []),
        ...MEMORY_CATEGORIES.map((c) => [c, MEMORY_COLOR[c]] as const),
      ]} />
    </figure>
  );
}

/** The capacity line's colour (charts.css `.capacity`). */
const CAPACITY_COLOR = '#c0392b';

export function Legend({ items }: { items: readonly (readonly [string, string])[] }) {
  return (
    <div className="chart-legend">
      {items.map(([label, color]) => <span key={label}><i style={{ background: color }} />{label}</span>)}
    </div>
  );
}
