/** The ops and collectives that cost most of a device's step, with their scope; a click selects the op in the graph. */
import { useMemo } from 'react';
import type { Report } from '../../core/report';
import { COLLECTIVE_COLOR } from '../graph/colors';
import { stepContributors, type StepContributor } from './contributors';
import { formatPercent, formatSeconds } from './format';
import { COMPUTE } from './TimeBreakdown';
import './charts.css';

export function StepContributors({ timeline, step, onSelect }: { timeline: Report['timeline']; step: number; onSelect?: (c: StepContributor) => void }) {
  const rows = useMemo(() => stepContributors(timeline), [timeline]);
  const device = timeline[0]?.device ?? 0;
  return (
    <figure className="chart" data-testid="step-contributors">
      <figcaption>What costs most of the step on device {device}</figcaption>
      <div className="table-scroll">
        <table className="chart-table" aria-label={`ops and collectives that cost most of the step on device ${device}`}>
          <thead><tr><th>op or collective</th><th>scope</th><th className="num">count</th><th className="num">time</th><th className="num">of step</th></tr></thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} data-testid="step-contributor-row" data-kind={r.kind} className={onSelect ? 'clickable' : ''} onClick={() => onSelect?.(r)}>
                <td><span className="dot" style={{ background: r.collective ? COLLECTIVE_COLOR[r.collective] : COMPUTE }} />{r.what}{r.axes?.length ? ` over ${r.axes.join('+')}` : ''}</td>
                <td><code>{r.scope || '—'}</code></td>
                <td className="num">{r.count}</td>
                <td className="num">{formatSeconds(r.seconds)}</td>
                <td className="num">{step > 0 ? formatPercent(r.seconds / step) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="chart-note">Busy time per lane: a collective that overlaps compute costs the step only its exposed part.</div>
    </figure>
  );
}
