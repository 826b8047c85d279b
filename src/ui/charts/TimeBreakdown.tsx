/** The step split: compute vs exposed communication (the critical path), and communication per mesh axis. */
import { scaleLinear } from 'd3';
import type { TimeJson } from '../../core/report';
import { axisColor } from '../graph/colors';
import { splitStepTime } from './data';
import { formatSeconds } from './format';
import { Legend } from './MemoryChart';
import { useWidth } from './useWidth';
import './charts.css';

// Neutral greys, so that they never read as a mesh axis (the axes take the saturated hues of graph/colors).
export const COMPUTE = '#a3acb9';
export const EXPOSED = '#2f3742';

export function TimeBreakdown({ time, axes, width: widthProp }: { time: TimeJson; axes?: readonly string[]; width?: number }) {
  const [ref, width] = useWidth<HTMLElement>(560, widthProp, 200);
  const { critical, perAxis, hidden } = splitStepTime(time);
  // in a narrow card the labels keep their font size and the bars give up the room
  const m = width < 340 ? { left: 92, right: 52 } : { left: 120, right: 70 };
  const rowH = 18;
  const rows = 1 + perAxis.length;
  const height = 20 + rows * (rowH + 8);
  const total = Math.max(time.step, critical[0].seconds + critical[1].seconds, ...perAxis.map((p) => p.seconds)) || 1;
  const x = scaleLinear().domain([0, total]).range([m.left, width - m.right]);
  const axisIndex = (a: string) => Math.max(0, (axes ?? Object.keys(time.perAxis)).indexOf(a));
  return (
    <figure className="chart" data-testid="time-chart" ref={ref}>
      <figcaption>Step time {formatSeconds(time.step)} · communication hidden by overlap {formatSeconds(hidden)}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img"
        aria-label={`Step time ${formatSeconds(time.step)}: compute ${formatSeconds(critical[0].seconds)}, exposed communication ${formatSeconds(critical[1].seconds)}${perAxis.map((p) => `; collectives on ${p.label} ${formatSeconds(p.seconds)}`).join('')}`}>
        <text x={m.left - 8} y={14 + rowH / 2 + 4} textAnchor="end" className="tick">step</text>
        <rect x={x(0)} y={14} width={x(critical[0].seconds) - x(0)} height={rowH} fill={COMPUTE} data-testid="time-compute" data-value={critical[0].seconds}>
          <title>{`compute ${formatSeconds(critical[0].seconds)}`}</title>
        </rect>
        <rect x={x(critical[0].seconds)} y={14} width={x(critical[0].seconds + critical[1].seconds) - x(critical[0].seconds)} height={rowH} fill={EXPOSED}
          data-testid="time-exposed" data-value={critical[1].seconds}>
          <title>{`exposed communication ${formatSeconds(critical[1].seconds)}`}</title>
        </rect>
        <text x={x(critical[0].seconds + critical[1].seconds) + 4} y={14 + rowH / 2 + 4} className="tick">{formatSeconds(time.step)}</text>
        {perAxis.map((p, i) => {
          const y = 14 + (i + 1) * (rowH + 8);
          return (
            <g key={p.label} data-testid={`time-axis-${p.axis}`} data-value={p.seconds}>
              <text x={m.left - 8} y={y + rowH / 2 + 4} textAnchor="end" className="tick">{`comm. on ${p.label}`}</text>
              <rect x={x(0)} y={y} width={Math.max(0, x(p.seconds) - x(0))} height={rowH} fill={axisColor(axisIndex(p.axis ?? ''))} opacity={0.85}>
                <title>{`collectives over ${p.label}: ${formatSeconds(p.seconds)} (overlapped with compute where possible)`}</title>
              </rect>
              <text x={x(p.seconds) + 4} y={y + rowH / 2 + 4} className="tick">{formatSeconds(p.seconds)}</text>
            </g>
          );
        })}
      </svg>
      <Legend items={[['compute', COMPUTE], ['exposed communication', EXPOSED], ...perAxis.map((p) => [`${p.label} (all collectives)`, axisColor(axisIndex(p.axis ?? ''))] as const)]} />
    </figure>
  );
}
