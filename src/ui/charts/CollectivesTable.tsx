/** Every collective of the step: kind, axes, bytes, time, the op it serves; sortable by any column. */
import { useMemo, useState } from 'react';
import type { CollectiveJson } from '../../core/report';
import { COLLECTIVE_COLOR } from '../graph/colors';
import { collectivesByAxes, sortCollectives, type CollectiveSortKey } from './data';
import { formatBytes, formatSeconds } from './format';
import './charts.css';

const COLUMNS: { key: CollectiveSortKey; label: string; numeric?: boolean }[] = [
  { key: 'kind', label: 'kind' }, { key: 'axes', label: 'axes' }, { key: 'bytes', label: 'bytes', numeric: true },
  { key: 'seconds', label: 'time', numeric: true }, { key: 'phase', label: 'phase' }, { key: 'op', label: 'op' },
];

export function CollectivesTable({ collectives, onSelectOp, maxRows = 400 }: {
  collectives: readonly CollectiveJson[];
  onSelectOp?: (c: CollectiveJson) => void;
  maxRows?: number;
}) {
  const [sort, setSort] = useState<{ key: CollectiveSortKey; desc: boolean }>({ key: 'seconds', desc: true });
  const rows = useMemo(() => sortCollectives(collectives, sort.key, sort.desc), [collectives, sort]);
  const groups = useMemo(() => collectivesByAxes(collectives), [collectives]);
  if (collectives.length === 0) return <div className="chart chart-note" data-testid="collectives-table">No collectives: every op runs on local data.</div>;
  return (
    <figure className="chart" data-testid="collectives-table">
      <figcaption>
        {collectives.length} collectives ·{' '}
        {groups.slice(0, 4).map((g) => `${g.kind} on ${g.axes.join('+')}: ${formatSeconds(g.seconds)}`).join(' · ')}
      </figcaption>
      <div className="table-scroll">
        <table className="chart-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} className={c.numeric ? 'num' : ''} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" data-testid={`collectives-sort-${c.key}`}
                    onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : !!c.numeric }))}>
                    {c.label}{sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, maxRows).map((c, i) => (
              <tr key={i} data-testid={`collective-row-${i}`} onClick={() => onSelectOp?.(c)} className={onSelectOp ? 'clickable' : ''}>
                <td><i className="dot" style={{ background: COLLECTIVE_COLOR[c.kind] }} />{c.kind}</td>
                <td>{c.axes.join('+')}</td>
                <td className="num" data-value={c.bytes}>{formatBytes(c.bytes)}</td>
                <td className="num" data-value={c.seconds}>{formatSeconds(c.seconds)}</td>
                <td>{c.phase}</td>
                <td title={c.scope}><code>{c.op}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > maxRows && <div className="chart-note">showing {maxRows} of {rows.length}</div>}
    </figure>
  );
}
