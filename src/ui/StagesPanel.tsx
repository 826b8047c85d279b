/** Per tactic: its axis, what it seeded, what propagation reached, and its conflicts. */
import { useApp } from './store';

export function StagesPanel() {
  const stages = useApp((s) => s.report?.stages);
  const stale = useApp((s) => s.reportStale);
  if (!stages) return null;
  if (stages.length === 0) return <div className="stages muted pad" data-testid="stages">No tactic applied: every value is replicated.</div>;
  return (
    <table className={stale ? 'stages stale' : 'stages'} data-testid="stages">
      <thead>
        <tr><th>#</th><th>tactic</th><th>axis</th><th>seeded</th><th>reached</th><th>conflicts</th></tr>
      </thead>
      <tbody>
        {stages.map((s, i) => (
          <tr key={i} data-testid={`stage-${i}`}>
            <td>{i + 1}</td>
            <td><code>{s.tactic}</code></td>
            <td>{s.axis}</td>
            <td title={s.seeded.slice(0, 20).map((x) => `${x.value}: ${x.sharding}`).join('\n')}>{s.seeded.length}</td>
            <td data-value={s.reached}>{s.reached}</td>
            <td className={s.conflicts.length ? 'warn' : undefined}
              title={s.conflicts.map((c) => `${c.value} (${c.axis}): ${c.message}`).join('\n')}>{s.conflicts.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
