/** Per tactic: its axis, what it seeded, what propagation reached, and its conflicts, grouped and explained. */
import { Fragment, useState } from 'react';
import type { StageJson } from '../core/report';
import { StageBoundaries } from './panels/StageBoundaries';
import { conflictSummary } from '../core/conflictSummary';
import { useApp } from './store';

function ConflictGroups({ stage }: { stage: StageJson }) {
  return (
    <ul className="conflict-groups" data-testid="conflict-groups">
      {(stage.conflictGroups ?? []).map((g, i) => (
        <li key={i} className={g.expected ? 'expected' : 'attention'} data-testid="conflict-group" data-expected={g.expected} data-count={g.count}>
          <b>{g.count} × {g.expected ? 'expected' : 'needs attention'}</b> on <code>{g.axis}</code>: {g.existing} ({g.against}) vs {g.incoming} ({g.tactic})
          <div className="muted">{g.explanation.replace(/^(expected|deserves attention): /, '')}.</div>
          <div className="muted small">e.g. {g.values.map((v, k) => <Fragment key={v}>{k ? ', ' : ''}<code>{v}</code></Fragment>)}{g.count > g.values.length ? ', …' : ''}</div>
        </li>
      ))}
    </ul>
  );
}

export function StagesPanel() {
  const stages = useApp((s) => s.report?.stages);
  const stale = useApp((s) => s.reportStale);
  const [open, setOpen] = useState<number | null>(null);
  if (!stages) return null;
  if (stages.length === 0) return <div className="stages muted pad" data-testid="stages">No tactic applied: every value is replicated.</div>;
  return (<>
    <table className={stale ? 'stages stale' : 'stages'} data-testid="stages">
      <thead>
        <tr><th>#</th><th>tactic</th><th>axis</th><th>seeded</th><th>reached</th><th>conflicts</th></tr>
      </thead>
      <tbody>
        {stages.map((s, i) => {
          const attention = (s.conflictGroups ?? []).some((g) => !g.expected);
          return (
            <Fragment key={i}>
              <tr data-testid={`stage-${i}`}>
                <td>{i + 1}</td>
                <td><code>{s.tactic}</code></td>
                <td>{s.axis}</td>
                <td title={s.seeded.slice(0, 20).map((x) => `${x.value}: ${x.sharding}`).join('\n')}>{s.seeded.length}</td>
                <td data-value={s.reached}>{s.reached}</td>
                <td className={attention ? 'warn' : s.conflicts.length ? 'expected' : undefined} data-value={s.conflicts.length}>
                  {s.conflicts.length === 0 ? '0' : (
                    <button type="button" className="link" data-testid={`stage-conflicts-${i}`} aria-expanded={open === i}
                      title="Show the conflicts grouped, with which are expected and which deserve attention"
                      onClick={() => setOpen(open === i ? null : i)}>{conflictSummary(s)} {open === i ? '▴' : '▾'}</button>
                  )}
                </td>
              </tr>
              {open === i && <tr><td colSpan={6}><ConflictGroups stage={s} /></td></tr>}
            </Fragment>
          );
        })}
      </tbody>
    </table>
    <StageBoundaries />
  </>);
}
