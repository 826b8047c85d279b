/**
 * The popover a tactic dropped on a node opens: "partition this value" — the mesh axis, and for
 * ManualPartition the dimension (the value's dimensions, those the axis cannot tile disabled, with why).
 * Presets act on the whole model; the popover says so and offers partitioning only this value instead.
 */
import { useEffect, useRef, useState } from 'react';
import { defaultAxisFor, dimChoices, duplicateWarning } from './dropChoice';
import type { PendingDrop } from './palette';
import { useApp } from './store';

export function DropPopover({ drop, onInsert, onCancel }: {
  drop: PendingDrop;
  onInsert: (d: PendingDrop, axis: string, dim: number | 'largest') => void;
  onCancel: () => void;
}) {
  const axes = useApp((s) => s.doc.mesh.axes);
  const text = useApp((s) => s.doc.tactics);
  const [tactic, setTactic] = useState(drop.tactic);
  const [axis, setAxis] = useState(() => defaultAxisFor(drop.tactic, axes.map((a) => a.name)));
  const [dim, setDim] = useState<number | 'largest'>('largest');
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const meshAxis = axes.find((a) => a.name === axis) ?? { name: axis, size: 1 };
  const dims = tactic === 'ManualPartition' ? dimChoices(drop.shardedType, meshAxis) : [];
  const dimProblem = typeof dim === 'number' ? dims[dim]?.problem ?? null : null;
  const warning = duplicateWarning(text, tactic, axis);
  const preset = tactic !== 'ManualPartition';
  const current = { ...drop, tactic };
  return (
    <div className="drop-popover" role="dialog" aria-label={`Partition ${drop.label}`} data-testid="drop-popover"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}>
      <div className="drop-title"><b>{tactic}</b> on <code>{drop.path ?? drop.label}</code></div>
      {drop.shardedType && <div className="muted small"><code>{drop.shardedType}</code></div>}
      <label className="drop-row">axis
        <select ref={first} value={axis} data-testid="drop-axis" onChange={(e) => setAxis(e.currentTarget.value)}>
          {axes.map((a) => <option key={a.name} value={a.name}>{`${a.name} (${a.size})`}</option>)}
        </select>
      </label>
      {tactic === 'ManualPartition' && dims.length > 0 && (
        <label className="drop-row">dimension
          <select value={String(dim)} data-testid="drop-dim" onChange={(e) => setDim(e.currentTarget.value === 'largest' ? 'largest' : Number(e.currentTarget.value))}>
            <option value="largest">largest that divides</option>
            {dims.map((d) => (
              <option key={d.dim} value={d.dim} disabled={d.problem !== null}>
                {`${d.dim}: ${d.size}${d.axes.length ? ` (on ${d.axes.join('+')})` : ''}${d.problem ? ` — ${d.problem}` : ''}`}
              </option>
            ))}
          </select>
        </label>
      )}
      {preset && (
        <div className="drop-note small" data-testid="drop-note">
          {tactic} partitions the whole model on <b>{axis}</b>, not only this node.
          {drop.path && (
            <> <button type="button" className="linkish" data-testid="drop-only-this" onClick={() => setTactic('ManualPartition')}>Partition only this value</button></>
          )}
        </div>
      )}
      {warning && <div className="drop-warning small" data-testid="drop-warning">{warning}</div>}
      {dimProblem && <div className="drop-warning small">{dimProblem}</div>}
      <div className="drop-actions">
        <button type="button" data-testid="drop-insert" disabled={dimProblem !== null} onClick={() => onInsert(current, axis, dim)}>Add tactic</button>
        <button type="button" data-testid="drop-cancel" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
