/**
 * The pipeline Gantt chart: one row per stage over the step's time, a bar per action (forward, backward with
 * its recomputed part, weight-gradient pass) labelled with its micro-batch; beneath each row, the
 * point-to-point sends it makes and the gradient reduction and optimizer after its last backward.
 */
import { scaleLinear } from 'd3';
import type { PipelineJson } from '../../core/report';
import { formatBytes, formatPercent, formatSeconds } from './format';
import { useWidth } from './useWidth';
import './charts.css';

export const PASS_COLOR = { F: '#4e79a7', B: '#f28e2b', W: '#59a14f', recompute: '#edc948', p2p: '#9c755f', reduce: '#b07aa1', optimizer: '#76b7b2' } as const;
const PASS_NAME = { F: 'forward', B: 'backward', W: 'weight gradient' } as const;

export function Gantt({ pipeline, width: widthProp }: { pipeline: PipelineJson; width?: number }) {
  const [ref, width] = useWidth<HTMLElement>(720, widthProp);
  const rowH = 22, subH = 7, gap = 8;
  const m = { top: 18, right: 12, bottom: 44, left: 64 };
  const rows = pipeline.perStage.length;
  const height = m.top + rows * (rowH + subH + gap) + m.bottom;
  const end = Math.max(...pipeline.perStage.map((s) => s.optimizer.end), ...pipeline.gantt.map((g) => g.end), 1e-12);
  const x = scaleLinear().domain([0, end]).range([m.left, width - m.right]);
  const rowY = (stage: number) => m.top + stage * (rowH + subH + gap);
  const labelled = (a: { start: number; end: number }) => x(a.end) - x(a.start) > 14;
  return (
    <figure className="chart" data-testid="gantt" ref={ref}>
      <figcaption>
        {pipeline.schedule === 'accumulate' ? `Gradient accumulation over ${pipeline.microbatches} micro-batches` : `${pipeline.schedule} pipeline: ${pipeline.stages} stages × ${pipeline.microbatches} micro-batches${pipeline.virtual > 1 ? `, ${pipeline.virtual} chunks per stage` : ''}`}
        {' — '}bubble <span data-testid="gantt-bubble" data-value={pipeline.bubbleFraction}>{(pipeline.bubbleFraction * 100).toFixed(1)} %</span>
        {pipeline.schedule !== 'accumulate' && <> (schedule analysis {formatPercent(pipeline.idealBubbleFraction)})</>}
        {pipeline.truncated && ' — first actions only'}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="pipeline schedule per stage">
        {pipeline.perStage.map((s) => (
          <g key={s.stage} data-testid={`gantt-stage-${s.stage}`} data-busy={s.busy} data-bubble={s.bubble}>
            <text x={m.left - 6} y={rowY(s.stage) + rowH / 2 + 4} textAnchor="end" className="tick">stage {s.stage}</text>
            <rect x={x(s.dataParallelReduction.start)} width={Math.max(0, x(s.dataParallelReduction.end) - x(s.dataParallelReduction.start))} y={rowY(s.stage) + rowH + 1} height={subH - 2} fill={PASS_COLOR.reduce}>
              <title>{`stage ${s.stage}: gradient reduction ${formatSeconds(s.dataParallelReduction.end - s.dataParallelReduction.start)}`}</title>
            </rect>
            <rect x={x(s.optimizer.start)} width={Math.max(1, x(s.optimizer.end) - x(s.optimizer.start))} y={rowY(s.stage)} height={rowH} fill={PASS_COLOR.optimizer}>
              <title>{`stage ${s.stage}: optimizer ${formatSeconds(s.optimizer.end - s.optimizer.start)}`}</title>
            </rect>
          </g>
        ))}
        {pipeline.gantt.map((a, i) => {
          const y = rowY(a.stage);
          const rc = a.recompute > 0 ? Math.min(x(a.end), x(a.start + a.recompute)) : x(a.start);
          return (
            <g key={i} data-testid="gantt-action" data-pass={a.pass} data-stage={a.stage} data-mb={a.microbatch}>
              <title>{`stage ${a.stage}: ${PASS_NAME[a.pass]} of micro-batch ${a.microbatch}${pipeline.virtual > 1 ? ` (chunk ${a.chunk})` : ''}, ${formatSeconds(a.end - a.start)}${a.recompute > 0 ? ` (recompute ${formatSeconds(a.recompute)})` : ''}`}</title>
              <rect x={x(a.start)} width={Math.max(0.5, x(a.end) - x(a.start))} y={y} height={rowH} fill={PASS_COLOR[a.pass]} stroke="#fff" strokeWidth={0.5} />
              {a.recompute > 0 && <rect x={x(a.start)} width={Math.max(0, rc - x(a.start))} y={y} height={rowH / 3} fill={PASS_COLOR.recompute} />}
              {labelled(a) && <text x={(x(a.start) + x(a.end)) / 2} y={y + rowH / 2 + 4} textAnchor="middle" className="gantt-label">{a.microbatch}</text>}
            </g>
          );
        })}
        {pipeline.p2p.map((s, i) => (
          <rect key={i} data-testid="gantt-p2p" x={x(s.start)} width={Math.max(0.5, x(s.end) - x(s.start))} y={rowY(s.from) + rowH + 1} height={subH - 2} fill={PASS_COLOR.p2p}>
            <title>{`send stage ${s.from} → ${s.to}, micro-batch ${s.microbatch}: ${formatSeconds(s.end - s.start)}`}</title>
          </rect>
        ))}
        {x.ticks(6).map((t) => (
          <text key={t} x={x(t)} y={height - m.bottom + 12} textAnchor="middle" className="tick">{formatSeconds(t)}</text>
        ))}
        <g className="gantt-legend">
          {(['F', 'B', 'W', 'recompute', 'p2p', 'reduce', 'optimizer'] as const).map((k, i) => (
            <g key={k} transform={`translate(${m.left + i * 104}, ${height - 6})`}>
              <rect width={10} height={8} y={-7} fill={PASS_COLOR[k]} />
              <text x={14} className="tick">{k === 'F' || k === 'B' || k === 'W' ? PASS_NAME[k] : k === 'reduce' ? 'grad reduction' : k}</text>
            </g>
          ))}
        </g>
      </svg>
    </figure>
  );
}

/** Per stage: peak memory (stacked by category), busy and bubble time, micro-batches in flight. */
export function PipelineStages({ pipeline }: { pipeline: PipelineJson }) {
  const max = Math.max(...pipeline.perStage.map((s) => s.peakMemory), 1);
  return (
    <table className="pipeline-stages" data-testid="pipeline-stages">
      <thead>
        <tr><th>stage</th><th>layers</th><th>peak memory</th><th>in flight</th><th>busy</th><th>bubble</th></tr>
      </thead>
      <tbody>
        {pipeline.perStage.map((s) => (
          <tr key={s.stage} data-testid={`pipeline-stage-${s.stage}`} data-peak={s.peakMemory} data-bubble={s.bubble} data-busy={s.busy}>
            <td>{s.stage}</td>
            <td>{s.layers.map(([a, b]) => (b > a ? `${a}–${b - 1}` : '—')).join(', ')}</td>
            <td>
              <span className="stage-mem-bar" style={{ width: `${(s.peakMemory / max) * 120}px` }} />
              {' '}{formatBytes(s.peakMemory)}
            </td>
            <td>{s.microbatchesInFlight}</td>
            <td>{formatSeconds(s.busy)}</td>
            <td>{formatSeconds(s.bubble)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

