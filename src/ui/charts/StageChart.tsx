/**
 * The effect of each tactic. The Report gives per stage what the tactic reached and its conflicts;
 * per-stage memory and step time are drawn when the stages carry them (`memory.peak`, `time.step`),
 * which the pipeline does not report yet.
 */
import { scaleBand, scaleLinear } from 'd3';
import type { Report } from '../../core/report';
import { stageEffects } from './data';
import { formatBytes, formatInteger, formatSeconds } from './format';
import { useWidth } from './useWidth';
import './charts.css';

export function StageChart({ stages, width: widthProp, height = 170 }: { stages: Report['stages']; width?: number; height?: number }) {
  const [ref, width] = useWidth<HTMLElement>(560, widthProp);
  const effects = stageEffects({ stages });
  if (effects.length === 0) return <div className="chart chart-note" data-testid="stage-chart" ref={ref as React.RefObject<HTMLDivElement | null>}>No tactics yet: the schedule is empty.</div>;
  const m = { top: 16, right: 12, bottom: 34, left: 52 };
  const x = scaleBand<number>().domain(effects.map((_, i) => i)).range([m.left, width - m.right]).padding(0.3);
  const y = scaleLinear().domain([0, Math.max(1, ...effects.map((e) => e.reached))]).nice(4).range([height - m.bottom, m.top]);
  const hasCosts = effects.some((e) => e.peak !== undefined || e.step !== undefined);
  return (
    <figure className="chart" data-testid="stage-chart" ref={ref}>
      <figcaption>Values each tactic sharded (conflicts in red)</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="per-tactic effect">
        {y.ticks(4).map((t) => (
          <g key={t}>
            <line x1={m.left} x2={width - m.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={m.left - 6} y={y(t) + 3} textAnchor="end" className="tick">{formatInteger(t)}</text>
          </g>
        ))}
        {effects.map((e, i) => (
          <g key={i} data-testid={`stage-bar-${i}`} data-value={e.reached}>
            <title>{`${e.tactic} on ${e.axis}: seeded ${e.seeded}, reached ${e.reached}, ${e.conflicts} conflicts${e.peak !== undefined ? `, peak ${formatBytes(e.peak)}` : ''}${e.step !== undefined ? `, step ${formatSeconds(e.step)}` : ''}`}</title>
            <rect x={x(i)} width={x.bandwidth()} y={y(e.reached)} height={y(0) - y(e.reached)} fill="#4e79a7" />
            {e.conflicts > 0 && <text x={(x(i) ?? 0) + x.bandwidth() / 2} y={y(e.reached) - 3} textAnchor="middle" className="conflict">{e.conflicts} ⚠</text>}
            <text x={(x(i) ?? 0) + x.bandwidth() / 2} y={height - m.bottom + 13} textAnchor="middle" className="tick">{e.tactic}</text>
            <text x={(x(i) ?? 0) + x.bandwidth() / 2} y={height - m.bottom + 25} textAnchor="middle" className="tick muted">{e.axis}</text>
          </g>
        ))}
      </svg>
      {!hasCosts && <div className="chart-note">Per-tactic memory and time need per-stage figures in the report.</div>}
    </figure>
  );
}
