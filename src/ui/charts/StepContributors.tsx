/** The ops and collectives that cost most of a device's step, with their scope; a click selects the op in the graph. */
import { COLLECTIVE_COLOR } from '../graph/colors';
import type { StepContributor } from '../../core/contributors';
import { formatPercent, formatSeconds } from './format';
import { COMPUTE } from './TimeBreakdown';
import './charts.css';

/** `rows`: core/contributors.ts's list for the figures shown (the slider's stage or the whole schedule). */
export function StepContributors({ rows, device, step, onSelect }: { rows: readonly StepContributor[]; device: number; step: number; onSelect?: (c: StepContributor) => void }) {
  return (
    <figure className="chart" data-testid="step-contributors">
      <figcaption title={`What costs most of the step on device ${device}`}>What costs most of the step on device {device}</figcaption>
      <div className="table-scroll">
        <table className="chart-table" aria-label={`ops and collectives that cost most of the step on device ${device}`}>
          <thead><tr><th>op or collective</th><th className="aside">scope</th><th className="num aside">count</th><th className="num">time</th><th className="num">of step</th></tr></thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} data-testid="step-contributor-row" data-kind={r.kind} data-what={r.what} data-seconds={r.seconds} className={onSelect ? 'clickable' : ''}
                title={`${r.what}${r.axes?.length ? ` over ${r.axes.join('+')}` : ''} @ ${r.scope || '(top)'} ×${r.count}`} onClick={() => onSelect?.(r)}>
                <td className="name"><span className="dot" style={{ background: r.collective ? COLLECTIVE_COLOR[r.collective] : COMPUTE }} />{r.what}{r.axes?.length ? ` over ${r.axes.join('+')}` : ''}</td>
                <td className="aside"><code>{r.scope || '—'}</code></td>
                <td className="num aside">{r.count}</td>
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
