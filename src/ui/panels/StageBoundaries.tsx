/**
 * The values crossing each pipeline stage's boundary (sent to or received from another stage once per
 * micro-batch), one collapsible line per stage: what the stage split costs in point-to-point traffic.
 */
import type { PipelineStageJson } from '../../core/report';
import { formatBytes } from '../format';
import { useApp } from '../store';

const total = (s: PipelineStageJson, dir: 'in' | 'out') => s.boundaries.filter((b) => b.direction === dir).reduce((n, b) => n + b.bytes, 0);

export function StageBoundaries() {
  const pipeline = useApp((s) => s.report?.pipeline);
  if (!pipeline || pipeline.axis === null) return null;
  return (
    <div className="stage-boundaries pad" data-testid="stage-boundaries">
      <div className="muted small">Pipeline stage boundaries (per device, per micro-batch)</div>
      {pipeline.perStage.map((s) => (
        <details key={s.stage} data-testid={`stage-boundary-${s.stage}`} data-count={s.boundaries.length}>
          <summary>
            stage {s.stage}: receives {formatBytes(total(s, 'in'))}, sends {formatBytes(total(s, 'out'))}
            {' '}<span className="muted">({s.boundaries.length} value{s.boundaries.length === 1 ? '' : 's'})</span>
          </summary>
          <ul>
            {s.boundaries.map((b, i) => (
              <li key={i} data-testid="stage-boundary-value">
                {b.direction === 'out' ? '→' : '←'} {b.peer} {b.pass} <code>{b.value}</code>{' '}
                <span className="muted">[{b.shape.join(', ')}] {b.dtype} · {formatBytes(b.bytes)}</span>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </div>
  );
}
