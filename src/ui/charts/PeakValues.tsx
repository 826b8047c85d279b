/** The values live at a device's memory peak, largest first: op, scope, category and share of the peak. */
import type { DeviceMemory } from '../../core/report';
import { MEMORY_COLOR } from './data';
import { formatBytes, formatPercent } from './format';
import './charts.css';

export function PeakValues({ memory }: { memory: DeviceMemory }) {
  const top = memory.topValues ?? [];
  const listed = top.reduce((s, v) => s + v.bytes, 0);
  return (
    <figure className="chart" data-testid="peak-values">
      <figcaption title={`Largest values at the peak on device ${memory.device} (${formatBytes(memory.peak)})`}>Largest values at the peak on device {memory.device} ({formatBytes(memory.peak)})</figcaption>
      <div className="table-scroll">
        <table className="chart-table" aria-label={`largest values live at the memory peak of device ${memory.device}`}>
          <thead><tr><th>value</th><th className="aside">op</th><th className="aside">scope</th><th className="aside">category</th><th className="num">bytes</th><th className="num">of peak</th></tr></thead>
          <tbody>
            {top.map((v, i) => (
              <tr key={i} data-testid="peak-value-row" data-bytes={v.bytes} title={`${v.value} (${v.category}) · ${v.op} @ ${v.scope || '(top)'}`}>
                <td className="name"><span className="dot narrow-only" style={{ background: MEMORY_COLOR[v.category] }} /><code>{v.value}</code></td>
                <td className="aside">{v.op}</td>
                <td className="aside"><code>{v.scope || '—'}</code></td>
                <td className="aside"><span className="dot" style={{ background: MEMORY_COLOR[v.category] }} />{v.category}</td>
                <td className="num">{formatBytes(v.bytes)}</td>
                <td className="num">{memory.peak > 0 ? formatPercent(v.bytes / memory.peak) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="chart-note">These {top.length} values hold {formatBytes(listed)} ({memory.peak > 0 ? formatPercent(listed / memory.peak) : '—'}) of the peak; the bars above split all of it by category.</div>
    </figure>
  );
}
